"""How full the pages of a PDF are: for each page that is not the last of its section, how far
down the type area its text reaches. A page that stops early in mid-section is a layout fault
(a block kept whole that did not fit), unless the page holds a figure."""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfReader

PT = 72


@dataclass(frozen=True)
class Fill:
    page: int  # 1-based
    reached: float  # 0..1 of the type area's height, from its top
    has_image: bool


def section_starts(reader: PdfReader) -> list[int]:
    """1-based pages where sections start (WeasyPrint writes a named destination per id; a
    section's id has no '--', the anchors inside it do)."""
    return sorted({reader.get_destination_page_number(dest) + 1
                   for name, dest in reader.named_destinations.items() if "--" not in name})


def mid_section_fills(path, top: float, bottom: float) -> list[Fill]:
    """``top`` and ``bottom``: the margins in inches. Pages that end a section, and blank pages,
    are left out."""
    reader = PdfReader(path)
    starts = section_starts(reader) + [len(reader.pages) + 1]
    fills: list[Fill] = []
    lowest: dict[int, float] = {}
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.trimbox.height)
        floor, ceiling = float(page.trimbox.bottom) + bottom * PT, float(page.trimbox.bottom) + height - top * PT
        found: list[float] = []

        def visit(text, cm, tm, font, size):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and floor - 0.2 * PT <= y <= ceiling:
                found.append(y)

        page.extract_text(visitor_text=visit)
        if found:
            lowest[number] = (ceiling - min(found)) / (ceiling - floor)
    for start, end in zip(starts, starts[1:]):
        pages = [n for n in range(start, end) if n in lowest]
        for number in pages[:-1]:  # the last page with text ends the section
            xobjects = reader.pages[number - 1].get("/Resources", {}).get("/XObject", {}) or {}
            has_image = any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
            fills.append(Fill(number, lowest[number], has_image))
    return fills
