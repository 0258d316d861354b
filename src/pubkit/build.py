"""The pipeline, one function per book: load, theme, assemble, make the outputs, write; through a cache.

Every stage hands the next a frozen object and reports problems as diagnostics. Nothing is written
for a book with errors, and outputs are replaced atomically, so a failed build leaves the previous
good files where they were.

The cache is a layer around the stages (bookcache.py: a book, an output, a text's conversion;
services.py: layouts, font subsets, EPUBCheck), and each output is made by its maker in one table
(outputs.py). Books and their outputs are coordinated by threads; layouts run in a pool of
processes (-j). Diagnostics come back as data and are reported in a fixed order, so -j 1 and -j 8
say the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .bookcache import Artifact, BookCache, BookResult
from .cache import Cache
from .config.manifest import load_manifest
from .diagnostics import Diagnostic, Diagnostics, Location, Severity, error, relative_path
from .fingerprint import Fingerprints
from .fonts import for_text, metadata_characters, missing_in_manifest, said_once
from .formats import DEFAULT_FORMATS, POD, is_paged
from .model import Book, Manifest
from .outputs import check_before_layout, cover_holder, load_layout_engine, make_output, settings, wants_cover
from .progress import Progress
from .services import Services
from .theming import Theme, load_theme, theme_search_path
from .words import Words
from .workers import Workers

# Converting, rendering and writing are imported where a book needs them: an unchanged book
# imports none of them, and its rebuild is over before they would have loaded.


@dataclass
class BuildOptions:
    out_dir: Path = Path("build")
    formats: tuple[str, ...] = DEFAULT_FORMATS
    strict: bool = False  # warnings fail the book
    epubcheck: bool = False  # validate each EPUB after writing it
    pods: tuple[str, ...] = ()  # print-on-demand packages to make (else the manifest's print.pod)
    jobs: int = 1
    cache_dir: Path | None = None  # default: <out_dir>/.cache
    check_only: bool = False  # `pubkit check`: everything short of rendering

    @property
    def cache_folder(self) -> Path:
        return self.cache_dir or self.out_dir / ".cache"


def build(manifests: list[Path], options: BuildOptions, progress: Progress | None = None) -> tuple[list[Artifact], Diagnostics]:
    manifests, clashes = distinct_books(manifests)
    cache = Cache(options.cache_folder)
    prints = Fingerprints()
    # Threads only help a build that waits for layouts: without PDFs, books are made in turn.
    layouts = not options.check_only and (bool(options.pods) or is_paged(options.formats))
    with Workers(options.jobs, threads=layouts) as workers:
        session = _Session(options, BookCache(cache, prints, options.out_dir),
                           Services(cache, prints, workers, options.out_dir, options.epubcheck), progress or Progress())
        futures = [workers.book(session.build_book, path) for path in manifests]
        results = [future.result() for future in futures]
    cache.prune()
    sink = Diagnostics()
    sink.extend(clashes)
    artifacts: list[Artifact] = []
    for result in results:  # in the order of the manifests, whatever order the books finished in
        sink.extend(said_once(result.diagnostics))  # several outputs may find the same
        artifacts += result.artifacts
    return artifacts, sink


def distinct_books(manifests: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The manifests, each once, and errors for those whose book has the name of an earlier one:
    a book's outputs go to build/<name>/, and two books there would overwrite each other."""
    kept: dict[str, Path] = {}
    seen: set[Path] = set()
    clashes = []
    for path in manifests:
        if path.resolve() in seen:
            continue  # the same manifest named twice: built once
        seen.add(path.resolve())
        first = kept.setdefault(path.stem, path)
        if first is not path:
            clashes.append(error("M015", f"expected each book to have a name of its own (its outputs go to "
                                         f"build/{path.stem}/), found {relative_path(first)} with the same name; "
                                         "rename one of the two manifests", Location(relative_path(path))))
    return list(kept.values()), clashes


def find_manifests(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) + sorted(p for p in folder.glob("*.yml") if p.is_file())


def shard(manifests: list[Path], index: int, count: int) -> list[Path]:
    """Books K of N (1-based), by a digest of each book's name: the same share on every machine,
    and adding a book moves no other book to another shard."""
    return [p for p in manifests if int(hashlib.sha256(p.stem.encode()).hexdigest()[:8], 16) % count == index - 1]


