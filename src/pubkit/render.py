"""Book + Theme + Format -> Rendered: whole XHTML documents, stylesheets, fonts and images.

The format declares how the book is cut into documents; templates and stylesheets do the rest.
Links are written as ``#anchor`` everywhere; once every document exists, a link whose anchor lives
in another document is pointed there (``chapter-2.xhtml#anchor``).

A paged book is one document, or, for a print edition laid out in pieces (paged/edition.py, paged/join.py), one
document per body and back section plus a skeleton: the whole book with the front matter in full
and, for each piece, a stand-in section that only holds its pages.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2
from markupsafe import escape

from . import fonts as fontlib
from .diagnostics import Diagnostic, Location, error
from .formats import EPUB, PRINT_PDF, SCREEN_PDF, Format  # noqa: F401 (where renderers look for them)
from .model import Book, Section, TocEntry
from .notes import place_notes
from .provenance import group_sources
from .roles import ROLES
from .theming import Theme
from .xrefs import ID_ATTR


@dataclass(frozen=True)
class Document:
    href: str
    id: str
    title: str
    xhtml: str
    in_spine: bool = True
    properties: tuple[str, ...] = ()  # EPUB manifest properties: nav, svg, ...


@dataclass(frozen=True)
class Resource:
    href: str
    media_type: str
    data: bytes  # the content; empty where ``source`` holds it
    properties: tuple[str, ...] = ()
    source: Path | None = None  # a file of the theme or the book, read where the resource is used

    def read(self) -> bytes:
        return self.source.read_bytes() if self.source else self.data


@dataclass(frozen=True)
class NavPoint:
    title: str
    href: str
    children: tuple["NavPoint", ...] = ()


@dataclass(frozen=True)
class Rendered:
    book: Book
    documents: tuple[Document, ...]  # reading order; nav included, spine or not; or the pieces
    resources: tuple[Resource, ...]
    toc: tuple[NavPoint, ...]
    skeleton: str | None = None  # in pieces: the book with a placeholder for each piece's pages


HREF = re.compile(r'href="#([^"]+)"')
NAV_HREF = "nav.xhtml"
WEB_INDEX = "index.html"
EPUB_ONLY = re.compile(r'\s(?:epub:type|xmlns:epub)="[^"]*"')
# Pieces draw no margin boxes (running heads, folios): the skeleton draws them for every page.
PIECE_CSS = "css/pubkit-piece.css"
MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "bottom-left-corner",
                "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner", "left-top", "left-middle",
                "left-bottom", "right-top", "right-middle", "right-bottom")
PIECE_RULES = "@page {\n" + "".join(f"  @{box} {{ content: none !important; }}\n" for box in MARGIN_BOXES) + "}\n"
# A private scheme for links to anchors in another piece: WeasyPrint keeps them as URI links,
# and the join turns them into links to the named destination.
ELSEWHERE = "pubkit-anchor:"
STANDIN = "<!--pubkit:pages:{id}-->"
SECTION_OPENING = re.compile(r"\s*(<section\b[^>]*>)")
SECTION_ANYWHERE = re.compile(r"<section\b[^>]*>")
FIRST_HEADING = re.compile(r"<h1\b([^>]*)>(.*?)</h1>", re.S)


def render_book(book: Book, theme: Theme, fmt: Format, geometry=None, in_pieces: bool = False,
                subset=fontlib.subset_font) -> tuple[Rendered | None, list[Diagnostic]]:
    """``geometry`` (paged formats) is handed to the theme's stylesheet templates; ``in_pieces``
    (paged formats) renders a document per body and back section, and the skeleton; ``subset``
    makes a font's subset for the characters shown (the build's keeps them)."""
    problems: list[Diagnostic] = []
    notes_mode = fmt.notes_mode(book)
    book = place_notes(book, notes_mode, on_paper=not fmt.split)
    common = dict(book=book, meta=book.metadata, words=book.words, sources=group_sources(book.sections),
                  options=theme.options, roles=ROLES, format=fmt.name,
                  notes_mode=notes_mode,
                  first_body=book.first_body.id if book.first_body else None,
                  modified=book.modified_w3c)
    try:
        stylesheets = [("css/fonts.css", font_faces(theme))] if theme.fonts else []
        for path in theme.stylesheet_paths(fmt.stylesheets):
            css = path.read_text(encoding="utf-8")
            if path.suffix == ".jinja":  # CSS, not HTML: no HTML escaping (use the css_string filter)
                css = theme.environment.overlay(autoescape=False).from_string(css).render(page=geometry, **common)
            stylesheets.append((f"css/{path.name.removesuffix('.jinja')}", css))
        common["stylesheets"] = [href for href, _ in stylesheets]
        skeleton = None
        if fmt.web:
            documents = _web_documents(book, theme, common)
        elif fmt.split:
            documents = _split_documents(book, theme, common)
        elif in_pieces:
            documents, skeleton = _pieces(book, theme, common)
            stylesheets.append((PIECE_CSS, PIECE_RULES))
        else:
            documents = [_book_document(book, theme, common)]
    except jinja2.TemplateError as exc:
        where = Location(getattr(exc, "filename", None) or getattr(exc, "name", None) or f"theme {theme.name}", getattr(exc, "lineno", None))
        return None, [error("H010", f"template error: {exc.message}", where)]

    resources = [Resource(href, "text/css", css.encode("utf-8")) for href, css in stylesheets]
    resources += [Resource(a.href, a.media_type, b"", source=a.source) for a in book.assets]
    if book.cover and not fmt.web:  # the site shows the web edition's cover on the book's page
        resources.append(Resource(book.cover.href, book.cover.media_type, b"", ("cover-image",), book.cover.source))
    if theme.fonts:
        chars = fontlib.characters([d.xhtml for d in documents]) if fmt.subset_fonts else None
        for font in theme.fonts:
            if chars:
                resources.append(Resource(f"fonts/{font.path.name}", font.media_type, subset(font.path, chars)))
            else:
                resources.append(Resource(f"fonts/{font.path.name}", font.media_type, b"", source=font.path))
    toc = tuple(_nav_points(book.toc, {d.id: d.href for d in documents})) if fmt.split else ()
    return Rendered(book, tuple(documents), tuple(resources), toc, skeleton), problems


def _split_documents(book: Book, theme: Theme, common: dict) -> list[Document]:
    """EPUB: one whole XHTML document per section; the contents page is the nav document."""
    common = dict(common, layout="base.html")
    landmarks = _landmarks(book)
    documents: list[Document] = []
    if book.cover:
        title = book.words["cover"]
        page = theme.environment.get_template("cover.html").render(title=title, **common)
        documents.append(Document("cover.xhtml", "cover", title, page))
    for section in book.sections:
        if section.role == "contents":
            documents.append(_nav(theme, common, book, landmarks, in_spine=True))
            continue
        page = _section_template(theme, section).render(section=section, title=section.title, **common)
        documents.append(Document(f"{section.id}.xhtml", section.id, section.title, page))
    if not any(s.role == "contents" for s in book.sections):
        documents.append(_nav(theme, common, book, landmarks, in_spine=False))
    return _point_links(documents)


def _web_documents(book: Book, theme: Theme, common: dict) -> list[Document]:
    """The web edition: the EPUB's section templates in the site's page layout, a page per section
    with the previous and next ones linked, and the book's contents as index.html. EPUB-only
    markup (epub:type) is taken out: browsers and HTML validators do not know it."""
    common = dict(common, layout="site/read.html")
    reading = [s for s in book.sections if s.role != "contents"]
    title = book.words.role("contents")
    index = theme.environment.get_template("site/contents.html").render(
        title=title, toc=book.toc, following=reading[0] if reading else None, preceding=None, **common)
    documents = [Document(WEB_INDEX, "contents", title, index)]
    for i, section in enumerate(reading):
        page = _section_template(theme, section).render(
            section=section, title=section.title, preceding=reading[i - 1] if i else None,
            following=reading[i + 1] if i + 1 < len(reading) else None, **common)
        if "<h1" not in page:  # a page of its own needs a heading to be found by (a copyright page, say)
            hidden = f'<h1 class="visually-hidden">{escape(section.title)}</h1>'
            page = SECTION_ANYWHERE.sub(lambda m: m[0] + hidden, page, count=1)
        documents.append(Document(f"{section.id}.html", section.id, section.title, page))
    return [dataclasses.replace(doc, xhtml=EPUB_ONLY.sub("", doc.xhtml)) for doc in _point_links(documents)]


def _book_document(book: Book, theme: Theme, common: dict) -> Document:
    """PDF: the whole book as one HTML document, each section a fragment of it."""
    fragment = dict(common, layout="fragment.html")
    fragments = [_section_template(theme, s).render(section=s, title=s.title, **fragment) for s in book.sections]
    page = theme.environment.get_template("book.html").render(fragments=fragments, title=book.metadata.title, **common)
    return Document("book.html", "book", book.metadata.title, page)


def _pieces(book: Book, theme: Theme, common: dict) -> tuple[list[Document], str]:
    """Print in pieces: a document per body and back section, with no margin boxes; and the
    skeleton, where front matter is itself and each piece a stand-in: its section element, its
    heading hidden (running heads and bookmarks come from it) and a placeholder for its pages."""
    fragment = dict(common, layout="fragment.html")
    own = dict(common, stylesheets=[*common["stylesheets"], PIECE_CSS])
    book_page = theme.environment.get_template("book.html")
    pieces, skeleton = [], []
    for section in book.sections:
        html = _section_template(theme, section).render(section=section, title=section.title, **fragment)
        if section.matter == "front":
            skeleton.append(html)
            continue
        page = book_page.render(fragments=[html], title=book.metadata.title, **own)
        pieces.append(Document(f"{section.id}.html", section.id, section.title, _elsewhere(page)))
        skeleton.append(_standin(section, html))
    return pieces, _elsewhere(book_page.render(fragments=skeleton, title=book.metadata.title, **common))


def _standin(section: Section, html: str) -> str:
    opening = SECTION_OPENING.match(html)
    if not opening:
        raise jinja2.TemplateError(f"the template for '{section.role}' must open with its <section> element "
                                   "for the print edition to be laid out in pieces")
    heading = FIRST_HEADING.search(html)
    hidden = f'<h1{heading[1]} style="visibility: hidden; position: absolute">{heading[2]}</h1>' if heading else ""
    return f"{opening[1]}{hidden}{STANDIN.format(id=section.id)}</section>"


def _elsewhere(page: str) -> str:
    """Links to anchors this document does not hold go to the private scheme (see ELSEWHERE)."""
    here = set(ID_ATTR.findall(page))
    return HREF.sub(lambda m: m[0] if m[1] in here else f'href="{ELSEWHERE}{m[1]}"', page)


def fill_skeleton(skeleton: str, pages: dict[str, int]) -> str:
    """Give each stand-in the number of pages its piece took: empty blocks, one per page."""
    block = '<div class="pubkit-page" style="display: block; height: 0; margin: 0; padding: 0; border: 0{}"></div>'
    for section_id, count in pages.items():
        blocks = block.format("") + block.format("; break-before: page") * (count - 1)
        skeleton = skeleton.replace(STANDIN.format(id=section_id), blocks, 1)
    return skeleton


def _section_template(theme: Theme, section: Section):
    return theme.environment.select_template([f"sections/{section.role}.html", "section.html"])


def _nav(theme: Theme, common: dict, book: Book, landmarks, in_spine: bool) -> Document:
    """The EPUB navigation document: toc and landmarks; in the spine where the contents page stands."""
    title = book.words.role("contents")
    page = theme.environment.get_template("nav.html").render(title=title, toc=book.toc, landmarks=landmarks, **common)
    return Document(NAV_HREF, "contents", title, page, in_spine, ("nav",))


def _landmarks(book: Book) -> list[tuple[str, str, str]]:
    """(epub:type, label, target id) for the nav's landmarks list."""
    words = book.words
    marks = []
    if book.cover:
        marks.append(("cover", words["cover"], "cover"))
    if any(s.role == "titlepage" for s in book.sections):
        marks.append((ROLES["titlepage"].epub_type, words.role("titlepage"), "titlepage"))
    if any(s.role == "contents" for s in book.sections):  # else the nav is not in the spine, and a
        marks.append(("toc", words["table_of_contents"], "toc"))  # landmark may not point out of it (RSC-011)
    if book.first_body:
        marks.append(("bodymatter", words["start_of_content"], book.first_body.id))
    for section in book.sections:
        if section.role in ("notes", "glossary", "bibliography"):
            marks.append((section.info.epub_type, section.title, section.id))
    return marks


