"""EPUB build time: pubkit against pandoc on the same generated Markdown.

Generates a deterministic book of about 100,000 words (32 chapters with footnotes and block
quotes), then times `pubkit build` and `pandoc -o book.epub` on it, each as a fresh process,
and prints the median of several runs and their ratio. Needs `pip install -e '.[bench]'`.

    python bench/epub_bench.py [--words 100000] [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the party congress workers soviet committee bread grain price factory revolution "
         "secretariat opposition letter exile winter city district member vote question office "
         "power debate market peasant cloth rail clerk order meeting hall argument history year "
         "and of to in a that it was for on with as by at from but not which they this had").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] = f'"{rng.choice(WORDS)}"'
    return " ".join(words) + rng.choice([".", ".", ".", ";", "?"])


def paragraph(rng: random.Random, n: int) -> str:
    return " ".join(sentence(rng) for _ in range(n))


def generate(folder: Path, words: int, chapters: int = 32) -> list[Path]:
    """Write texts/chNN.md and book.yaml; return the texts in order."""
    rng = random.Random(1917)
    texts_dir = folder / "texts"
    texts_dir.mkdir(parents=True, exist_ok=True)
    per_chapter = words // chapters
    paths = []
    for c in range(1, chapters + 1):
        parts, count, note = [f"---\ntitle: Chapter {c}\n---\n# Chapter {c}\n"], 0, 0
        notes = []
        while count < per_chapter:
            kind = rng.random()
            if kind < 0.1:
                text = paragraph(rng, 3)
                parts.append("> " + text)
            elif kind < 0.15:
                text = paragraph(rng, 1)
                parts.append(f"## {text.split()[0]} {text.split()[1]}")
            else:
                text = paragraph(rng, rng.randint(3, 7))
                if rng.random() < 0.3:
                    note += 1
                    # labels unique across the book, since pandoc joins its inputs into one document
                    label = f"c{c}n{note}"
                    text += f"[^{label}]"
                    note_text = paragraph(rng, rng.randint(1, 2))
                    notes.append(f"[^{label}]: {note_text}")
                    count += len(note_text.split())
            parts.append(text)
            count += len(text.split())
        path = texts_dir / f"ch{c:02d}.md"
        path.write_text("\n\n".join(parts + notes) + "\n", encoding="utf-8")
        paths.append(path)
    (folder / "book.yaml").write_text(
        "title: A Generated Book\ncreators: [{name: Bench Mark, role: author}]\nlanguage: en\n"
        "date: 2024-01-01\nfront: [titlepage, contents]\nbody:\n  - texts/ch*.md\nback: [notes]\n", encoding="utf-8")
    return paths


def timed(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
        pubkit_s = timed([sys.executable, "-m", "pubkit", "build", "book.yaml", "--out", "out"], folder, args.runs)
        pandoc_s = timed([pandoc, *[str(p.relative_to(folder)) for p in texts], "--toc", "-o", "pandoc.epub"], folder, args.runs)
        print(f"book: {len(texts)} chapters, about {args.words:,} words (median of {args.runs} runs, fresh process each)")
        print(f"pubkit EPUB: {pubkit_s:6.2f} s")
        print(f"pandoc EPUB: {pandoc_s:6.2f} s  (pandoc {pypandoc.get_pandoc_version()})")
        print(f"ratio pubkit/pandoc: {pubkit_s / pandoc_s:.2f} (target: at most 0.50)")


if __name__ == "__main__":
    main()
