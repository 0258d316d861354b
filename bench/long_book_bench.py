"""Long books: does a print or screen PDF cost time and memory in proportion to its pages?

Generates books of about 90,000, 300,000 and 600,000 words (about 300, 1,000 and 2,000 pages at
6 x 9 in; bench/generate.py, one chapter per 3,000 words) and builds each from an empty cache, as
a fresh process: the print PDF with -j 1 and -j 2, the screen PDF with -j 2. Prints one row per
build: pages, seconds, milliseconds a page, the highest peak memory of any process, and the time
against the smallest book's scaled by pages (1.00: linear). Issue 20's targets: at 1,000 pages at
most 3.3x the 300-page book's time, no process over 350 MB (print) or 450 MB (screen).

    python bench/long_book_bench.py [--words 90000 300000 600000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from build_bench import PUBKIT, timed
from generate import generate

BUILDS = (("print-pdf", "1"), ("print-pdf", "2"), ("screen-pdf", "2"))


def pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[90_000, 300_000, 600_000])
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="pubkit-long-"))
    first: dict[tuple[str, str], float] = {}
    print(f"{'book':>14} {'output':>10} {'jobs':>4} {'pages':>6} {'seconds':>8} {'ms/page':>8} {'peak MiB':>8} {'vs linear':>9}")
    try:
        for words in args.words:
            folder = root / f"w{words}"
            shutil.rmtree(folder, ignore_errors=True)
            generate(folder / "books", words, chapters=max(1, words // 3000))
            for output, jobs in BUILDS:
                shutil.rmtree(folder / "build", ignore_errors=True)  # a cold build: no cache
                seconds, peak = timed([*PUBKIT, "build", "books/book.yaml", "--format", output, "-j", jobs, "--quiet"], folder)
                count = pages(folder / "build/book" / f"book-{output.removesuffix('-pdf')}.pdf")
                per_page = seconds / count
                first.setdefault((output, jobs), per_page)
                print(f"{words:>8} words {output:>10} {jobs:>4} {count:>6} {seconds:>8.1f} {per_page * 1000:>8.1f} "
                      f"{peak:>8} {per_page / first[(output, jobs)]:>9.2f}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
