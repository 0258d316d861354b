"""Two (or three) builds of the sample books at once into an empty folder, round after round
(issue 19): each must end with exit 0, and the outputs must equal a clean build's. This is what
an editor's save hook beside a CI job, two terminals, or `serve` beside `build` do.

    python bench/concurrent_builds.py [--rounds 200] [--builds 2] [--jobs 2] [--load]

--load keeps both cores busy with a third process meanwhile (timing changes find other races).
Prints each failing round with its messages (builds run with --debug: a traceback for an
internal error), and in the end how many rounds ran clean.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBKIT = [sys.executable, "-m", "pubkit", "build", "--quiet", "--debug"]


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def build_at_once(root: Path, count: int, jobs: int, check: bool = False) -> list[tuple[int, str]]:
    """(exit status, messages) of ``count`` builds started together into root/build."""
    builds = [subprocess.Popen([*PUBKIT, "-j", str(jobs), *(["--check"] if check else [])], cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True) for _ in range(count)]
    return [(build.wait(), build.stderr.read()) for build in builds]


def _spin(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--builds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--load", action="store_true", help="a busy process beside the builds")
    parser.add_argument("--check", action="store_true", help="builds that run EPUBCheck too (--check)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pubkit-concurrent-") as scratch:
        root = Path(scratch)
        shutil.copytree(ROOT / "books", root / "books")
        start = time.monotonic()
        assert build_at_once(root, 1, args.jobs, args.check)[0][0] == 0, "the clean build failed"
        expected = digests(root / "build")
        print(f"clean build: {len(expected)} files in {time.monotonic() - start:.1f} s", flush=True)
        stop = multiprocessing.Event()
        spinner = multiprocessing.Process(target=_spin, args=(stop,), daemon=True) if args.load else None
        if spinner:
            spinner.start()
        clean = 0
        try:
            for number in range(1, args.rounds + 1):
                shutil.rmtree(root / "build")
                results = build_at_once(root, args.builds, args.jobs, args.check)
                problems = [f"build {i + 1}: exit {code}\n{err}" for i, (code, err) in enumerate(results) if code != 0]
                if not problems:
                    found = digests(root / "build")
                    problems += [f"{name}: differs from a clean build" for name in sorted(set(found) | set(expected))
                                 if found.get(name) != expected.get(name)]
                if problems:
                    print(f"round {number}: FAILED\n" + "\n".join(problems), flush=True)
                else:
                    clean += 1
                if number % 10 == 0:
                    print(f"round {number}: {clean} clean so far ({time.monotonic() - start:.0f} s)", flush=True)
        finally:
            if spinner:
                stop.set()
                spinner.join()
    print(f"{clean} of {args.rounds} rounds of {args.builds} builds at once ran clean")
    return 0 if clean == args.rounds else 1


if __name__ == "__main__":
    sys.exit(main())
