"""The editor's loop, measured: cold and cached builds, one-chapter edits, jobs, check, memory.

Generates a deterministic book of about 100,000 words in 50 texts and 5 parts (footnotes, block
quotes, letters, verse, lists, tables; bench/generate.py), then runs each command as a fresh
process, as an editor would, and prints one row per measure with its ratio and the target
(issue 8). "Cold" means an empty cache; an "edit" changes one word of one chapter. Timings are
medians of --runs runs; memory is the highest peak of any process of a command (/proc).

    python bench/build_bench.py [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

PUBKIT = [sys.executable, "-m", "pubkit"]


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """Seconds, and the highest peak resident memory (MiB) of the command's processes."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _peak_of_tree(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return seconds, peak // 1024


def _peak_of_tree(pid: int) -> int:
    peak, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                peak = max(peak, next(int(line.split()[1]) for line in status if line.startswith("VmHWM")))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return peak


def median(runs: int, measure) -> tuple[float, int]:
    results = [measure() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        texts = generate(folder, 100_000, chapters=50, parts=5)
        chapter = folder / "texts/ch17.md"
        edits = iter(range(1, 1_000_000))

        def edit() -> None:
            """One word more in the chapter's first sentence: every edit a new text."""
            head, title, body = re.split(r"\n(# .*)\n", chapter.read_text(), maxsplit=1)
            body = re.sub(r"(\w)([.;?])", lambda m: f"{m[1]} edit{next(edits)}{m[2]}", body, count=1)
            chapter.write_text(f"{head}\n{title}\n{body}")

        def build(*options: str, cold: bool = True):
            def run():
                if cold:
                    shutil.rmtree(folder / "build", ignore_errors=True)
                return timed([*PUBKIT, "build", "book.yaml", *options], folder)
            return run

        def edited(*options: str):
            def run():
                edit()
                return timed([*PUBKIT, "build", "book.yaml", *options], folder)
            return run

        rows = []
        cold, cold_memory = median(args.runs, build())
        before = digests(folder / "build")
        unchanged, _ = median(args.runs, build(cold=False))
        assert digests(folder / "build") == before, "a rebuild with nothing changed changed an output"
        rows.append(("no-change rebuild / cold build", unchanged, cold, 0.05))

        epub_cold, _ = median(args.runs, build("--format", "epub"))
        epub_edit, _ = median(args.runs, edited("--format", "epub"))
        rows.append(("one chapter edited: EPUB / its cold build", epub_edit, epub_cold, 0.35))

        print_cold, print_memory = median(args.runs, build("--format", "print-pdf"))
        print_edit, _ = median(args.runs, edited("--format", "print-pdf"))
        rows.append(("one chapter edited: print PDF / its cold build", print_edit, print_cold, 0.30))

        one_job, one_job_memory = median(args.runs, build("-j", "1"))
        two_jobs, _ = median(args.runs, build("-j", "2"))
        rows.append(("cold build with -j 2 / with -j 1", two_jobs, one_job, 0.65))

        import pypandoc

        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        pandoc, pandoc_memory = median(args.runs, lambda: timed(
            [pypandoc.get_pandoc_path(), *[str(p.relative_to(folder)) for p in texts], "--toc",
             "--pdf-engine=weasyprint", "-o", "pandoc.pdf"], folder, env))
        rows.append(("cold print PDF / pandoc + WeasyPrint (same Markdown)", print_cold, pandoc, 1.0))

        def check():
            shutil.rmtree(folder / "build", ignore_errors=True)
            return timed([*PUBKIT, "check", "book.yaml"], folder)

        checked, _ = median(args.runs, check)
        rows.append(("pubkit check / pubkit build --format epub (both cold)", checked, epub_cold, 0.5))

        words = sum(len(p.read_text().split()) for p in texts)
        print(f"book: {len(texts)} texts in 5 parts, {words:,} words; {os.cpu_count()} cores; "
              f"median of {args.runs} runs, each command a fresh process")
        print(f"{'measure':56} {'seconds':>17} {'ratio':>6} {'target':>8}")
        for name, measured, against, target in rows:
            verdict = "ok" if measured / against <= target else "MISSED"
            print(f"{name:56} {measured:6.2f} / {against:6.2f} {measured / against:6.2f} {'<= ' + str(target):>8}  {verdict}")
        peak = max(cold_memory, print_memory, one_job_memory)
        print(f"{'peak memory of any one process (cold builds, -j 1 and -j 2)':56} {peak:6d} MiB {'':>8} {'<= 300':>8}  "
              f"{'ok' if peak <= 300 else 'MISSED'}  (pandoc: {pandoc_memory} MiB)")
        print(f"cold build, all formats: {cold:.2f} s; no change: {unchanged:.2f} s; "
              f"after a one-word edit: EPUB {epub_edit:.2f} s, print PDF {print_edit:.2f} s")


if __name__ == "__main__":
    main()
