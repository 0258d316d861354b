"""The web edition's files: its pages, stylesheets, fonts and images, the book's cover with a
thumbnail, and the record the site reads (record.py)."""

from __future__ import annotations

import io
import json

from ..render import Rendered
from .record import COVER, RECORD, THUMBNAIL, book_record

THUMBNAIL_WIDTH = 360  # pixels: sharp at 180 CSS pixels on a high-density screen


def web_files(rendered: Rendered) -> dict[str, bytes]:
    files = {doc.href: doc.xhtml.encode("utf-8") for doc in rendered.documents}
    files.update((resource.href, resource.read()) for resource in rendered.resources)
    book = rendered.book
    cover, sizes = None, {}
    if book.cover:
        data = book.cover.source.read_bytes()
        cover = f"{COVER}{'.png' if book.cover.media_type == 'image/png' else '.jpg'}"
        files[cover] = data
        files[THUMBNAIL] = thumbnail(data)
        sizes = {"cover": _size(data), "thumbnail": _size(files[THUMBNAIL])}  # reading apps lay them out by it
    record = book_record(book, rendered, cover, sizes)
    files[RECORD] = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    return files


def thumbnail(image: bytes) -> bytes:
    """A JPEG of the cover, THUMBNAIL_WIDTH wide (Pillow writes no timestamp: same bytes each time)."""
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        picture = picture.convert("RGB")
        height = round(picture.height * THUMBNAIL_WIDTH / picture.width)
        small = picture.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def _size(image: bytes) -> list[int]:
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        return list(picture.size)
