"""Preflight of a print PDF (pikepdf): what printers check before they accept an upload.

Each finding is a diagnostic naming the page. Errors are what a vendor rejects; warnings are what
a reader would notice (a fallback font, a soft image).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

import pikepdf

from ..diagnostics import Diagnostic, Location, error, warning
from ..printing.geometry import Geometry
from ..printing.vendors import Vendor

POINTS = 72.0
TOLERANCE = 0.05 / 72  # inches: WeasyPrint works in CSS pixels, so boxes carry float rounding
COVER_TOLERANCE = 0.001  # inches: a cover's size against the formula
MIN_PPI = 300
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Expected:
    geometry: Geometry | None  # the interior's pages; None for a cover, checked by preflight_cover
    vendor: Vendor
    gray: bool
    font_names: tuple[str, ...]  # PostScript name stems of the theme's fonts, e.g. "CharisSIL"


def preflight(data: bytes, expected: Expected, where: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    vendor = expected.vendor
    foreign_fonts: dict[str, list[int]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        count = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            at = Location(f"{where} page {number}")
            problems += _boxes(page, number, expected.geometry, at)
            if not vendor.allow_links and "/Annots" in page.obj:
                problems.append(error("P005", f"{len(page.obj.Annots)} annotation(s) (links) on the page; {vendor.title} accepts none", at))
            problems += _resources(page, expected, at, foreign_fonts, number)
        doc = Location(where)
        for name, pages in foreign_fonts.items():
            problems.append(warning("P004", f"font {name} (on {_pages(pages)}) is not one of the theme's fonts: some "
                                            "characters fell back to a system font", doc))
        if not vendor.allow_links and "/Outlines" in pdf.Root:
            problems.append(error("P005", f"the PDF has bookmarks (an outline); {vendor.title} accepts none", doc))
        if vendor.pdfx:
            problems += _pdfx(pdf, doc)
        if count < vendor.min_pages:
            problems.append(error("P008", f"{count} pages; {vendor.title} needs at least {vendor.min_pages}", doc))
        if vendor.max_pages and count > vendor.max_pages:
            problems.append(error("P008", f"{count} pages; {vendor.title} prints at most {vendor.max_pages}", doc))
        if vendor.even_pages and count % 2:
            problems.append(error("P008", f"{count} pages; {vendor.title} needs an even page count", doc))
    return _deduplicated(problems)


def preflight_cover(data: bytes, layout, vendor: Vendor, font_names: tuple[str, ...], where: str) -> list[Diagnostic]:
    """A wraparound cover: one page of exactly the computed size (to 0.001 in), trim inside the
    bleed, fonts embedded and the theme's, and the vendor's PDF rules."""
    problems: list[Diagnostic] = []
    at = Location(where)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) != 1:
            problems.append(error("P101", f"the cover has {len(pdf.pages)} pages, expected 1", at))
        page = pdf.pages[0]
        problems += _box(page, "/MediaBox", (layout.width, layout.height), COVER_TOLERANCE, "P101", at, "cover ")
        problems += _box(page, "/TrimBox", (layout.trim_width, layout.trim_height), COVER_TOLERANCE, "P101", at, "cover ")
        foreign: dict[str, list[int]] = {}
        expected = Expected(None, vendor, False, font_names)
        problems += _resources(page, expected, at, foreign, 1)
        for name in foreign:
            problems.append(warning("P004", f"font {name} on the cover is not one of the theme's fonts", at))
        if not vendor.allow_links and "/Annots" in page.obj:
            problems.append(error("P005", f"annotations on the cover; {vendor.title} accepts none", at))
        if vendor.pdfx:
            problems += _pdfx(pdf, at)
            if "rgb" in _colours(page):
                problems.append(error("P009", "RGB colour on a PDF/X-3 cover", at))
    return problems


def _colours(page: pikepdf.Page) -> set[str]:
    found = _Content()
    _scan(page.obj, pikepdf.Matrix(), found)
    return found.colours


def _pdfx(pdf: pikepdf.Pdf, at: Location) -> list[Diagnostic]:
    """PDF/X needs an output intent with its profile, and allows no transparency (X-3)."""
    problems = []
    intents = pdf.Root.get("/OutputIntents") or []
    if not any(i.get("/S") == "/GTS_PDFX" and "/DestOutputProfile" in i for i in intents):
        problems.append(error("P006", "PDF/X is claimed but there is no GTS_PDFX output intent with a profile", at))
    if _transparency(pdf):
        problems.append(error("P006", "transparency (soft masks or opacity below 1) is not allowed in PDF/X-3", at))
    return problems


def _transparency(pdf: pikepdf.Pdf) -> bool:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary):
            if obj.get("/Type") == "/ExtGState" or "/CA" in obj or "/ca" in obj:
                if float(obj.get("/CA", 1)) < 1 or float(obj.get("/ca", 1)) < 1 or obj.get("/SMask", "/None") != "/None":
                    return True
    return False


def _boxes(page: pikepdf.Page, number: int, geometry: Geometry, at: Location) -> list[Diagnostic]:
    """TrimBox is the trim; MediaBox adds the bleed on the sides that have it (a right-hand page's
    inside is on its left; odd pages are right-hand pages unless the book is bound on the right)."""
    right_page = (number % 2 == 1) != geometry.bound_right or not geometry.mirrored
    bleed = geometry.bleed
    left = bleed.get("inside" if right_page else "outside", 0.0)
    right = bleed.get("outside" if right_page else "inside", 0.0)
    want_media = (geometry.width + left + right, geometry.height + bleed.get("top", 0) + bleed.get("bottom", 0))
    return (_box(page, "/MediaBox", want_media, TOLERANCE, "P001", at)
            + _box(page, "/TrimBox", (geometry.width, geometry.height), TOLERANCE, "P001", at))


def _box(page: pikepdf.Page, name: str, want: tuple[float, float], tolerance: float, code: str, at: Location,
         what: str = "") -> list[Diagnostic]:
    """A page box's size against the expected width and height, both in inches."""
    found = _size(page.obj.get(name, page.obj.MediaBox))
    if all(abs(f / POINTS - w) <= tolerance for f, w in zip(found, want, strict=True)):
        return []
    return [error(code, f"{what}{name[1:]} is {found[0] / POINTS:.4f} x {found[1] / POINTS:.4f} in, expected "
                        f"{want[0]:.4f} x {want[1]:.4f} in", at)]


