"""Write an HTML gallery of every exercise picture, light and dark, and optionally screenshot it.

    .venv/bin/python scripts/pose_gallery.py [--out /tmp/pose_gallery] [--shoot] [--only slug,slug]

Each row shows the start and end positions next to the exercise's steps, so a wrong pose stands out. Needs no
database or server: the page links the project's own CSS by file path. ``--shoot`` uses Playwright with
Debian's Chromium (/usr/bin/chromium) and writes light.png and dark.png (or one PNG per chunk).
"""

import argparse
import html
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercises import drawing  # noqa: E402


def build(out, only=None, size=200):
    data = yaml.safe_load((ROOT / "exercises" / "content" / "exercises.yaml").read_text(encoding="utf-8"))
    poses = drawing.load_poses()
    rows = []
    for ex in data["exercises"]:
        if only and ex["slug"] not in only:
            continue
        start, end, ls, le = drawing.picture_pair(ex["slug"], ex["name"])
        missing = "" if ex["slug"] in poses else " <strong>(no pose: neutral fallback)</strong>"
        steps = "".join(f"<li>{html.escape(str(s))}</li>" for s in ex["steps"])
        rows.append(
            f'<div class="g-row"><div class="g-pics"><div>{start}<br><small>start: {html.escape(ls)}</small></div>'
            f"<div>{end}<br><small>end: {html.escape(le)}</small></div></div>"
            f'<div class="g-text"><b>{html.escape(ex["name"])}</b> <code>{ex["slug"]}</code>{missing}'
            f"<ol>{steps}</ol></div></div>"
        )
    css = (ROOT / "static" / "css" / "legwork.css").as_uri()
    boot = (ROOT / "staticfiles" / "bootstrap" / "css" / "bootstrap.min.css").as_uri()
    gallery_css = (
        f".g-row{{display:flex;gap:12px;border-bottom:1px solid var(--bs-border-color);padding:6px}}"
        f".g-pics{{display:flex;gap:6px}} .g-pics svg{{width:{size}px;height:auto}}"
        ".g-text{font-size:12px;max-width:560px} .g-text ol{padding-left:18px;margin:0}"
    )
    out.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        page = (
            f'<!doctype html><html data-bs-theme="{theme}"><head><meta charset="utf-8">'
            f'<link rel="stylesheet" href="{boot}"><link rel="stylesheet" href="{css}">'
            f"<style>{gallery_css}</style></head><body>{''.join(rows)}</body></html>"
        )
        (out / f"{theme}.html").write_text(page, encoding="utf-8")
    return len(rows)


def shoot(out, chunk):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        for theme in ("light", "dark"):
            page.goto((out / f"{theme}.html").as_uri())
            rows = page.locator(".g-row")
            n = rows.count()
            for i in range(0, n, chunk):
                box_a = rows.nth(i).bounding_box()
                box_b = rows.nth(min(i + chunk, n) - 1).bounding_box()
                page.set_viewport_size({"width": 1100, "height": int(box_b["y"] + box_b["height"] + 10)})
                page.screenshot(
                    path=str(out / f"{theme}-{i // chunk:02d}.png"),
                    clip={"x": 0, "y": box_a["y"], "width": 1100, "height": box_b["y"] + box_b["height"] - box_a["y"]},
                )
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/pose_gallery"))
    parser.add_argument("--shoot", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--chunk", type=int, default=6)
    parser.add_argument("--size", type=int, default=200, help="width of each picture in px")
    args = parser.parse_args()
    only = {s for s in args.only.split(",") if s}
    n = build(args.out, only, args.size)
    print(f"{n} exercises -> {args.out}/light.html, dark.html")
    if args.shoot:
        shoot(args.out, args.chunk)


if __name__ == "__main__":
    main()
