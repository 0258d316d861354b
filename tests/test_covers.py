"""Covers and print-on-demand packages: spine and cover sizes by the formulas, the barcode read
back from the rendered cover, spine text thresholds, the e-book cover, and whole packages."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader

from pubkit.paged.covers import cover_layout
from pubkit.printing.profiles import GENERIC_CMYK
from pubkit.printing.vendors import VENDORS, spine_width

from conftest import ROOT, build_in, copy_samples

SIX_BY_NINE = (6.0, 9.0)


# --- the numbers -------------------------------------------------------------------------------

def test_the_worked_check_kdp_white_300_pages():
    layout = cover_layout(SIX_BY_NINE, VENDORS["kdp"], "white", 300, True)
    assert round(layout.spine, 4) == 0.6756
    assert (round(layout.width, 4), round(layout.height, 4)) == (12.9256, 9.25)


@pytest.mark.parametrize("vendor, paper, pages, spine", [
    ("kdp", "white", 200, 200 * 0.002252),
    ("kdp", "cream", 200, 200 * 0.0025),
    ("kdp", "color", 200, 200 * 0.002347),
    ("lulu", "white", 200, 200 / 444 + 0.06),
    ("lulu", "cream", 120, 120 / 444 + 0.06),
    ("ingram", "white", 200, 200 * 0.0025),
])
def test_spine_and_cover_by_vendor_and_paper(vendor, paper, pages, spine):
    layout = cover_layout((5.5, 8.5), VENDORS[vendor], paper, pages, True)
    assert layout.spine == pytest.approx(spine, abs=1e-9)
    assert layout.width == pytest.approx(0.125 + 5.5 + spine + 5.5 + 0.125, abs=1e-9)
    assert layout.height == pytest.approx(8.5 + 0.25, abs=1e-9)
    assert layout.spine_estimate == (vendor == "ingram")


@pytest.mark.parametrize("vendor, below, at", [("kdp", 78, 79), ("ingram", 47, 48), ("lulu", 78, 79)])
def test_spine_text_only_from_the_vendors_threshold(vendor, below, at):
    assert not cover_layout(SIX_BY_NINE, VENDORS[vendor], "white", below, True).spine_text
    assert cover_layout(SIX_BY_NINE, VENDORS[vendor], "white", at, True).spine_text


def test_barcode_box_sits_clear_of_the_spine_and_the_bottom_trim():
    box = cover_layout(SIX_BY_NINE, VENDORS["kdp"], "white", 200, True).barcode
    assert (box.width, box.height) == (2.0, 1.2)
    assert box.x + box.width == pytest.approx(6.0 - 0.25)  # the spine fold is at the back panel's right edge
    assert box.y + box.height == pytest.approx(9.0 - 0.25)
    assert cover_layout(SIX_BY_NINE, VENDORS["kdp"], "white", 200, False).barcode is None


def test_bound_on_the_right_the_barcode_is_on_the_right_panel_beside_the_spine():
    layout = cover_layout(SIX_BY_NINE, VENDORS["ingram"], "white", 200, True, bound_right=True)
    assert layout.barcode.x == pytest.approx(6.0 + layout.spine + 0.25)  # the back panel starts after the spine
    assert layout.barcode.y + layout.barcode.height == pytest.approx(9.0 - 0.25)


# --- built packages ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    root = tmp_path_factory.mktemp("pod")
    copy_samples(root / "books")
    vendors = ["kdp", "lulu"] + (["ingram"] if GENERIC_CMYK.is_file() else [])
    pods = [arg for vendor in vendors for arg in ("--pod", vendor)]
    assert build_in(root, "--format", "epub", *pods) == 0
    return root / "build"


VENDOR_NAMES = ["kdp", "lulu", "ingram"]


def package(packages: Path, book: str, vendor: str) -> Path:
    folder = packages / book / f"pod-{vendor}"
    if not folder.exists() and vendor == "ingram":
        reason = f"no CMYK output profile on this machine ({GENERIC_CMYK}; Debian package libgs-common)"
        if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return folder


@pytest.mark.parametrize("book", ["the-apparatus", "dispatches"])
@pytest.mark.parametrize("vendor", VENDOR_NAMES)
def test_each_sample_book_has_a_package_for_each_vendor(packages, book, vendor):
    folder = package(packages, book, vendor)
    assert sorted(p.name for p in folder.iterdir()) == ["cover.pdf", "interior.pdf", "spec.json", "spec.txt"]
    spec = json.loads((folder / "spec.json").read_text())
    pages = len(PdfReader(folder / "interior.pdf").pages)
    assert spec["interior"]["pages"] == pages
    expected_spine = spine_width(VENDORS[vendor], "white", pages)
    assert spec["spine"]["width_in"] == round(expected_spine, 4)
    assert spec["cover"] == {"width_in": round(12 + expected_spine + 0.25, 4), "height_in": 9.25, "bleed_in": 0.125}
    assert spec["preflight"]["result"] == "passed"
    with pikepdf.open(folder / "cover.pdf") as cover:
        media = [float(v) / 72 for v in cover.pages[0].obj.MediaBox]
        assert abs((media[2] - media[0]) - (12.25 + expected_spine)) < 0.001
        assert abs((media[3] - media[1]) - 9.25) < 0.001
    text = (folder / "spec.txt").read_text()
    assert f"Pages:        {pages}" in text and "Preflight:    passed" in text


def test_ingram_cover_is_pdfx_without_rgb(packages):
    folder = package(packages, "the-apparatus", "ingram")
    with pikepdf.open(folder / "cover.pdf") as cover:
        assert cover.Root.OutputIntents[0].S == "/GTS_PDFX"
        operators = {str(op) for _, op in pikepdf.parse_content_stream(cover.pages[0])}
        assert not operators & {"rg", "RG"}


@pytest.mark.parametrize("vendor", VENDOR_NAMES)
def test_covers_are_dated_by_the_book_not_the_clock(packages, vendor):
    """PDF/X requires a creation date, and WeasyPrint writes the clock's where the HTML names none:
    the same cover then differed between two builds. A cover has the book's date, as its interior."""
    folder = package(packages, "the-apparatus", vendor)
    for name in ("cover.pdf", "interior.pdf"):
        with pikepdf.open(folder / name) as pdf:
            assert str(pdf.docinfo["/CreationDate"]).startswith("D:20260315000000"), name  # date: 2026-03-15
            assert str(pdf.docinfo["/ModDate"]).startswith("D:20260315000000"), name


