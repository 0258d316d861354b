"""The catalog for reading apps and feed readers: OPDS 1.2 (Atom), OPDS 2.0 (JSON) and an Atom
feed of new books. One set of feeds, written in both OPDS flavours:

- opds/root: navigation: new books, all books, by subject, by author, by language;
- opds/new, opds/all: acquisition feeds (all is the crawlable one);
- opds/subjects, opds/authors, opds/languages: navigation, a feed per term below each.

An acquisition feed comes in pages (50 books by default; opds/all/page-2 and on), linked first,
last, previous and next; a crawlable feed that fits one page is marked complete.

Addresses are relative to the feed that holds them unless the site has a base URL. Every value is
set through lxml or json, never pasted into markup.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from lxml import etree

from ..words import Words
from .catalog import Catalog, Listing
from .pages import SiteInfo, first_sentence

ATOM, DC, OPDS, FH = ("http://www.w3.org/2005/Atom", "http://purl.org/dc/terms/", "http://opds-spec.org/2010/catalog",
                      "http://purl.org/syndication/history/1.0")
NAMESPACES = {None: ATOM, "dc": DC, "opds": OPDS, "fh": FH}
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPDS2 = "application/opds+json"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE, THUMBNAIL = "http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"
NEWEST = 25  # books in the new-books feeds
RELATORS = {"aut": "author", "edt": "editor", "trl": "translator", "ill": "illustrator"}  # OPDS 2.0 contributor roles


@dataclass(frozen=True)
class Nav:
    """A navigation entry: a title, a line about it, and the feed it leads to."""

    title: str
    summary: str
    target: str  # the feed's path without extension, e.g. "opds/subjects/history"
    acquisition: bool
    rel: str = "subsection"


@dataclass(frozen=True)
class Feed:
    path: str  # without extension: "opds/root" -> opds/root.xml and opds/root.json
    title: str
    navigation: tuple[Nav, ...] = ()
    books: tuple[Listing, ...] = ()  # this page's
    complete: bool = False  # the crawlable feed of every book, in one page
    page: int = 1
    pages: int = 1
    first_page: str | None = None  # the path of page 1, for a later page
    total: int = 0  # books in all pages
    per_page: int = 0

    @property
    def acquisition(self) -> bool:
        return not self.navigation

    @property
    def base(self) -> str:
        """The feed's path: that of its first page."""
        return self.first_page or self.path

    def page_path(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}/page-{number}"