def _point_links(documents: list[Document]) -> list[Document]:
    """'#anchor' -> 'doc.xhtml#anchor' where the anchor lives in another document; a link to a
    document's own section needs no fragment."""
    home: dict[str, str] = {}
    opens = {doc.href: doc.id for doc in documents}
    for doc in documents:
        for anchor in ID_ATTR.findall(doc.xhtml):
            home.setdefault(anchor, doc.href)
        home.setdefault(doc.id, doc.href)

    def point(doc: Document):
        own = set(ID_ATTR.findall(doc.xhtml))  # a page's own anchor wins (the web pages' #main)

        def replace(match: re.Match) -> str:
            anchor = match.group(1)
            target = doc.href if anchor in own else home.get(anchor, doc.href)
            if target == doc.href:
                return match.group(0)
            return f'href="{target}"' if anchor == opens[target] else f'href="{target}#{anchor}"'
        return Document(doc.href, doc.id, doc.title, HREF.sub(replace, doc.xhtml), doc.in_spine, doc.properties)

    return [point(doc) for doc in documents]


def _nav_points(entries: Iterable[TocEntry], hrefs: dict[str, str]):
    for entry in entries:
        yield NavPoint(entry.title, hrefs[entry.target], tuple(_nav_points(entry.children, hrefs)))


def font_faces(theme: Theme) -> str:
    """@font-face rules for the theme's fonts, served as fonts/<file>; for a text that needs fonts
    of other scripts, their order too. That order is set with !important because the theme's own
    stylesheets, which come after this one, name the base font alone: on the root element and the
    page (a page's margin boxes inherit from the page, not the root), which every element inherits
    unless it names a font of its own (code)."""
    rules = []
    for font in theme.fonts:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{font.family}";\n'
            f"  font-weight: {font.weight};\n"
            f"  font-style: {font.style};\n"
            f'  src: url("../fonts/{font.path.name}");\n'
            "}\n")
    if theme.font_stack:
        stack = ", ".join(f'"{family}"' for family in theme.font_stack)
        rules.append(f":root {{ font-family: {stack}, serif !important; }}\n"
                     f"@page {{ font-family: {stack}, serif !important; }}\n")
    return "".join(rules)
