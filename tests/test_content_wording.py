"""Product text reads as coaching: no editorial notes, and no run of 8 words copied from the articles."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
SCRIPT = ROOT / "scripts" / "check_overlap.py"

spec = importlib.util.spec_from_file_location("check_overlap", SCRIPT)
check_overlap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_overlap)

EDITORIAL = re.compile(r"seed|source says|no rep count", re.I)


def test_no_product_text_reads_like_an_editorial_note():
    offenders = [(where, text[:80]) for where, text in check_overlap.product_texts() if EDITORIAL.search(text)]
    assert offenders == []


def test_the_wording_check_sees_yaml_and_template_text(tmp_path):
    content = tmp_path / "content.yaml"
    content.write_text("exercises:\n  - summary: No rep count in the source; do what feels right.\n")
    page = tmp_path / "templates"
    page.mkdir()
    (page / "page.html").write_text("{# seed #}<p>{{ x }} As the seed articles say</p>")
    texts = [t for _, t in check_overlap.product_texts([content], page)]
    assert len([t for t in texts if EDITORIAL.search(t)]) == 2


def test_no_eight_word_run_is_shared_with_the_articles():
    assert check_overlap.find_overlaps(SEEDS) == []


def test_the_overlap_check_catches_a_copied_sentence(tmp_path):
    article = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    sentence = " ".join(check_overlap.words(article)[40:52])
    content = tmp_path / "content.yaml"
    content.write_text(f"sources:\n  - title: {sentence}\nexercises:\n  - summary: Our words here. {sentence}.\n")
    found = check_overlap.find_overlaps(SEEDS, [content], None)
    assert len(found) == 1 and found[0][2] == sentence  # the title is cited, the summary copied


def test_the_script_exits_1_on_a_copy_and_0_on_the_real_content(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # An "article" that lifts a sentence of our own program text: the script must flag it.
    texts = check_overlap.product_texts(check_overlap.CONTENT_FILES[1:], None)
    ours = next(text for _, text in texts if len(text.split()) > 20)
    (seeds / "a.txt").write_text("Intro words. " + ours)
    copied = subprocess.run([sys.executable, str(SCRIPT), str(seeds)], capture_output=True, text=True)
    assert copied.returncode == 1 and "programs.yaml shares with a.txt" in copied.stdout
    clean = subprocess.run([sys.executable, str(SCRIPT), str(SEEDS)], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    missing = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert missing.returncode == 2


@pytest.mark.skipif(not (ROOT.parent / "shared" / "seeds").is_dir(), reason="the shared articles are not here")
def test_the_copied_articles_match_the_shared_ones():
    shared = ROOT.parent / "shared" / "seeds"
    for path in SEEDS.glob("*.txt"):
        assert path.read_bytes() == (shared / path.name).read_bytes()