@dataclass
class _Session:
    options: BuildOptions
    cache: BookCache
    services: Services
    progress: Progress

    @property
    def workers(self) -> Workers:
        return self.services.workers

    def build_book(self, manifest_path: Path) -> BookResult:
        result = BookResult()
        slug = manifest_path.stem

        # 1-2. Load the manifest (its shape, then its files) and its theme.
        loaded = self._load(manifest_path, result)
        if loaded is None:
            return result
        manifest, theme, words = loaded

        # 3. An unchanged book is done: its outputs are taken from the cache.
        outputs = self._outputs(manifest)
        self.progress.book(slug, outputs)
        inputs = self.cache.inputs(manifest_path, manifest, theme, self.options.epubcheck)
        if not self.options.check_only:
            reused = self.cache.reuse(slug, inputs, outputs)
            if reused is not None:
                for name in outputs:
                    self.progress.state(slug, name, "cached")
                return reused
            if is_paged(outputs):
                self.workers.warm(load_layout_engine)  # WeasyPrint's import, while the texts are converted

        # 4. Without a cover image, the theme designs the e-book cover: drawn in a worker while
        #    the texts are converted, unless the cache has it already.
        cover_theme = self._cover_theme(manifest, manifest_path, theme, result)
        if cover_theme is None:
            return result
        cover, drawing = self._start_cover(manifest, cover_theme, words, outputs)

        # 5. Assemble the whole book: texts, ids, notes, TOC, links; then what it asks of the fonts.
        assembled = self._assemble(manifest, manifest_path, theme, words, drawing, result)
        if assembled is None:
            return result
        book, theme = assembled
        if self.options.check_only:
            result.diagnostics += check_before_layout(book, theme, manifest_path, outputs)
            return result
        if cover:
            book = dataclasses.replace(book, cover=cover.asset)

        # 6. Make each output (a format, or a vendor's package), in threads; each through the cache.
        shared = list(result.diagnostics)
        futures = {name: self.workers.format(self._make, name, book, theme, manifest_path) for name in outputs}
        made = {name: future.result() for name, future in futures.items()}
        for name in outputs:
            result.diagnostics += made[name][1]
        if any(files is None for files, _, _ in made.values()) or self._failed(result.diagnostics):
            for name in outputs:
                self.progress.state(slug, name, "failed")
            return result  # a book with errors writes nothing: its last good outputs stay as they were
        holder = cover_holder(outputs)
        if cover and holder:  # the designed cover goes with the EPUB (or the first package): stores want it too
            made[holder][0][f"{slug}-cover.jpg"] = cover.target.read_bytes()

        # 7. Write them all, each atomically; remember the book's outputs for next time.
        result.artifacts += self.cache.write(book, inputs, made, shared)
        for name in outputs:
            self.progress.state(slug, name, "cached" if made[name][2] else "built")
        return result

    def _load(self, manifest_path: Path, result: BookResult) -> tuple[Manifest, Theme, Words] | None:
        """The manifest, the theme with the book's own overrides (<slug>.theme/ beside the
        manifest), and the words it generates in the book's language; None after an error."""
        if not manifest_path.is_file():
            result.diagnostics.append(error("M000", f"manifest '{manifest_path}' does not exist", Location(str(manifest_path))))
            return None
        manifest, problems = load_manifest(manifest_path)
        result.diagnostics += problems
        if manifest is None:
            return None
        theme, problems = load_theme(manifest.theme, theme_search_path(manifest.root), Location(relative_path(manifest_path)),
                                     overrides=manifest.root / f"{manifest.slug}.theme",
                                     compiled=self.cache.folder / "templates")
        result.diagnostics += problems
        if theme is None:
            return None
        words, problems = theme.words(manifest.metadata.language)
        result.diagnostics += problems
        return (manifest, theme, words) if words is not None else None

    def _cover_theme(self, manifest: Manifest, manifest_path: Path, theme: Theme, result: BookResult) -> Theme | None:
        """The theme with the fonts the manifest's words need (the cover's; the book's own come
        after assembly), or None if a word has a character no font draws: nothing is drawn then."""
        where = relative_path(manifest_path)
        cover_theme, problems = for_text(theme, metadata_characters(manifest.metadata), manifest.metadata.language,
                                         Location(where))
        result.diagnostics += problems or missing_in_manifest(manifest.metadata, cover_theme, Path(where))
        return cover_theme if not self._failed(result.diagnostics) else None

    def _outputs(self, manifest: Manifest) -> list[str]:
        pods = self.options.pods or ((manifest.print.pod,) if manifest.print.pod != "none" else ())
        return [*self.options.formats, *(POD + vendor for vendor in pods)]

    def _start_cover(self, manifest: Manifest, theme: Theme, words: Words, outputs: list[str]):
        """(the e-book cover to design, the future of its drawing) or Nones."""
        if manifest.cover is not None or not wants_cover(outputs) or self.options.check_only:
            return None, None
        from .paged.covers import draw_ebook_cover, ebook_cover_request

        cover = ebook_cover_request(manifest.metadata, manifest.cover_art, theme, words, self.cache.folder / "cover")
        return cover, (self.workers.apart(draw_ebook_cover, cover) if not cover.target.is_file() else None)

    def _assemble(self, manifest: Manifest, manifest_path: Path, theme: Theme, words: Words, drawing,
                  result: BookResult) -> tuple[Book, Theme] | None:
        """The whole book and the theme with the fonts its text needs, with what its cover's
        drawing and its fonts found; None after an error (a character no font has is one: no
        PDF of missing-glyph boxes is ever written)."""
        from .assemble import assemble_book
        from .fonts import book_characters, missing_glyphs
        from .paged.covers import fit_at
        from .texts import read_text

        book, problems = assemble_book(manifest, read_text, _modified(manifest.metadata.date), words,
                                       functools.partial(self.cache.convert, manifest.root))
        result.diagnostics += problems
        if drawing:
            result.diagnostics += fit_at(drawing.result(), Location(relative_path(manifest_path)))
        if book is None or self._failed(result.diagnostics):
            return None
        theme, problems = for_text(theme, book_characters(book), manifest.metadata.language,
                                   Location(relative_path(manifest_path)))
        result.diagnostics += problems or missing_glyphs(book, theme, manifest_path)
        return (book, theme) if not self._failed(result.diagnostics) else None

    def _make(self, output: str, book: Book, theme: Theme, manifest_path: Path):
        """(files by name, diagnostics, taken from the cache) for one output; files None on failure."""
        def make():
            self.progress.state(book.slug, output, "making")
            return make_output(output, book, theme, manifest_path, self.services)

        return self.cache.made(output, book, theme, manifest_path, settings(output, self.services), make)

    def _failed(self, diagnostics: list[Diagnostic]) -> bool:
        return any(d.severity is Severity.ERROR or (self.options.strict and d.severity is Severity.WARNING)
                   for d in diagnostics)


def _modified(date: dt.date) -> dt.datetime:
    """Reproducible builds: SOURCE_DATE_EPOCH when set, else the book's own date (midnight UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
