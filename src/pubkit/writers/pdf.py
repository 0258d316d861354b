"""A Layout (a whole book, a piece of the print edition, or its skeleton) -> PDF bytes. The only
WeasyPrint import; layouts run in worker processes, each parsing the theme's stylesheets once.

Hermetic: WeasyPrint fetches through ``_BookFetcher``, which serves the rendered book's own files
(stylesheets, fonts, images, the output profile) from memory and refuses everything else, so no
network request and no read outside the project can happen. WeasyPrint's warnings (CSS it ignored,
resources it could not load) are captured and returned as diagnostics naming their file.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pikepdf

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..diagnostics import Diagnostic, Location, error, warning
from ..fonts import NOTDEF
from . import actualtext
from .labels import label_pages
from .layout import Layout, PdfOptions, PdfResult
from .overflow import cover_overflow, cut_footnotes
from .tounicode import mend_to_unicode

actualtext.install()  # the words of complex scripts, as written, for text extraction

BASE_URL = "file:///pubkit-book/"
FONTCONFIG_FILE = Path(__file__).with_name("fonts.conf")
# PDF/X: WeasyPrint takes its output intent from the device-cmyk colour profile.
OUTPUT_INTENT = ('<style>@color-profile device-cmyk { src: url("icc/output.icc"); '
                 "components: cyan, magenta, yellow, black }</style>")
POSITION = re.compile(r" at (\d+):(\d+)")
LINK = re.compile(r'<link rel="stylesheet"(?: type="text/css")? href="([^"]+)" ?/?>')
BROKEN_IMAGE = re.compile(r"^Failed to load image at '([^']+)': (.*)$", re.S)


class _BookFetcher(URLFetcher):
    def __init__(self, files: dict[str, tuple[bytes, str]]):
        super().__init__(allowed_protocols={"file"})
        self.files = files

    def fetch(self, url, headers=None):
        path = url.removeprefix(BASE_URL).split("#")[0]
        if url.startswith(BASE_URL) and path in self.files:
            data, media_type = self.files[path]
            return URLFetcherResponse(url, data, {"Content-Type": media_type})
        raise ValueError(f"not a file of this book: {url}")


def _prepare(html: str, files: dict, options: PdfOptions) -> tuple[str, dict]:
    """Gray images for grayscale interiors; the output profile for PDF/X."""
    files = dict(files)
    if options.gray_images:
        files.update({href: (_gray(data, media_type), media_type) for href, (data, media_type) in files.items()
                      if media_type in ("image/png", "image/jpeg")})
    if options.output_profile:
        files["icc/output.icc"] = (options.output_profile, "application/vnd.iccprofile")
        html = html.replace("</head>", f"{OUTPUT_INTENT}\n</head>", 1)
    return html, files


def lay_out(layout: Layout) -> tuple[PdfResult, list[Diagnostic]]:
    files = {href: (content.read_bytes() if isinstance(content, Path) else content, media_type)
             for href, (content, media_type) in layout.files.items()}
    html, files = _prepare(layout.html, files, layout.options)
    fetcher = _BookFetcher(files)
    html, stylesheets, problems = _stylesheets(html, files, fetcher, layout.theme)
    if not layout.check_stylesheets:
        problems = []
    already = {p.message for p in problems}
    with _captured_warnings() as found:
        laid_out = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=_font_config(bool(_font_files(files))))
        problems += cut_footnotes(laid_out.pages, layout.notes_in)
        _dated(laid_out, layout.options.date)
        data = laid_out.write_pdf(
            pdf_variant=layout.options.variant,
            pdf_identifier=True,  # an ID hashed from the content: reproducible, and PDF/X needs one
            full_fonts=layout.options.full_fonts,
        )
    data = _amend(data, laid_out, layout.options)
    theme = Location(f"theme {layout.theme}")
    for message in found:
        broken = BROKEN_IMAGE.match(message)
        href = broken[1].removeprefix(BASE_URL) if broken else None
        if href in layout.images:
            problems.append(error("X208", f"image '{Path(layout.images[href]).name}' cannot be read: {broken[2]}",
                                  Location(layout.images[href])))
        elif message not in already:
            problems.append(_told(message, theme))
    return PdfResult(data, len(laid_out.pages)), problems


def _stylesheets(html: str, files: dict, fetcher: URLFetcher, theme: str) -> tuple[str, list, list[Diagnostic]]:
    """The document's linked stylesheets, parsed once per process and handed to WeasyPrint in the
    same order (a book in pieces would parse them, and load the fonts they name, once per piece).
    CSS that WeasyPrint ignores is reported with the file it is in, whichever layout parsed it."""
    fonts = tuple(sorted((href, hashlib.sha256(data).digest()) for href, data in _font_files(files).items()))
    sheets, problems = [], []
    for href in LINK.findall(html):
        if href in files:
            sheet, found = _parsed(href, files[href][0], fonts, theme, fetcher)
            sheets.append(sheet)
            problems += found
    return LINK.sub(lambda m: "" if m[1] in files else m[0], html), sheets, problems


_PARSED: dict = {}


def _parsed(href: str, data: bytes, fonts: tuple, theme: str, fetcher: URLFetcher):
    key = (os.getpid(), href, data, fonts, theme)  # a forked worker parses its own
    if key not in _PARSED:
        if len(_PARSED) >= 64:  # a long-lived process (pubkit serve) sees many books and versions
            _PARSED.clear()
        with _captured_warnings() as found:
            sheet = CSS(string=data.decode("utf-8"), base_url=BASE_URL + href, url_fetcher=fetcher,
                        font_config=_font_config(bool(fonts)))
        problems = []
        for message in found:
            position = POSITION.search(message)
            line, col = (int(position[1]), int(position[2])) if position else (None, None)
            problems.append(warning("W001", message, Location(f"theme {theme}: {href}", line, col)))
        _PARSED[key] = (sheet, problems)
    return _PARSED[key]


_FONT_CONFIGS: dict[tuple[int, bool], FontConfiguration] = {}


def _font_files(files: dict) -> dict[str, bytes]:
    """The fonts among a layout's files (the theme's), by href."""
    return {href: data for href, (data, media_type) in files.items() if media_type.startswith("font/")}


def _font_config(own_fonts: bool) -> FontConfiguration:
    """One font configuration per process (and kind): the pieces of a book share the theme's
    @font-face fonts. ``own_fonts`` (the theme has fonts): those alone; else, for a theme that
    leaves fonts to the machine, the machine's. Per process, not inherited: fontconfig's state
    does not survive a fork. An inherited one stays referenced, never collected here: collecting
    it would remove the folder of font files that the process it came from is still using.

    Every layout asks for it, so this is where one made in a thread is refused: Pango is not
    thread-safe, and two layouts in two threads of a process crash it (a segmentation fault in
    line breaking) or hang; layouts belong in the build's worker processes (workers.py)."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("a WeasyPrint layout in a thread: lay out in a worker process instead")
    key = (os.getpid(), own_fonts)
    if key not in _FONT_CONFIGS:
        _FONT_CONFIGS[key] = _themes_fonts_only() if own_fonts else FontConfiguration()
    return _FONT_CONFIGS[key]