def test_kdp_cover_fonts_are_embedded(packages):
    with pikepdf.open(package(packages, "the-apparatus", "kdp") / "cover.pdf") as cover:
        for _, font in cover.pages[0].Resources.Font.items():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor or "/FontFile" in descriptor


# --- the barcode, read back from the rendered cover ---------------------------------------------

L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
R_CODES = ["".join("1" if b == "0" else "0" for b in code) for code in L_CODES]
G_CODES = [code[::-1] for code in R_CODES]
FIRST_DIGIT = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def decode_ean13(modules: str) -> str:
    """95 modules (1 = bar) -> the 13 digits, or an AssertionError if they do not form an EAN-13."""
    assert modules[:3] == "101" and modules[45:50] == "01010" and modules[92:] == "101", modules
    left, parity = "", ""
    for i in range(6):
        chunk = modules[3 + 7 * i: 10 + 7 * i]
        if chunk in L_CODES:
            left, parity = left + str(L_CODES.index(chunk)), parity + "L"
        else:
            left, parity = left + str(G_CODES.index(chunk)), parity + "G"
    right = "".join(str(R_CODES.index(modules[50 + 7 * i: 57 + 7 * i])) for i in range(6))
    digits = str(FIRST_DIGIT.index(parity)) + left + right
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    assert int(digits[12]) == check
    return digits


