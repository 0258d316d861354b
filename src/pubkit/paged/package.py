"""The print-on-demand package for one vendor: interior.pdf, cover.pdf, spec.txt and spec.json.

The interior is laid out for the vendor first; the cover is then sized from the interior's final
page count (padding included), so the spine fits the book that will be bound. Both pass the
preflight, or the package is not made.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Callable

from ..checks.preflight import preflight_cover
from ..diagnostics import Diagnostic, Location, Severity, has_errors, relative_path
from ..formats import PRINT_PDF
from ..model import Book
from ..printing.vendors import VENDORS
from ..theming import Theme
from .covers import CoverLayout, make_cover
from .edition import Edition, LayOutAll, make_pdf, one_after_another
from .rules import pdf_options


def make_package(book: Book, theme: Theme, vendor_name: str, manifest_file: Path,
                 lay_out_all: LayOutAll = one_after_another,
                 lay_out_cover: Callable | None = None) -> tuple[dict[str, bytes] | None, list[Diagnostic]]:
    """``lay_out_all``: how layouts are made (the build's is cached: an interior laid out for the
    print edition already is not laid out again); ``lay_out_cover``: where the cover is laid out
    (see make_cover)."""
    vendor = VENDORS[vendor_name]
    book = dataclasses.replace(book, print=dataclasses.replace(book.print, pod=vendor_name))
    where = Location(relative_path(manifest_file))

    interior, problems = make_pdf(book, theme, PRINT_PDF, manifest_file, lay_out_all)
    if interior is None or has_errors(problems):
        return None, problems
    options, found = pdf_options(book, theme, vendor, where, print_edition=True)
    problems += found
    if options is None:
        return None, problems
    cover, layout, found = make_cover(book, theme, vendor, interior.pages, options, where, lay_out_cover)
    problems += found
    problems += preflight_cover(cover, layout, vendor, theme.font_stems, f"pod-{vendor_name}/cover.pdf")
    if has_errors(problems):
        return None, problems
    spec = _spec(book, vendor_name, interior, layout, problems)
    return {
        "interior.pdf": interior.data,
        "cover.pdf": cover,
        "spec.json": (json.dumps(spec, indent=2, ensure_ascii=False) + "\n").encode(),
        "spec.txt": _spec_text(spec).encode(),
    }, problems


def _spec(book: Book, vendor_name: str, interior: Edition, layout: CoverLayout, problems: list[Diagnostic]) -> dict:
    vendor = VENDORS[vendor_name]
    geometry = interior.geometry
    inches = lambda value: round(value, 4)  # noqa: E731
    return {
        "book": book.metadata.title,
        "vendor": vendor.title,
        "isbn": book.metadata.isbn_print,
        "trim": {"width_in": inches(geometry.width), "height_in": inches(geometry.height), "name": book.print.trim_name},
        "interior": {
            "pages": interior.pages,
            "bleed_in": {side: inches(value) for side, value in sorted(geometry.bleed.items())},
            "margins_in": {k: inches(v) for k, v in dataclasses.asdict(geometry.margins).items()},
            "pdf": vendor.pdf_variant or "PDF",
            "colour": "grayscale" if vendor.color == "gray" else "as designed",
        },
        "paper": book.print.paper,
        # a book written right to left: uploaded last page first, the front cover on the left
        "binding": "right (reverse)" if geometry.bound_right else "left",
        "spine": {"width_in": inches(layout.spine), "text": layout.spine_text,
                  "estimate": layout.spine_estimate},
        "cover": {"width_in": inches(layout.width), "height_in": inches(layout.height), "bleed_in": layout.bleed},
        "preflight": {"result": "passed", "warnings": [str(p) for p in problems if p.severity is Severity.WARNING]},
    }


def _spec_text(spec: dict) -> str:
    interior, spine, cover = spec["interior"], spec["spine"], spec["cover"]
    lines = [
        f"{spec['book']} for {spec['vendor']}",
        "",
        f"Trim size:    {spec['trim']['width_in']} x {spec['trim']['height_in']} in ({spec['trim']['name']})",
        f"Pages:        {interior['pages']}",
        f"Interior:     {interior['pdf']}, {interior['colour']}, bleed "
        + (", ".join(f"{side} {value} in" for side, value in interior["bleed_in"].items()) or "none"),
        f"Paper:        {spec['paper']}",
        f"Binding:      {spec['binding']}" + (": interior last page first, front cover on the left of the spread"
                                              if spec["binding"] != "left" else ""),
        f"Spine width:  {spine['width_in']} in" + (" (estimate: the vendor publishes no formula; check its template)"
                                                   if spine["estimate"] else ""),
        f"Spine text:   {'yes' if spine['text'] else 'no (too few pages)'}",
        f"Cover size:   {cover['width_in']} x {cover['height_in']} in, bleed {cover['bleed_in']} in",
        f"ISBN:         {spec['isbn'] or 'none (no barcode)'}",
        f"Preflight:    {spec['preflight']['result']}"
        + (f", {len(spec['preflight']['warnings'])} warning(s):" if spec["preflight"]["warnings"] else ""),
        *(f"  {warning}" for warning in spec["preflight"]["warnings"]),
    ]
    return "\n".join(lines) + "\n"
