"""What the library filters should return, worked out from the content file alone (not from the app's queries)."""

import re

from exercises import content as exercise_content

ROWS = exercise_content.read()["exercises"]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def expected_slugs(q=None, muscle=None, equipment=None, pattern=None, no_equipment=False):
    found = set()
    for row in ROWS:
        if q:
            text = q.strip().lower()
            names = [row["name"]] + list(row["aliases"])
            if not any(text in n.lower() for n in names):
                continue
        if muscle and muscle not in row["primary_muscles"] + row["secondary_muscles"]:
            continue
        if equipment and equipment not in row["equipment"]:
            continue
        if pattern and row["pattern"] != pattern:
            continue
        if no_equipment and "bodyweight" not in row["equipment"]:
            continue
        found.add(row["slug"])
    return found


def external_assets(html):
    """Every src/href in a page that points off the machine (http://, https:// or protocol-relative)."""
    return EXTERNAL.findall(html)


def local_assets(html):
    return re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
