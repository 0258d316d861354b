"""The words of complex scripts in a PDF, as written: each run of text marked with its /ActualText.

A PDF maps each glyph to one piece of text (ToUnicode), and text extraction reads the glyphs in
the order they are drawn. That holds for Latin (ligatures: tounicode.py), but not where shaping
reorders, splits or shares glyphs: Devanagari's and Bengali's vowel signs are drawn before their
consonant, a conjunct is one glyph for several letters, Persian ی and ۰ share their glyphs with
Arabic ي and ٠, marks sit on their own, a zero-width non-joiner has no glyph at all. So each text
box WeasyPrint draws in such a script is wrapped in a marked-content span whose /ActualText is its
text (PDF 32000-1, 14.9.4), which pdftotext reads instead of the glyphs. Latin, Greek, Cyrillic and
Chinese text are left as they are.

Right-to-left text (Arabic, Persian, Urdu) needs it most: Nastaliq draws one shape for several
letters and their dots apart, so its glyphs' own text reads as nonsense. poppler (pdftotext)
places the characters of an /ActualText left to right over the span, as the glyphs are drawn,
and then orders a right-to-left line itself; so such a span's text is given in display order
(python-bidi), which it turns back into the order written.

WeasyPrint has no hook for this: its drawing module's ``draw_text`` is wrapped (written against
WeasyPrint 70; tests/test_scripts.py reads every script back, and fails if the wrap stops working).
"""

from __future__ import annotations

import re

import pydyf
from bidi import get_display

# The Indic blocks from Devanagari through Sinhala, and combining marks; the right-to-left
# scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko ...) and Arabic presentation forms.
COMPLEX = re.compile("[\u0900-\u0dff\u0300-\u036f]")
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def install() -> None:
    """Wrap WeasyPrint's text drawing (once per process)."""
    import weasyprint.draw as draw

    if getattr(draw.draw_text, "with_actual_text", False):
        return
    original = draw.draw_text

    def draw_text(stream, textbox, *args, **kwargs):
        text = textbox.text
        if RIGHT_TO_LEFT.search(text):
            text = get_display(text, base_dir="R" if textbox.style["direction"] == "rtl" else "L")
        elif not COMPLEX.search(text):
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.with_actual_text = True
    draw.draw_text = draw_text
