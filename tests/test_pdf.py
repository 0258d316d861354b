"""The screen and print PDFs, checked structurally (pypdf, pikepdf): boxes, pages where sections
start, folios, contents page numbers, outline, footnotes, fonts, vendor variants, reproducibility."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from pubkit.checks.preflight import Expected, preflight
from pubkit.printing.geometry import Geometry, Margins
from pubkit.printing.profiles import GENERIC_CMYK
from pubkit.printing.vendors import VENDORS

from conftest import ROOT, build_in, copy_samples, words
from pagefill import mid_section_fills

PT = 72


def build(root: Path, *args: str) -> int:
    return build_in(root, "--format", "screen-pdf", "--format", "print-pdf", *args)


def variant(root: Path, name: str, source: str, settings: str) -> None:
    text = (root / "books" / f"{source}.yaml").read_text()
    (root / "books" / f"{name}.yaml").write_text(f"{text}\nprint: {settings}\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf")
    copy_samples(root / "books")
    variant(root, "kdp", "the-apparatus", "{pod: kdp}")
    variant(root, "lulu", "the-apparatus", "{pod: lulu, trim: 5.5x8.5in}")
    variant(root, "endnotes", "dispatches", "{notes: endnotes, trim: a5}")
    if GENERIC_CMYK.is_file():
        variant(root, "ingram", "the-apparatus", "{pod: ingram}")
    assert build(root) == 0
    return root / "build"


def pdf(built: Path, name: str, kind: str = "print") -> Path:
    return built / name / f"{name}-{kind}.pdf"


def start_pages(path: Path) -> dict[str, int]:
    """Section id -> 1-based page where it starts (WeasyPrint writes a named destination per id)."""
    reader = PdfReader(path)
    return {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}


def text_in_band(page, low: float, high: float) -> str:
    """The text whose baseline lies between ``low`` and ``high`` points above the trim's bottom."""
    bottom = float(page.trimbox.bottom)
    found = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # text space -> page space
        if text.strip() and low <= y - bottom <= high:
            found.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(found).strip()


def folio(page) -> str:
    """The text printed in the bottom margin of a page."""
    return text_in_band(page, 0, 0.5 * PT)


def test_print_pages_have_the_trim_and_no_bleed_by_default(built):
    with pikepdf.open(pdf(built, "the-apparatus")) as doc:
        for page in doc.pages:
            assert [round(float(v), 2) for v in page.obj.TrimBox] == [0, 0, 6 * PT, 9 * PT]
            assert [round(float(v), 2) for v in page.obj.MediaBox] == [0, 0, 6 * PT, 9 * PT]


def test_lulu_has_four_sided_bleed_on_its_trim(built):
    with pikepdf.open(pdf(built, "lulu")) as doc:
        for page in doc.pages:
            media = [float(v) for v in page.obj.MediaBox]
            trim = [float(v) for v in page.obj.TrimBox]
            assert round(trim[2] - trim[0], 2) == 5.5 * PT and round(trim[3] - trim[1], 2) == 8.5 * PT
            assert round(media[2] - media[0], 2) == 5.75 * PT and round(media[3] - media[1], 2) == 8.75 * PT


@pytest.mark.parametrize("name", ["the-apparatus", "dispatches", "kdp", "lulu", "endnotes"])
def test_every_section_opens_on_a_right_hand_page(built, name):
    starts = start_pages(pdf(built, name))
    sections = [s for s in section_ids(name) if s in starts and s != "copyright"]
    assert len(sections) >= 8
    assert {s: starts[s] % 2 for s in sections} == {s: 1 for s in sections}
    assert starts["copyright"] == starts["titlepage"] + 1  # on the back of the title page


@pytest.mark.parametrize("name", ["the-apparatus", "kdp", "lulu"])
def test_chapter_titles_stand_upright_at_the_head_of_their_page(built, name):
    """Print editions are joined from pieces drawn on the skeleton's pages: each piece must keep
    its own coordinates. pdfium places text as a viewer draws it (pypdf does not follow the
    transformation around a drawn form), so it reads the top and bottom halves of the page."""
    import pypdfium2

    path = pdf(built, name)
    number = start_pages(path)["isolation"]
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[number - 1]
        width, height = page.get_size()
        text = page.get_textpage()
        top, bottom = text.get_text_bounded(0, height / 2, width, height), text.get_text_bounded(0, 0, width, height / 2)
    finally:
        document.close()
    assert "A Revolution Surrounded" in top.replace("\r\n", " "), top
    assert "Revolution Surrounded" not in bottom.replace("\r\n", " ")
    assert "The expectation was not naive optimism" in bottom.replace("\r\n", " ")  # the footnote, at the foot


