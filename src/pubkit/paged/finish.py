"""Finishing a print PDF for a vendor, after WeasyPrint wrote it (pikepdf):

- no link annotations and no bookmarks where the vendor forbids them (KDP, PDF/X);
- blank pages added to reach the vendor's minimum, an even count, a blank last page;
- RGB colour operators turned to gray for black-and-white interiors (text, rules and vector
  images alike; raster images are converted before layout, see writers/pdf.py);
- a book bound on the right (written right to left): its pages in reverse order where the vendor
  takes it so (IngramSpark), else marked for viewers to show its spreads right to left.

The result is saved deterministically: the same input gives the same bytes.
"""

from __future__ import annotations

import io

import pikepdf

from ..printing.vendors import Vendor

RGB_TO_GRAY = {"rg": "g", "RG": "G"}


def pages_needed(pages: int, vendor: Vendor, last_page_blank: bool) -> int:
    """The page count after padding: the vendor's minimum, even, a blank last page if required."""
    total = max(pages, vendor.min_pages)
    if vendor.blank_last_page and not last_page_blank and total == pages:
        total += 1
    if vendor.even_pages and total % 2:
        total += 1
    return total


def finish_pdf(data: bytes, pages: int, vendor: Vendor, gray: bool, pad: bool = True,
               bound_right: bool = False) -> tuple[bytes, int]:
    """The finished PDF and its page count (``pad``: add pages as the vendor needs; not for covers)."""
    pads = pad and (vendor.min_pages > 1 or vendor.even_pages)
    if vendor.allow_links and not gray and not pads and not bound_right:
        return data, pages  # nothing to do: keep WeasyPrint's bytes as they are
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not vendor.allow_links:
            _strip_interactive(pdf)
        if gray:
            for page in pdf.pages:
                _gray_page(pdf, page)
        if pads:
            _pad(pdf, vendor)
        if bound_right and vendor.reverse_binding == "reversed":
            _reverse(pdf)
        elif bound_right:
            _right_to_left(pdf)
        return _saved(pdf), len(pdf.pages)


def read_right_to_left(data: bytes) -> bytes:
    """A PDF whose viewers show its spreads right to left (a book written right to left)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _right_to_left(pdf)
        return _saved(pdf)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    """The same input, the same bytes."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _right_to_left(pdf: pikepdf.Pdf) -> None:
    preferences = pdf.Root.get("/ViewerPreferences") or pikepdf.Dictionary()
    preferences.Direction = pikepdf.Name.R2L
    pdf.Root.ViewerPreferences = preferences


def _reverse(pdf: pikepdf.Pdf) -> None:
    """Last page first, as IngramSpark takes a book bound on the right; the page labels no longer
    fit the order and go."""
    pages = list(pdf.pages)
    for page in pages:
        pdf.pages.remove(page)  # pikepdf: remove and append the same pages, in the order wanted
    for page in reversed(pages):
        pdf.pages.append(page)
    if "/PageLabels" in pdf.Root:
        del pdf.Root["/PageLabels"]


def _strip_interactive(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    for key in ("/Outlines", "/PageMode"):
        if key in pdf.Root:
            del pdf.Root[key]


def _pad(pdf: pikepdf.Pdf, vendor: Vendor) -> None:
    count = len(pdf.pages)
    target = pages_needed(count, vendor, _is_blank(pdf.pages[-1]))
    for index in range(count, target):
        # A new page takes the boxes of the last page on its side (bleed differs by side), or
        # the last page's boxes mirrored when the book has no page on that side yet.
        same_side = index >= 2
        model = pdf.pages[index - 2] if same_side else pdf.pages[-1]
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=pikepdf.Dictionary(),
                                  Contents=pdf.make_stream(b""))
        trim = [float(v) for v in model.obj.get("/TrimBox", model.obj.MediaBox)]
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in model.obj:
                edges = [float(v) for v in model.obj[box]]
                if not same_side:  # swap the left and right margins around the trim
                    edges[0], edges[2] = trim[0] - (edges[2] - trim[2]), trim[2] + (trim[0] - edges[0])
                page[box] = pikepdf.Array(edges)
        pdf.pages.append(pikepdf.Page(page))


def _is_blank(page: pikepdf.Page) -> bool:
    operators = {str(op) for _, op in pikepdf.parse_content_stream(page)}
    return not operators & {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"}


def _gray_page(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    page.obj.Contents = pdf.make_stream(_gray_stream(pikepdf.parse_content_stream(page)))
    for _, xobject in (page.obj.get("/Resources", {}).get("/XObject", {}) or {}).items():
        _gray_xobject(pdf, xobject)


def _gray_xobject(pdf: pikepdf.Pdf, xobject) -> None:
    if xobject.get("/Subtype") != "/Form":
        return
    xobject.write(_gray_stream(pikepdf.parse_content_stream(xobject)))
    for _, inner in (xobject.get("/Resources", {}).get("/XObject", {}) or {}).items():
        _gray_xobject(pdf, inner)


def _gray_stream(instructions) -> bytes:
    out = []
    for operands, operator in instructions:
        name = str(operator)
        if name in RGB_TO_GRAY and len(operands) == 3:
            r, g, b = (float(x) for x in operands)
            luminance = round(0.299 * r + 0.587 * g + 0.114 * b, 4)  # ITU-R BT.601
            out.append(([luminance], pikepdf.Operator(RGB_TO_GRAY[name])))
        else:
            out.append((operands, operator))
    return pikepdf.unparse_content_stream(out)