def read_barcode(cover: Path, box, bleed: float) -> str:
    dpi = 600
    document = pypdfium2.PdfDocument(cover.read_bytes())
    page = document[0]
    width, height = page.get_width(), page.get_height()
    left, top = (bleed + box.x) * 72, (bleed + box.y) * 72
    crop = (left, height - top - box.height * 72, width - left - box.width * 72, top)
    image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("L")
    document.close()
    rows = [y for y in range(image.height) if _bars(image, y) == 30]  # an EAN-13 has 30 bars
    assert rows, "no row of the barcode box crosses 30 bars"
    best = rows[len(rows) // 2]
    row = [image.getpixel((x, best)) < 128 for x in range(image.width)]
    start, end = row.index(True), len(row) - row[::-1].index(True)
    module = (end - start) / 95
    bits = "".join("1" if row[int(start + (i + 0.5) * module)] else "0" for i in range(95))
    return decode_ean13(bits)


def _bars(image: Image.Image, y: int) -> int:
    row = [image.getpixel((x, y)) < 128 for x in range(image.width)]
    return sum(1 for a, b in zip([False] + row, row, strict=False) if b and not a)


def test_the_barcode_on_the_cover_reads_as_the_print_isbn(packages):
    folder = package(packages, "the-apparatus", "kdp")
    spec = json.loads((folder / "spec.json").read_text())
    layout = cover_layout(SIX_BY_NINE, VENDORS["kdp"], "white", spec["interior"]["pages"], True)
    assert read_barcode(folder / "cover.pdf", layout.barcode, layout.bleed) == "9781861978769"


# --- spine text, drawn or not -------------------------------------------------------------------

def test_spine_text_appears_on_a_thick_book_only(tmp_path, packages, capsys):
    thin = PdfReader(package(packages, "the-apparatus", "kdp") / "cover.pdf").pages[0].extract_text()
    assert thin.count("The Apparatus and the Revolution") == 0  # front title is set on three lines
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    generate(tmp_path / "books", words=40000, chapters=8)
    manifest = tmp_path / "books/book.yaml"
    manifest.write_text(manifest.read_text() + "isbn: {print: 978-1-86197-876-9}\n")
    assert build_in(tmp_path, "--format", "epub", "--pod", "kdp", "books/book.yaml") == 0
    spec = json.loads((tmp_path / "build/book/pod-kdp/spec.json").read_text())
    assert spec["interior"]["pages"] >= 79 and spec["spine"]["text"] is True
    text = PdfReader(tmp_path / "build/book/pod-kdp/cover.pdf").pages[0].extract_text()
    assert "A Generated Book" in text.replace("\n", " ") and text.count("Generated") == 2  # front and spine

    # A long title is set smaller on the spine to fit; one too long for any readable size is refused.
    long = "A Generated Book, or How the Hopes of a Whole Generation Were Spent in Two Years of Argument"
    manifest.write_text(manifest.read_text().replace("title: A Generated Book", f"title: '{long}'"))
    assert build_in(tmp_path, "--format", "epub", "--pod", "kdp", "books/book.yaml") == 0
    text = " ".join(PdfReader(tmp_path / "build/book/pod-kdp/cover.pdf").pages[0].extract_text().split())
    assert text.count("Spent in Two Years of Argument") == 2
    manifest.write_text(manifest.read_text().replace(long, long + (", and After" * 25)))
    capsys.readouterr()
    assert build_in(tmp_path, "--format", "epub", "--pod", "kdp", "books/book.yaml") == 1
    assert "books/book.yaml: error[C002]: the spine's line needs " in capsys.readouterr().err


def test_a_description_too_long_for_the_back_cover_is_refused(tmp_path, capsys):
    copy_samples(tmp_path / "books")
    manifest = tmp_path / "books/the-apparatus.yaml"
    blurb = "This pamphlet argues, chapter by chapter, how an apparatus came to rule the party it served. " * 18
    manifest.write_text(re.sub(r"description: \|\n(  .*\n)+", f"description: '{blurb}'\n", manifest.read_text())
                        + "print: {pod: kdp}\n")
    assert build_in(tmp_path, "--format", "print-pdf", "books/the-apparatus.yaml") == 1
    err = capsys.readouterr().err
    assert "books/the-apparatus.yaml: error[C002]: the text on the back needs " in err and "shorten the description" in err
    assert not (tmp_path / "build/the-apparatus/pod-kdp").exists()


# --- the e-book cover ---------------------------------------------------------------------------

def test_a_subtitle_too_long_for_the_ebook_cover_is_refused(tmp_path, capsys):
    copy_samples(tmp_path / "books")
    manifest = tmp_path / "books/dispatches.yaml"
    subtitle = "Reports and letters from the factories, the barracks, the ports and the villages, with replies. " * 16
    manifest.write_text(re.sub(r"^subtitle: .*$", f"subtitle: '{subtitle}'", manifest.read_text(), flags=re.M))
    assert build_in(tmp_path, "--format", "epub", "books/dispatches.yaml") == 1
    err = capsys.readouterr().err
    assert "books/dispatches.yaml: error[C002]: on the e-book cover, the title, subtitle and names on the front need " in err
    assert not (tmp_path / "build/dispatches").exists()
    # refused again, not taken from the cache: a cover that cuts words off is never kept
    assert build_in(tmp_path, "--format", "epub", "books/dispatches.yaml") == 1
    assert "error[C002]" in capsys.readouterr().err


def test_the_ebook_cover_is_a_1600_by_2560_rgb_jpeg_under_2_mb(packages):
    path = packages / "dispatches/dispatches-cover.jpg"
    with Image.open(path) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (1600, 2560), "RGB")
    assert path.stat().st_size < 2 * 1024 * 1024


