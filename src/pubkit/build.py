"""The pipeline, one function per book: load, theme, assemble, render, write, check, through a cache.

Every stage hands the next a frozen object and reports problems as diagnostics. Nothing is written
for a book with errors, and outputs are replaced atomically, so a failed build leaves the previous
good files where they were.

The cache (cache.py) is a layer around the stages: each is called only when the digest of what it
reads (fingerprint.py) is new.

1. A book's output ("book"): the manifest's, the texts' and the theme's bytes, and the files the
   book's last build read besides (images, cover art). An unchanged book is done without
   converting a text.
2. A format ("format"): the assembled book as that format reads it, so a change to print settings
   leaves the EPUB alone.
3. A layout ("layout"): a piece of the print edition, its skeleton, a whole screen PDF. After a
   chapter is edited, only that chapter is laid out again.
4. A text's conversion ("convert"): its bytes and its place in the book, while the images it
   shows are still there.

Books and their formats are coordinated by threads; layouts run in a pool of processes (-j).
Diagnostics come back as data and are reported in a fixed order, so -j 1 and -j 8 say the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from .cache import Cache
from .config.manifest import load_manifest
from .diagnostics import Diagnostic, Diagnostics, Location, Severity, error, has_errors, relative_path
from .fingerprint import Fingerprints, environment
from .fonts import said_once
from .formats import EPUB, PRINT_PDF, SCREEN_PDF, WEB, Format
from .model import Book, Manifest
from .progress import Progress
from .theming import Theme, load_theme, theme_search_path
from .workers import Workers
from .writers.files import write_atomically

if TYPE_CHECKING:
    from .markdown.convert import Converted, Library
    from .texts import Text

# Converting, rendering and writing are imported where a book needs them: an unchanged book
# imports none of them, and its rebuild is over before they would have loaded.

FORMATS: dict[str, Format] = {"epub": EPUB, "screen-pdf": SCREEN_PDF, "print-pdf": PRINT_PDF, "web": WEB}
OUTPUT_NAMES = {"epub": "{slug}.epub", "screen-pdf": "{slug}-screen.pdf", "print-pdf": "{slug}-print.pdf"}
WEB_FOLDER = "web"  # the web edition: a folder of pages (build/<slug>/web/), for the site
# What `pubkit build` makes when no --format is given: the web edition is made by `pubkit site`.
DEFAULT_FORMATS = ("epub", "screen-pdf", "print-pdf")
POD = "pod-"  # an output "pod-kdp" is the package for KDP


@dataclass(frozen=True)
class Artifact:
    slug: str
    path: Path
    size: int
    cached: bool  # taken from the cache rather than made


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


@dataclass
class BookResult:
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def build(manifests: list[Path], options: BuildOptions, progress: Progress | None = None) -> tuple[list[Artifact], Diagnostics]:
    manifests, clashes = distinct_books(manifests)
    cache = Cache(options.cache_folder)
    session = _Session(options, cache, Fingerprints(), progress or Progress())
    # Threads only help a build that waits for layouts: without PDFs, books are made in turn.
    layouts = not options.check_only and bool(options.pods or any(not FORMATS[f].split for f in options.formats))
    with Workers(options.jobs, threads=layouts) as workers:
        session.workers = workers
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
    cache: Cache
    prints: Fingerprints
    progress: Progress
    workers: Workers | None = None
    places: dict = field(default_factory=dict)  # id of a book's text -> section map: (the map, its digest)

    def build_book(self, manifest_path: Path) -> BookResult:
        if not manifest_path.is_file():
            return BookResult(diagnostics=[error("M000", f"manifest '{manifest_path}' does not exist", Location(str(manifest_path)))])
        result = BookResult()
        slug = manifest_path.stem

        # 1. Load the manifest: its shape, then its files.
        manifest, problems = load_manifest(manifest_path)
        result.diagnostics += problems
        if manifest is None:
            return result

        # 2. Find the theme, with the book's own overrides (<slug>.theme/ beside the manifest),
        #    and the words it generates in the book's language.
        theme, problems = load_theme(manifest.theme, theme_search_path(manifest.root), Location(relative_path(manifest_path)),
                                     overrides=manifest.root / f"{manifest.slug}.theme", compiled=self.cache.folder / "templates")
        result.diagnostics += problems
        if theme is None:
            return result
        words, problems = theme.words(manifest.metadata.language)
        result.diagnostics += problems
        if words is None:
            return result

        # 3. An unchanged book is done: its outputs are taken from the cache.
        outputs = self._outputs(manifest)
        self.progress.book(slug, outputs)
        inputs = self._inputs(manifest_path, manifest, theme)
        if not self.options.check_only:
            reused = self._reuse(slug, inputs, outputs)
            if reused is not None:
                return reused

        if _paged(outputs) and not self.options.check_only:
            self.workers.warm("pubkit.writers.pdf")  # WeasyPrint's import, while the texts are converted

        # 4. Without a cover image, the theme designs the e-book cover: drawn in a worker while
        #    the texts are converted, unless the cache has it already.
        cover = drawing = None
        if manifest.cover is None and any(o in ("epub", "web") or o.startswith(POD) for o in outputs) and not self.options.check_only:
            from .covers import draw_ebook_cover, ebook_cover_request, fit_at

            cover = ebook_cover_request(manifest.metadata, manifest.cover_art, theme, words, self.cache.folder / "cover")
            drawing = self.workers.apart(draw_ebook_cover, cover) if not cover.target.is_file() else None

        # 5. Assemble the whole book: texts, ids, notes, TOC, links; then what it asks of the fonts.
        from .assemble import assemble_book
        from .fonts import missing_glyphs
        from .texts import read_text

        book, problems = assemble_book(manifest, read_text, _modified(manifest.metadata.date), words,
                                       functools.partial(self._convert, manifest.root))
        result.diagnostics += problems
        if drawing:
            result.diagnostics += fit_at(drawing.result(), Location(relative_path(manifest_path)))
        if book is None or self._failed(result.diagnostics):
            return result
        result.diagnostics += missing_glyphs(book, theme)
        if self.options.check_only:
            result.diagnostics += _prelayout_checks(book, theme, manifest_path, outputs)
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

        holder = next((o for o in outputs if o == "epub" or o.startswith(POD)), None)
        if cover and holder:  # the designed cover goes with the EPUB (or the first package): stores want it too
            made[holder][0][f"{slug}-cover.jpg"] = cover.target.read_bytes()

        # 7. Write them all, each atomically; remember the book's outputs for next time.
        # by the names the editor sees (relative to the project), not where they are now: a copy of
        # the project with its cache must check its own images, not the original's
        dependencies = {relative_path(path): self.prints.file(path) for path in _files_read(book)}
        for name in outputs:
            files, own, cached = made[name]
            result.artifacts += self._write(slug, files, cached)
            self.cache.put("book", self._key(inputs, name), _BookRecord(dependencies, shared, own, self._store(files)))
            self.progress.state(slug, name, "cached" if cached else "built")
        return result

    # --- 3. the book's outputs, and whether they can be reused ------------------------------------

    def _outputs(self, manifest: Manifest) -> list[str]:
        pods = self.options.pods or ((manifest.print.pod,) if manifest.print.pod != "none" else ())
        return [*self.options.formats, *(POD + vendor for vendor in pods)]

    def _inputs(self, manifest_path: Path, manifest: Manifest, theme: Theme) -> str:
        """What a book's outputs are made of, before anything is converted: the manifest, the texts
        it names (each by its place and bytes), the theme's files and where messages point."""
        texts = [entry.text for entry in _entries(manifest) if entry.text]
        return self.prints.of("book", environment(), relative_path(manifest_path), manifest_path.read_bytes(),
                              [(relative_path(path), self.prints.file(path)) for path in texts],
                              self._theme(theme), self.options.epubcheck)

    def _theme(self, theme: Theme) -> list[str]:
        """The theme's files in effect: the book's own folder, the theme, the themes it extends."""
        return [self.prints.folder(folder) for folder in theme.folders]

    def _key(self, inputs: str, output: str) -> str:
        return self.prints.of(inputs, output)

    def _reuse(self, slug: str, inputs: str, outputs: list[str]) -> BookResult | None:
        records = [self.cache.get("book", self._key(inputs, name)) for name in outputs]
        if not records or any(r is None or any(self.prints.file(Path(p)) != d for p, d in r.dependencies.items()) for r in records):
            return None
        missing = {}  # outputs whose file is not already what the record says: taken from the cache
        for record in records:
            for name, digest in record.files.items():
                target = self.options.out_dir / slug / name
                if Fingerprints().file(target) != digest:
                    missing[name] = self._restore(digest)
                    if missing[name] is None:
                        return None
        result = BookResult(diagnostics=list(records[0].shared))
        for name, record in zip(outputs, records):
            result.diagnostics += record.own
            for file, digest in record.files.items():
                target = self.options.out_dir / slug / file
                if file in missing:
                    write_atomically(target, missing[file])
                result.artifacts.append(Artifact(slug, target, target.stat().st_size, cached=True))
            self.progress.state(slug, name, "cached")
        return result

    # --- 5. texts ----------------------------------------------------------------------------------

    def _convert(self, root: Path, text: Text, section_id: str, library: Library, lang: str) -> Converted:
        """A text's conversion, from the cache while the text, its place in the book and the images
        it shows are unchanged. Paths are kept relative to the book's folder."""
        place = lambda path: path.resolve().relative_to(root).as_posix()  # noqa: E731
        if id(library.text_ids) not in self.places:  # the book's texts and their sections: once per book
            self.places[id(library.text_ids)] = (library.text_ids, self.prints.of(sorted(  # kept: its id stays its own
                (path.relative_to(root).as_posix(), name) for path, name in library.text_ids.items())))
        key = self.prints.of("convert", environment(), text, place(text.path), section_id, lang, library.backlink_title,
                             self.places[id(library.text_ids)][1])
        found = self.cache.get("convert", key)
        if found is not None:
            converted, images = found
            if all((root / image).is_file() for image in images):
                return dataclasses.replace(converted, images=tuple((root / image).resolve() for image in images))
        from .markdown.convert import convert_text

        converted = convert_text(text, section_id, library, lang)
        if not has_errors(converted.diagnostics):
            self.cache.put("convert", key, (dataclasses.replace(converted, images=()),
                                            [place(image) for image in converted.images]))
        return converted

    def _failed(self, diagnostics: list[Diagnostic]) -> bool:
        return any(d.severity is Severity.ERROR or (self.options.strict and d.severity is Severity.WARNING)
                   for d in diagnostics)

    # --- 6. outputs ----------------------------------------------------------------------------------

    def _make(self, output: str, book: Book, theme: Theme, manifest_path: Path):
        """(files by name, diagnostics, taken from the cache) for one output; files None on failure."""
        slug = book.slug
        key = self.prints.of("format", environment(), output, _as_read_by(book, output),
                             self._theme(theme), relative_path(manifest_path))
        record = self.cache.get("format", key)
        if record is not None:
            files = {name: self._restore(digest) for name, digest in record.files.items()}
            if all(data is not None for data in files.values()):
                return files, list(record.diagnostics), True
        self.progress.state(slug, output, "making")
        files, problems = self._made(output, book, theme, manifest_path)
        if files is not None and not has_errors(problems):
            self.cache.put("format", key, _FormatRecord(self._store(files), problems))
        return files, problems, False

    def _made(self, output: str, book: Book, theme: Theme, manifest_path: Path):
        lay_out_all = self._lay_out_all
        if output == "epub":
            from .render import render_book
            from .writers import epub as epub_writer

            rendered, problems = render_book(book, theme, EPUB, subset=self._subset)
            if rendered is None:
                return None, problems
            data = epub_writer.epub_bytes(rendered)
            if self.options.epubcheck:
                problems += self._epubcheck(data, self.options.out_dir / book.slug / OUTPUT_NAMES["epub"].format(slug=book.slug))
            return {OUTPUT_NAMES["epub"].format(slug=book.slug): data}, problems
        if output == "web":
            from .render import render_book
            from .writers.web import web_files

            rendered, problems = render_book(book, theme, WEB, subset=self._subset)
            if rendered is None:
                return None, problems
            return {f"{WEB_FOLDER}/{name}": data for name, data in web_files(rendered).items()}, problems
        if output.startswith(POD):
            from .paged.package import make_package

            package, problems = make_package(book, theme, output.removeprefix(POD), manifest_path, lay_out_all=lay_out_all,
                                             lay_out_cover=self._in_a_worker)
            return ({f"{output}/{name}": data for name, data in package.items()} if package else None), problems
        from .paged.edition import make_pdf  # imports WeasyPrint (half a second): only for PDFs

        edition, problems = make_pdf(book, theme, FORMATS[output], manifest_path, lay_out_all)
        return ({OUTPUT_NAMES[output].format(slug=book.slug): edition.data} if edition else None), problems

    def _subset(self, font: Path, chars: frozenset[str]) -> bytes:
        """A font's subset for these characters, kept: an edit seldom brings a new character."""
        from .fonts import subset_font

        key = self.prints.of("subset", environment(), font, sorted(chars))
        data = self.cache.get("subset", key)
        if data is None:
            data = subset_font(font, chars)
            self.cache.put("subset", key, data)
        return data

    def _in_a_worker(self, work, *args):
        """``work(*args)`` in a worker process: every WeasyPrint layout goes there, never into
        this process, whose threads would run Pango at once (it crashes)."""
        return self.workers.run(work, *args).result()

    def _lay_out_all(self, layouts):
        """Layouts through the cache; those it lacks, in the worker processes."""
        from .writers.pdf import lay_out

        keys = [self.prints.of("layout", environment(), layout) for layout in layouts]
        results = [self.cache.get("layout", key) for key in keys]
        # the longest first, so that no worker sits idle at the end waiting for the last long one
        missing = sorted((i for i, found in enumerate(results) if found is None), key=lambda i: -len(layouts[i].html))
        for i, made in zip(missing, self.workers.map(lay_out, [layouts[i] for i in missing])):
            results[i] = made
            if not has_errors(made[1]):
                self.cache.put("layout", keys[i], made)
        return results

    def _epubcheck(self, data: bytes, shown_as: Path) -> list[Diagnostic]:
        """EPUBCheck's verdict on these bytes (kept: the same EPUB gets the same verdict)."""
        from .checks.epubcheck import run_epubcheck

        key = self.prints.of("epubcheck", environment(), data, relative_path(shown_as))
        found = self.cache.get("epubcheck", key)
        if found is None:
            staged = self.cache.folder / "epubcheck" / f"{key}.epub"
            write_atomically(staged, data)
            try:
                problems, _ = run_epubcheck(staged)
            finally:
                staged.unlink(missing_ok=True)
            found = [dataclasses.replace(p, location=_relocated(p.location, staged, shown_as)) for p in problems]
            if not any(p.code == "E000" for p in found):  # a skipped check is not a verdict
                self.cache.put("epubcheck", key, found)
        return found

    # --- 7. files --------------------------------------------------------------------------------

    def _store(self, files: dict[str, bytes]) -> dict[str, str]:
        """Keep each output's bytes in the cache under their digest; return name -> digest."""
        stored = {}
        for name, data in files.items():
            digest = hashlib.sha256(data).hexdigest()
            if self.cache.get("file", digest) is None:
                self.cache.put("file", digest, data)
            stored[name] = digest
        return stored

    def _restore(self, digest: str) -> bytes | None:
        return self.cache.get("file", digest)

    def _write(self, slug: str, files: dict[str, bytes], cached: bool) -> list[Artifact]:
        artifacts = []
        for name, data in files.items():
            target = self.options.out_dir / slug / name
            if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
                write_atomically(target, data)
            artifacts.append(Artifact(slug, target, len(data), cached))
        return artifacts