def test_folios_are_roman_in_front_and_arabic_from_the_body(built):
    path = pdf(built, "the-apparatus")
    reader = PdfReader(path)
    starts = start_pages(path)
    folios = [folio(page) for page in reader.pages]
    plain = [starts[s] for s in ("halftitle", "titlepage", "copyright", "dedication", "epigraph")]
    assert all(folios[p - 1] == "" for p in plain)
    assert folios[starts["contents"] - 1] == "ix" and folios[starts["preface"] - 1] == "xi"
    assert folios[starts["part-1"] - 1] == "1"
    first_body = starts["part-1"]
    numbered = [(i, f) for i, f in enumerate(folios, start=1) if f]
    assert all(re.fullmatch(r"[ivxlc]+", f) for i, f in numbered if i < first_body)
    assert [int(f) for i, f in numbered if i >= first_body] == sorted(int(f) for i, f in numbered if i >= first_body)
    assert all(int(f) == i - first_body + 1 for i, f in numbered if i >= first_body)


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """A generated book with chapters of several pages (the samples' chapters are short)."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    root = tmp_path_factory.mktemp("long")
    generate(root / "books", words=12000, chapters=3)
    assert build(root, "books/book.yaml", "--strict") == 0
    return root / "build/book/book-print.pdf"


def test_running_heads_on_continuation_pages_only(long_book):
    """Left pages carry the book's title, right pages the section's; opening pages, plain pages and
    blank pages carry none."""
    reader = PdfReader(long_book)
    openings = {page for section, page in start_pages(long_book).items() if "--" not in section}
    continued = 0
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.trimbox.height)
        head = re.sub(r"\s+", "", text_in_band(page, height - 0.55 * PT, height))
        body = text_in_band(page, 0.5 * PT, height - 0.55 * PT)
        if number in openings or not body:
            assert head == "", number
        else:
            continued += 1
            assert head == ("AGENERATEDBOOK" if number % 2 == 0 else "CHAPTER" + str(_chapter_at(number, reader))), number
    assert continued >= 10


def _chapter_at(number: int, reader) -> int:
    """The chapter whose opening page is the last one at or before page ``number``."""
    starts = sorted((page, int(name[2:])) for name, page in start_pages_of(reader).items()
                    if re.fullmatch(r"ch\d+", name))
    return [chapter for page, chapter in starts if page <= number][-1]


def start_pages_of(reader) -> dict[str, int]:
    return {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}


@pytest.mark.parametrize("name, kind", [("the-apparatus", "print"), ("the-apparatus", "screen"), ("dispatches", "print")])
def test_contents_page_numbers_are_where_sections_start(built, name, kind):
    path = pdf(built, name, kind)
    reader = PdfReader(path)
    starts = start_pages(path)
    folios = [folio(page) for page in reader.pages]
    contents = reader.pages[starts["contents"] - 1].extract_text()
    entries = re.findall(r"^(.+?)[ .]*\.{3,}\s*([ivxlc]+|\d+)\s*$", contents, re.M)
    assert len(entries) >= 6, contents
    by_title = {re.sub(r"\W", "", s.title).lower(): s.id for s in sections_of(name)}
    for title, number in entries:
        section = by_title[re.sub(r"\W", "", title).lower()]
        assert folios[starts[section] - 1] == number, (title, number, folios[starts[section] - 1])


def section_ids(name: str) -> list[str]:
    return [s.id for s in sections_of(name)]


def sections_of(name: str):
    """The sample book's sections, from the book itself."""
    import datetime as dt

    from pubkit.assemble import assemble_book
    from pubkit.config.manifest import load_manifest
    from pubkit.texts import read_text

    source = {"endnotes": "dispatches", "kdp": "the-apparatus", "lulu": "the-apparatus"}.get(name, name)
    manifest, _ = load_manifest(ROOT / "books" / f"{source}.yaml")
    book, _ = assemble_book(manifest, read_text, dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), words())
    return book.sections


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def test_screen_outline_mirrors_the_contents(built):
    reader = PdfReader(pdf(built, "the-apparatus", "screen"))

    def tree(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out[-1] = (out[-1][0], tree(item))
            else:
                out.append((item.title, []))
        return out

    assert tree(reader.outline) == [
        ("Preface", []),
        ("A Revolution Alone", [("A Revolution Surrounded", []), ("The New Course", [])]),
        ("The Struggle Against Bureaucracy", [("The Secretariat", []), ("The Last Letters", [])]),
        ("Chronology", []), ("Glossary", []), ("About the Authors", []),
    ]
    starts = start_pages(pdf(built, "the-apparatus", "screen"))
    for item in _flatten(reader.outline):
        assert reader.get_destination_page_number(item) + 1 in starts.values()


def test_screen_pdf_has_metadata_links_and_tags(built):
    path = pdf(built, "the-apparatus", "screen")
    reader = PdfReader(path)
    assert reader.metadata.title == "The Apparatus and the Revolution: How a Bureaucracy Rose in Soviet Russia"
    assert reader.metadata.author == "Mara Lindqvist, Tomás Reyes"
    assert reader.metadata.subject.startswith("A short pamphlet")
    assert "Bureaucracy" in reader.metadata["/Keywords"]
    assert sum(len(page.get("/Annots") or []) for page in reader.pages) > 10  # the contents and notes link
    with pikepdf.open(path) as doc:
        assert str(doc.Root.Lang) == "en" and doc.Root.MarkInfo.Marked
        kinds, alts = [], []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    kinds.append(str(node.S))
                    if node.S == "/Figure":
                        alts.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                    walk(kid)

        walk(doc.Root.StructTreeRoot)
        assert {"/Document", "/H1", "/P", "/Table", "/Figure", "/L"} <= set(kinds)
        assert alts and alts[0].startswith("A diagram of the party apparatus")


@pytest.mark.parametrize("name", ["the-apparatus", "dispatches"])
def test_footnotes_land_on_the_page_of_their_call(built, name):
    path = pdf(built, name)
    starts = start_pages(path)
    reader = PdfReader(path)
    notes = {k: v for k, v in starts.items() if re.search(r"--n\d+$", k)}
    assert len(notes) >= 3
    for note, page in notes.items():
        call = note.replace("--n", "--r")
        assert starts[call] == page, note
    if name == "the-apparatus":
        page = starts["isolation--n1"]
        assert "The expectation was not naive optimism" in reader.pages[page - 1].extract_text()


def test_endnotes_on_paper_collect_notes_under_their_chapters(built):
    path = pdf(built, "endnotes")
    starts = start_pages(path)
    reader = PdfReader(path)
    text = reader.pages[starts["notes"] - 1].extract_text()
    assert "The Price of Bread" in text and "Boots cost four times" in text
    assert starts["the-price-of-bread--n1"] == starts["notes"]


def test_the_last_chapter_is_present_and_the_page_count_plausible(built):
    for name, last, words in (("the-apparatus", "about-the-authors", 2600), ("dispatches", "about-the-authors", 1600)):
        path = pdf(built, name)
        reader = PdfReader(path)
        starts = start_pages(path)
        assert "do not exist" in reader.pages[starts[last] - 1].extract_text()
        assert words / 400 < len(reader.pages) < words / 40


@pytest.mark.parametrize("name, kind", [("the-apparatus", "print"), ("dispatches", "print"), ("the-apparatus", "screen")])
def test_every_font_is_embedded_and_from_the_theme(built, name, kind):
    with pikepdf.open(pdf(built, name, kind)) as doc:
        fonts = {str(f.BaseFont): f for page in doc.pages for _, f in page.Resources.Font.items()}
        assert fonts
        for base, font in fonts.items():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), base
            assert re.sub(r"^/([A-Z]{6}\+)?", "", base).startswith("Charis-SIL"), base


