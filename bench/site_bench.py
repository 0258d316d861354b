"""pubkit site and pubkit serve on a 100,000-word book: the whole site from nothing, the site again
with nothing changed, and, under `pubkit serve`, the time from saving a chapter to the open page
being told to reload with the edit in it (the web edition; the PDFs follow in the background)."""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from generate import generate

PUBKIT = [sys.executable, "-m", "pubkit"]


def run(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    from websockets.sync.client import connect

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        generate(root / "books", 100_000, chapters=50, parts=5)
        print(f"site, from nothing:            {run([*PUBKIT, 'site', '-j', '2'], root):6.2f} s")
        print(f"site, nothing changed:         {run([*PUBKIT, 'site', '-j', '2'], root):6.2f} s")

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([*PUBKIT, "serve", "--port", str(port), "-j", "2"], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            page = f"http://127.0.0.1:{port}/books/book/read/ch17.html"
            while True:
                try:
                    urllib.request.urlopen(page, timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            chapter = root / "books/texts/ch17.md"
            times = []
            for n in range(args.edits):
                time.sleep(1.0)  # let the previous round's PDFs start, as they would while an editor types
                with connect(f"ws://127.0.0.1:{port}/__pubkit__/reload") as reload:
                    text = chapter.read_text()
                    chapter.write_text(re.sub(r"(\w)([.;?])", rf"\1 saved{n}\2", text, count=1))
                    started = time.perf_counter()
                    assert reload.recv(timeout=120) == "reload"
                    times.append(time.perf_counter() - started)
                assert f"saved{n}".encode() in urllib.request.urlopen(page).read()
            print(f"serve, save to reload (median of {args.edits}): {statistics.median(times):6.2f} s "
                  f"(max {max(times):.2f} s)")
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
