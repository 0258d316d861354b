"""The e-book cover: when the manifest names no cover image, the theme designs one.

The theme's ``covers/ebook.html`` is laid out (WeasyPrint) and rendered (pdfium) to a 1600 x 2560
px RGB JPEG, the size stores ask for. The result is kept in the build folder's cache under a hash
of everything that went into it, so rebuilding an unchanged book does not lay its cover out again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic
from .model import Asset, Book
from .render import font_faces
from .theming import Theme
from .writers.files import write_atomically

SIZE = (1600, 2560)
HREF = "cover.jpg"


def cover_files(book: Book, theme: Theme) -> dict[str, tuple[bytes, str]]:
    """The files a cover template may name: fonts, the cover stylesheet, the cover art."""
    files = {"css/fonts.css": (font_faces(theme).encode(), "text/css")}
    stylesheet = theme.file("css/cover.css")
    if stylesheet:
        files["css/cover.css"] = (stylesheet.read_bytes(), "text/css")
    for font in theme.fonts:
        files[f"fonts/{font.path.name}"] = (font.path.read_bytes(), font.media_type)
    for name, path in art_files(book).items():
        files[name] = (path.read_bytes(), "image/png" if path.suffix.lower() == ".png" else "image/jpeg")
    return files


def art_files(book: Book) -> dict[str, Path]:
    art = book.cover_art
    return {f"art/{kind}{path.suffix.lower()}": path
            for kind, path in (("image", art.image), ("author-photo", art.author_photo)) if path}


def art_context(book: Book) -> dict:
    names = {path: name for name, path in art_files(book).items()}
    art = book.cover_art
    return {"image": names.get(art.image), "author_photo": names.get(art.author_photo), "quote": art.quote}


def design_ebook_cover(book: Book, theme: Theme, cache: Path) -> tuple[Asset, list[Diagnostic]]:
    html = theme.environment.get_template("covers/ebook.html").render(meta=book.metadata, book=book, art=art_context(book))
    files = cover_files(book, theme)
    digest = hashlib.sha256(__version__.encode() + html.encode())
    for name in sorted(files):
        digest.update(name.encode() + hashlib.sha256(files[name][0]).digest())
    target = cache / f"cover-{digest.hexdigest()[:32]}.jpg"
    problems: list[Diagnostic] = []
    if not target.is_file():
        # WeasyPrint and pdfium are imported only when a cover must really be drawn.
        from .writers.pdf import PdfOptions, write_cover_pdf
        from .writers.raster import page_to_jpeg

        pdf, problems = write_cover_pdf(html, files, PdfOptions(), theme.name)
        write_atomically(target, page_to_jpeg(pdf, *SIZE))
    return Asset(target, HREF, "image/jpeg"), problems
