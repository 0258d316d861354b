"""Where the texts came from: a line or two on the copyright page, or a sources section.

Each text may say where and when it first appeared (``source``, ``date``), who translated it, and
the address it was taken from (``url``). A few short statements fit on the copyright page. More
than a few, or any long one (an address, say), go to a back-matter section of their own (role
``sources``), and the copyright page refers to it: a book of 28 texts must not print 28 lines of
addresses on a page that has to stay one page.

In that section, texts that share a first appearance are listed together, and an address shared
by all of them is said once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Section

# The copyright page lists at most this many texts' sources itself, each at most this long.
ON_COPYRIGHT_PAGE = 3
LONG_SOURCE = 80  # characters


@dataclass(frozen=True)
class SourceGroup:
    """Texts that first appeared in the same place (or say nothing of it) and in the same translation."""

    texts: tuple[Section, ...]
    source: str | None
    date: str | None
    translator: str | None
    urls: tuple[tuple[Section | None, str], ...]  # (the text, or None when all of them share it; address)


def group_sources(sections: Iterable[Section]) -> tuple[SourceGroup, ...]:
    """Texts with provenance, grouped by first appearance, in reading order of each group's first text."""
    groups: dict[tuple, list[Section]] = {}
    for section in sections:
        if section.source or section.url:
            groups.setdefault((section.source, section.source_date, section.translator), []).append(section)
    out = []
    for (source, date, translator), texts in groups.items():
        addresses = [t.url for t in texts if t.url]
        if addresses and len(set(addresses)) == 1 and len(addresses) == len(texts):
            urls: tuple = ((None, addresses[0]),)
        else:
            urls = tuple((t, t.url) for t in texts if t.url)
        out.append(SourceGroup(tuple(texts), source, date, translator, urls))
    return tuple(out)


def needs_sources_section(sections: Iterable[Section]) -> bool:
    """More than a few sources, or any long one, do not fit on the copyright page."""
    with_source = [s for s in sections if s.source or s.url]
    return len(with_source) > ON_COPYRIGHT_PAGE or any(
        s.url or len(s.source or "") > LONG_SOURCE for s in with_source)