def _size(box) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return abs(x1 - x0), abs(y1 - y0)


# The only operators the checks read: asking pikepdf for these alone keeps a 300-page book fast.
OPERATORS = "q Q cm Tf Do rg RG k K"


@dataclass
class _Content:
    """What one pass over a page's content (and the forms it draws) found."""

    fonts: dict = field(default_factory=dict)  # objgen -> font dictionary
    images: list = field(default_factory=list)  # (pixel width, drawn inches, name)
    colours: set = field(default_factory=set)  # "rgb", "cmyk" (not black)


def _scan(obj, ctm: pikepdf.Matrix, found: _Content) -> None:
    resources = obj.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    xobjects = resources.get("/XObject") or {}
    stack = []
    for operands, operator in pikepdf.parse_content_stream(obj, OPERATORS):
        name = str(operator)
        if name == "q":
            stack.append(ctm)
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm":
            ctm = pikepdf.Matrix(*[float(v) for v in operands]) @ ctm
        elif name == "Tf" and str(operands[0]) in fonts:
            font = fonts[str(operands[0])]
            found.fonts[font.objgen] = font
        elif name in ("rg", "RG"):
            found.colours.add("rgb")
        elif name in ("k", "K") and any(float(v) for v in operands[:3]):
            found.colours.add("cmyk")
        elif name == "Do":
            xobject = xobjects.get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                found.images.append((int(xobject.Width), math.hypot(ctm.a, ctm.b) / POINTS, str(operands[0]), xobject))
            elif xobject.get("/Subtype") == "/Form":
                matrix = pikepdf.Matrix(*[float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])])
                _scan(xobject, matrix @ ctm, found)


def _resources(page: pikepdf.Page, expected: Expected, at: Location, foreign: dict, number: int) -> list[Diagnostic]:
    found = _Content()
    _scan(page.obj, pikepdf.Matrix(), found)
    problems = []
    for font in found.fonts.values():
        problems += _font(font, at)
        name = _font_name(font)
        if expected.font_names and not _squash(name).startswith(tuple(_squash(n) for n in expected.font_names)):
            foreign.setdefault(name, []).append(number)
    if expected.gray:
        if "rgb" in found.colours:
            problems.append(error("P009", "RGB colour in a grayscale interior", at))
        if "cmyk" in found.colours:
            problems.append(error("P009", "CMYK colour (not black) in a grayscale interior", at))
        if any(_is_colour(image.get("/ColorSpace")) for *_, image in found.images):
            problems.append(error("P009", "a colour image in a grayscale interior", at))
    for pixels_wide, inches_wide, name, _ in found.images:
        ppi = pixels_wide / inches_wide if inches_wide else math.inf
        if ppi < MIN_PPI:
            problems.append(warning("P007", f"image {name} prints at {ppi:.0f} ppi; printers ask for at least {MIN_PPI}", at))
    return problems


def _font(font, at: Location) -> list[Diagnostic]:
    if font.get("/Subtype") == "/Type3":
        return []  # glyphs drawn in the file itself
    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    descriptor = descendant.get("/FontDescriptor") or {}
    if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
        return [error("P003", f"font {_font_name(font)} is not embedded", at)]
    return []


def _font_name(font) -> str:
    return SUBSET_PREFIX.sub("", str(font.get("/BaseFont", "/unknown"))[1:])


def _squash(name: str) -> str:
    """'Charis-SIL-Italic' and 'CharisSIL' compare by their letters and digits."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
    return f"page{'s' if len(numbers) > 1 else ''} {shown}"


def _is_colour(space) -> bool:
    if space is None:
        return False
    if isinstance(space, pikepdf.Array) and space[0] == "/ICCBased":
        return int(space[1].get("/N", 1)) > 1
    return str(space) in ("/DeviceRGB", "/DeviceCMYK", "/CalRGB")


def _deduplicated(problems: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for problem in problems:
        key = (problem.code, problem.message, problem.location)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out