def _themes_fonts_only() -> FontConfiguration:
    """A font configuration without the machine's fonts: fontconfig loads the file FONTCONFIG_FILE
    names when the configuration is made, and ours names no font folder. A PDF is then the same
    on every machine (reproducible, and nothing read outside the project): a character the theme's
    fonts lack is a missing-glyph box (F001 says where), never a font this machine happens to have.
    (Without any font, Pango cannot lay text out at all: hence only for a theme with fonts.)"""
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    try:
        return FontConfiguration()
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before


def _told(message: str, where: Location) -> Diagnostic:
    """WeasyPrint's warning as a diagnostic: a glyph no font has is an error (the page would
    print a box), anything else a warning."""
    if NOTDEF.match(message):
        return error("F001", f"{message}: the page would print a box; the theme's fonts need this character", where)
    return warning("W002", message, where)


def _dated(laid_out, date: str | None) -> None:
    """The document's dates, where its HTML named none (see PdfOptions.date)."""
    if date:
        laid_out.metadata.created = laid_out.metadata.created or date
        laid_out.metadata.modified = laid_out.metadata.modified or date


def _amend(data: bytes, laid_out, options: PdfOptions) -> bytes:
    """What WeasyPrint's PDF lacks, added in one pikepdf pass: the text of ligatures in whole
    embedded fonts (see tounicode.py), and page labels that match the printed folios."""
    first_body = next((i for i, page in enumerate(laid_out.pages) if options.body_anchor in page.anchors), None)
    if not options.full_fonts and first_body is None:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if options.full_fonts:  # Document.fonts is filled by writing: each font's glyphs as set, with their text
            mend_to_unicode(pdf, {font.name.decode("latin-1").lstrip("/"): dict(font.to_unicode)
                                  for font in laid_out.fonts.values()})
        if first_body is not None:
            label_pages(pdf, first_body)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def write_cover_pdf(html: str, files: dict[str, tuple[bytes, str]], options: PdfOptions, theme: str,
                    printed: bool) -> tuple[bytes, list[Diagnostic]]:
    """A cover: one page of HTML from the theme, with the files it names, to a PDF; its words must
    fit its panels. ``printed``: a wraparound for a printer (measured in inches), else the e-book's
    front (in pixels)."""
    html, files = _prepare(html, files, options)
    with _captured_warnings() as found:
        laid_out = HTML(string=html, base_url=BASE_URL, url_fetcher=_BookFetcher(files)).render(
            font_config=_font_config(bool(_font_files(files))))
        _dated(laid_out, options.date)
        data = laid_out.write_pdf(pdf_variant=options.variant, pdf_identifier=True, full_fonts=options.full_fonts)
    problems = [_told(message, Location(f"theme {theme}: cover")) for message in found]
    return _amend(data, laid_out, options), problems + cover_overflow(laid_out.pages[0], theme, printed)


@contextmanager
def _captured_warnings():
    """Collect WeasyPrint's warning messages while it works, instead of printing them."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collect()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def _gray(data: bytes, media_type: str) -> bytes:
    """Grayscale interiors get grayscale images (Lulu, IngramSpark black and white)."""
    from PIL import Image  # WeasyPrint's own dependency

    image = Image.open(io.BytesIO(data))
    if image.mode in ("L", "LA", "1"):
        return data
    out = io.BytesIO()
    if media_type == "image/png":
        image.convert("LA" if "A" in image.getbands() else "L").save(out, format="PNG")
    else:
        image.convert("L").save(out, format="JPEG", quality=95)
    return out.getvalue()
