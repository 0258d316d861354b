"""The theme's fonts and a book's characters: subsets for reflowable outputs (embed only the
glyphs the book uses), and the characters the fonts lack (F001, told once: said_once).

A full Charis SIL family is about 3 MB; the glyphs a book uses are a few hundred kilobytes.
HarfBuzz's subsetter (through uharfbuzz) keeps every OpenType layout feature (kerning, ligatures,
small caps), drops what readers do not use (SIL's Graphite tables), and is deterministic: the same
characters give the same bytes. It is also about a hundred times faster than fontTools here.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Location, warning
from .parsing.characters import location_at

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
    # private-use characters are not "printable" to Python, yet a font may draw them (SIL's do)
    return frozenset(c for c in seen if c.isprintable() or c == "\u00a0" or unicodedata.category(c) == "Co")


# Subsets and character sets are kept per process by the font's content, never its path: a
# long-lived process (the tests, pubkit serve) must see a font file that was replaced.
_SUBSETS: dict[tuple[bytes, frozenset[str]], bytes] = {}
_UNICODES: dict[bytes, frozenset[int]] = {}


def subset_font(path: Path, chars: frozenset[str]) -> bytes:
    data = path.read_bytes()
    key = (hashlib.sha256(data).digest(), chars)
    if key not in _SUBSETS:
        if len(_SUBSETS) >= 64:
            _SUBSETS.clear()
        import uharfbuzz as hb

        request = hb.SubsetInput()
        for char in chars:
            request.unicode_set.add(ord(char))
        request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).invert()  # keep every feature
        _SUBSETS[key] = hb.subset(hb.Face(hb.Blob(data)), request).blob.data
    return _SUBSETS[key]


def covered(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    data = path.read_bytes()
    key = hashlib.sha256(data).digest()
    if key not in _UNICODES:
        import uharfbuzz as hb

        _UNICODES[key] = frozenset(hb.Face(hb.Blob(data)).unicodes)
    return _UNICODES[key]


def missing_glyphs(book: "Book", theme: "Theme") -> list[Diagnostic]:
    """Characters the theme's text font cannot show would fall back to whatever the reader has
    (in a PDF: whatever this machine has, or a blank box). A text's title counts as well as its
    body: it is set in headings, the contents and running heads."""
    if not theme.fonts:
        return []  # a theme without fonts leaves the choice to readers on purpose
    regular = next((f for f in theme.fonts if f.weight == 400 and f.style == "normal"), theme.fonts[0])
    font = covered(regular.path)
    problems = []
    for section in book.sections:
        shown = section.characters | set(section.title) | set(section.subtitle or "")
        missing = sorted(c for c in shown if ord(c) not in font and not c.isspace())
        source = _source(section.file) if missing else ""
        for char in missing:
            problems.append(warning(
                "F001", f"character '{char}' (U+{ord(char):04X}) is not in the theme's font '{regular.family}'; "
                        "e-readers will show it in a fallback font, the PDFs as a missing-glyph box",
                _first(char, source, section.file or section.id)))
    return problems


NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: ".*" \(U\+([0-9A-F]+)\)$')
CODE_POINT = re.compile(r"\(U\+([0-9A-F]+)\)")


def said_once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A book's diagnostics, each once (several outputs find the same), and without WeasyPrint's
    own warning for a glyph no font has where F001 named that character already, at its place in
    the text (WeasyPrint's names only the theme)."""
    named = {m[1] for d in diagnostics if d.code == "F001" and (m := CODE_POINT.search(d.message))}
    return [d for d in dict.fromkeys(diagnostics)
            if not (d.code == "W002" and (m := NOTDEF.match(d.message)) and m[1] in named)]


def _source(file: str | None) -> str:
    try:
        return Path(file).read_text(encoding="utf-8") if file else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _first(char: str, source: str, file: str) -> Location:
    """Where ``char`` first appears in the text's file (the file alone if it is not found there)."""
    at = source.find(char)
    return location_at(source, at, file) if at >= 0 else Location(file)
