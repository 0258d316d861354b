"""The print cover: back, spine and front on one page, sized from the interior's final page count.

width = bleed + trim width + spine + trim width + bleed; height = bleed + trim height + bleed.
The spine comes from the vendor's rule for the paper (vendors.py). Spine text only where the
vendor allows it for that page count; the EAN-13 of the print ISBN in a white box at the lower
right of the back cover, clear of the bottom trim and of the spine.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from typing import Callable

import barcode
from barcode.writer import SVGWriter
from stdnum import isbn as stdisbn

from ..covers import art_context, cover_files, fit_at
from ..diagnostics import Diagnostic, Location
from ..model import Book
from ..theming import Theme
from .rules import barcode_warning
from .vendors import BARCODE_BOX, BARCODE_MARGIN, COVER_BLEED, SPINE_CLEARANCE, Vendor, spine_width

SAFE = 0.375  # inches: text keeps this far inside the trim on the back and front
SPINE_LENGTH_MARGIN = 0.5  # inches left clear at each end of the spine text


@dataclass(frozen=True)
class Box:
    x: float  # from the trim's left edge, inches
    y: float  # from the trim's top edge, inches
    width: float
    height: float


@dataclass(frozen=True)
class CoverLayout:
    panel_width: float  # one cover panel = the interior's trim width
    trim_height: float
    spine: float
    bleed: float
    spine_text: bool
    barcode: Box | None
    pages: int
    spine_estimate: bool  # the vendor publishes no formula: the width is pubkit's estimate
    safe: float = SAFE
    clearance: float = SPINE_CLEARANCE

    @property
    def trim_width(self) -> float:
        return 2 * self.panel_width + self.spine

    @property
    def width(self) -> float:
        return self.trim_width + 2 * self.bleed

    @property
    def height(self) -> float:
        return self.trim_height + 2 * self.bleed

    @property
    def spine_band(self) -> float:
        """The width of the spine that text may use, clear of both folds."""
        return self.spine - 2 * self.clearance

    @property
    def spine_length(self) -> float:
        return self.height - 2 * (self.bleed + SPINE_LENGTH_MARGIN)


def cover_layout(trim: tuple[float, float], vendor: Vendor, paper: str, pages: int, has_isbn: bool) -> CoverLayout:
    panel, height = trim
    box = None
    if has_isbn:
        width, box_height = BARCODE_BOX
        box = Box(panel - BARCODE_MARGIN - width, height - BARCODE_MARGIN - box_height, width, box_height)
    return CoverLayout(panel, height, spine_width(vendor, paper, pages), COVER_BLEED,
                       spine_text=pages >= vendor.spine_text_from, barcode=box, pages=pages,
                       spine_estimate=vendor.spine_estimate)


def barcode_svg(isbn: str) -> tuple[bytes, str]:
    """The EAN-13 bars of an ISBN as SVG (no digits: the template sets them in the theme's font)."""
    code = stdisbn.compact(stdisbn.to_isbn13(isbn))
    ean = barcode.get("ean13", code[:12], writer=SVGWriter())
    out = io.BytesIO()
    ean.write(out, options={"write_text": False, "module_width": 0.33, "module_height": 18, "quiet_zone": 3,
                            "background": "white", "foreground": "black", "compress": False})
    digits = ean.get_fullcode()
    return out.getvalue(), f"{digits[0]} {digits[1:7]} {digits[7:]}"


def make_cover(book: Book, theme: Theme, vendor: Vendor, pages: int, options, where: Location,
               lay_out_cover: Callable | None = None) -> tuple[bytes, CoverLayout, list[Diagnostic]]:
    """The cover PDF for ``vendor`` and an interior of ``pages`` pages (``options``: PdfOptions).
    ``lay_out_cover(write_cover_pdf, *args)`` runs the layout: here by default; the build hands
    in its worker processes (WeasyPrint's text layout, Pango, must not run in two threads of one
    process at once, and the build makes packages in threads)."""
    from ..writers.pdf import write_cover_pdf
    from .finish import finish_pdf

    meta = book.metadata
    layout = cover_layout(book.print.trim, vendor, book.print.paper, pages, bool(meta.isbn_print))
    problems: list[Diagnostic] = barcode_warning(book, vendor, where)
    files = cover_files(theme, book.cover_art)
    digits = ""
    if layout.barcode:
        svg, digits = barcode_svg(meta.isbn_print)
        files["barcode.svg"] = (svg, "image/svg+xml")
    html = theme.environment.get_template("covers/print.html").render(
        meta=meta, words=book.words, art=art_context(book.cover_art), cover=layout, barcode_digits=digits)
    # Covers are in colour, but PDF/X-3 allows no device RGB: there the cover goes to gray, as
    # the interior does (a CMYK cover design would need CMYK colours in the theme).
    gray = vendor.pdfx
    run = lay_out_cover or (lambda work, *args: work(*args))
    data, found = run(write_cover_pdf, html, files, dataclasses.replace(options, gray_images=gray), theme.name, True)
    problems += fit_at(found, where)
    data, _ = finish_pdf(data, 1, vendor, gray, pad=False)
    return data, layout, problems
