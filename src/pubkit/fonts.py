"""The theme's fonts and a book's characters: the fonts a book needs (its scripts, for_text),
subsets for reflowable outputs (embed only the glyphs the book uses), and the characters no font
has (F001, an error: a PDF would show boxes).

A full Charis SIL family is about 3 MB; the glyphs a book uses are a few hundred kilobytes.
HarfBuzz's subsetter (through uharfbuzz) keeps every OpenType layout feature (kerning, ligatures,
small caps), drops what readers do not use (SIL's Graphite tables), and is deterministic: the same
characters give the same bytes. It is also about a hundred times faster than fontTools here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fontTools import unicodedata as scripts

from .diagnostics import Diagnostic, Location, error
from .parsing.characters import location_at
from .words import FALLBACK, candidates

if TYPE_CHECKING:
    from .model import Book, Metadata
    from .theming import Font, Theme

TAG = re.compile(r"<[^>]+>")
TEXT_ATTRIBUTES = re.compile(r'\s(?:alt|title|placeholder)="([^"]*)"')  # shown as text, or read out


def characters(documents: list[str]) -> frozenset[str]:
    """Every character a reader can see in these XHTML documents (plus digits and space)."""
    seen = set(" 0123456789")
    for doc in documents:
        body = doc.split("<body", 1)[-1]
        seen.update(html.unescape(TAG.sub(" ", body)))
        seen.update(html.unescape("".join(TEXT_ATTRIBUTES.findall(body))))
    # private-use characters are not "printable" to Python, yet a font may draw them (SIL's do)
    return frozenset(c for c in seen if c.isprintable() or c == "\u00a0" or unicodedata.category(c) == "Co")


# Subsets are kept per process by the font's content, never its path: a long-lived process (the
# tests, pubkit serve) must see a font file that was replaced. Character sets are asked for once
# per character a script font may draw (fonts.for_text), so they are kept by the file's path, size
# and modification time instead: reading and hashing a 24 MB Chinese face each time took seconds.
_SUBSETS: dict[tuple[bytes, frozenset[str]], bytes] = {}
_UNICODES: dict[tuple[Path, int, int], frozenset[int]] = {}


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
        features = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
        features.clear()  # it holds HarfBuzz's default features: inverted as it is, it would drop them
        features.invert()  # (kerning, ligatures, Arabic's joining forms); cleared first, it keeps every one
        _SUBSETS[key] = hb.subset(hb.Face(hb.Blob(data)), request).blob.data
    return _SUBSETS[key]


def covered(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    status = path.stat()
    key = (path, status.st_mtime_ns, status.st_size)
    if key not in _UNICODES:
        import uharfbuzz as hb

        _UNICODES[key] = frozenset(hb.Face(hb.Blob(path.read_bytes())).unicodes)
    return _UNICODES[key]


def for_text(theme: "Theme", chars: Iterable[str], language: str, where: Location) -> tuple["Theme", list[Diagnostic]]:
    """The theme as a text in ``language`` showing ``chars`` uses it: its base fonts (those with no
    script) and, for characters they lack, the fonts of the scripts that have them; the font of
    the text's own language first in the stack (Naskh for Arabic, Nastaliq for Urdu, SC or TC for
    Chinese). A Latin book gets the base fonts alone: nothing of the other scripts is read."""
    base = tuple(f for f in theme.fonts if f.script is None)
    if len(base) == len(theme.fonts):
        return theme, []
    drawn = _coverage(base)
    families = _script_families(theme)
    own = _own_family(families, language)
    chosen = [own] if own else []
    for char in sorted(set(chars)):
        if ord(char) in drawn or char.isspace():
            continue
        family = _family_for(char, families, own)
        if family and family not in chosen:
            chosen.append(family)
    if not chosen:
        return dataclasses.replace(theme, fonts=base), []
    fonts = base + tuple(f for family in chosen for f in families[family])
    absent = sorted({f.path.name for f in fonts if not f.path.is_file()})
    problems = [error("F002", f"this text needs the theme's {', '.join(chosen)} ({', '.join(absent)}), which is not "
                              "installed: `make fonts` fetches it", where)] if absent else []
    stack = (*([own] if own else []), base[0].family if base else None, *(f for f in chosen if f != own))
    return dataclasses.replace(theme, fonts=tuple(f for f in fonts if f.path.is_file()),
                               font_stack=tuple(f for f in stack if f)), problems


def _script_families(theme: "Theme") -> dict[str, list["Font"]]:
    """The theme's script fonts by family, in the theme's order."""
    families: dict[str, list[Font]] = {}
    for font in theme.fonts:
        if font.script:
            families.setdefault(font.family, []).append(font)
    return families


def _own_family(families: dict[str, list["Font"]], language: str) -> str | None:
    """The family a language's text is set in first: the one naming the most particular form of
    the language ('zh-Hant' before 'zh')."""
    for tag in (tag for tag in candidates(language) if tag != FALLBACK):
        for family, fonts in families.items():
            if any(tag.lower() == named.lower() for named in fonts[0].languages):
                return family
    return None


def _family_for(char: str, families: dict[str, list["Font"]], own: str | None) -> str | None:
    """The family that draws ``char``: the text's own, else the first of its script (by the
    character's script extensions: the Arabic comma is Arabic and Syriac), else any that has it."""
    wanted = scripts.script_extension(char)
    order = [own] if own else []
    order += [f for f, fonts in families.items() if fonts[0].script in wanted]
    order += list(families)
    for family in dict.fromkeys(order):
        regular = _regular(families[family])
        if not regular.path.is_file():  # not fetched: taken if the script is its own (F002 follows)
            if regular.script in wanted:
                return family
        elif ord(char) in covered(regular.path):
            return family
    return None


