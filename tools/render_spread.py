"""Render pages of a PDF side by side to a PNG, as a reader sees a spread (the pictures in docs/).

    python tools/render_spread.py BOOK.pdf LEFT [RIGHT] OUT.png [--dpi 60]

LEFT and RIGHT are page numbers counted from 1, as they lie on the desk: in a book bound on the
right (Arabic), the later page of a spread is the left one.
"""

from __future__ import annotations

import argparse

import pypdfium2
from PIL import Image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf")
    parser.add_argument("pages", nargs="+", type=int, help="one page, or the left and right pages of a spread")
    parser.add_argument("out")
    parser.add_argument("--dpi", type=float, default=60)
    args = parser.parse_args()
    document = pypdfium2.PdfDocument(args.pdf)
    images = [document[n - 1].render(scale=args.dpi / 72).to_pil() for n in args.pages]
    gap = 4 if len(images) > 1 else 0
    sheet = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) - 1), max(i.height for i in images)),
                      (90, 90, 90))
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + gap
    sheet.save(args.out, optimize=True)


if __name__ == "__main__":
    main()
