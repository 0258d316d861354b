"""Rendered -> EPUB 3 bytes. The only module that imports ebooklib.

ebooklib 0.20 is used as the container writer, with the workarounds STANDARDS.md lists:
whole XHTML documents are added as plain ``EpubItem``s (``EpubHtml`` re-serialises them and loses
``<head>``), every manifest property is set here, authors get explicit ids, the page-list guesser is
off, and the zip is re-packed deterministically with ``xml:lang`` added to ``<package>``.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile

from ebooklib import epub

from ..model import Book, Creator
from ..render import NavPoint, Rendered

# OCF: a fixed timestamp for every entry; the zip format cannot store dates before 1980.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
MARC_SCHEME = "marc:relators"


def epub_bytes(rendered: Rendered) -> bytes:
    book = rendered.book
    publication = epub.EpubBook()
    _metadata(publication, book)

    spine = []
    for doc in rendered.documents:
        item = epub.EpubItem(uid=_item_id(doc.id), file_name=doc.href,
                             media_type="application/xhtml+xml", content=doc.xhtml.encode("utf-8"))
        properties = list(doc.properties)
        if "<svg" in doc.xhtml:
            properties.append("svg")  # OPF: required when a document contains SVG
        item.properties = properties
        publication.add_item(item)
        if doc.in_spine:
            spine.append(item)
    for index, resource in enumerate(rendered.resources):
        item = epub.EpubItem(uid=f"res-{index}", file_name=resource.href,
                             media_type=resource.media_type, content=resource.read())
        item.properties = list(resource.properties)
        publication.add_item(item)

    counter = itertools.count(1)  # one id per navigation point, however many the book has
    publication.toc = [_ncx_entry(point, counter) for point in rendered.toc]
    publication.add_item(epub.EpubNcx())  # ebooklib's spine always names an NCX; old readers use it
    publication.spine = spine
    if book.metadata.direction == "rtl":  # pages turn right to left (KDP refuses an RTL book without it)
        publication.set_direction("rtl")

    raw = io.BytesIO()
    epub.write_epub(raw, publication, {
        "epub3_pages": False,  # ebooklib's page-list guess is wrong; we write none
        "epub2_guide": False,
        "mtime": book.modified.replace(tzinfo=None),  # ebooklib prints it with a literal Z: give it UTC
        "raise_exceptions": True,
        "compresslevel": 0,  # _repack compresses every entry once, for good
        "play_order": {"enabled": True, "start_from": 1},
    })
    return _repack(raw.getvalue(), book.metadata.language)


def _item_id(doc_id: str) -> str:
    return f"x-{doc_id}" if not doc_id[:1].isalpha() else doc_id


def _metadata(publication: epub.EpubBook, book: Book) -> None:
    meta = book.metadata
    publication.set_identifier(book.identifier)
    publication.set_language(meta.language)
    publication.add_metadata("DC", "title", meta.title, {"id": "title"})
    publication.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        publication.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        publication.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    for index, creator in enumerate(meta.creators, start=1):
        _creator(publication, creator, index, creator in meta.responsible)
    if meta.publisher:
        publication.add_metadata("DC", "publisher", meta.publisher)
    publication.add_metadata("DC", "date", meta.date.isoformat())
    if meta.description:
        publication.add_metadata("DC", "description", meta.description.strip())
    for subject in meta.subjects:
        publication.add_metadata("DC", "subject", subject)
    if meta.rights:
        publication.add_metadata("DC", "rights", meta.rights)
    if meta.isbn_print:
        publication.add_metadata("DC", "source", f"urn:isbn:{re.sub(r'[^0-9X]', '', meta.isbn_print)}")
    _accessibility(publication, book)


def _creator(publication: epub.EpubBook, creator: Creator, index: int, responsible: bool) -> None:
    # ebooklib's add_author without uid gives every creator id="creator" (EPUBCheck error): number them.
    # dc:creator for the authors, or the editors of a book without one (else readers show "Unknown").
    uid = f"creator-{index}"
    element = "creator" if responsible else "contributor"
    publication.add_metadata("DC", element, creator.name, {"id": uid})
    publication.add_metadata(None, "meta", creator.role, {"refines": f"#{uid}", "property": "role", "scheme": MARC_SCHEME})
    if creator.file_as:
        publication.add_metadata(None, "meta", creator.file_as, {"refines": f"#{uid}", "property": "file-as"})


def _accessibility(publication: epub.EpubBook, book: Book) -> None:
    """EPUB Accessibility 1.1 metadata, from what the book really contains."""
    a11y = book.metadata.accessibility
    has_images = bool(book.assets) or book.cover is not None

    def meta(prop: str, value: str) -> None:
        publication.add_metadata(None, "meta", value, {"property": prop})

    meta("schema:accessMode", "textual")
    if has_images:
        meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if has_images:
        features.append("alternativeText")
    if any(s.notes for s in book.sections):
        features.append("annotations")
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    words = book.words
    summary = a11y.summary or " ".join(
        [words["accessibility_summary"]] + ([words["accessibility_images"]] if has_images else [])
        + ([words["accessibility_notes"]] if "annotations" in features else []))
    meta("schema:accessibilitySummary", summary)
    if a11y.conforms_to:
        meta("dcterms:conformsTo", a11y.conforms_to)
        meta("a11y:certifiedBy", a11y.certified_by or "")


def _ncx_entry(point: NavPoint, counter):
    if not point.children:
        return epub.Link(point.href, point.title, f"navpoint-{next(counter)}")
    return (epub.Section(point.title, point.href), [_ncx_entry(child, counter) for child in point.children])


def _repack(data: bytes, language: str) -> bytes:
    """Same inputs, same bytes (OCF: mimetype first and stored; then sorted entries, fixed times)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(zipfile.ZipInfo("mimetype", ZIP_EPOCH), b"application/epub+zip", zipfile.ZIP_STORED)
        for name in sorted(n for n in source.namelist() if n != "mimetype"):
            content = source.read(name)
            if name.endswith(".opf"):
                content = _package_lang(content, language)
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            target.writestr(info, content, zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _package_lang(opf: bytes, language: str) -> bytes:
    """ebooklib writes no xml:lang on <package> (DAISY Ace checks it)."""
    return opf.replace(b"<package ", f'<package xml:lang="{language}" '.encode(), 1)
