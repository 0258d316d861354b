"""A book thick enough for a wider gutter: its text block keeps its width and moves outward, so
the text is laid out once (issue: long books at linear cost).

The generated book runs to about 160 pages with a theme whose gutter is 0.375 in: past 150 pages
every vendor needs 0.5 in, so the first layout calls for a wider gutter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, build_in, unavailable

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def thick(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gutter")
    generate(root / "books", 56000, chapters=6)
    (root / "books/book.theme").mkdir()
    (root / "books/book.theme/theme.yaml").write_text("print:\n  margins: {inside: 0.375, outside: 0.6}\n")
    assert build_in(root, "books/book.yaml", "--format", "print-pdf") == 0
    return root


def extent(pdf: Path, page: int) -> tuple[float, float]:
    """(left, right) gaps between a page's words and its edges, in inches."""
    if not shutil.which("pdftotext"):
        unavailable("pdftotext is not installed (Debian poppler-utils, see .ci/run)")
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html)[1])
    lefts = [float(x) for x in re.findall(r'<word xMin="([\d.]+)"', html)]
    rights = [float(x) for x in re.findall(r'xMax="([\d.]+)"', html)]
    return min(lefts) / 72, (width - max(rights)) / 72


def test_the_text_is_laid_out_once_and_moved_to_the_wider_gutter(thick):
    pdf = thick / "build/book/book-print.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1])
    assert 150 < pages <= 300  # the gutter this count needs is 0.5 in, the theme's 0.375 in
    # six chapters laid out once each; the skeleton (running heads, folios) twice, once per gutter
    assert len([p for p in (thick / "build/.cache/layout").rglob("*") if p.is_file()]) == 6 + 2
    for page in (20, 21):  # a left-hand page and a right-hand page in the body
        left, right = extent(pdf, page)
        gutter, outside = (right, left) if page % 2 == 0 else (left, right)
        assert gutter == pytest.approx(0.5, abs=0.01)  # the wider gutter, on the side of the spine
        assert outside == pytest.approx(0.475, abs=0.01)  # what the outer margin gave: the width is kept
