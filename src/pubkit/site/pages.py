"""The site's HTML pages from the catalog, through the theme's site/ templates: the catalog
(newest first), a page per subject, author and language with an index of each, and a page per book.
Every address is relative, so the folder works from any place it is put."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from ..sizes import size_text
from ..theming import Theme
from ..words import Words
from .catalog import Catalog, Listing

KINDS = ("subjects", "authors", "languages")
STYLESHEETS = ("css/fonts.css", "css/base.css", "css/web.css")


@dataclass(frozen=True)
class SiteInfo:
    title: str  # the site's name, on every page
    language: str  # the language of the site's own words
    base_url: str | None  # for canonical addresses in feeds and metadata; None: relative only
    feed_page: int = 50  # books in a page of an acquisition feed


def site_pages(catalog: Catalog, theme: Theme, words: Words, info: SiteInfo) -> dict[str, str]:
    """Path inside the site -> the page's HTML."""
    env = theme.environment.overlay()
    env.filters = dict(env.filters, first_sentence=first_sentence, filesize=size_text)
    pages: dict[str, str] = {}

    def render(path: str, template: str, **values) -> None:
        root = "../" * path.count("/")
        pages[path] = env.get_template(template).render(
            root=root, stylesheets=[root + href for href in STYLESHEETS], words=words, site=info,
            catalog=catalog, kinds=KINDS, quote=_quote, canonical=address(info, path), **values)

    render("index.html", "site/catalog.html", title=info.title, books=catalog.books, intro=words["site"]["catalog_intro"], feeds=True)
    for kind in KINDS:
        render(f"{kind}/index.html", "site/terms.html", title=words["site"][kind], kind=kind, terms=catalog.terms(kind))
        for term in catalog.terms(kind):
            render(f"{kind}/{term.key}.html", "site/catalog.html", title=term.label, books=term.books, intro=None, feeds=False)
    for book in catalog.books:
        render(f"books/{book.slug}/index.html", "site/book.html", title=book["title"], book=book,
               schema=_schema_org(book, info))
    # Search: a page per language, which searches that language's index (search.py); the
    # catalog's bar searches the site's language (book pages are in it), a book's web edition its own.
    render("search.html", "site/search.html", title=words["site"]["search"], language=info.language)
    for language in sorted({book["language"] for book in catalog.books}):
        render(search_page(language), "site/search.html", title=words["site"]["search"], language=language)
    return pages


def search_page(language: str) -> str:
    """The search page of a language's index: where a web edition's search box leads."""
    return f"search-{language}.html"


def address(info: SiteInfo, path: str) -> str | None:
    """Where the page at ``path`` inside the site is on the web (a folder's index.html as the
    folder), if the site's address is known."""
    if not info.base_url:
        return None
    parts = [_quote(part) for part in path.split("/")]
    if parts[-1] == "index.html":
        parts[-1] = ""
    return info.base_url + "/" + "/".join(parts)


def first_sentence(text: str) -> str:
    """A description's first sentence, for a line in a list of books."""
    flat = " ".join(str(text).split())
    match = re.match(r"(.{20,}?[.!?…])(?:\s|$)", flat)
    sentence = match[1] if match else flat
    return sentence if len(sentence) <= 240 else sentence[:239].rsplit(" ", 1)[0] + "…"


def _quote(segment: str) -> str:
    return quote(segment, safe="")


def _schema_org(book: Listing, info: SiteInfo) -> Markup:
    """The book as schema.org ``Book`` data (JSON-LD), safe inside a <script> element."""
    people = lambda role: [{"@type": "Person", "name": c["name"]} for c in book["creators"] if c["role"] == role]  # noqa: E731
    data = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": book["title"],
        "alternativeHeadline": book["subtitle"],
        "author": people("aut") or None,
        "editor": people("edt") or None,
        "translator": people("trl") or None,
        "inLanguage": book["language"],
        "datePublished": book["date"],
        "dateModified": book["modified"],
        "publisher": {"@type": "Organization", "name": book["publisher"]} if book["publisher"] else None,
        "description": book["description"],
        "keywords": ", ".join(book["subjects"]) or None,
        "bookEdition": book["edition"],
        "isbn": book["isbn"]["epub"] or book["isbn"]["print"],
        "license": book["rights"],
        "image": "cover-thumb.jpg" if book["cover"] else None,
        "encoding": [{"@type": "MediaObject", "encodingFormat": d.media_type, "contentUrl": d.name,
                      "contentSize": str(d.size), "sha256": d.sha256} for d in book.downloads] or None,
    }
    if info.base_url:
        data["url"] = address(info, f"books/{book.slug}/index.html")
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, indent=1)
    # "</script>" or "<!--" in a title must not end the element: JSON allows \u003c for "<".
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
