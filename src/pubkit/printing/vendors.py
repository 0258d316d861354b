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
    spine_per_page: dict[str, float]  # paper -> inches of spine per page
    spine_extra: float  # inches added to the pages' thickness (Lulu's cover board)
    spine_estimate: bool  # True where the vendor publishes no formula and the factor is ours
    spine_text_from: int  # fewest pages that may carry spine text
    # A book bound on the right (written right to left): "no", the vendor does not print it;
    # "reversed", the interior is uploaded last page first and the cover's panels swapped;
    # "as-read", the PDF in reading order (no vendor: the plain print edition).
    reverse_binding: str = "no"

    @property
    def pdfx(self) -> bool:
        """Does the vendor want PDF/X (an output intent, no device RGB, no transparency)?"""
        return bool(self.pdf_variant and self.pdf_variant.startswith("pdf/x"))


BLEED = 0.125

PAPERS = ("white", "cream", "color")

VENDORS: dict[str, Vendor] = {
    # KDP: spine = pages x factor by paper (unofficial); spine text from 79 pages.
    "kdp": Vendor("kdp", "Amazon KDP", ("top", "bottom", "outside"), "theme", 0.25, 0.375,
                  None, "any", False, 24, 828, True, False,
                  {"white": 0.002252, "cream": 0.0025, "color": 0.002347}, 0.0, False, 79),
    # IngramSpark publishes a template generator, not a formula: 0.0025 in per page is the
    # commonly quoted factor for its 50 lb papers, flagged as an estimate. Spine text from 48 pages.
    "ingram": Vendor("ingram", "IngramSpark", ("top", "bottom", "outside", "inside"), "always", 0.5, 0.5,
                     "pdf/x-3", "gray", False, 18, None, True, True,
                     {"white": 0.0025, "cream": 0.0025, "color": 0.0025}, 0.0, True, 48, reverse_binding="reversed"),
    # Lulu: spine = pages / 444 + 0.06 in, whatever the paper. Lulu names no spine-text minimum;
    # pubkit uses KDP's 79 pages (a spine under about 0.2 in has no room for type).
    "lulu": Vendor("lulu", "Lulu", ("top", "bottom", "outside", "inside"), "always", 0.5, 0.5,
                   None, "gray", True, 32, None, True, False,
                   {paper: 1 / 444 for paper in PAPERS}, 0.06, False, 79),
    "none": Vendor("none", "no vendor", (), "theme", 0.25, 0.375, None, "any", True, 1, None, False, False,
                   {"white": 0.002252, "cream": 0.0025, "color": 0.002347}, 0.0, False, 79, reverse_binding="as-read"),
}

# Covers (KDP's numbers, used for every vendor; unofficial): bleed on the outer edges, text kept
# clear of the spine folds, and the barcode box at the lower right of the back cover.
COVER_BLEED = 0.125
SPINE_CLEARANCE = 0.0625
BARCODE_BOX = (2.0, 1.2)  # width, height
BARCODE_MARGIN = 0.25  # from the bottom trim and from the spine


def spine_width(vendor: Vendor, paper: str, pages: int) -> float:
    return pages * vendor.spine_per_page[paper] + vendor.spine_extra

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