def test_print_fonts_are_embedded_whole(built):
    with pikepdf.open(pdf(built, "the-apparatus")) as doc:
        font = next(f for page in doc.pages for _, f in page.Resources.Font.items() if str(f.BaseFont).endswith("Charis-SIL"))
        descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
        data = (descriptor.get("/FontFile2") or descriptor.get("/FontFile3")).read_bytes()
    assert len(data) > 0.9 * (ROOT / "themes/classic/fonts/CharisSIL-Regular.ttf").stat().st_size


def test_kdp_has_no_links_and_no_bookmarks(built):
    with pikepdf.open(pdf(built, "kdp")) as doc:
        assert not any("/Annots" in page.obj for page in doc.pages)
        assert "/Outlines" not in doc.Root
        assert len(doc.pages) >= 24 and len(doc.pages) % 2 == 0


def test_the_default_print_pdf_keeps_its_links(built):
    with pikepdf.open(pdf(built, "the-apparatus")) as doc:
        assert any("/Annots" in page.obj for page in doc.pages) and "/Outlines" in doc.Root


def test_ingram_is_pdfx_gray_even_with_a_blank_last_page(built):
    path = pdf(built, "ingram")
    if not path.exists():
        reason = f"no CMYK output profile on this machine ({GENERIC_CMYK}; Debian package libgs-common)"
        if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
            pytest.fail(reason)
        pytest.skip(reason)
    with pikepdf.open(path) as doc:
        assert doc.docinfo["/GTS_PDFXVersion"] == "PDF/X-3:2003"
        [intent] = doc.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and "/DestOutputProfile" in intent
        assert len(doc.pages) % 2 == 0
        last = {str(op) for _, op in pikepdf.parse_content_stream(doc.pages[-1])}
        assert not last & {"Tj", "TJ", "Do"}
        for page in doc.pages:
            operators = {str(op) for _, op in pikepdf.parse_content_stream(page)}
            assert not operators & {"rg", "RG", "k", "K", "sc", "scn", "SC", "SCN"}
        for page in doc.pages:
            assert [round(float(v) - float(t), 2) for v, t in zip(page.obj.MediaBox, page.obj.TrimBox)] == [-9, -9, 9, 9]