@dataclass(frozen=True)
class _BookRecord:
    dependencies: dict[str, str]  # files read besides the manifest, texts and theme -> their digests
    shared: list[Diagnostic]  # the book's own (manifest, texts, fonts)
    own: list[Diagnostic]  # this output's
    files: dict[str, str]  # output file name -> digest of its bytes


@dataclass(frozen=True)
class _FormatRecord:
    files: dict[str, str]
    diagnostics: list[Diagnostic]


def _entries(manifest: Manifest):
    from .model import PartEntry

    for item in (*manifest.front, *manifest.body, *manifest.back):
        yield from (item.chapters if isinstance(item, PartEntry) else (item,))


def _as_read_by(book: Book, output: str) -> Book:
    """The book as one output reads it: the EPUB ignores print settings, the PDFs the EPUB's."""
    if output in ("epub", "web"):
        return dataclasses.replace(book, print=None)
    return dataclasses.replace(book, epub_notes=None, cover=None if output in FORMATS else book.cover)


def _files_read(book: Book) -> set[Path]:
    """Every file the book's outputs were made from besides its texts and theme: whatever Path
    the assembled book holds (images, cover art, an ICC profile), and the machine's CMYK profile."""
    from .paged.rules import GENERIC_CMYK

    found: set[Path] = {GENERIC_CMYK}

    def walk(value) -> None:
        if isinstance(value, Path):
            found.add(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for item in dataclasses.fields(value):
                walk(getattr(value, item.name))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(dataclasses.replace(book, sections=(), words=None))
    return found


def _prelayout_checks(book: Book, theme: Theme, manifest_path: Path, outputs: list[str]) -> list[Diagnostic]:
    """`pubkit check`: what the PDFs and packages would report before laying anything out."""
    if not _paged(outputs):
        return []
    from .paged.rules import check_before_layout

    return check_before_layout(book, theme, manifest_path, outputs)


def _paged(outputs: list[str]) -> bool:
    """Whether any of these outputs is laid out on pages (a PDF or a print package)."""
    return any(o.startswith(POD) or not FORMATS[o].split for o in outputs)


def _relocated(where: Location | None, staged: Path, shown_as: Path) -> Location | None:
    if where is None:
        return None
    return dataclasses.replace(where, file=where.file.replace(relative_path(staged), relative_path(shown_as), 1))


def _modified(date: dt.date) -> dt.datetime:
    """Reproducible builds: SOURCE_DATE_EPOCH when set, else the book's own date (midnight UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
