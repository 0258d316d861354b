"""Font subsetting for reflowable outputs: embed only the glyphs the book uses.

A full Charis SIL family is about 3 MB; the glyphs a book uses are a few hundred kilobytes.
Subsetting keeps OpenType layout features (kerning, ligatures) and is deterministic: the same
characters give the same bytes, because fontTools is told not to stamp the time.
"""

from __future__ import annotations

import html
import io
import re
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

TAG = re.compile(r"<[^>]+>")


def characters(documents: list[str]) -> frozenset[str]:
    """Every character a reader can see in these XHTML documents (plus the basics)."""
    seen = set(" 0123456789")
    for doc in documents:
        body = doc.split("<body", 1)[-1]
        seen.update(html.unescape(TAG.sub(" ", body)))
        seen.update(html.unescape("".join(re.findall(r'(?:alt|title)="([^"]*)"', body))))
    return frozenset(c for c in seen if c.isprintable() or c == "\u00a0")


@lru_cache(maxsize=64)
def subset_font(path: Path, chars: frozenset[str]) -> bytes:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    # Graphite tables (SIL fonts) cannot be subset, and no EPUB reader uses them
    options.drop_tables += ["DSIG", "Silt", "Sill", "Silf", "Glat", "Gloc", "Feat"]
    font = TTFont(str(path), recalcTimestamp=False, lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def missing_characters(path: Path, chars: frozenset[str]) -> set[str]:
    cmap = _cmap(path)
    return {c for c in chars if ord(c) not in cmap and not c.isspace()}


@lru_cache(maxsize=16)
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(str(path), lazy=True).getBestCmap())