def test_lulu_interior_is_gray(built):
    with pikepdf.open(pdf(built, "lulu")) as doc:
        for page in doc.pages:
            assert not {str(op) for _, op in pikepdf.parse_content_stream(page)} & {"rg", "RG"}


def test_builds_are_reproducible(built, tmp_path):
    again = tmp_path / "again"
    copy_samples(again / "books")
    assert build(again, "books/dispatches.yaml") == 0
    for kind in ("print", "screen"):
        first = hashlib.sha256(pdf(built, "dispatches", kind).read_bytes()).hexdigest()
        second = hashlib.sha256(pdf(again / "build", "dispatches", kind).read_bytes()).hexdigest()
        assert first == second, kind


# --- the preflight itself, on files that break each rule ----------------------------------------

SIX_BY_NINE = Geometry(6, 9, Margins(0.75, 0.8, 0.6, 0.75), {}, mirrored=True)


def test_preflight_passes_a_good_file(built):
    data = pdf(built, "kdp").read_bytes()
    assert preflight(data, Expected(SIX_BY_NINE, VENDORS["kdp"], False, ("CharisSIL",)), "kdp.pdf") == []


def test_preflight_finds_links_bookmarks_wrong_boxes_colour_and_count(built):
    data = pdf(built, "the-apparatus", "screen").read_bytes()
    wrong = Geometry(5, 8, SIX_BY_NINE.margins, {}, mirrored=True)
    found = preflight(data, Expected(wrong, VENDORS["ingram"], True, ("CharisSIL",)), "x.pdf")
    codes = {d.code for d in found}
    assert {"P001", "P005", "P006", "P009"} <= codes
    assert "x.pdf page 1: error[P001]: MediaBox is 6.0000 x 9.0000 in, expected 5.0000 x 8.0000 in" in map(str, found)
    assert "x.pdf: error[P005]: the PDF has bookmarks (an outline); IngramSpark accepts none" in map(str, found)


def test_preflight_reports_a_low_resolution_image(tmp_path):
    doc = pikepdf.new()
    image = pikepdf.Stream(doc, b"\x80" * 100, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=10,
                           Height=10, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 432, 648],
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
                              Contents=doc.make_stream(b"q 144 0 0 144 72 72 cm /Im0 Do Q"))
    doc.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    doc.save(out)
    found = preflight(out.getvalue(), Expected(SIX_BY_NINE, VENDORS["none"], False, ()), "img.pdf")
    assert [str(d) for d in found] == ["img.pdf page 1: warning[P007]: image /Im0 prints at 5 ppi; printers ask for at least 300"]


# --- real books: pages that stay full, page labels, ligatures that read back ------------------


def test_long_blocks_break_and_mid_section_pages_stay_full(long_book):
    """Long quotations, letters, verse and lists break across pages like prose; only short blocks
    stay whole, so no page in the middle of a section stops above 60% of its type area."""
    texts = "".join(p.read_text() for p in sorted((long_book.parents[2] / "books/texts").glob("*.md")))
    assert "::: letter" in texts and "::: verse" in texts and texts.count("\n>\n") >= 5  # the shapes at issue
    fills = mid_section_fills(long_book, top=0.75, bottom=0.8)
    assert len(fills) >= 30
    short = [(f.page, round(f.reached, 2)) for f in fills if f.reached < 0.6 and not f.has_image]
    assert len(short) <= 1, short


