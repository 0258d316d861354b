"""Font subsetting for reflowable outputs: embed only the glyphs the book uses.

A full Charis SIL family is about 3 MB; the glyphs a book uses are a few hundred kilobytes.
HarfBuzz's subsetter (through uharfbuzz) keeps every OpenType layout feature (kerning, ligatures,
small caps), drops what readers do not use (SIL's Graphite tables), and is deterministic: the same
characters give the same bytes. It is also about a hundred times faster than fontTools here.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import uharfbuzz as hb

from .diagnostics import Diagnostic, Location, warning

if TYPE_CHECKING:
    from .model import Book
    from .theming import Theme

TAG = re.compile(r"<[^>]+>")
TEXT_ATTRIBUTES = re.compile(r'\s(?:alt|title)="([^"]*)"')


def characters(documents: list[str]) -> frozenset[str]:
    """Every character a reader can see in these XHTML documents (plus digits and space)."""
    seen = set(" 0123456789")
    for doc in documents:
        body = doc.split("<body", 1)[-1]
        seen.update(html.unescape(TAG.sub(" ", body)))
        seen.update(html.unescape("".join(TEXT_ATTRIBUTES.findall(body))))
    return frozenset(c for c in seen if c.isprintable() or c == "\u00a0")


@lru_cache(maxsize=64)
def subset_font(path: Path, chars: frozenset[str]) -> bytes:
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    request = hb.SubsetInput()
    for char in chars:
        request.unicode_set.add(ord(char))
    request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).invert()  # keep every feature
    return hb.subset(face, request).blob.data


def missing_characters(path: Path, chars: frozenset[str]) -> set[str]:
    covered = _unicodes(path)
    return {c for c in chars if ord(c) not in covered and not c.isspace()}


@lru_cache(maxsize=16)
def _unicodes(path: Path) -> frozenset[int]:
    return frozenset(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)


def missing_glyphs(book: "Book", theme: "Theme") -> list[Diagnostic]:
    """Characters the theme's text font cannot show would fall back to whatever the reader has."""
    if not theme.fonts:
        return []  # a theme without fonts leaves the choice to readers on purpose
    regular = next((f for f in theme.fonts if f.weight == 400 and f.style == "normal"), theme.fonts[0])
    problems = []
    for section in book.sections:
        chars = characters([section.html, *(n.html for n in section.notes)])
        for char in sorted(missing_characters(regular.path, chars)):
            problems.append(warning(
                "F001", f"character '{char}' (U+{ord(char):04X}) is not in the theme's font '{regular.family}'; "
                        "readers will see a fallback font", Location(section.file or section.id)))
    return problems
