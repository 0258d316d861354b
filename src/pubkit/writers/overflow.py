"""Words a laid-out document would lose without a word: notes cut off at the foot of a page (X209)
and words that overflow their part of a cover (C002).

WeasyPrint says nothing of either, so both are measured on its page boxes: a Page's
``_page_box``, each box's ``children``, ``element``, ``position_y``, ``margin_height()`` ... That
tree is WeasyPrint's own and undocumented (these readings hold for WeasyPrint 70); it is read here
and nowhere else, so that a WeasyPrint which changes it is mended in this one file. The tests of
X209 and C002 fail if it does.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, Location, error

PX_PER_INCH = 96  # CSS pixels
SAFE_FOOT = 0.375 * PX_PER_INCH  # bleed and safe margin at a cover panel's foot: what no words may cross


def cut_footnotes(pages: list, notes_in: dict[str, str]) -> list[Diagnostic]:
    """WeasyPrint 70 cannot continue a footnote on the next page: a note taller than the room at
    the foot of its page is cut off silently. ``notes_in``: the text a section comes from, by the
    section's id (a note's id starts with it)."""
    problems = []
    for number, page in enumerate(pages, start=1):
        for area in page._page_box.children:
            if type(area).__name__ != "FootnoteAreaBox":
                continue
            top = page._page_box.content_box_y()  # the area grows upwards, past the page if it must
            bottom = area.content_box_y() + area.height
            for note in area.children:
                needed = note.position_y + note.margin_height()
                if needed > bottom + 1 or note.position_y < top - 1:
                    note_id = note.element.get("id", "")
                    section = notes_in.get(note_id.split("--")[0])
                    where = Location(section) if section else Location(f"page {number}")
                    problems.append(error(
                        "X209", f"note {note_id.rsplit('--n', 1)[-1]} is too long to be a footnote: it needs "
                                f"{_inches(note.margin_height())}, the page has {_inches(bottom - top)} at most, "
                                "and the rest would be cut off; shorten or split it, or set print.notes: endnotes",
                        where))
    return problems


def cover_overflow(page, theme: str, printed: bool) -> list[Diagnostic]:
    """Words that do not fit their part of a cover would be cut off (the panels hide what
    overflows, and layout stops at the page's edge): the front's title and names must end above
    the publisher's line or the panel's safe foot, the back's text above the barcode or the safe
    foot, and the spine's one line must be no longer than the spine. ``printed``: a printer's
    wraparound, measured in inches; else the e-book's front, a picture, in pixels.

    The parts are found by the class names of the classic theme's covers/_panels.html and
    print.html; a theme that names them otherwise is not measured."""
    boxes = {}
    for box in _descendants(page._page_box):
        element = getattr(box, "element", None)
        for name in (element.get("class", "").split() if element is not None else ()):
            boxes.setdefault(name, box)  # the first box of each class: the element's own

    def foot(name: str) -> float:
        panel = boxes[name]
        return panel.position_y + panel.margin_height() - SAFE_FOOT

    size = _inches if printed else (lambda px: f"{px:.0f} px")
    on = "" if printed else "on the e-book cover, "
    problems = []
    where = Location(f"theme {theme}: cover")
    for part, words, remedy, below, panel in (
            ("front-text", "the title, subtitle and names on the front need", "shorten the subtitle (or the title)",
             "front-publisher", "front-panel"),
            ("back-panel", "the text on the back needs", "shorten the description (or the back's quote)",
             "barcode-box", "back-panel")):
        if part not in boxes:
            continue
        content = boxes[part]
        inner = content.children if part == "back-panel" else [content]  # the back panel is all page high
        ends = max((_bottom(box) for box in inner), default=content.content_box_y())
        limit = boxes[below].position_y if below in boxes else foot(panel)
        if ends > limit + 1:
            start = min((box.position_y for box in inner), default=limit)
            problems.append(error("C002", f"{on}{words} {size(ends - start)}, and {size(limit - start)} "
                                          f"is there: the rest would be cut off; {remedy}", where))
    if "spine-text" in boxes:
        spine = boxes["spine-text"]
        used = max((child.position_x + child.margin_width() for line in spine.children for child in line.children),
                   default=spine.content_box_x()) - spine.content_box_x()
        if used > spine.width + 1:
            problems.append(error("C002", f"the spine's line needs {size(used)}, and the spine is {size(spine.width)} "
                                          "long: the rest would be cut off; shorten the title or the names", where))
    return problems


def _inches(px: float) -> str:
    return f"{px / PX_PER_INCH:.2f} in"


def _descendants(box):
    box = getattr(box, "_box", box)  # an absolutely positioned box stands behind a placeholder
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _bottom(box) -> float:
    return max(inner.position_y + inner.margin_height() for inner in _descendants(box))
