"""Print-PDF time: pubkit, WeasyPrint alone on pubkit's final HTML and CSS, and pandoc.

Generates the same deterministic ~100,000-word book as epub_bench.py, then times, each as a fresh
process and with its own peak memory (from the kernel's rusage of that process):

1. `pubkit build --format print-pdf`;
2. WeasyPrint alone, laying out and writing the very HTML, CSS and fonts pubkit handed it;
3. pandoc with `--pdf-engine=weasyprint` on the same Markdown (its own HTML and CSS), for reference.

pubkit's own overhead (reading, converting, rendering, finishing, preflight: everything but
WeasyPrint's import, layout and write) is measured inside one pubkit process, by timing those
there: on a 2-core machine, separate processes differ by more than the overhead itself.
Target: under 10% of the total.

    python bench/pdf_bench.py [--words 100000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

SPLIT = """
import json, sys, time
start = time.perf_counter()
import weasyprint
spent = [time.perf_counter() - start]  # WeasyPrint's import, layout and write
from pubkit.cli import main
render = weasyprint.HTML.render
def timed_render(self, *args, **kwargs):
    began = time.perf_counter()
    document = render(self, *args, **kwargs)
    spent[0] += time.perf_counter() - began
    write = document.write_pdf
    def timed_write(*args, **kwargs):
        began = time.perf_counter()
        result = write(*args, **kwargs)
        spent[0] += time.perf_counter() - began
        return result
    document.write_pdf = timed_write
    return document
weasyprint.HTML.render = timed_render
assert main(["build", "book.yaml", "--format", "print-pdf", "--out", "split"]) == 0
print(json.dumps({"total": time.perf_counter() - start, "weasyprint": spent[0]}))
"""

WEASYPRINT_ALONE = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], full_fonts=True, pdf_identifier=True)
"""


def measure(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one run of ``command`` as its own process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def median_of(runs: int, command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    results = [measure(command, cwd, env) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def export_final_html(folder: Path) -> Path:
    """Write the HTML, stylesheets, fonts and images pubkit gives WeasyPrint, as files."""
    from pubkit.assemble import assemble_book
    from pubkit.config.manifest import load_manifest
    from pubkit.paged.geometry import print_geometry
    from pubkit.paged.vendors import VENDORS
    from pubkit.render import PRINT_PDF, render_book
    from pubkit.texts import read_text
    from pubkit.theming import load_theme, theme_search_path

    manifest, _ = load_manifest(folder / "book.yaml")
    theme, _ = load_theme(manifest.theme, theme_search_path(manifest.root), None)
    words, _ = theme.words(manifest.metadata.language)
    book, _ = assemble_book(manifest, read_text, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), words)
    geometry = print_geometry(manifest.print.trim, theme.print_margins, VENDORS["none"], 0, theme.print_bleed)
    rendered, _ = render_book(book, theme, PRINT_PDF, geometry)
    out = folder / "final"
    for resource in rendered.resources:
        (out / resource.href).parent.mkdir(parents=True, exist_ok=True)
        (out / resource.href).write_bytes(resource.read())
    (out / "book.html").write_text(rendered.documents[0].xhtml, encoding="utf-8")
    return out / "book.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    import pypandoc

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        texts = generate(folder, args.words)
        pubkit = median_of(args.runs, [sys.executable, "-m", "pubkit", "build", "book.yaml", "--format", "print-pdf",
                                       "--out", "out"], folder)
        final = export_final_html(folder)
        alone = median_of(args.runs, [sys.executable, "-c", WEASYPRINT_ALONE, str(final), "alone.pdf"], folder)
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        pandoc = median_of(args.runs, [pypandoc.get_pandoc_path(), *[str(p.relative_to(folder)) for p in texts],
                                       "--toc", "--pdf-engine=weasyprint", "-o", "pandoc.pdf"], folder, env)
        from pypdf import PdfReader

        pages = len(PdfReader(folder / "out/book/book-print.pdf").pages)
        splits = [json.loads(subprocess.run([sys.executable, "-c", SPLIT], cwd=folder, check=True, capture_output=True,
                                            text=True).stdout.splitlines()[-1]) for _ in range(args.runs)]
        overhead = statistics.median(s["total"] - s["weasyprint"] for s in splits)
        total = statistics.median(s["total"] for s in splits)
        print(f"book: {len(texts)} chapters, about {args.words:,} words, {pages} pages at 6x9 in "
              f"(median of {args.runs} runs, fresh process each)")
        print(f"pubkit print PDF:          {pubkit[0]:6.2f} s  peak {pubkit[1]:5.0f} MiB")
        print(f"WeasyPrint alone, same HTML: {alone[0]:4.2f} s  peak {alone[1]:5.0f} MiB")
        print(f"pandoc --pdf-engine=weasyprint: {pandoc[0]:4.2f} s  peak {pandoc[1]:5.0f} MiB (its own HTML and CSS)")
        print(f"inside one pubkit process: {total:.2f} s, of which WeasyPrint's import, layout and write "
              f"{total - overhead:.2f} s and pubkit's own work {overhead:.2f} s = {100 * overhead / total:.1f}% "
              "(target: under 10%)")


if __name__ == "__main__":
    main()
