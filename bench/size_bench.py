"""Inputs of every size (issue 11): each case builds, or fails with a clear diagnostic, in time and
memory proportional to its size. Every case runs at full size and at a quarter of it; the ratio of
their times, less what any build costs, shows the growth (about 4 for a linear step; 16 would be
quadratic).

    python bench/size_bench.py [--case NAME] [--formats epub,print-pdf]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build_bench import _peak_of_tree
from generate import paragraph, sentence

PUBKIT = [sys.executable, "-m", "pubkit"]
HEAD = "title: Size\ncreators: [{name: A. Writer, role: author}]\nlanguage: en\ndate: 2026-01-01\n"


def big_text(root: Path, scale: float) -> None:
    """One text of 10 MB (scale 1): about 1.6 million words, a heading every 200 paragraphs."""
    rng, parts, size, n = random.Random(1), ["---\ntitle: Big\n---\n"], 0, 0
    while size < 10_000_000 * scale:
        n += 1
        block = (f"## Section {n // 200}\n\n" if n % 200 == 0 else "") + paragraph(rng, 6)
        parts.append(block)
        size += len(block) + 2
    _book(root, {"big.md": "\n\n".join(parts)})


def many_notes(root: Path, scale: float) -> None:
    rng = random.Random(2)
    count = int(5000 * scale)
    body = "\n\n".join(f"{sentence(rng)}[^{i}] {sentence(rng)}" for i in range(count))
    notes = "\n\n".join(f"[^{i}]: {sentence(rng)}" for i in range(count))
    _book(root, {"notes.md": f"---\ntitle: Notes\n---\n\n{body}\n\n{notes}\n"})


def many_texts(root: Path, scale: float, count: int = 1000, sentences: int = 25) -> None:
    rng = random.Random(3)
    texts = {f"t{i:05d}.md": f"---\ntitle: Text {i}\n---\n\n" + paragraph(rng, sentences) for i in range(int(count * scale))}
    _book(root, texts)


def deep_list(root: Path, scale: float) -> None:
    depth = max(1, int(40 * scale))
    lines = [("  " * level) + f"- item at depth {level + 1}" for level in range(depth)]
    _book(root, {"list.md": "---\ntitle: List\n---\n\n" + "\n".join(lines) + "\n"})


def long_table(root: Path, scale: float) -> None:
    rng = random.Random(4)
    rows = "\n".join(f"| {i} | {sentence(rng)[:40]} | {rng.randint(1, 9999)} | {rng.choice(['yes', 'no'])} |"
                     for i in range(int(2000 * scale)))
    _book(root, {"table.md": "---\ntitle: Table\n---\n\n| No. | Item | Count | Kept |\n|---|---|---|---|\n" + rows + "\n"})


def huge_image(root: Path, scale: float) -> None:
    from PIL import Image

    pixels = 50_000_000 * scale
    width = int((pixels * 3 / 2) ** 0.5)
    height = int(pixels / width)
    (root / "texts").mkdir(parents=True, exist_ok=True)
    gradient = Image.linear_gradient("L").resize((width, height))
    gradient.convert("RGB").save(root / "texts/plate.jpg", quality=85)
    _book(root, {"plate.md": "---\ntitle: Plate\n---\n\n![A grey gradient, light to dark](plate.jpg)\n"})


def long_manifest(root: Path, scale: float) -> None:
    many_texts(root, scale, count=10_000, sentences=2)


CASES = {"10 MB text": big_text, "5,000 notes": many_notes, "1,000 texts": many_texts,
         "40-level list": deep_list, "2,000-row table": long_table, "50-megapixel image": huge_image,
         "10,000-entry manifest": long_manifest}


def _book(root: Path, texts: dict[str, str]) -> None:
    (root / "texts").mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (root / "texts" / name).write_text(text, encoding="utf-8")
    body = "".join(f"  - texts/{name}\n" for name in texts)
    (root / "book.yaml").write_text(HEAD + "front: [titlepage, contents]\nbody:\n" + body + "back: [notes]\n")


def run(command: list[str], cwd: Path, limit: float) -> tuple[float, int, int, str]:
    """Seconds, peak MiB of the command's processes, exit code, its last line of diagnostics."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _peak_of_tree(process.pid))
        if time.perf_counter() - started > limit:
            process.kill()
            process.wait()
            return limit, peak // 1024, -9, f"stopped after {limit:.0f} s"
        time.sleep(0.05)
    lines = [line for line in process.stderr.read().splitlines() if line.strip()]
    first = next((line for line in lines if "error[" in line or "internal error" in line), lines[-1] if lines else "")
    return time.perf_counter() - started, peak // 1024, process.returncode, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=list(CASES), action="append")
    parser.add_argument("--formats", default="epub", help="comma-separated formats to build (default: epub)")
    parser.add_argument("--limit", type=float, default=1800, help="seconds before a build is stopped")
    args = parser.parse_args()
    formats = [f"--format={f}" for f in args.formats.split(",")]
    with tempfile.TemporaryDirectory() as scratch:  # what any build costs: start, cover, one short text
        _book(Path(scratch), {"one.md": "---\ntitle: One\n---\n\nWords.\n"})
        base = run([*PUBKIT, "build", "book.yaml", *formats, "-j", "2", "--quiet"], Path(scratch), args.limit)[0]
    print(f"a one-paragraph book: {base:.1f} s; growth = (full - that) / (quarter - that), 4 for a linear step")
    print(f"{'case':24} {'size':>7} {'build':>9} {'peak':>9} {'exit':>5}  {'quarter':>8} {'growth':>7}  diagnostics")
    for name in args.case or CASES:
        results = {}
        for scale in (0.25, 1.0):
            with tempfile.TemporaryDirectory() as scratch:
                root = Path(scratch)
                CASES[name](root, scale)
                size = sum(p.stat().st_size for p in (root / "texts").rglob("*") if p.is_file())
                results[scale] = (size, *run([*PUBKIT, "build", "book.yaml", *formats, "-j", "2", "--quiet"], root, args.limit))
        size, seconds, peak, code, diagnostic = results[1.0]
        quarter = results[0.25][1]
        growth = f"{(seconds - base) / (quarter - base):7.1f}" if quarter - base > 0.25 else "      -"  # too quick to tell
        print(f"{name:24} {size / 1e6:6.1f}M {seconds:8.1f}s {peak:7d}Mi {code:5d}  {quarter:7.1f}s {growth}  "
              f"{diagnostic[:120]}", flush=True)


if __name__ == "__main__":
    main()
