"""Page labels: the page numbers a PDF viewer shows, matching the folios printed on the pages.

Books number their front matter in lower-case roman and the body in arabic from 1, so a viewer's
"page 17" is the printed page 1 unless the PDF says otherwise (ISO 32000, 12.4.2, /PageLabels).
"""

from __future__ import annotations

import pikepdf


def label_pages(pdf: pikepdf.Pdf, first_body: int) -> None:
    """Pages before ``first_body`` (0-based) are i, ii, iii ...; from it on 1, 2, 3 ..."""
    numbers: list = []
    if first_body > 0:
        numbers += [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    numbers += [first_body, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(numbers))