def test_a_long_table_breaks_between_rows_and_repeats_its_header(tmp_path):
    rows = "\n".join(f"| {1900 + i} | Vote number {i} | {i * 37 % 1000} |" for i in range(90))
    (tmp_path / "books/texts").mkdir(parents=True)
    (tmp_path / "books/texts/one.md").write_text(f"# One\n\nWords.\n\n| Year | Question | Votes |\n|---|---|--:|\n{rows}\n")
    (tmp_path / "books/book.yaml").write_text("title: T\ncreators: [A]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n")
    assert build_in(tmp_path, "--format", "print-pdf") == 0
    pages = [page.extract_text() for page in PdfReader(tmp_path / "build/book/book-print.pdf").pages]
    with_rows = [text for text in pages if "Vote number" in text]
    assert len(with_rows) >= 3
    assert all(re.search(r"Year\s*Question\s*Votes", text) for text in with_rows)
    numbers = [int(n) for text in with_rows for n in re.findall(r"Vote number (\d+)", text)]
    assert numbers == list(range(90))  # every row once, in order: none split or repeated


@pytest.mark.parametrize("name, kind", [("the-apparatus", "print"), ("the-apparatus", "screen"), ("kdp", "print"),
                                        ("lulu", "print"), ("dispatches", "print")])
def test_viewers_show_the_printed_page_numbers(built, name, kind):
    reader = PdfReader(pdf(built, name, kind))
    labels = reader.page_labels
    printed = [(i, folio(page)) for i, page in enumerate(reader.pages) if folio(page)]
    assert len(printed) >= 5
    assert all(labels[i] == number for i, number in printed), [(labels[i], number) for i, number in printed]
    assert labels[0] == "i"


LIGATURED = ("first", "influential", "floor", "office", "figures")


@pytest.mark.parametrize("name, kind", [("the-apparatus", "print"), ("the-apparatus", "screen"), ("kdp", "print"),
                                        ("lulu", "print"), ("ingram", "print")])
def test_ligatured_words_read_back(built, name, kind):
    """Whole embedded fonts (print) lose the text of ligature glyphs in WeasyPrint 70: pubkit puts
    it back, so copying, searching and the printer's preflight read 'first', not 'rst'."""
    path = pdf(built, name, kind)
    if not path.exists():
        pytest.skip(f"{name} was not built on this machine (see test_ingram_is_pdfx_gray_even_with_a_blank_last_page)")
    words = set(re.findall(r"\w+", " ".join(page.extract_text() for page in PdfReader(path).pages)))
    assert set(LIGATURED) <= words, set(LIGATURED) - words
    if shutil.which("pdftotext") is None:
        reason = "pdftotext is not installed (Debian's poppler-utils)"
        if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
            pytest.fail(reason)
        pytest.skip(reason)
    import subprocess

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert set(LIGATURED) <= set(re.findall(r"\w+", text)), set(LIGATURED) - set(re.findall(r"\w+", text))


def test_many_long_sources_leave_the_copyright_page_one_page(tmp_path):
    """28 texts with long addresses: the copyright page refers to the sources section, which
    breaks the addresses at their separators, never with a hyphen of its own."""
    texts = tmp_path / "books/texts"
    texts.mkdir(parents=True)
    for n in range(28):
        (texts / f"t{n:02d}.md").write_text(
            f"---\ntitle: Article {n}\nsource: The Weekly Worker, no. {n}\ndate: 1929\n"
            f"url: https://archive.example.org/history/periodicals/the-weekly-worker/1929/issue-{n:02d}/article.htm\n---\n"
            f"Words of article {n}.\n")
    (tmp_path / "books/book.yaml").write_text("title: T\ncreators: [A]\nlanguage: en\ndate: 2024-01-01\n"
                                              "front: [titlepage, copyright, contents]\nbody: [texts/t*.md]\n")
    assert build_in(tmp_path, "--format", "print-pdf") == 0
    path = tmp_path / "build/book/book-print.pdf"
    starts = start_pages(path)
    assert starts["contents"] == starts["copyright"] + 1  # the copyright page did not run over
    reader = PdfReader(path)
    assert "under Sources" in reader.pages[starts["copyright"] - 1].extract_text()
    text = "".join(reader.pages[p].extract_text() for p in range(starts["sources"] - 1, len(reader.pages)))
    assert text.count("archive.example.org") == 28 and "\u2010" not in text
    assert "issue-27/article.htm" in re.sub(r"\s", "", text)
    # pubkit's own long lists run on from their heading's page rather than being kept whole
    assert "Article 0" in reader.pages[starts["contents"] - 1].extract_text()
    assert "archive.example.org" in reader.pages[starts["sources"] - 1].extract_text()
