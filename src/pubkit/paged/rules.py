"""What a paged edition is, before anything is laid out: its page geometry, how it is written
(the vendor's PDF flavour, whole or subset fonts, an output profile), and the problems that can be
known already: a type area the margins have eaten, PDF/X without a profile, a package without a
barcode. ``make_pdf`` starts from here, and ``pubkit check`` stops here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..diagnostics import Diagnostic, Location, error, relative_path, warning
from ..formats import POD
from ..model import Book
from ..printing.geometry import Geometry, print_geometry, screen_geometry
from ..printing.profiles import GENERIC_CMYK
from ..printing.vendors import VENDORS, Vendor
from ..theming import Theme
from ..writers.layout import PdfOptions

MIN_TYPE_AREA = (2.0, 3.0)  # inches: below this the margins have eaten the page


def edition_geometry(book: Book, theme: Theme, vendor: Vendor, for_print: bool, where: Location,
                     pages: int = 0) -> tuple[Geometry | None, list[Diagnostic]]:
    """The page geometry of an edition of ``pages`` pages (the gutter grows with the count)."""
    geometry = (print_geometry(book.print.trim, theme.print_margins, vendor, pages, theme.print_bleed) if for_print
                else screen_geometry(book.print.trim, theme.print_margins))
    if for_print and book.metadata.direction == "rtl":
        if vendor.reverse_binding == "no":
            return None, [error("P011", f"a book written right to left is bound on the right, which {vendor.title} "
                                        "does not print; expected another print.pod (ingram), found "
                                        f"{vendor.name}", where)]
        geometry = dataclasses.replace(geometry, bound_right=True)
    if geometry.type_width < MIN_TYPE_AREA[0] or geometry.type_height < MIN_TYPE_AREA[1]:
        return None, [error("P000", f"print.trim: {book.print.trim_name} leaves a type area of {geometry.type_width:.2f} x "
                                    f"{geometry.type_height:.2f} in inside the margins; expected at least "
                                    f"{MIN_TYPE_AREA[0]} x {MIN_TYPE_AREA[1]} in", where)]
    return geometry, []


def pdf_options(book: Book, theme: Theme, vendor: Vendor, where: Location,
                print_edition: bool) -> tuple[PdfOptions | None, list[Diagnostic]]:
    """How WeasyPrint writes this edition: the vendor's PDF flavour and fonts whole for print (but
    for a book with a font too large to embed whole: a Chinese face is 24 MB); the screen edition
    tagged (PDF/UA-1: headings, lists, tables, figures with their alt text)."""
    if not print_edition:
        return PdfOptions(variant="pdf/ua-1"), []
    gray = vendor.color == "gray"
    profile = None
    if vendor.pdfx:
        path = book.print.icc_profile or (GENERIC_CMYK if GENERIC_CMYK.is_file() else None)
        if path is None:
            return None, [error("P010", f"{vendor.title} needs PDF/X with an output intent; name the printer's ICC "
                                        "profile in print.icc_profile (or install Debian's libgs-common for a generic one)", where)]
        profile = path.read_bytes()
    return PdfOptions(vendor.pdf_variant, full_fonts=theme.fonts_fit_whole, output_profile=profile, gray_images=gray,
                      date=book.modified_w3c), []


def barcode_warning(book: Book, vendor: Vendor, where: Location) -> list[Diagnostic]:
    if book.metadata.isbn_print:
        return []
    return [warning("C001", "no print ISBN (isbn.print): the cover has no barcode; "
                            f"{vendor.title} may add its own", where)]


def check_before_layout(book: Book, theme: Theme, manifest_file: Path, outputs: list[str]) -> list[Diagnostic]:
    """``pubkit check``: what the PDF editions and packages would report before any layout."""
    where = Location(relative_path(manifest_file))
    problems: list[Diagnostic] = []
    for output in outputs:
        if output == "epub":
            continue
        vendor_name = output.removeprefix(POD) if output.startswith(POD) else book.print.pod
        vendor = VENDORS[vendor_name] if output != "screen-pdf" else VENDORS["none"]
        for_print = output != "screen-pdf"
        found = edition_geometry(book, theme, vendor, for_print, where)[1] + pdf_options(book, theme, vendor, where, for_print)[1]
        if output.startswith(POD):
            found += barcode_warning(book, vendor, where)
        problems += [p for p in found if p not in problems]
    return problems
