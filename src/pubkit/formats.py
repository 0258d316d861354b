"""The output formats, declared: what differs between them, said once rather than tested for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """What differs between outputs, declared once rather than tested for everywhere."""

    name: str
    split: bool  # one document per section (EPUB) or one for the whole book (PDF)
    stylesheets: str  # which of the theme's stylesheet lists to use
    subset_fonts: bool  # the PDF writer subsets (or embeds whole) fonts itself
    notes: str  # which manifest setting places the notes: "epub" or "print"
    for_print: bool = False  # laid out for a printer: vendor rules, whole fonts, preflight


EPUB = Format("epub", split=True, stylesheets="epub", subset_fonts=True, notes="epub")
SCREEN_PDF = Format("screen-pdf", split=False, stylesheets="screen-pdf", subset_fonts=False, notes="print")
PRINT_PDF = Format("print-pdf", split=False, stylesheets="print-pdf", subset_fonts=False, notes="print", for_print=True)