def _regular(fonts: Iterable["Font"]) -> "Font":
    fonts = list(fonts)
    return next((f for f in fonts if f.weight == 400 and f.style == "normal"), fonts[0])


def _coverage(fonts: Iterable["Font"]) -> frozenset[int]:
    """The code points the regular faces of these fonts' families draw."""
    families: dict[str, list[Font]] = {}
    for font in fonts:
        families.setdefault(font.family, []).append(font)
    return frozenset().union(*(covered(_regular(group).path) for group in families.values()))


def metadata_characters(metadata: "Metadata") -> set[str]:
    """What a book's manifest shows on its cover, title page and running heads."""
    shown = [metadata.title, metadata.subtitle, metadata.publisher, metadata.description, metadata.rights,
             metadata.edition, *(c.name for c in metadata.creators), *metadata.subjects]
    return set("".join(text for text in shown if text))


def book_characters(book: "Book") -> set[str]:
    """Every character a book shows: its texts, their titles, and the manifest's words."""
    return metadata_characters(book.metadata).union(*(_shown(section) for section in book.sections))


def _shown(section) -> set[str]:
    """A section's characters: its text and notes, and its title (headings, contents, running heads)."""
    return section.characters | set(section.title) | set(section.subtitle or "")


def missing_glyphs(book: "Book", theme: "Theme", manifest: Path) -> list[Diagnostic]:
    """Characters none of the book's fonts can show would fall back to whatever the reader has
    (in a PDF: a missing-glyph box): an error, at the character's first place. A text's title
    counts as well as its body (headings, the contents, running heads), and the manifest's
    words as well (the cover and title page)."""
    shown = [(_shown(section), section.file or section.id, section.file) for section in book.sections]
    return _missing(shown, theme) + missing_in_manifest(book.metadata, theme, manifest)


def missing_in_manifest(metadata: "Metadata", theme: "Theme", manifest: Path) -> list[Diagnostic]:
    """The manifest's words no font can show (checked before its cover is drawn)."""
    return _missing([(metadata_characters(metadata), str(manifest), str(manifest))], theme)


def _missing(shown: list[tuple[set[str], str, str | None]], theme: "Theme") -> list[Diagnostic]:
    """``shown``: (characters, where to point, the file to find them in)."""
    if not theme.fonts:
        return []  # a theme without fonts leaves the choice to readers on purpose
    font = _coverage(theme.fonts)
    families = ", ".join(dict.fromkeys(f.family for f in theme.fonts))
    problems = []
    for chars, name, file in shown:
        missing = sorted(c for c in chars if ord(c) not in font and not c.isspace())
        source = _source(file) if missing else ""
        for char in missing:
            script = scripts.script_name(scripts.script(char))
            problems.append(error(
                "F001", f"character '{char}' (U+{ord(char):04X}, {script}) is in none of the theme's fonts "
                        f"({families}): the theme needs a font for {script}",
                _first(char, source, name)))
    return problems


NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: ".*" \(U\+([0-9A-F]+)\)')
CODE_POINT = re.compile(r"\(U\+([0-9A-F]+)\)")


def said_once(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A book's diagnostics, each once (several outputs find the same), and without WeasyPrint's
    own message for a glyph no font has where F001 named that character already, at its place in
    the text (WeasyPrint's names only the theme)."""
    named = {m[1] for d in diagnostics if d.code == "F001" and not NOTDEF.match(d.message)
             and (m := CODE_POINT.search(d.message))}
    return [d for d in dict.fromkeys(diagnostics)
            if not ((m := NOTDEF.match(d.message)) and m[1] in named)]


def _source(file: str | None) -> str:
    try:
        return Path(file).read_text(encoding="utf-8") if file else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _first(char: str, source: str, file: str) -> Location:
    """Where ``char`` first appears in the text's file (the file alone if it is not found there)."""
    at = source.find(char)
    return location_at(source, at, file) if at >= 0 else Location(file)
