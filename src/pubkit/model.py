"""The book as data: frozen dataclasses handed from stage to stage. No I/O here."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Location
from .roles import ROLES, Role
from .words import Words


# MARC relators that take an author's place when a book has none: editor, compiler.
RESPONSIBLE_WITHOUT_AUTHOR = ("edt", "com")


@dataclass(frozen=True)
class Creator:
    name: str
    role: str  # MARC relator code: aut, edt, trl, aui, ...
    file_as: str | None = None


@dataclass(frozen=True)
class Accessibility:
    summary: str | None = None
    conforms_to: str | None = None  # e.g. "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    certified_by: str | None = None


RIGHT_TO_LEFT_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"})


@functools.lru_cache(maxsize=64)
def direction(language: str) -> str:
    """The direction a language's text is written in, from its script (given, or the likely
    one: 'ur' is Arab, 'ar-Latn' Latin)."""
    import langcodes

    try:
        script = langcodes.Language.get(language).maximize().script
    except (ValueError, LookupError):
        return "ltr"
    return "rtl" if script in RIGHT_TO_LEFT_SCRIPTS else "ltr"


@dataclass(frozen=True)
class Metadata:
    title: str
    subtitle: str | None
    creators: tuple[Creator, ...]
    language: str
    publisher: str | None
    date: dt.date
    isbn_epub: str | None
    isbn_print: str | None
    description: str | None
    subjects: tuple[str, ...]
    rights: str | None
    edition: str | None
    accessibility: Accessibility

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.creators if c.role == "aut")

    @property
    def direction(self) -> str:
        """'rtl' for a book in a language written right to left (Arabic, Persian, Urdu, Hebrew):
        its pages turn the other way and it is bound on the right; else 'ltr'."""
        return direction(self.language)

    @property
    def responsible(self) -> tuple[Creator, ...]:
        """Who a catalogue files the book under: its authors, or for a book without one (an
        anthology), its editors and compilers. These are the EPUB's dc:creator entries."""
        authors = tuple(c for c in self.creators if c.role == "aut")
        return authors or tuple(c for c in self.creators if c.role in RESPONSIBLE_WITHOUT_AUTHOR)

    @property
    def responsible_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.responsible)


# --- the manifest: what the editor asked for ------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One section the manifest asks for: a generated page, a text, or inline words."""

    role: str
    location: Location
    text: Path | None = None  # a text file (resolved, absolute)
    inline: str | None = None  # words written in the manifest (dedication, epigraph)
    title: str | None = None  # overrides the text's own
    subtitle: str | None = None


@dataclass(frozen=True)
class PartEntry:
    title: str
    chapters: tuple[Entry, ...]
    location: Location


@dataclass(frozen=True)
class PrintSettings:
    trim: tuple[float, float]  # inches
    trim_name: str  # as the editor wrote it
    pod: str  # kdp | ingram | lulu | none
    notes: str  # footnotes | endnotes
    icc_profile: Path | None  # the printer's output profile, for PDF/X
    paper: str = "white"  # white | cream | color: the spine's thickness per page


@dataclass(frozen=True)
class CoverArt:
    """What a generated cover may show besides the metadata."""

    image: Path | None = None  # front (and e-book) background image
    author_photo: Path | None = None  # back cover
    quote: str | None = None  # back cover


@dataclass(frozen=True)
class Manifest:
    file: Path
    slug: str
    root: Path  # the manifest's folder: every path in it is relative to this and stays inside it
    metadata: Metadata
    theme: str
    cover: Path | None
    front: tuple[Entry, ...]
    body: tuple[Entry | PartEntry, ...]
    back: tuple[Entry, ...]
    epub_notes: str  # "endnotes" | "footnotes"
    print: PrintSettings
    cover_art: CoverArt = CoverArt()
    downloads: tuple[str, ...] = ("epub", "screen-pdf")  # what the readers' site offers


# --- the assembled book -----------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    id: str  # the note's anchor
    ref_id: str  # the anchor of its (first) reference, for the backlink
    number: int
    html: str  # the note's body, backlink included


@dataclass(frozen=True)
class Asset:
    """A file copied into the outputs as it is (images)."""

    source: Path
    href: str  # path inside the publication, e.g. "images/map.png"
    media_type: str


@dataclass(frozen=True)
class Section:
    id: str
    role: str
    matter: str  # "front" | "body" | "back"
    title: str  # plain text, for navigation and <title>
    title_html: str  # inline markup allowed, for the heading
    html: str = ""  # the converted text (empty for generated pages)
    subtitle: str | None = None
    authors: tuple[str, ...] = ()  # the text's authors, when they differ from the book's
    translator: str | None = None
    source: str | None = None  # where the text first appeared
    source_date: str | None = None  # when it was written or first appeared
    url: str | None = None  # the address it was taken from
    lang: str | None = None  # when it differs from the book's
    notes: tuple[Note, ...] = ()
    part: str | None = None  # id of the part a chapter belongs to
    number: int | None = None  # chapter number in reading order
    file: str | None = None  # the source text, for messages
    characters: frozenset[str] = frozenset()  # every character its text and notes show

    @property
    def info(self) -> Role:
        return ROLES[self.role]


@dataclass(frozen=True)
class TocEntry:
    title: str
    target: str  # section id
    children: tuple["TocEntry", ...] = ()


@dataclass(frozen=True)
class Book:
    slug: str
    metadata: Metadata
    identifier: str  # urn:isbn:... or urn:uuid:...
    modified: dt.datetime  # UTC
    theme: str
    sections: tuple[Section, ...]  # reading order, parts included as their own sections
    epub_notes: str  # "endnotes" | "footnotes"
    print: PrintSettings
    assets: tuple[Asset, ...]
    cover: Asset | None  # the e-book cover: the manifest's image, or one the theme designed
    words: Words  # generated words in the book's language
    cover_art: CoverArt = CoverArt()
    downloads: tuple[str, ...] = ("epub", "screen-pdf")  # what the readers' site offers

    def section(self, section_id: str) -> Section:
        return self._by_id[section_id]

    @property
    def modified_w3c(self) -> str:
        """``modified`` as EPUB's dcterms:modified, PDF metadata and the site's records write it."""
        return self.modified.strftime("%Y-%m-%dT%H:%M:%SZ")

    @functools.cached_property
    def _by_id(self) -> dict[str, Section]:
        """Sections by id, made on first use (a template asks for every section of a 10,000-text book)."""
        return {s.id: s for s in self.sections}

    @property
    def toc(self) -> tuple[TocEntry, ...]:
        """Sections whose role belongs in a table of contents; a part's chapters nest under it."""
        entries: list[TocEntry] = []
        for section in self.sections:
            if not section.info.in_toc:
                continue
            entry = TocEntry(section.title, section.id)
            if section.part and entries and entries[-1].target == section.part:
                parent = entries[-1]
                entries[-1] = TocEntry(parent.title, parent.target, parent.children + (entry,))
            else:
                entries.append(entry)
        return tuple(entries)

    @property
    def first_body(self) -> Section | None:
        """The first section of the body: where reading starts, and where arabic folios start."""
        return next((s for s in self.sections if s.matter == "body"), None)

    @property
    def noted_sections(self) -> tuple[Section, ...]:
        """Sections with notes, in reading order (the endnotes section groups by these)."""
        return tuple(s for s in self.sections if s.notes)

    @property
    def first_printings(self) -> tuple[Section, ...]:
        """Texts that say where they first appeared (for the copyright page)."""
        return tuple(s for s in self.sections if s.source)

    def has(self, role: str) -> bool:
        return any(s.role == role for s in self.sections)
