"""The catalog: every built book's record (writers/record.py) and downloads, and the terms readers
browse by (subjects, authors, languages). Data only; pages and feeds are made from it."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii

from ..formats import OUTPUT_NAMES, WEB_FOLDER
from ..writers.record import RECORD

MEDIA_TYPES = {"epub": "application/epub+zip", "screen-pdf": "application/pdf", "print-pdf": "application/pdf"}


@dataclass(frozen=True)
class Download:
    kind: str  # epub | screen-pdf | print-pdf
    name: str  # the file's name in the book's folder of the site
    media_type: str
    size: int
    sha256: str
    source: Path  # the built file


@dataclass(frozen=True)
class Listing:
    """One book as the site lists it: its record (``listing.title`` reads ``record["title"]`` in
    templates), the files readers may download, and its web edition's folder."""

    slug: str
    record: dict
    downloads: tuple[Download, ...]
    web: Path

    def __getitem__(self, key: str):
        return self.record[key]

    @property
    def credits(self) -> list[dict]:
        """Everyone named besides the authors: editors, translators, writers of prefaces."""
        return [c for c in self.record["creators"] if c["role"] != "aut"]


@dataclass(frozen=True)
class Term:
    """A subject, author or language, with its books (newest first)."""

    kind: str  # "subjects" | "authors" | "languages": also the folder of its pages
    key: str  # its name in addresses
    label: str
    books: tuple[Listing, ...]


@dataclass(frozen=True)
class Catalog:
    books: tuple[Listing, ...]  # newest first
    subjects: tuple[Term, ...]
    authors: tuple[Term, ...]
    languages: tuple[Term, ...]

    @property
    def updated(self) -> str:
        """When the catalog last changed: its newest book's modification (reproducible)."""
        return max((b["modified"] for b in self.books), default="1970-01-01T00:00:00Z")

    def language(self, book: Listing) -> Term:
        return next(term for term in self.languages if book in term.books)

    def terms(self, kind: str) -> tuple[Term, ...]:
        return {"subjects": self.subjects, "authors": self.authors, "languages": self.languages}[kind]


def read_listing(out_dir: Path, slug: str) -> Listing | None:
    """A built book's listing, or None when its web edition has not been built."""
    folder = out_dir / slug
    try:
        record = json.loads((folder / WEB_FOLDER / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    downloads = []
    for kind in record["downloads"]:
        path = folder / OUTPUT_NAMES[kind].format(slug=slug)
        if path.is_file():
            data = path.read_bytes()
            downloads.append(Download(kind, path.name, MEDIA_TYPES[kind], len(data), hashlib.sha256(data).hexdigest(), path))
    return Listing(slug, record, tuple(downloads), folder / WEB_FOLDER)


def make_catalog(listings: list[Listing], language_name) -> Catalog:
    """``language_name(tag)`` names a language for the site's readers."""
    books = tuple(sorted(listings, key=lambda b: (b["date"], b["title"], b.slug), reverse=True))
    return Catalog(
        books,
        _terms("subjects", books, lambda b: b["subjects"]),
        _terms("authors", books, lambda b: b["responsible"]),
        _terms("languages", books, lambda b: [b["language"]], language_name),
    )


def _terms(kind: str, books: tuple[Listing, ...], values, label=lambda value: value) -> tuple[Term, ...]:
    found: dict[str, list[Listing]] = {}
    for book in books:
        for value in dict.fromkeys(values(book)):
            found.setdefault(value, []).append(book)
    terms, taken = [], set()
    for value in sorted(found, key=lambda v: str(label(v)).casefold()):
        key = base = term_key(value)
        n = 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        taken.add(key)
        terms.append(Term(kind, key, label(value), tuple(found[value])))
    return tuple(terms)


def term_key(value: str) -> str:
    """A term's name in addresses: its words in ASCII letters and digits, lower case, joined by
    hyphens ("Анна Воронцова" -> "anna-vorontsova"). Names in other scripts are changed or refused
    by some hosts, sync and zip tools (Unicode normalization, percent-encoding); the page's title
    and the links' words keep the name as it is written."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(value).lower()).strip("-") or "term"
