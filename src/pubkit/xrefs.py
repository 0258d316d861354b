"""Whole-book link checking: every internal link must land on an anchor somewhere in the book."""

from __future__ import annotations

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


def check_links(sections: Iterable[Section], links: Iterable[Link]) -> list[Diagnostic]:
    known = anchors(sections)
    problems = []
    for link in links:
        if link.target not in known:
            problems.append(warning("X201", f"link '{link.written}' matches no anchor in the book", link.location))
    return problems
