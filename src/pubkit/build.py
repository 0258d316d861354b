"""The pipeline in one function: load -> assemble -> render -> write -> check.

Every stage hands the next a frozen object and reports problems as diagnostics. Nothing is written
for a book with errors, and outputs are replaced atomically, so a failed build leaves the previous
good files where they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .assemble import assemble_book
from .covers import draw_ebook_cover, ebook_cover_request
from .fonts import missing_glyphs
from .checks.epubcheck import run_epubcheck
from .config.manifest import load_manifest
from .diagnostics import Diagnostic, Diagnostics, Location, Severity, error, relative_path
from .render import EPUB, PRINT_PDF, SCREEN_PDF, Format, render_book
from .texts import Text, read_text
from .theming import load_theme, theme_search_path
from .writers.epub import epub_bytes
from .writers.files import write_atomically

FORMATS: dict[str, Format] = {"epub": EPUB, "screen-pdf": SCREEN_PDF, "print-pdf": PRINT_PDF}
OUTPUT_NAMES = {"epub": "{slug}.epub", "screen-pdf": "{slug}-screen.pdf", "print-pdf": "{slug}-print.pdf"}


@dataclass(frozen=True)
class Artifact:
    slug: str
    format: str
    path: Path
    seconds: float


@dataclass
class BuildOptions:
    out_dir: Path = Path("build")
    formats: tuple[str, ...] = tuple(FORMATS)
    strict: bool = False  # warnings fail the book
    epubcheck: bool = False  # validate each EPUB after writing it
    pods: tuple[str, ...] = ()  # print-on-demand packages to make (else the manifest's print.pod)


@dataclass
class TextLibrary:
    """Texts read once per run, whichever books share them."""

    cache: dict[Path, tuple[Text | None, list[Diagnostic]]] = field(default_factory=dict)
    reported: set[Path] = field(default_factory=set)

    def read(self, path: Path) -> tuple[Text | None, list[Diagnostic]]:
        if path not in self.cache:
            self.cache[path] = read_text(path)
        text, problems = self.cache[path]
        if path in self.reported:
            return text, []  # a broken shared text is reported once, not once per book
        self.reported.add(path)
        return text, problems


def build_book(manifest_path: Path, options: BuildOptions, sink: Diagnostics, library: TextLibrary) -> list[Artifact]:
    started = time.perf_counter()
    found_before = len(sink)

    def failed() -> bool:
        new = list(sink)[found_before:]
        return any(d.severity is Severity.ERROR or (options.strict and d.severity is Severity.WARNING) for d in new)

    # 1. Load the manifest: its shape, then its files.
    manifest, problems = load_manifest(manifest_path)
    sink.extend(problems)
    if manifest is None:
        return []

    # 2. Find the theme, and the book's own overrides of it (<slug>.theme/ beside the manifest).
    theme, problems = load_theme(manifest.theme, theme_search_path(manifest.root), Location(relative_path(manifest_path)),
                                 overrides=manifest.root / f"{manifest.slug}.theme")
    sink.extend(problems)
    if theme is None:
        return []

    words, problems = theme.words(manifest.metadata.language)  # generated words in the book's language
    sink.extend(problems)
    if words is None:
        return []

    # 3. Without a cover image, the theme designs the e-book cover: drawn on the other core while
    #    the texts are converted, unless the cache has it already.
    cover = None
    if manifest.cover is None and ("epub" in options.formats or options.pods):
        cover = ebook_cover_request(manifest.metadata, manifest.cover_art, theme, words, options.out_dir / ".cache")
    drawing = _cover_artist().submit(draw_ebook_cover, cover) if cover and not cover.target.is_file() else None

    # 4. Assemble the whole book: texts, ids, notes, TOC, links.
    book, problems = assemble_book(manifest, library.read, _modified(manifest.metadata.date), words)
    sink.extend(problems)
    if drawing:
        sink.extend(drawing.result())
    if book is None or failed():
        return []
    sink.extend(missing_glyphs(book, theme))
    outputs: dict[str, bytes] = {}
    if cover:
        book = dataclasses.replace(book, cover=cover.asset)
        outputs[f"{book.slug}-cover.jpg"] = cover.target.read_bytes()

    # 5. Render each format and check it (the PDFs' preflight), in memory.
    print_edition = None  # laid out for the manifest's print.pod: its package reuses it
    for name in options.formats:
        if FORMATS[name].split:
            rendered, problems = render_book(book, theme, FORMATS[name])
            data = epub_bytes(rendered) if rendered else None
        else:
            from .paged.edition import make_pdf  # imports WeasyPrint (half a second): only for PDFs

            edition, problems = make_pdf(book, theme, FORMATS[name], manifest_path)
            data = edition.data if edition else None
            if FORMATS[name].for_print:
                print_edition = edition
        sink.extend(problems)
        if data is None or failed():
            return []  # a book with errors writes nothing: its last good outputs stay as they were
        outputs[OUTPUT_NAMES[name].format(slug=book.slug)] = data

    # 6. Print-on-demand packages: interior and cover for each vendor, checked.
    for vendor in options.pods or ((book.print.pod,) if book.print.pod != "none" else ()):
        from .paged.package import make_package

        reuse = print_edition if vendor == book.print.pod else None
        package, problems = make_package(book, theme, vendor, manifest_path, reuse)
        sink.extend(problems)
        if package is None or failed():
            return []
        outputs.update({f"pod-{vendor}/{name}": data for name, data in package.items()})

    # 7. Write them all, each atomically; 8. validate the EPUB if asked.
    artifacts = []
    for name, data in outputs.items():
        target = options.out_dir / book.slug / name
        write_atomically(target, data)
        artifacts.append(Artifact(book.slug, name, target, time.perf_counter() - started))
        if target.suffix == ".epub" and options.epubcheck:
            problems, _ = run_epubcheck(target)
            sink.extend(problems)
    return artifacts


@lru_cache(maxsize=1)
def _cover_artist() -> ProcessPoolExecutor:
    """One worker process draws e-book covers (importing WeasyPrint takes half a second) while the
    main process converts texts; forked, so it starts at once with what is already loaded."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))


def find_manifests(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) + sorted(p for p in folder.glob("*.yml") if p.is_file())


def build(manifests: list[Path], options: BuildOptions) -> tuple[list[Artifact], Diagnostics]:
    sink = Diagnostics()
    library = TextLibrary()
    artifacts: list[Artifact] = []
    for path in manifests:
        if not path.is_file():
            sink.add(error("M000", f"manifest '{path}' does not exist", Location(str(path))))
            continue
        artifacts += build_book(path, options, sink, library)
    return artifacts, sink


def _modified(date: dt.date) -> dt.datetime:
    """Reproducible builds: SOURCE_DATE_EPOCH when set, else the book's own date (midnight UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
