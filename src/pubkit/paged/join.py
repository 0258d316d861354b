"""Joining a print edition laid out in pieces (pikepdf): the skeleton's pages, the pieces on top.

The skeleton (render.py) is the whole book laid out with its front matter and, in place of each
piece, a stand-in of the same number of pages: its pages carry the running heads, folios, blank
versos, the contents' page numbers and the bookmarks. Each piece was laid out alone with no
margin boxes. Joining puts each piece's pages on its stand-in's pages as form XObjects, moves its
links and named destinations over (a link into another piece was written with a private scheme
and becomes a link to the named destination), and embeds each of the theme's fonts once, whole,
in place of the subsets every piece carried (WeasyPrint subsets keep glyph ids, so the whole font
serves them all).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pikepdf

from ..render import ELSEWHERE
from ..writers.labels import label_pages
from ..writers.tounicode import ENTRY, cmap

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
FORM = "/PubkitPiece"


class JoinError(Exception):
    """The skeleton and the pieces do not fit together (a bug, not an editor's mistake)."""


def join_pieces(skeleton: bytes, pieces: list[tuple[str, bytes]], fonts: tuple[Path, ...], first_body: str | None,
                shift: float = 0.0, bound_right: bool = False) -> bytes:
    """``pieces``: (section id, PDF) in reading order; ``fonts``: the theme's font files, embedded
    whole (none: the subsets stay); ``first_body``: the section whose page is numbered 1;
    ``shift``: points by which the pieces' text moves away from the gutter (they were laid out
    with a narrower one), rightward on right-hand pages, leftward on left-hand ones (odd pages
    are right-hand pages, unless the book is ``bound_right``)."""
    with pikepdf.open(io.BytesIO(skeleton)) as book:
        destinations = pikepdf.NameTree(book.Root.Names.Dests)
        index = {page.objgen: number for number, page in enumerate(book.pages)}
        for section_id, data in pieces:
            start = index[destinations[section_id][0].objgen]
            with pikepdf.open(io.BytesIO(data)) as piece:
                if start + len(piece.pages) > len(book.pages):
                    raise JoinError(f"piece {section_id} has {len(piece.pages)} pages, the skeleton has room for fewer")
                targets = [book.pages[start + n] for n in range(len(piece.pages))]
                moves = [shift if ((start + n) % 2 == 0) != bound_right else -shift for n in range(len(targets))]
                for page, target, dx in zip(piece.pages, targets, moves):
                    _overlay(book, target, page, dx)
                    _move_links(book, target, page, dx)
                _move_destinations(book, destinations, piece, targets, moves)
        _whole_fonts(book, fonts)
        if first_body in destinations:
            label_pages(book, index[destinations[first_body][0].objgen])
        out = io.BytesIO()
        book.save(out, deterministic_id=True, compress_streams=True,
                  object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _overlay(book: pikepdf.Pdf, target: pikepdf.Page, page: pikepdf.Page, dx: float) -> None:
    """The piece's page, drawn over the skeleton's, under a fixed name (pikepdf's add_overlay
    names it at random, and the same inputs must give the same bytes)."""
    form = book.copy_foreign(page.as_form_xobject())
    # WeasyPrint's pages share one resource dictionary: this page gets its own, naming its piece
    shared = target.obj.get("/Resources") or pikepdf.Dictionary()
    resources = pikepdf.Dictionary({key: value for key, value in shared.items()})
    resources.XObject = pikepdf.Dictionary({**{k: v for k, v in (shared.get("/XObject") or {}).items()}, FORM: form})
    target.obj.Resources = resources
    # WeasyPrint's page stream changes the transformation without restoring it: draw the piece
    # after the skeleton's drawing is closed in q ... Q, in the page's own coordinates
    target.contents_add(book.make_stream(b"q\n"), prepend=True)
    move = b"1 0 0 1 %s 0 cm " % _number(dx) if dx else b""
    target.contents_add(book.make_stream(b"\nQ\nq " + move + b"/PubkitPiece Do Q\n"), prepend=False)


def _number(value: float) -> bytes:
    return f"{value:.4f}".rstrip("0").rstrip(".").encode()


def _move_links(book: pikepdf.Pdf, target: pikepdf.Page, page: pikepdf.Page, dx: float) -> None:
    for annotation in page.obj.get("/Annots") or []:
        moved = book.copy_foreign(annotation)
        if dx and "/Rect" in moved:
            x0, y0, x1, y1 = (float(v) for v in moved.Rect)
            moved.Rect = pikepdf.Array([x0 + dx, y0, x1 + dx, y1])
        action = moved.get("/A")
        uri = str(action.get("/URI", "")) if action is not None else ""
        if uri.startswith(ELSEWHERE):  # a link into another piece: to its named destination
            del moved["/A"]
            moved.Dest = pikepdf.String(uri.removeprefix(ELSEWHERE))
        if "/P" in moved:
            moved.P = target.obj
        if "/Annots" not in target.obj:
            target.obj.Annots = pikepdf.Array()
        target.obj.Annots.append(moved)


def _move_destinations(book: pikepdf.Pdf, destinations: pikepdf.NameTree, piece: pikepdf.Pdf,
                       targets: list[pikepdf.Page], moves: list[float]) -> None:
    """The piece's anchors (headings, notes, its own section) at the same place on the book's
    pages (an /XYZ destination's left moved with the text)."""
    if "/Names" not in piece.Root or "/Dests" not in piece.Root.Names:
        return
    pages = {page.objgen: (target, dx) for page, target, dx in zip(piece.pages, targets, moves)}
    for name, destination in pikepdf.NameTree(piece.Root.Names.Dests).items():
        target, dx = pages[destination[0].objgen]
        rest = [book.copy_foreign(v) if isinstance(v, pikepdf.Object) and v.is_indirect else v for v in list(destination)[1:]]
        if dx and len(rest) >= 2 and rest[0] == pikepdf.Name.XYZ and rest[1] is not None:
            rest[1] = float(rest[1]) + dx
        destinations[name] = pikepdf.Array([target.obj, *rest])


def _whole_fonts(book: pikepdf.Pdf, theme_fonts: tuple[Path, ...]) -> None:
    """Each theme font embedded once and whole (printers ask for whole fonts), with the widths and
    text of every glyph the pieces used; a font that is not the theme's keeps its subsets."""
    files = {_postscript_name(path.read_bytes()): path for path in theme_fonts}
    faces: dict[Path, list[pikepdf.Dictionary]] = {}
    for font in _fonts(book):
        descriptor = font.DescendantFonts[0].get("/FontDescriptor") or {}
        stream = descriptor.get("/FontFile2")
        path = files.get(_postscript_name(stream.read_bytes())) if stream is not None else None
        if path is not None:
            faces.setdefault(path, []).append(font)
    replacement = {}
    for path, fonts in sorted(faces.items()):
        merged = _merged(book, path, fonts)
        replacement.update({font.objgen: merged for font in fonts})
    for resources in _resource_dicts(book):
        for key, font in list((resources.get("/Font") or {}).items()):
            if font.objgen in replacement:
                resources.Font[key] = replacement[font.objgen]


def _merged(book: pikepdf.Pdf, path: Path, fonts: list[pikepdf.Dictionary]) -> pikepdf.Dictionary:
    widths: dict[int, float] = {}
    text: dict[int, bytes] = {}
    for font in fonts:
        widths.update(_widths(font.DescendantFonts[0].get("/W") or []))
        if "/ToUnicode" in font:
            text.update({int(glyph, 16): value.lower() for glyph, value in ENTRY.findall(font.ToUnicode.read_bytes())})
    first = fonts[0]
    name = pikepdf.Name("/" + SUBSET_TAG.sub("", str(first.BaseFont)[1:]))  # whole: no subset tag
    data = path.read_bytes()
    descriptor = pikepdf.Dictionary({k: v for k, v in first.DescendantFonts[0].FontDescriptor.items()})
    descriptor.FontName = name
    descriptor.FontFile2 = book.make_stream(data, Length1=len(data))
    descendant = pikepdf.Dictionary({k: v for k, v in first.DescendantFonts[0].items()})
    descendant.BaseFont = name
    descendant.FontDescriptor = book.make_indirect(descriptor)
    descendant.W = pikepdf.Array([x for gid in sorted(widths) for x in (gid, pikepdf.Array([widths[gid]]))])
    font = pikepdf.Dictionary({k: v for k, v in first.items()})
    font.BaseFont = name
    font.DescendantFonts = pikepdf.Array([book.make_indirect(descendant)])
    font.ToUnicode = book.make_stream(cmap(text))
    return book.make_indirect(font)


def _widths(array) -> dict[int, float]:
    """A CIDFont's /W: 'c [w1 w2 ...]' and 'c_first c_last w' runs."""
    items, out, i = list(array), {}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            out.update({first + n: float(w) for n, w in enumerate(items[i + 1])})
            i += 2
        else:
            out.update({gid: float(items[i + 2]) for gid in range(first, int(items[i + 1]) + 1)})
            i += 3
    return out


def _fonts(book: pikepdf.Pdf):
    seen = set()
    for resources in _resource_dicts(book):
        for font in (resources.get("/Font") or {}).values():
            if font.objgen not in seen and font.get("/Subtype") == "/Type0":
                seen.add(font.objgen)
                yield font


def _resource_dicts(book: pikepdf.Pdf):
    """The resources of every page and of every form XObject they draw, each once."""
    seen = set()
    stack = [page.obj for page in book.pages]
    while stack:
        holder = stack.pop()
        resources = holder.get("/Resources")
        if resources is None or resources.objgen in seen and resources.is_indirect:
            continue
        if resources.is_indirect:
            seen.add(resources.objgen)
        yield resources
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                stack.append(xobject)


@lru_cache(maxsize=64)
def _postscript_name(data: bytes) -> str | None:
    """A TrueType/OpenType font's PostScript name (name ID 6), which subsetting keeps."""
    from fontTools.ttLib import TTFont  # WeasyPrint's dependency; only needed here

    try:
        return TTFont(io.BytesIO(data), lazy=True)["name"].getDebugName(6)
    except Exception:  # a font fontTools cannot read is simply not one of the theme's
        return None
