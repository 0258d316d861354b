"""A PDF page to a JPEG (pypdfium2 renders, Pillow encodes): the e-book cover for stores."""

from __future__ import annotations

import io

import pypdfium2

MAX_BYTES = 2 * 1024 * 1024  # stores take covers under 2 MB


def page_to_jpeg(pdf: bytes, width: int, height: int) -> bytes:
    """Render the first page at exactly ``width`` x ``height`` pixels, RGB, as a JPEG under 2 MB."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale, draw_annots=False).to_pil().convert("RGB")
    finally:
        document.close()
    if image.size != (width, height):
        image = image.resize((width, height))
    for quality in (92, 85, 75, 65):
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=quality, optimize=True)
        if out.tell() < MAX_BYTES:
            break
    return out.getvalue()
