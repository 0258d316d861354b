"""One PDF edition of a book: geometry, render, lay out, finish for the vendor, preflight.

The gutter depends on the page count and the page count on the gutter, so a print interior is
laid out once with the gutter for the theme's margins and laid out again only if the pages it
produced call for a wider one.

A print edition whose theme allows it is laid out in pieces (render.py, join.py): each body and
back section alone, then the skeleton that paginates the whole book, then the two joined. The
pieces do not depend on each other, so they can be laid out at once and kept in a cache: after
an edit only the edited section is laid out again. The screen edition is laid out whole: its
structure tree (PDF/UA) must span the book. How layouts are done is the caller's choice
(``lay_out_all``): here one after the other; the build hands in a cached, parallel one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..checks.preflight import Expected, preflight
from ..diagnostics import Diagnostic, Location, error, relative_path
from ..model import Book
from ..printing.geometry import Geometry
from ..printing.vendors import VENDORS, minimum_gutter
from ..render import Format, fill_skeleton, render_book
from ..theming import Theme
from ..writers.layout import Layout, PdfOptions, PdfResult, layout_of
from .finish import finish_pdf, read_right_to_left
from .join import JoinError, join_pieces
from .rules import edition_geometry, pdf_options

LayOutAll = Callable[[list[Layout]], list[tuple[PdfResult, list[Diagnostic]]]]


def one_after_another(layouts: list[Layout]) -> list[tuple[PdfResult, list[Diagnostic]]]:
    from ..writers.pdf import lay_out  # WeasyPrint: imported where layouts are made

    return [lay_out(layout) for layout in layouts]


@dataclass(frozen=True)
class Edition:
    data: bytes
    pages: int  # the final count, padding included (the cover's spine is computed from it)
    geometry: Geometry


def make_pdf(book: Book, theme: Theme, fmt: Format, manifest_file: Path,
             lay_out_all: LayOutAll = one_after_another) -> tuple[Edition | None, list[Diagnostic]]:
    where = Location(relative_path(manifest_file))
    is_print = fmt.for_print
    vendor = VENDORS[book.print.pod] if is_print else VENDORS["none"]

    geometry, problems = edition_geometry(book, theme, vendor, is_print, where)
    if geometry is None:
        return None, problems
    options, problems = pdf_options(book, theme, vendor, where, is_print)
    if options is None:
        return None, problems
    options = dataclasses.replace(options, body_anchor=book.first_body.id if book.first_body else None)
    in_pieces = is_print and theme.print_in_pieces
    for _ in range(2):
        rendered, found = render_book(book, theme, fmt, geometry, in_pieces=in_pieces)
        problems += found
        if rendered is None:
            return None, problems
        if in_pieces:
            data, pages, found = _in_pieces(rendered, options, theme, lay_out_all)
        else:
            [(result, found)] = lay_out_all([layout_of(rendered, rendered.documents[0].xhtml, options)])
            data, pages = result.data, result.pages
        problems += found
        if data is None or not is_print or geometry.margins.inside >= minimum_gutter(pages):
            break
        geometry, problems = edition_geometry(book, theme, vendor, is_print, where, pages)
        if geometry is None:
            return None, problems
    if data is None:
        return None, problems
    if not is_print:
        return Edition(read_right_to_left(data) if book.metadata.direction == "rtl" else data, pages, geometry), problems
    data, pages = finish_pdf(data, pages, vendor, options.gray_images, bound_right=geometry.bound_right)
    # pages uploaded last page first (bound on the right, IngramSpark) have the sides of a left-bound book
    expected = dataclasses.replace(geometry, bound_right=geometry.bound_right and vendor.reverse_binding != "reversed")
    problems += preflight(data, Expected(expected, vendor, options.gray_images, theme.font_stems), f"{book.slug}-print.pdf")
    return Edition(data, pages, geometry), problems


def _in_pieces(rendered, options: PdfOptions, theme: Theme, lay_out_all: LayOutAll):
    """Lay out each piece alone (subset fonts, plain PDF), the skeleton with their page counts
    (the edition's PDF flavour, page labels), and join them with the theme's fonts whole."""
    piece_options = PdfOptions(gray_images=options.gray_images)
    laid_out = lay_out_all([layout_of(rendered, piece.xhtml, piece_options, check_stylesheets=False)
                            for piece in rendered.documents])
    problems = [problem for _, found in laid_out for problem in found]
    pages = {piece.id: result.pages for piece, (result, _) in zip(rendered.documents, laid_out)}
    skeleton_options = dataclasses.replace(options, full_fonts=False, body_anchor=None)  # labels: the join's
    [(skeleton, found)] = lay_out_all([layout_of(rendered, fill_skeleton(rendered.skeleton, pages), skeleton_options)])
    problems += found
    try:
        data = join_pieces(skeleton.data, [(piece.id, result.data) for piece, (result, _) in zip(rendered.documents, laid_out)],
                           tuple(font.path for font in theme.fonts) if options.full_fonts else (), options.body_anchor)
    except JoinError as exc:
        return None, 0, problems + [error("H012", f"the print edition cannot be joined from its pieces: {exc}; set "
                                                  "print: {in_pieces: false} in the theme's theme.yaml",
                                          Location(f"theme {theme.name}"))]
    return data, skeleton.pages, problems
