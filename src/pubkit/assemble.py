"""Manifest + texts -> Book: section ids, titles, conversion, notes placement, TOC.

Everything that needs the whole book happens here, before anything is rendered: ids are assigned
for all sections first (so a text can link to one that comes later), then every text is converted,
then links are checked against every anchor in the book.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import uuid
from pathlib import Path
from typing import Callable, Iterator

from . import xrefs
from .diagnostics import Diagnostic, has_errors
from .markdown.convert import Converted, Library, convert_text, place_images, slugify
from .model import Book, Entry, Manifest, PartEntry, Section
from .provenance import needs_sources_section
from .roles import ROLES, Source
from .texts import Text
from .words import Words

ReadText = Callable[[Path], tuple[Text | None, list[Diagnostic]]]
Convert = Callable[[Text, str, Library, str], Converted]  # text, section id, library, language

# A namespace for identifiers of books without an EPUB ISBN (uuid5 of title and authors).
PUBKIT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pubkit.invalid/book")


@dataclasses.dataclass(frozen=True)
class _Slot:
    """A section to be: its place in the book and the entry that asks for it."""

    id: str
    entry: Entry
    matter: str
    part: str | None = None
    part_title: str | None = None  # set on the slot that *is* a part title page
    part_number: int | None = None


def assemble_book(manifest: Manifest, read_text: ReadText, modified: dt.datetime,
                  words: Words, convert: Convert = convert_text) -> tuple[Book | None, list[Diagnostic]]:
    """``words``: the generated words in the book's language (headings of generated sections);
    ``read_text`` and ``convert``: how texts are read and converted (the build's are cached)."""
    diagnostics: list[Diagnostic] = []
    slots = list(_slots(manifest))
    library = Library(manifest.root, {s.entry.text: s.id for s in slots if s.entry.text and not s.part_title},
                      backlink_title=words["back_to_text"])

    # Read and convert every text; errors in one text do not hide those in the next.
    sections: list[Section] = []
    links = []
    chapter_number = 0
    for slot in slots:
        if slot.entry.role == "chapter":
            chapter_number += 1
        section, converted, problems = _section(slot, manifest, library, read_text, words, convert)
        diagnostics.extend(problems)
        if section is None:
            continue
        if slot.entry.role == "chapter":
            section = dataclasses.replace(section, number=chapter_number)
        elif slot.part_title is not None:
            section = dataclasses.replace(section, number=slot.part_number)
        sections.append(section)
        if converted:
            links.extend(converted.links)
    if has_errors(diagnostics):
        return None, diagnostics

    sections = _place_notes(sections, words)
    sections = _place_sources(sections, words)
    sections, problems = xrefs.resolve_links(sections, links)
    diagnostics.extend(problems)

    cover = library.add_image(manifest.cover) if manifest.cover else None
    book = Book(
        slug=manifest.slug,
        metadata=manifest.metadata,
        identifier=_identifier(manifest),
        modified=modified,
        theme=manifest.theme,
        sections=tuple(sections),
        epub_notes=manifest.epub_notes,
        print=manifest.print,
        cover_art=manifest.cover_art,
        downloads=manifest.downloads,
        assets=tuple(a for a in library.assets.values() if a is not cover),
        cover=cover,
        words=words,
    )
    return book, diagnostics


# --- ids and order -----------------------------------------------------------------------------

# Names of documents a format adds besides the sections (the EPUB's cover page, the web edition's
# contents page): a section's file never takes them.
RESERVED_IDS = ("cover", "index", "nav")


def _slots(manifest: Manifest) -> Iterator[_Slot]:
    taken: set[str] = set(RESERVED_IDS)

    def unique(base: str) -> str:
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        return candidate

    def text_id(entry: Entry) -> str:
        if entry.text is None:
            return unique(entry.role)
        # '02-october.md' -> 'october': ordering prefixes say nothing about the text
        slug = slugify(entry.text.stem)
        named = re.sub(r"^[\d-]+", "", slug)
        return unique(named if named[:1].isalpha() else f"{entry.role}-{slug}".rstrip("-"))

    for entry in manifest.front:
        yield _Slot(text_id(entry), entry, "front")
    part_number = 0
    for item in manifest.body:
        if isinstance(item, PartEntry):
            part_number += 1
            part_id = unique(f"part-{part_number}")
            yield _Slot(part_id, Entry("part", item.location), "body", part_title=item.title, part_number=part_number)
            for chapter in item.chapters:
                yield _Slot(text_id(chapter), chapter, "body", part=part_id)
        else:
            yield _Slot(text_id(item), item, "body")
    for entry in manifest.back:
        yield _Slot(text_id(entry), entry, "back")


# --- one section ---------------------------------------------------------------------------------


def _section(slot: _Slot, manifest: Manifest, library: Library, read_text: ReadText, words: Words, convert: Convert):
    entry, role = slot.entry, ROLES[slot.entry.role]
    heading = words.role(entry.role)
    base = dict(id=slot.id, role=entry.role, matter=slot.matter, part=slot.part)
    if slot.part_title is not None:
        return Section(title=slot.part_title, title_html=html.escape(slot.part_title, quote=False), **base), None, []
    if entry.text is None and entry.inline is None:
        return Section(title=heading, title_html=html.escape(heading, quote=False), **base), None, []

    lang = manifest.metadata.language
    problems: list[Diagnostic] = []
    if entry.inline is not None:
        text = Text(manifest.file, str(entry.location.file), entry.inline, entry.location.line or 1)
    else:
        text, problems = read_text(entry.text)
        if text is None:
            return None, None, problems
    if entry.role == "epigraph" and "::: epigraph" not in text.body:
        # an epigraph is one container, so that its '— Author' line is styled as the attribution
        text = dataclasses.replace(text, body=f"::: epigraph\n{text.body.strip()}\n:::\n", body_line=text.body_line - 1)
    converted = place_images(convert(text, slot.id, library, text.lang or lang), library)

    title = entry.title or text.title or converted.title
    if title is None:
        title = heading if role.source is not Source.TEXT or entry.role != "chapter" else _from_file_name(entry.text)
    # convert_text took the leading heading as the title only if it agrees with the front matter's
    title_html = converted.title_html if converted.title and not entry.title else html.escape(title, quote=False)
    book_authors = set(manifest.metadata.authors)
    section = Section(
        title=title,
        title_html=title_html,
        html=converted.html,
        subtitle=entry.subtitle or text.subtitle,
        authors=text.authors if text.authors and set(text.authors) != book_authors else (),
        translator=text.translator,
        source=text.source,
        source_date=text.date if text.source or text.url else None,
        url=text.url,
        lang=text.lang if text.lang and text.lang != lang else None,
        notes=converted.notes,
        file=text.file,
        characters=converted.characters,
        **base,
    )
    return section, converted, problems + list(converted.diagnostics)


def _from_file_name(path: Path) -> str:
    words = re.sub(r"^[\d\W_]+", "", path.stem).replace("-", " ").replace("_", " ").strip()
    return words.capitalize() or path.stem


# --- notes, TOC, identifier --------------------------------------------------------------------


def _place_notes(sections: list[Section], words: Words) -> list[Section]:
    """A book with notes has one notes section: where the editor put it, else before the colophon.
    (A format that sets notes as footnotes leaves it out: see notes.place_notes.)"""
    has_notes = any(s.notes for s in sections)
    notes = [s for s in sections if s.role == "notes"]
    if not has_notes:
        return [s for s in sections if s.role != "notes"]
    if notes:
        return sections
    heading = words.role("notes")
    generated = Section(id="notes" if all(s.id != "notes" for s in sections) else "endnotes",
                        role="notes", matter="back", title=heading, title_html=html.escape(heading, quote=False))
    at = next((i for i, s in enumerate(sections) if s.role == "colophon"), len(sections))
    return sections[:at] + [generated] + sections[at:]


def _place_sources(sections: list[Section], words: Words) -> list[Section]:
    """The sources section: where the editor put it, else before the colophon when the copyright
    page cannot hold the book's sources (provenance.py); never in a book whose texts name none."""
    placed = any(s.role == "sources" for s in sections)
    if not any(s.source or s.url for s in sections):
        return [s for s in sections if s.role != "sources"]
    if placed or not needs_sources_section(sections):
        return sections
    heading = words.role("sources")
    generated = Section(id="sources" if all(s.id != "sources" for s in sections) else "text-sources",
                        role="sources", matter="back", title=heading, title_html=html.escape(heading, quote=False))
    at = next((i for i, s in enumerate(sections) if s.role == "colophon"), len(sections))
    return sections[:at] + [generated] + sections[at:]


def _identifier(manifest: Manifest) -> str:
    """The EPUB ISBN, else a UUID derived from title and authors: stable across rebuilds and edits."""
    meta = manifest.metadata
    if meta.isbn_epub:
        return f"urn:isbn:{re.sub(r'[^0-9X]', '', meta.isbn_epub.upper())}"  # checked and formatted by the manifest
    seed = "\n".join([meta.title, *meta.authors])
    return f"urn:uuid:{uuid.uuid5(PUBKIT_NAMESPACE, seed)}"
