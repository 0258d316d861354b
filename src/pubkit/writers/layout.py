"""What the PDF writer is asked to do, as plain data (no WeasyPrint here): its options, its unit of
work (a Layout) and its result. Kept apart from writers/pdf.py so that the build can plan, key and
cache layouts, and a worker process can receive them, without importing WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import relative_path
from ..render import Rendered
from ..xrefs import ID_ATTR


@dataclass(frozen=True)
class PdfOptions:
    variant: str | None = None  # WeasyPrint pdf_variant: pdf/x-3, pdf/ua-1 ...
    full_fonts: bool = False  # embed whole font files (print) rather than subsets
    output_profile: bytes | None = None  # ICC profile for a PDF/X output intent
    gray_images: bool = False  # serve raster images converted to grayscale
    body_anchor: str | None = None  # the id whose page is numbered 1 (before it: roman numerals)
    # The PDF's creation and modification date (W3C) where its HTML names none: PDF/X requires
    # both, and WeasyPrint would take the clock's, so the same cover would differ from run to run.
    date: str | None = None


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int


Files = dict[str, tuple["bytes | Path", str]]  # href -> (content, or the file holding it; media type)


@dataclass(frozen=True)
class Layout:
    """One WeasyPrint layout: a whole book, a piece of one, or a skeleton. Everything it reads is
    here (files as bytes, or as paths of the theme's and the book's files), so it can be laid out
    in another process and its result cached under a digest of it."""

    html: str
    files: Files
    options: PdfOptions
    theme: str  # the theme's name, for messages
    images: dict[str, str]  # image href -> the file shown in messages (X208)
    notes_in: dict[str, str]  # section id -> the file shown in messages (X209)
    check_stylesheets: bool = True  # report CSS WeasyPrint ignores (once per edition is enough)


def layout_of(rendered: Rendered, html: str, options: PdfOptions, check_stylesheets: bool = True) -> Layout:
    """The layout of ``html`` (the whole book, a piece or the skeleton) with the rendered book's files."""
    book = rendered.book
    styles = b"".join(r.data for r in rendered.resources if r.media_type == "text/css").decode("utf-8")
    files = {r.href: (r.source or r.data, r.media_type) for r in rendered.resources  # with the images it shows
             if not r.media_type.startswith("image/") or f'"{r.href}"' in html or r.href in styles}
    shown = set(ID_ATTR.findall(html))  # the sections this layout holds: a piece holds one, not the book's thousand
    return Layout(html, files, options, book.theme, {a.href: relative_path(a.source) for a in book.assets if a.href in files},
                  {s.id: s.file or s.id for s in book.sections if s.id in shown}, check_stylesheets)


