"""List every run of 8 or more words shared between Legwork's product text and the reference articles.

Usage: python scripts/check_overlap.py [seeds dir]   (default: ../shared/seeds beside the repo)
Exits 1 and prints each shared run if there is any. Product text is every string in the exercise and
program YAML files (source titles and citations aside) and the literal text of the page templates.
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RUN = 8
CONTENT_FILES = [ROOT / "exercises" / "content" / "exercises.yaml", ROOT / "programs" / "content" / "programs.yaml"]
TEMPLATE_DIR = ROOT / "templates"
# Titles are cited on purpose, so they are not copying.
SKIP_KEYS = {"title", "citation", "slug"}


def words(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("’", "'").replace("'", "")).split()


def strings(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, key)
    elif isinstance(node, str) and key not in SKIP_KEYS:
        yield node


def template_text(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}|<!--.*?-->", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def product_texts(content_files=CONTENT_FILES, template_dir=TEMPLATE_DIR):
    for path in content_files:
        for text in strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield f"{path.name}", text
    if template_dir and template_dir.exists():
        for path in sorted(template_dir.rglob("*.html")):
            yield str(path.relative_to(template_dir)), template_text(path)


def article_runs(seeds_dir):
    runs = {}
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        w = words(path.read_text(encoding="utf-8"))
        for i in range(len(w) - RUN + 1):
            runs.setdefault(tuple(w[i : i + RUN]), path.name)
    return runs


def find_overlaps(seeds_dir, content_files=CONTENT_FILES, template_dir=TEMPLATE_DIR):
    """(where, article, shared words) for every maximal shared run of RUN or more words."""
    runs = article_runs(seeds_dir)
    found = []
    for where, text in product_texts(content_files, template_dir):
        w = words(text)
        i = 0
        while i <= len(w) - RUN:
            article = runs.get(tuple(w[i : i + RUN]))
            if article is None:
                i += 1
                continue
            end = i + RUN
            while end < len(w) and tuple(w[end - RUN + 1 : end + 1]) in runs:
                end += 1
            found.append((where, article, " ".join(w[i:end])))
            i = end
    return found


def main(argv):
    seeds_dir = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "seeds"
    if not seeds_dir.is_dir():
        print(f"No articles at {seeds_dir}", file=sys.stderr)
        return 2
    found = find_overlaps(seeds_dir)
    for where, article, run in found:
        print(f"{where} shares with {article}: {run}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
