"""The e-book cover: when the manifest names no cover image, the theme designs one.

The theme's ``covers/ebook.html`` is laid out (WeasyPrint) and rendered (pdfium) to a 1600 x 2560
px RGB JPEG, the size stores ask for. The result is kept in the build folder's cache under a hash
of everything that went into it, so rebuilding an unchanged book does not lay its cover out again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic, Location, has_errors

from .model import Asset, CoverArt, Metadata
from .render import font_faces
from .theming import Theme
from .words import Words
from .writers.files import write_atomically

SIZE = (1600, 2560)
HREF = "cover.jpg"


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
    from .writers.pdf import PdfOptions, write_cover_pdf
    from .writers.raster import page_to_jpeg

    pdf, problems = write_cover_pdf(request.html, request.files, PdfOptions(), request.theme, printed=False)
    if not has_errors(problems):  # kept only when whole: a cover that cuts words off is drawn (and refused) again
        write_atomically(request.target, page_to_jpeg(pdf, *SIZE))
    return problems


def fit_at(problems: list[Diagnostic], manifest: Location) -> list[Diagnostic]:
    """Words that do not fit a cover (C002) come from the manifest (its title, subtitle,
    description): that is where to mend them, whichever theme laid the cover out."""
    return [dataclasses.replace(d, location=manifest) if d.code == "C002" else d for d in problems]
