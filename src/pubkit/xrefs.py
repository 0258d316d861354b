"""Whole-book link resolution: every internal link must land on an anchor somewhere in the book.

A link whose anchor does not exist is a warning, and the book stays valid: a link into another
text is pointed at the start of that text's section, a link within its own text loses its anchor
and keeps its words. Nothing pubkit writes ever points at an anchor that is not there.
"""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Iterable

from .diagnostics import Diagnostic, warning
from .markdown.convert import Link
from .model import Section

ID_ATTR = re.compile(r'\sid="([^"]+)"')


def anchors(sections: Iterable[Section]) -> set[str]:
    """Every id a section's own markup defines, the section's id itself and its notes' ids."""
    found: set[str] = set()
    for section in sections:
        found.add(section.id)
        found.update(ID_ATTR.findall(section.html))
        for note in section.notes:
            found.add(note.id)
            found.update(ID_ATTR.findall(note.html))
    return found


def resolve_links(sections: list[Section], links: Iterable[Link]) -> tuple[list[Section], list[Diagnostic]]:
    """Sections whose dangling links are mended, and a warning for each saying how."""
    known = anchors(sections)
    titles = {s.id: s.title for s in sections}
    problems = []
    fixes: dict[str, list[tuple[str, str | None]]] = {}  # section id -> (bad anchor, new anchor or None)
    for link in links:
        if link.target in known:
            continue
        if link.section != link.origin and link.section in known:
            fixes.setdefault(link.origin, []).append((link.target, link.section))
            outcome = f"it now leads to the start of ‘{titles[link.section]}’"
        else:
            fixes.setdefault(link.origin, []).append((link.target, None))
            outcome = "the link is removed, its words are kept"
        problems.append(warning("X201", f"link '{link.written}' matches no anchor in the book; {outcome}", link.location))
    if not fixes:
        return sections, problems
    return [_mend(s, fixes[s.id]) if s.id in fixes else s for s in sections], problems


def _mend(section: Section, fixes: list[tuple[str, str | None]]) -> Section:
    def apply(markup: str) -> str:
        for bad, new in fixes:
            href = f'href="#{html.escape(bad)}"'
            if new is not None:
                markup = markup.replace(href, f'href="#{new}"')
            else:  # CommonMark links cannot nest, so the first </a> closes this one
                markup = re.sub(rf"<a {re.escape(href)}[^>]*>(.*?)</a>", r"\1", markup, flags=re.S)
        return markup

    notes = tuple(dataclasses.replace(n, html=apply(n.html)) for n in section.notes)
    return dataclasses.replace(section, html=apply(section.html), title_html=apply(section.title_html), notes=notes)
