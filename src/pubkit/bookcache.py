"""The build's cache around its stages (cache.py keeps the records; fingerprint.py makes the keys):
each stage is called only when the digest of what it reads is new.

1. A book's outputs ("book"): the manifest's, the texts' and the theme's bytes, and the files the
   book's last build read besides (images, cover art). An unchanged book is done without
   converting a text.
2. An output ("format"): the assembled book as that output reads it, so a change to print
   settings leaves the EPUB alone.
3. A text's conversion ("convert"): its bytes and its place in the book, while the images it
   shows are still there.

(Layouts, font subsets and EPUBCheck's verdicts are kept by services.py.)
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .cache import Cache
from .diagnostics import Diagnostic, has_errors, relative_path
from .files import write_atomically
from .fingerprint import Fingerprints, environment
from .model import Book, Manifest, PartEntry
from .outputs import as_read_by
from .printing.profiles import GENERIC_CMYK
from .theming import Theme

if TYPE_CHECKING:
    from .markdown.convert import Converted, Library
    from .texts import Text


@dataclass(frozen=True)
class Artifact:
    slug: str
    path: Path
    size: int
    cached: bool  # taken from the cache rather than made


@dataclass
class BookResult:
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


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


@dataclass
class BookCache:
    cache: Cache
    prints: Fingerprints
    out_dir: Path
    places: dict = field(default_factory=dict)  # id of a book's text -> section map: (the map, its digest)

    @property
    def folder(self) -> Path:
        return self.cache.folder

    # --- 1. a book's outputs ---------------------------------------------------------------------

    def inputs(self, manifest_path: Path, manifest: Manifest, theme: Theme, epubcheck: bool) -> str:
        """What a book's outputs are made of, before anything is converted: the manifest, the texts
        it names (each by its place and bytes), the theme's files and where messages point."""
        texts = [entry.text for entry in _entries(manifest) if entry.text]
        return self.prints.of("book", environment(), relative_path(manifest_path), manifest_path.read_bytes(),
                              [(relative_path(path), self.prints.file(path)) for path in texts],
                              self._theme(theme), epubcheck)

    def reuse(self, slug: str, inputs: str, outputs: list[str]) -> BookResult | None:
        """The book's outputs as its last build left them, when nothing they were made of changed;
        files missing from the output folder are put back from the cache."""
        records = [self.cache.get("book", self.prints.of(inputs, name)) for name in outputs]
        if not records or any(r is None or any(self.prints.file(Path(p)) != d for p, d in r.dependencies.items()) for r in records):
            return None
        missing = {}  # outputs whose file is not already what the record says: taken from the cache
        for record in records:
            for name, digest in record.files.items():
                target = self.out_dir / slug / name
                if Fingerprints().file(target) != digest:
                    missing[name] = self._restore(digest)
                    if missing[name] is None:
                        return None
        result = BookResult(diagnostics=list(records[0].shared))
        for record in records:
            result.diagnostics += record.own
            for file in record.files:
                target = self.out_dir / slug / file
                if file in missing:
                    write_atomically(target, missing[file])
                result.artifacts.append(Artifact(slug, target, target.stat().st_size, cached=True))
        return result

    def write(self, book: Book, inputs: str, made: dict[str, tuple[dict[str, bytes], list[Diagnostic], bool]],
              shared: list[Diagnostic]) -> list[Artifact]:
        """Write each output's files (``made``: output -> files, its own diagnostics, whether they
        came from the cache), each file atomically, and remember them for the book's next build."""
        # by the names the editor sees (relative to the project), not where they are now: a copy of
        # the project with its cache must check its own images, not the original's
        dependencies = {relative_path(path): self.prints.file(path) for path in files_read(book)}
        artifacts = []
        for output, (files, own, cached) in made.items():
            for name, data in files.items():
                target = self.out_dir / book.slug / name
                if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
                    write_atomically(target, data)
                artifacts.append(Artifact(book.slug, target, len(data), cached))
            self.cache.put("book", self.prints.of(inputs, output), _BookRecord(dependencies, shared, own, self._store(files)))
        return artifacts

    # --- 2. an output ----------------------------------------------------------------------------

    def made(self, output: str, book: Book, theme: Theme, manifest_path: Path, settings: tuple, make: Callable):
        """(files by name, diagnostics, taken from the cache) for one output: ``make()`` is called
        only when the book as this output reads it, or the output's settings, are new. Files None
        on failure."""
        key = self.prints.of("format", environment(), output, as_read_by(book, output), settings,
                             self._theme(theme), relative_path(manifest_path))
        record = self.cache.get("format", key)
        if record is not None:
            files = {name: self._restore(digest) for name, digest in record.files.items()}
            if all(data is not None for data in files.values()):
                return files, list(record.diagnostics), True
        files, problems = make()
        if files is not None and not has_errors(problems):
            self.cache.put("format", key, _FormatRecord(self._store(files), problems))
        return files, problems, False

    # --- 3. a text -------------------------------------------------------------------------------

    def convert(self, root: Path, text: Text, section_id: str, library: Library, lang: str) -> Converted:
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

    # --- files -----------------------------------------------------------------------------------

    def _theme(self, theme: Theme) -> list[str]:
        """The theme's files in effect: the book's own folder, the theme, the themes it extends."""
        return [self.prints.folder(folder) for folder in theme.folders]

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


def _entries(manifest: Manifest):
    for item in (*manifest.front, *manifest.body, *manifest.back):
        yield from (item.chapters if isinstance(item, PartEntry) else (item,))


def files_read(book: Book) -> set[Path]:
    """Every file the book's outputs were made from besides its texts and theme: whatever Path
    the assembled book holds (images, cover art, an ICC profile), and the machine's CMYK profile."""
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
