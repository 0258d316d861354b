"""Page geometry for a paged output: trim, margins with the gutter, bleed.

The theme sets the type area (its margins); pubkit makes sure the gutter grows with the page
count and that no margin falls below the vendor's minimum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vendors import BLEED, TRIMS, Vendor, minimum_gutter

UNITS = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72}
TRIM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt)\s*$")


def parse_trim(value: str) -> tuple[float, float] | None:
    """'6x9in', 'a5', '129x198mm', '6in x 9in' -> (width, height) in inches, or None."""
    key = value.strip().lower().replace(" ", "")
    if key in TRIMS:
        return TRIMS[key]
    match = TRIM.match(value.lower())
    if not match:
        return None
    width_unit = match[2] or match[4]
    return float(match[1]) * UNITS[width_unit], float(match[3]) * UNITS[match[4]]


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    outside: float
    inside: float


@dataclass(frozen=True)
class Geometry:
    """All in inches. ``bleed`` maps each edge (top, bottom, outside, inside) to its bleed."""

    width: float
    height: float
    margins: Margins
    bleed: dict[str, float]
    mirrored: bool  # print: left and right pages differ; screen: single-sided
    bound_right: bool = False  # a book written right to left: its odd pages are left-hand pages

    @property
    def type_width(self) -> float:
        return self.width - self.margins.inside - self.margins.outside

    @property
    def type_height(self) -> float:
        return self.height - self.margins.top - self.margins.bottom


def print_geometry(trim: tuple[float, float], theme: Margins, vendor: Vendor, pages: int, theme_bleeds: bool) -> Geometry:
    """The page of a print edition of ``pages`` pages. A thick book needs a wider gutter; the text
    block keeps its width and moves outward (the outer margin gives what the gutter takes, down
    to the vendor's minimum), so the text laid out for a thinner book only moves (edition.py)."""
    bleeds = vendor.bleed_when == "always" or theme_bleeds
    bleed = {side: BLEED for side in vendor.bleed_sides} if bleeds else {}
    floor = vendor.min_margin_bleed if bleed else vendor.min_margin
    least = max(theme.inside, minimum_gutter(0), vendor.min_margin if vendor.name != "kdp" else 0)  # a thin book's gutter
    inside = max(least, minimum_gutter(pages))
    margins = Margins(
        top=max(theme.top, floor),
        bottom=max(theme.bottom, floor),
        outside=max(max(theme.outside, floor) - (inside - least), floor),
        inside=inside,
    )
    return Geometry(trim[0], trim[1], margins, bleed, mirrored=True)


def screen_geometry(trim: tuple[float, float], theme: Margins) -> Geometry:
    side = (theme.inside + theme.outside) / 2
    return Geometry(trim[0], trim[1], Margins(theme.top, theme.bottom, side, side), {}, mirrored=False)
