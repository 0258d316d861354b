"""EPUB build time: pubkit against pandoc on the same generated Markdown.

Generates a deterministic book of about 100,000 words (32 chapters with footnotes and block
quotes), then times `pubkit build` and `pandoc -o book.epub` on it, each as a fresh process,
and prints the median of several runs and their ratio. Every pubkit run starts from an empty
cache (a rebuild of an unchanged book is build_bench.py's business); the e-book cover, which
pandoc does not make, is timed apart. Needs `pip install -e '.[bench]'`.

    python bench/epub_bench.py [--words 100000] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

def timed(command: list[str], cwd: Path, runs: int, before=lambda: None) -> tuple[float, float]:
    """(first run, median of the runs after it); ``before`` runs before each."""
    times = []
    for _ in range(runs + 1):
        before()
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        texts = generate(folder, args.words)
        out = folder / "out"

        def empty_cache_but_the_cover() -> None:
            for kind in (out / ".cache").glob("*"):
                if kind.name != "cover":
                    shutil.rmtree(kind)
            shutil.rmtree(out / "book", ignore_errors=True)

        pubkit_s = timed([sys.executable, "-m", "pubkit", "build", "book.yaml", "--format", "epub", "--out", "out"], folder,
                         args.runs, empty_cache_but_the_cover)
        pandoc_s = timed([pandoc, *[str(p.relative_to(folder)) for p in texts], "--toc", "-o", "pandoc.epub"], folder, args.runs)
        print(f"book: {len(texts)} chapters, about {args.words:,} words (median of {args.runs} runs after a first one, "
              "fresh process each)")
        print(f"pubkit EPUB: {pubkit_s[1]:6.2f} s, an empty cache but for the e-book cover  (first build, which also "
              f"designs the cover: {pubkit_s[0]:.2f} s)")
        print(f"pandoc EPUB: {pandoc_s[1]:6.2f} s  (pandoc {pypandoc.get_pandoc_version()})")
        print(f"ratio pubkit/pandoc: {pubkit_s[1] / pandoc_s[1]:.2f}, first build {pubkit_s[0] / pandoc_s[1]:.2f} "
              "(target: at most 0.50)")


if __name__ == "__main__":
    main()
