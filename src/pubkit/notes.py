"""Where notes go in each format: at the end of each chapter (EPUB footnotes), in one notes
section (endnotes), or at the foot of the page where they are called (PDF footnotes)."""

from __future__ import annotations

import dataclasses
import re

from .model import Book, Section

NOTEREF = re.compile(r'<a href="#([^"]+)" id="([^"]+)" class="noteref" epub:type="noteref" role="doc-noteref">(\d+)</a>')
BACKLINK = re.compile(r'\s*<a href="#[^"]+" class="backlink"[^>]*>[^<]*</a>')
BLOCK_TAGS = re.compile(r"<(/?)(p|blockquote|ul|ol|li|div|dl|dt|dd)(\s[^>]*)?>")


def place_notes(book: Book, mode: str, on_paper: bool) -> Book:
    """Footnotes leave the notes section out: on screen they follow their chapter (the section
    template), on paper each sits where it is called (CSS float: footnote). Endnotes keep the notes
    section. On paper no note has a backlink."""
    sections = book.sections
    if book.words.digits("0123456789") != "0123456789":  # note numbers in the language's digits (Persian ۱۲۳)
        sections = tuple(_in_digits(s, book.words.digits) for s in sections)
    if mode == "footnotes":
        sections = tuple(s for s in sections if s.role != "notes")
        if on_paper:
            sections = tuple(_footnotes_at_calls(s) for s in sections)
    elif on_paper:
        sections = tuple(dataclasses.replace(s, notes=tuple(dataclasses.replace(n, html=BACKLINK.sub("", n.html))
                                                            for n in s.notes)) for s in sections)
    return dataclasses.replace(book, sections=sections)


def _in_digits(section: Section, digits) -> Section:
    def number(match: re.Match) -> str:
        return match[0][:match.start(3) - match.start()] + digits(match[3]) + "</a>"

    return dataclasses.replace(section, html=NOTEREF.sub(number, section.html),
                               title_html=NOTEREF.sub(number, section.title_html))


def _footnotes_at_calls(section: Section) -> Section:
    """Each note's first call becomes the note itself, as an inline span; later calls of the same
    note print its number only."""
    notes = {note.id: note for note in section.notes}
    placed: set[str] = set()

    def place(match: re.Match) -> str:
        note_id, ref_id, number = match.groups()
        if note_id not in notes or note_id in placed:
            return f'<span class="noteref">{number}</span>'
        placed.add(note_id)
        return f'<a id="{ref_id}" class="noteref-anchor"></a><span class="footnote" id="{note_id}">{_inline(notes[note_id].html)}</span>'

    return dataclasses.replace(section, html=NOTEREF.sub(place, section.html),
                               title_html=NOTEREF.sub(place, section.title_html), notes=())


def _inline(html: str) -> str:
    """A note's blocks as spans (a footnote sits inside a paragraph), without its backlink."""
    html = BLOCK_TAGS.sub(lambda m: f"<{m[1]}span" + ("" if m[1] else f' class="note-{m[2]}"') + ">", BACKLINK.sub("", html))
    return html.replace("\n", " ")  # WeasyPrint 70 breaks the line at a newline inside a footnote