def paged(feed: Feed, size: int) -> list[Feed]:
    """An acquisition feed in pages of ``size`` books (RFC 5005 paging: an app loads a page at a
    time, never a catalog of a thousand books at once); a feed of one page stays as it is."""
    if feed.navigation:
        return [feed]
    count = max(1, -(-len(feed.books) // size))
    pages = [dataclasses.replace(feed, books=feed.books[(n - 1) * size:n * size], page=n, pages=count,
                                 total=len(feed.books), per_page=size, complete=feed.complete and count == 1)
             for n in range(1, count + 1)]
    return [dataclasses.replace(page, path=page.page_path(page.page), first_page=feed.path if page.page > 1 else None)
            for page in pages]


def catalog_feeds(catalog: Catalog, words: Words, page_size: int = 50) -> list[Feed]:
    site = words["site"]
    count = lambda n: site["books_count_one"] if n == 1 else site["books_count"].format(count=n)  # noqa: E731
    feeds = [Feed("opds/new", site["feed_new"], books=catalog.books[:NEWEST]),
             Feed("opds/all", site["feed_all"], books=catalog.books, complete=True)]
    browse = []
    for kind, label in (("subjects", site["by_subject"]), ("authors", site["by_author"]), ("languages", site["by_language"])):
        terms = catalog.terms(kind)
        if not terms:
            continue
        feeds.append(Feed(f"opds/{kind}", label, navigation=tuple(
            Nav(t.label, count(len(t.books)), f"opds/{kind}/{t.key}", True) for t in terms)))
        feeds += [Feed(f"opds/{kind}/{t.key}", t.label, books=t.books) for t in terms]
        browse.append(Nav(label, ", ".join(t.label for t in terms[:6]) + (" …" if len(terms) > 6 else ""), f"opds/{kind}", False))
    root = Feed("opds/root", site["catalog"], navigation=(
        Nav(site["feed_new"], count(min(NEWEST, len(catalog.books))), "opds/new", True, "http://opds-spec.org/sort/new"),
        Nav(site["all_books"], count(len(catalog.books)), "opds/all", True),
        *browse))
    return [root, *(page for feed in feeds for page in paged(feed, page_size))]


class _Addresses:
    """Where one feed points: relative to its own folder, or absolute under the base URL."""

    def __init__(self, feed_path: str, base_url: str | None):
        self.folder = posixpath.dirname(feed_path)
        self.base_url = base_url

    def __call__(self, path: str) -> str:
        path = quote(path)
        if self.base_url:
            return f"{self.base_url}/{path}"
        return posixpath.relpath(path, self.folder or ".")


def feed_id(path: str, info: SiteInfo) -> str:
    if info.base_url:
        return f"{info.base_url}/{quote(path)}.xml"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pubkit-site:{info.title}:{path}").urn


# --- OPDS 1.2 ----------------------------------------------------------------------------------


def opds1(feed: Feed, catalog: Catalog, info: SiteInfo) -> bytes:
    at = _Addresses(feed.path, info.base_url)
    root = etree.Element(f"{{{ATOM}}}feed", nsmap=NAMESPACES)
    _text(root, "id", feed_id(feed.path, info))
    _text(root, "title", feed.title)
    _text(root, "updated", max((b["modified"] for b in feed.books), default=catalog.updated))
    _text(etree.SubElement(root, f"{{{ATOM}}}author"), "name", info.title)
    kind = ACQUISITION if feed.acquisition else NAVIGATION
    _link(root, "self", at(f"{feed.path}.xml"), kind)
    _link(root, "start", at("opds/root.xml"), NAVIGATION)
    if feed.path != "opds/root":
        _link(root, "up", at(f"{up(feed.base)}.xml"), NAVIGATION)
    else:
        _link(root, "http://opds-spec.org/crawlable", at("opds/all.xml"), ACQUISITION)
    _link(root, "alternate", at(f"{feed.path}.json"), OPDS2)
    _link(root, "alternate", at("index.html"), "text/html")
    for rel, number in _paging(feed):
        _link(root, rel, at(f"{feed.page_path(number)}.xml"), kind)
    if feed.complete:
        etree.SubElement(root, f"{{{FH}}}complete")
    for nav in feed.navigation:
        entry = etree.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "title", nav.title)
        _text(entry, "id", feed_id(nav.target, info))
        _text(entry, "updated", catalog.updated)
        _text(entry, "content", nav.summary).set("type", "text")
        _link(entry, nav.rel, at(f"{nav.target}.xml"), ACQUISITION if nav.acquisition else NAVIGATION)
    for book in feed.books:
        _entry(root, book, at)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _entry(feed: etree._Element, book: Listing, at: _Addresses) -> None:
    entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "title", book["title"])
    _text(entry, "id", book["identifier"])
    _text(entry, "updated", book["modified"])
    _text(entry, "published", f"{book['date']}T00:00:00Z")  # what apps show as the date (dc:issued is OPDS's own)
    for name in book["responsible"]:
        _text(etree.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
    _text(entry, "identifier", book["identifier"], DC)
    _text(entry, "language", book["language"], DC)
    _text(entry, "issued", book["date"], DC)
    if book["publisher"]:
        _text(entry, "publisher", book["publisher"], DC)
    for subject in book["subjects"]:
        category = etree.SubElement(entry, f"{{{ATOM}}}category")
        category.set("term", subject)
        category.set("label", subject)
    if book["description"]:
        summary = first_sentence(book["description"])
        if summary != book["description"].strip():  # a summary that is the whole description says it twice
            _text(entry, "summary", summary).set("type", "text")
        _text(entry, "content", book["description"]).set("type", "text")
    folder = f"books/{book.slug}"
    if book["cover"]:
        _link(entry, IMAGE, at(f"{folder}/{book['cover']}"), _image_type(book["cover"]))
        _link(entry, THUMBNAIL, at(f"{folder}/{book['thumbnail']}"), "image/jpeg")
    _link(entry, "alternate", at(f"{folder}/index.html"), "text/html")
    for download in book.downloads:
        link = _link(entry, OPEN_ACCESS, at(f"{folder}/{download.name}"), download.media_type)
        link.set("length", str(download.size))
        link.set("title", download.kind)


def _text(parent: etree._Element, name: str, value: str, namespace: str = ATOM) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    element.text = value
    return element


def _link(parent: etree._Element, rel: str, href: str, media_type: str) -> etree._Element:
    link = etree.SubElement(parent, f"{{{ATOM}}}link")
    link.set("rel", rel)
    link.set("href", href)
    link.set("type", media_type)
    return link


def _image_type(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"


# --- OPDS 2.0 ----------------------------------------------------------------------------------


def opds2(feed: Feed, catalog: Catalog, info: SiteInfo) -> bytes:
    at = _Addresses(feed.path, info.base_url)
    links = [{"rel": "self", "href": at(f"{feed.path}.json"), "type": OPDS2},
             {"rel": "start", "href": at("opds/root.json"), "type": OPDS2},
             {"rel": "alternate", "href": at(f"{feed.path}.xml"), "type": ACQUISITION if feed.acquisition else NAVIGATION}]
    if feed.path == "opds/root":
        links.append({"rel": "http://opds-spec.org/crawlable", "href": at("opds/all.json"), "type": OPDS2})
    else:
        links.append({"rel": "up", "href": at(f"{up(feed.base)}.json"), "type": OPDS2})
    links += [{"rel": rel, "href": at(f"{feed.page_path(number)}.json"), "type": OPDS2} for rel, number in _paging(feed)]
    data: dict = {"metadata": {"title": feed.title, "modified": catalog.updated}, "links": links}
    if feed.acquisition:
        data["metadata"].update(numberOfItems=feed.total, itemsPerPage=feed.per_page, currentPage=feed.page)
        data["publications"] = [_publication(book, at) for book in feed.books]
    else:
        data["navigation"] = [{"href": at(f"{nav.target}.json"), "title": nav.title, "type": OPDS2, "rel": nav.rel}
                              for nav in feed.navigation]
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _publication(book: Listing, at: _Addresses) -> dict:
    meta: dict = {"@type": "http://schema.org/Book", "identifier": book["identifier"], "title": book["title"],
                  "language": book["language"], "published": book["date"], "modified": book["modified"]}
    if book["subtitle"]:
        meta["subtitle"] = book["subtitle"]
    sort_as = {c["name"]: c["file_as"] for c in book["creators"] if c["file_as"]}
    person = lambda name: {"name": name, **({"sortAs": sort_as[name]} if name in sort_as else {})}  # noqa: E731
    # Apps show "author": the people the book is filed under (its editors, when it has no author),
    # as the Atom feeds do; editors, translators and the rest are named in their own roles too.
    meta["author"] = [person(name) for name in book["responsible"]]
    for creator in book["creators"]:
        role = RELATORS.get(creator["role"], "contributor")
        if role != "author":
            meta.setdefault(role, []).append(person(creator["name"]))
    if book["publisher"]:
        meta["publisher"] = {"name": book["publisher"]}
    if book["description"]:
        meta["description"] = book["description"]
    if book["subjects"]:
        meta["subject"] = [{"name": s} for s in book["subjects"]]
    folder = f"books/{book.slug}"
    links = [{"rel": "alternate", "href": at(f"{folder}/index.html"), "type": "text/html"}]
    links += [{"rel": OPEN_ACCESS, "href": at(f"{folder}/{d.name}"), "type": d.media_type, "title": d.kind}
              for d in book.downloads]
    publication = {"metadata": meta, "links": links}
    if book["cover"]:  # the thumbnail first: an app that takes the first image takes the small one
        sizes = book.record.get("image_sizes") or {}
        publication["images"] = [
            {"href": at(f"{folder}/{book['thumbnail']}"), "type": "image/jpeg", "rel": [THUMBNAIL],
             **_size(sizes.get("thumbnail"))},
            {"href": at(f"{folder}/{book['cover']}"), "type": _image_type(book["cover"]), "rel": ["cover", IMAGE],
             **_size(sizes.get("cover"))}]
    return publication


def _paging(feed: Feed) -> list[tuple[str, int]]:
    """The paging links of a feed in pages (RFC 5005, as OPDS 1.2 and 2.0 name them)."""
    if feed.pages == 1:
        return []
    links = [("first", 1), ("last", feed.pages)]
    if feed.page > 1:
        links.append(("previous", feed.page - 1))
    if feed.page < feed.pages:
        links.append(("next", feed.page + 1))
    return links


def _size(size: list[int] | None) -> dict:
    return {"width": size[0], "height": size[1]} if size else {}


def up(path: str) -> str:
    """The feed one level up: a term's feed goes up to the list of its kind, the rest to the root."""
    parent = posixpath.dirname(path)
    return parent if parent != "opds" else "opds/root"


# --- the new-books feed ------------------------------------------------------------------------


def new_books(catalog: Catalog, words: Words, info: SiteInfo) -> bytes:
    """An Atom feed of the newest books for feed readers: each entry links the book's page."""
    at = _Addresses("feed", info.base_url)
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(root, "id", feed_id("feed", info))
    _text(root, "title", f"{info.title}: {words['site']['feed_new']}")
    _text(root, "updated", catalog.updated)
    _text(etree.SubElement(root, f"{{{ATOM}}}author"), "name", info.title)
    _link(root, "self", at("feed.xml"), "application/atom+xml")
    _link(root, "alternate", at("index.html"), "text/html")
    for book in catalog.books[:NEWEST]:
        entry = etree.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "title", book["title"])
        _text(entry, "id", book["identifier"])
        _text(entry, "updated", book["modified"])
        _text(entry, "published", f"{book['date']}T00:00:00Z")
        for name in book["responsible"]:
            _text(etree.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
        _link(entry, "alternate", at(f"books/{book.slug}/index.html"), "text/html")
        _text(entry, "summary", book["description"] or book["title"]).set("type", "text")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
