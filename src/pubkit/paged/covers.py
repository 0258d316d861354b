"""The covers: the e-book's front, and the print wraparound, both designed by the theme.

E-book: when the manifest names no cover image, the theme's ``covers/ebook.html`` is laid out
(WeasyPrint) and rendered (pdfium) to a 1600 x 2560 px RGB JPEG, the size stores ask for. The
result is kept in the build folder's cache under a hash of everything that went into it, so
rebuilding an unchanged book does not lay its cover out again.

Print: back, spine and front on one page, sized from the interior's final page count.
width = bleed + trim width + spine + trim width + bleed; height = bleed + trim height + bleed.
The spine comes from the vendor's rule for the paper (printing/vendors.py). Spine text only where
the vendor allows it for that page count; the EAN-13 of the print ISBN in a white box at the lower
right of the back cover, clear of the bottom trim and of the spine.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import barcode
from barcode.writer import SVGWriter
from stdnum import isbn as stdisbn

from .. import __version__
from ..diagnostics import Diagnostic, Location, has_errors
from ..files import write_atomically
from ..model import Asset, Book, CoverArt, Metadata
from ..printing.vendors import BARCODE_BOX, BARCODE_MARGIN, COVER_BLEED, SPINE_CLEARANCE, Vendor, spine_width
from ..render import font_faces
from ..theming import Theme
from ..words import Words
from .rules import barcode_warning

SIZE = (1600, 2560)  # pixels: the e-book cover
HREF = "cover.jpg"
SAFE = 0.375  # inches: text keeps this far inside the trim on the back and front
SPINE_LENGTH_MARGIN = 0.5  # inches left clear at each end of the spine text



def cover_files(theme: Theme, art: CoverArt) -> dict[str, tuple[bytes, str]]:
    """The files a cover template may name: fonts, the cover stylesheet, the cover art."""
    files = {"css/fonts.css": (font_faces(theme).encode(), "text/css")}
    stylesheet = theme.file("css/cover.css")
    if stylesheet:
        files["css/cover.css"] = (stylesheet.read_bytes(), "text/css")
    for font in theme.fonts:
        files[f"fonts/{font.path.name}"] = (font.path.read_bytes(), font.media_type)
    for name, path in art_files(art).items():
        files[name] = (path.read_bytes(), "image/png" if path.suffix.lower() == ".png" else "image/jpeg")
    return files


def art_files(art: CoverArt) -> dict[str, Path]:
    return {f"art/{kind}{path.suffix.lower()}": path
            for kind, path in (("image", art.image), ("author-photo", art.author_photo)) if path}


def art_context(art: CoverArt) -> dict:
    names = {path: name for name, path in art_files(art).items()}
    return {"image": names.get(art.image), "author_photo": names.get(art.author_photo), "quote": art.quote}


@dataclass(frozen=True)
class CoverRequest:
    """Everything needed to draw an e-book cover, and where the drawing is kept."""

    html: str
    files: dict[str, tuple[bytes, str]]
    theme: str
    target: Path  # in the cache, named by a hash of all the above

    @property
    def asset(self) -> Asset:
        return Asset(self.target, HREF, "image/jpeg")


def ebook_cover_request(metadata: Metadata, art: CoverArt, theme: Theme, words: Words, cache: Path) -> CoverRequest:
    """Cheap: the theme's covers/ebook.html filled in, its files, and the cache name they give."""
    html = theme.environment.get_template("covers/ebook.html").render(meta=metadata, words=words, art=art_context(art))
    files = cover_files(theme, art)
    digest = hashlib.sha256(__version__.encode() + html.encode())
    for name in sorted(files):
        digest.update(name.encode() + hashlib.sha256(files[name][0]).digest())
    # absolute: the drawing happens in another process, which may not share our working folder
    return CoverRequest(html, files, theme.name, cache.resolve() / f"cover-{digest.hexdigest()[:32]}.jpg")


def draw_ebook_cover(request: CoverRequest) -> list[Diagnostic]:
    """Costly (WeasyPrint and pdfium are imported here, half a second): lay the cover out, render
    it to a 1600 x 2560 px JPEG, and keep it in the cache."""
    from ..writers.pdf import PdfOptions, write_cover_pdf
    from ..writers.raster import page_to_jpeg

    pdf, problems = write_cover_pdf(request.html, request.files, PdfOptions(), request.theme, printed=False)
    if not has_errors(problems):  # kept only when whole: a cover that cuts words off is drawn (and refused) again
        write_atomically(request.target, page_to_jpeg(pdf, *SIZE))
    return problems


def fit_at(problems: list[Diagnostic], manifest: Location) -> list[Diagnostic]:
    """Words that do not fit a cover (C002) come from the manifest (its title, subtitle,
    description): that is where to mend them, whichever theme laid the cover out."""
    return [dataclasses.replace(d, location=manifest) if d.code == "C002" else d for d in problems]


# --- the print wraparound ---------------------------------------------------------------------

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
    bound_right: bool = False  # a book written right to left: the front on the left, the back on the right
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


def cover_layout(trim: tuple[float, float], vendor: Vendor, paper: str, pages: int, has_isbn: bool,
                 bound_right: bool = False) -> CoverLayout:
    panel, height = trim
    spine = spine_width(vendor, paper, pages)
    box = None
    if has_isbn:  # on the back, at the foot, beside the spine
        width, box_height = BARCODE_BOX
        x = panel + spine + BARCODE_MARGIN if bound_right else panel - BARCODE_MARGIN - width
        box = Box(x, height - BARCODE_MARGIN - box_height, width, box_height)
    return CoverLayout(panel, height, spine, COVER_BLEED, spine_text=pages >= vendor.spine_text_from, barcode=box,
                       pages=pages, spine_estimate=vendor.spine_estimate, bound_right=bound_right)


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
    layout = cover_layout(book.print.trim, vendor, book.print.paper, pages, bool(meta.isbn_print),
                          bound_right=meta.direction == "rtl")
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
    dated = dataclasses.replace(options, gray_images=gray, date=book.modified_w3c)
    data, found = run(write_cover_pdf, html, files, dated, theme.name, True)
    problems += fit_at(found, where)
    data, _ = finish_pdf(data, 1, vendor, gray, pad=False)
    return data, layout, problems
