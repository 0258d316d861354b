"""pubkit site on a catalog of many small books (issue 21): the site from nothing, the site after one
book's text is edited, the largest feed page and the search index's size.

    python bench/catalog_bench.py [--books 1000] [--formats epub,web]

The books are generated: a chapter of about 300 words each, with real-looking metadata (authors
in several scripts, editors for some, subjects, five languages, descriptions). Both runs are
`pubkit site -j 2` in a fresh process; peak memory is that of the largest process of the run.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from build_bench import _peak_of_tree
from generate import paragraph, sentence

PUBKIT = [sys.executable, "-m", "pubkit"]
LANGUAGES = ["en", "es", "ru", "de", "fr"]
PEOPLE = ["Pavel Sorin", "Анна Воронцова", "Elena Suárez Ibarra", "Inés Okafor", "Mara Lindqvist", "Tomás Reyes",
          "Jean Morel", "Karl Weber", "Мария Лебедева", "Ahmed Karim", "Li Wei", "Olga Petrova"]
SUBJECTS = ["Labour history", "Revolution", "Trade unions", "Cooperatives", "Bread prices", "Factory councils",
            "Historia", "История", "Geschichte", "Histoire", "Soviets", "Land reform"]


def write_catalog(root: Path, count: int) -> None:
    rng = random.Random(1000)
    texts = root / "books/texts"
    texts.mkdir(parents=True)
    for n in range(1, count + 1):
        name = f"book-{n:04d}"
        role = "editor" if n % 7 == 0 else "author"
        people = rng.sample(PEOPLE, rng.randint(1, 2))
        creators = ", ".join(f"{{name: {person}, role: {role}}}" for person in people)
        (texts / f"{name}.md").write_text(f"# {sentence(rng)[:60].rstrip('.')}\n\n"
                                          + "\n\n".join(paragraph(rng, 4) for _ in range(4)) + "\n", encoding="utf-8")
        (root / f"books/{name}.yaml").write_text(
            f"title: 'Book {n}: {sentence(rng)[:50].rstrip('.')}'\n"
            f"creators: [{creators}]\n"
            f"language: {LANGUAGES[n % len(LANGUAGES)]}\n"
            f"date: {2000 + n % 26}-{1 + n % 12:02d}-{1 + n % 28:02d}\n"
            f"subjects: [{', '.join(rng.sample(SUBJECTS, 2))}]\n"
            f"description: '{paragraph(rng, 2)}'\n"
            f"body: [texts/{name}.md]\n", encoding="utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds, and the peak resident memory (kB) of the largest process of the command's tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0

    def watch():
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _peak_of_tree(process.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, errors = process.communicate()
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors[-3000:]}")
    return time.perf_counter() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=1000)
    parser.add_argument("--formats", default="epub,web", help="what `pubkit site` builds (default: epub,web)")
    parser.add_argument("--keep", type=Path, help="make the catalog in this (new) folder and keep it, to look into it after")
    args = parser.parse_args()
    formats = [f"--format={f}" for f in args.formats.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        write_catalog(root, args.books)
        command = [*PUBKIT, "site", "-j", "2", *formats]
        first, first_peak = timed(command, root)
        print(f"{args.books} books, site from nothing:     {first:7.1f} s   peak {first_peak / 1024:5.0f} MB", flush=True)
        text = root / "books/texts/book-0500.md" if args.books >= 500 else root / "books/texts/book-0001.md"
        text.write_text(text.read_text(encoding="utf-8") + "\nOne sentence more.\n", encoding="utf-8")
        again, again_peak = timed(command, root)
        print(f"site after one book's edit:          {again:7.1f} s   peak {again_peak / 1024:5.0f} MB   "
              f"({again / first:.1%} of from nothing)")
        site = root / "build/site"
        feeds = sorted((p.stat().st_size, p.relative_to(site).as_posix()) for p in (site / "opds").rglob("*") if p.is_file())
        print(f"feed files: {len(feeds)}, largest {feeds[-1][0] / 1000:.0f} kB ({feeds[-1][1]})")
        index = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
        print(f"search index (pagefind/): {index / 1e6:.1f} MB in {sum(1 for _ in (site / 'pagefind').rglob('*'))} files")
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        print(f"whole site: {total / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
