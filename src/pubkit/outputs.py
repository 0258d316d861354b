"""Every output a build can make, by name: one table from the name to the function that makes it,
and what each output reads of the book.

- "epub", "web": the book rendered one document per section, then written (the EPUB container,
  the web edition's pages);
- "screen-pdf", "print-pdf": a paged edition (paged/edition.py);
- "pod-<vendor>": a print-on-demand package, interior and cover (paged/package.py).

A maker only makes: whether it is called at all is the build's cache's decision (bookcache.py), and
the costly work it asks for (font subsets, layouts, EPUBCheck) comes through ``Services``, which
the build hands in cached and parallel.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .diagnostics import Diagnostic
from .formats import EPUB, FORMATS, OUTPUT_NAMES, POD, PRINT_PDF, SCREEN_PDF, WEB, WEB_FOLDER, Format, is_paged
from .model import Book
from .printing.vendors import VENDORS
from .theming import Theme

if TYPE_CHECKING:
    from .services import Services

# (files by name under build/<slug>/, diagnostics); files None when the output could not be made
Made = tuple[dict[str, bytes] | None, list[Diagnostic]]
Maker = Callable[[Book, Theme, Path, "Services"], Made]


def _epub(book: Book, theme: Theme, manifest_path: Path, services: Services) -> Made:
    from .render import render_book
    from .writers.epub import epub_bytes

    rendered, problems = render_book(book, theme, EPUB, subset=services.subset)
    if rendered is None:
        return None, problems
    name = OUTPUT_NAMES["epub"].format(slug=book.slug)
    data = epub_bytes(rendered)
    problems += services.check_epub(data, Path(book.slug) / name)
    return {name: data}, problems


def _web(book: Book, theme: Theme, manifest_path: Path, services: Services) -> Made:
    from .render import render_book
    from .writers.web import web_files

    rendered, problems = render_book(book, theme, WEB, subset=services.subset)
    if rendered is None:
        return None, problems
    return {f"{WEB_FOLDER}/{name}": data for name, data in web_files(rendered).items()}, problems


def _edition(fmt: Format, book: Book, theme: Theme, manifest_path: Path, services: Services) -> Made:
    from .paged.edition import make_pdf  # imports WeasyPrint (half a second): only for PDFs

    edition, problems = make_pdf(book, theme, fmt, manifest_path, services.lay_out_all)
    return ({OUTPUT_NAMES[fmt.name].format(slug=book.slug): edition.data} if edition else None), problems


def _package(vendor: str, book: Book, theme: Theme, manifest_path: Path, services: Services) -> Made:
    from .paged.package import make_package

    package, problems = make_package(book, theme, vendor, manifest_path, lay_out_all=services.lay_out_all,
                                     lay_out_cover=services.in_a_worker)
    return ({f"{POD}{vendor}/{name}": data for name, data in package.items()} if package else None), problems


MAKERS: dict[str, Maker] = {
    "epub": _epub,
    "web": _web,
    "screen-pdf": functools.partial(_edition, SCREEN_PDF),
    "print-pdf": functools.partial(_edition, PRINT_PDF),
    **{POD + vendor: functools.partial(_package, vendor) for vendor in VENDORS if vendor != "none"},
}


def make_output(output: str, book: Book, theme: Theme, manifest_path: Path, services: Services) -> Made:
    return MAKERS[output](book, theme, manifest_path, services)


def settings(output: str, services: Services) -> tuple:
    """What an output's files and messages depend on besides the book and the theme: an EPUB's
    messages hold EPUBCheck's verdict only when the build asks for one."""
    return (services.epubcheck,) if output == "epub" else ()


def as_read_by(book: Book, output: str) -> Book:
    """The book as one output reads it: the EPUB ignores print settings, the PDFs the EPUB's."""
    if output in ("epub", "web"):
        return dataclasses.replace(book, print=None)
    return dataclasses.replace(book, epub_notes=None, cover=None if output in FORMATS else book.cover)


def wants_cover(outputs: list[str]) -> bool:
    """Whether these outputs show the e-book cover (the EPUB, the web edition, a package for a store)."""
    return any(o in ("epub", "web") or o.startswith(POD) for o in outputs)


def cover_holder(outputs: list[str]) -> str | None:
    """The output that the designed cover is written with: stores want it beside the EPUB (or the
    first package)."""
    return next((o for o in outputs if o == "epub" or o.startswith(POD)), None)


def check_before_layout(book: Book, theme: Theme, manifest_path: Path, outputs: list[str]) -> list[Diagnostic]:
    """`pubkit check`: what the PDFs and packages would report before laying anything out."""
    if not is_paged(outputs):
        return []
    from .paged.rules import check_before_layout as paged_checks

    return paged_checks(book, theme, manifest_path, outputs)


def load_layout_engine() -> None:
    """Import the PDF writer (and WeasyPrint with it, half a second): run in each worker ahead of
    its first layout, while the texts are converted."""
    from .writers import pdf  # noqa: F401
