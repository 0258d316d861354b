"""One PDF edition of a book: geometry, render, lay out, finish for the vendor, preflight.

The gutter depends on the page count, so a print interior is laid out with the gutter for the
theme's margins and, if the pages it produced call for a wider one, finished with that gutter. A
wider gutter keeps the text block's width (printing/geometry.py): laid out in pieces, only the
skeleton (running heads, folios) is laid out again and the pieces' pages are moved outward as they
are joined; laid out whole, the book is laid out again, to the same page count.

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
    pieces = None
    for _ in range(2):
        rendered, found = render_book(book, theme, fmt, geometry, in_pieces=in_pieces)
        problems += found
        if rendered is None:
            return None, problems
        if in_pieces:
            if pieces is None or abs(pieces.geometry.type_width - geometry.type_width) > 1e-6:
                pieces = _lay_out_pieces(rendered, geometry, options, lay_out_all)
                problems += pieces.problems
            data, pages, found = _join(rendered, pieces, geometry, options, theme, lay_out_all)
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


@dataclass(frozen=True)
class _Pieces:
    """The body and back sections laid out alone, on pages of ``geometry``."""
    geometry: Geometry
    ids: tuple[str, ...]
    results: tuple[PdfResult, ...]
    problems: list[Diagnostic]


def _lay_out_pieces(rendered, geometry: Geometry, options: PdfOptions, lay_out_all: LayOutAll) -> _Pieces:
    """Each piece alone (subset fonts, plain PDF)."""
    piece_options = PdfOptions(gray_images=options.gray_images)
    laid_out = lay_out_all([layout_of(rendered, piece.xhtml, piece_options, check_stylesheets=False)
                            for piece in rendered.documents])
    return _Pieces(geometry, tuple(piece.id for piece in rendered.documents), tuple(result for result, _ in laid_out),
                   [problem for _, found in laid_out for problem in found])


def _join(rendered, pieces: _Pieces, geometry: Geometry, options: PdfOptions, theme: Theme, lay_out_all: LayOutAll):
    """The skeleton laid out with the pieces' page counts (the edition's PDF flavour, page labels)
    and the pieces joined onto it, the theme's fonts whole; pieces laid out with a narrower
    gutter are moved outward by the difference."""
    pages = {piece_id: result.pages for piece_id, result in zip(pieces.ids, pieces.results)}
    skeleton_options = dataclasses.replace(options, full_fonts=False, body_anchor=None)  # labels: the join's
    [(skeleton, problems)] = lay_out_all([layout_of(rendered, fill_skeleton(rendered.skeleton, pages), skeleton_options)])
    shift = (geometry.margins.inside - pieces.geometry.margins.inside) * 72
    try:
        data = join_pieces(skeleton.data, [(piece_id, result.data) for piece_id, result in zip(pieces.ids, pieces.results)],
                           tuple(font.path for font in theme.fonts) if options.full_fonts else (), options.body_anchor,
                           shift=shift, bound_right=geometry.bound_right)
    except JoinError as exc:
        return None, 0, problems + [error("H012", f"the print edition cannot be joined from its pieces: {exc}; set "
                                                  "print: {in_pieces: false} in the theme's theme.yaml",
                                          Location(f"theme {theme.name}"))]
    return data, skeleton.pages, problems
