"""Print-on-demand vendors' numbers, in one table so they can be corrected in one place.

Sources: KDP, IngramSpark and Lulu help pages as summarised in STANDARDS.md. Numbers marked
``unofficial`` there come from consistent third-party summaries, not the vendor's own pages.
All lengths are in inches.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vendor:
    name: str
    title: str
    bleed_sides: tuple[str, ...]  # which page edges carry bleed: top, bottom, outside, inside
    bleed_when: str  # "always", or "theme" (only when the theme uses bleed)
    min_margin: float  # outside, top and bottom, without bleed
    min_margin_bleed: float  # the same, with bleed
    pdf_variant: str | None  # WeasyPrint pdf_variant
    color: str  # "any" | "gray"
    allow_links: bool  # annotations and bookmarks
    min_pages: int
    max_pages: int | None
    even_pages: bool
    blank_last_page: bool


BLEED = 0.125

VENDORS: dict[str, Vendor] = {
    "kdp": Vendor("kdp", "Amazon KDP", ("top", "bottom", "outside"), "theme", 0.25, 0.375,
                  None, "any", False, 24, 828, True, False),
    "ingram": Vendor("ingram", "IngramSpark", ("top", "bottom", "outside", "inside"), "always", 0.5, 0.5,
                     "pdf/x-3", "gray", False, 18, None, True, True),
    "lulu": Vendor("lulu", "Lulu", ("top", "bottom", "outside", "inside"), "always", 0.5, 0.5,
                   None, "gray", True, 32, None, True, False),
    "none": Vendor("none", "no vendor", (), "theme", 0.25, 0.375, None, "any", True, 1, None, False, False),
}

# KDP's minimum inside margin (gutter) by page count (unofficial); used for every vendor, since a
# thick book needs the room whoever prints it.
GUTTER_BY_PAGES: tuple[tuple[int, float], ...] = (
    (150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (10**9, 0.875),
)


def minimum_gutter(pages: int) -> float:
    return next(gutter for limit, gutter in GUTTER_BY_PAGES if pages <= limit)


# Trim sizes editors can name; any other is written WIDTHxHEIGHT with a unit.
TRIMS: dict[str, tuple[float, float]] = {
    "5x8in": (5.0, 8.0),
    "5.25x8in": (5.25, 8.0),
    "5.5x8.5in": (5.5, 8.5),
    "6x9in": (6.0, 9.0),
    "6.14x9.21in": (6.14, 9.21),
    "7x10in": (7.0, 10.0),
    "a5": (148 / 25.4, 210 / 25.4),
    "b-format": (129 / 25.4, 198 / 25.4),
    "royal": (156 / 25.4, 234 / 25.4),
}
