"""The output formats, declared: what differs between them, said once rather than tested for; and
the names of what a build makes (formats, their files, print-on-demand packages)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """What differs between outputs, declared once rather than tested for everywhere."""

    name: str
    split: bool  # one document per section (EPUB) or one for the whole book (PDF)
    stylesheets: str  # which of the theme's stylesheet lists to use
    subset_fonts: bool  # the PDF writer subsets (or embeds whole) fonts itself
    notes: str  # which manifest setting places the notes: "epub" or "print"; or the format's own mode
    for_print: bool = False  # laid out for a printer: vendor rules, whole fonts, preflight
    web: bool = False  # pages for a browser (HTML, not XHTML): the web edition of the site

    def notes_mode(self, book) -> str:
        """Where this format puts the book's notes: "endnotes" or "footnotes"."""
        if self.notes == "epub":
            return book.epub_notes
        return book.print.notes if self.notes == "print" else self.notes


EPUB = Format("epub", split=True, stylesheets="epub", subset_fonts=True, notes="epub")
SCREEN_PDF = Format("screen-pdf", split=False, stylesheets="screen-pdf", subset_fonts=False, notes="print")
PRINT_PDF = Format("print-pdf", split=False, stylesheets="print-pdf", subset_fonts=False, notes="print", for_print=True)
# The web edition: the EPUB's sections as web pages, each chapter with its notes after it.
WEB = Format("web", split=True, stylesheets="web", subset_fonts=True, notes="footnotes", web=True)

FORMATS: dict[str, Format] = {"epub": EPUB, "screen-pdf": SCREEN_PDF, "print-pdf": PRINT_PDF, "web": WEB}
# The files a format makes in build/<slug>/ (the web edition makes a folder of pages instead).
OUTPUT_NAMES = {"epub": "{slug}.epub", "screen-pdf": "{slug}-screen.pdf", "print-pdf": "{slug}-print.pdf"}
WEB_FOLDER = "web"  # the web edition: a folder of pages (build/<slug>/web/), for the site
# What `pubkit build` makes when no --format is given: the web edition is made by `pubkit site`.
DEFAULT_FORMATS = ("epub", "screen-pdf", "print-pdf")
POD = "pod-"  # an output "pod-kdp" is the package for KDP


def is_paged(outputs) -> bool:
    """Whether any of these outputs is laid out on pages (a PDF or a print package)."""
    return any(o.startswith(POD) or not FORMATS[o].split for o in outputs)