def test_the_epub_carries_the_generated_cover(packages):
    import zipfile

    with zipfile.ZipFile(packages / "dispatches/dispatches.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        assert 'href="cover.jpg"' in opf and 'properties="cover-image"' in opf
        assert epub.read("EPUB/cover.jpg") == (packages / "dispatches/dispatches-cover.jpg").read_bytes()
        page = epub.read("EPUB/cover.xhtml").decode()
        assert 'alt="Cover: Dispatches from a Divided Party' in page


def test_the_manifests_vendor_package_reuses_the_print_edition(tmp_path):
    copy_samples(tmp_path / "books")
    manifest = tmp_path / "books/dispatches.yaml"
    manifest.write_text(manifest.read_text() + "print: {pod: kdp}\n")
    assert build_in(tmp_path, "--format", "print-pdf", "books/dispatches.yaml") == 0
    folder = tmp_path / "build/dispatches"
    assert (folder / "pod-kdp/interior.pdf").read_bytes() == (folder / "dispatches-print.pdf").read_bytes()


def test_no_page_is_laid_out_in_the_builds_own_process(tmp_path, monkeypatch):
    """Packages for two vendors are made in two threads at once; WeasyPrint's text layout (Pango)
    crashes the process when two threads use it together, so every layout, covers included, must
    happen in the worker processes. Layouts are counted where they happen: a worker's count stays
    in the worker."""
    import weasyprint

    here = os.getpid()
    in_this_process = []
    render = weasyprint.HTML.render

    def counted(self, *args, **kwargs):
        if os.getpid() == here:
            in_this_process.append(1)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    copy_samples(tmp_path / "books")
    assert build_in(tmp_path, "-j", "2", "--format", "epub", "--pod", "kdp", "--pod", "lulu", "books/dispatches.yaml") == 0
    assert (tmp_path / "build/dispatches/pod-lulu/cover.pdf").is_file()
    assert in_this_process == []
