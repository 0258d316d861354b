"""What the site shows of a book, written beside its web edition as book.json.

The web edition is made (and cached) with the book's other outputs; the site is assembled from
these records and the files already built, so an unchanged book costs the site nothing but a read.
"""

from __future__ import annotations

from ..model import Book, TocEntry
from ..render import Rendered

RECORD = "book.json"
COVER = "cover"  # cover.jpg or cover.png: the book's cover as it is
THUMBNAIL = "cover-thumb.jpg"


def book_record(book: Book, rendered: Rendered, cover: str | None, sizes: dict[str, list[int]]) -> dict:
    """``sizes``: the cover's and the thumbnail's width and height in pixels, by those names."""
    meta = book.metadata
    hrefs = {doc.id: doc.href for doc in rendered.documents}
    return {
        "slug": book.slug,
        "identifier": book.identifier,
        "title": meta.title,
        "subtitle": meta.subtitle,
        "creators": [{"name": c.name, "role": c.role, "file_as": c.file_as} for c in meta.creators],
        "responsible": list(meta.responsible_names),
        "language": meta.language,
        "publisher": meta.publisher,
        "date": meta.date.isoformat(),
        "modified": book.modified_w3c,
        "edition": meta.edition,
        "isbn": {"epub": meta.isbn_epub, "print": meta.isbn_print},
        "description": meta.description,
        "subjects": list(meta.subjects),
        "rights": meta.rights,
        "downloads": list(book.downloads),
        "contents": [_entry(e, hrefs) for e in book.toc],
        "start": hrefs[book.first_body.id] if book.first_body else None,
        "texts": [{"title": s.title, "href": hrefs.get(s.id), "authors": list(s.authors), "source": s.source,
                   "date": s.source_date, "translator": s.translator, "url": s.url}
                  for s in book.sections if s.source or s.source_date or s.url or s.translator],
        "cover": cover,
        "thumbnail": THUMBNAIL if cover else None,
        "image_sizes": sizes,
    }


def _entry(entry: TocEntry, hrefs: dict[str, str]) -> dict:
    return {"title": entry.title, "href": hrefs.get(entry.target),
            "children": [_entry(child, hrefs) for child in entry.children]}
