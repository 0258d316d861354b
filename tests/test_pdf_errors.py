"""Problems that only paged outputs meet: trims, margins, theme CSS, unreadable images."""

from __future__ import annotations

from conftest import MINIMAL_MANIFEST

PDF = ("print-pdf",)
TEXTS = {"books/texts/one.md": "# One\n\nWords.\n"}


def test_an_unknown_trim_lists_the_presets(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST + "print: {trim: quarto}\n", **TEXTS})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 1
    assert ("books/a.yaml:7:15: error[M013]: print.trim: expected a trim size such as 6x9in, 129x198mm or one of "
            "5x8in, 5.25x8in, 5.5x8.5in, 6x9in, 6.14x9.21in, 7x10in, a5, b-format, royal, found 'quarto'") in run.err.splitlines()


def test_trims_with_units(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST + "print: {trim: 129x198mm}\n", **TEXTS})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 0, run.err
    import pikepdf

    with pikepdf.open(project.root / "build/a/a-print.pdf") as doc:
        trim = [float(v) for v in doc.pages[0].obj.TrimBox]
    assert round(trim[2] - trim[0], 2) == round(129 / 25.4 * 72, 2)


def test_a_trim_smaller_than_the_margins(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST + "print: {trim: 3x4in}\n", **TEXTS})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=("epub", "print-pdf"))
    assert run.code == 1
    assert not (project.root / "build/a").exists()  # the EPUB was fine, but a book with errors writes nothing
    assert ("books/a.yaml: error[P000]: print.trim: 3x4in leaves a type area of 1.65 x 2.45 in inside the margins; "
            "expected at least 2.0 x 3.0 in") in run.err.splitlines()


def test_a_css_problem_in_a_theme_names_its_file(project, capsys):
    project.write({
        "books/a.yaml": MINIMAL_MANIFEST + "theme: house\n", **TEXTS,
        "themes/house/theme.yaml": "name: house\nextends: classic\nstylesheets:\n"
                                   "  print-pdf: [css/base.css, css/paged.css, css/print.css, css/page.css.jinja, css/house.css]\n",
        "themes/house/css/house.css": "p {\n  colour: red;\n}\n",
    })
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 0
    assert ("theme house: css/house.css:2:3: warning[W001]: Ignored `colour: red` at 2:3, unknown property.") in run.err.splitlines()


def test_an_image_that_cannot_be_read_fails_the_book(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": "# One\n\n![A map](map.png)\n"})
    (project.root / "books/texts/map.png").write_bytes(b"not a png at all")
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 1
    line = next(line for line in run.err.splitlines() if "X208" in line)
    assert line.startswith("books/texts/map.png: error[X208]: image 'map.png' cannot be read: ")
    assert not (project.root / "build/a/a-print.pdf").exists()


def test_a_missing_font_file_in_a_theme(project, capsys):
    project.write({
        "books/a.yaml": MINIMAL_MANIFEST + "theme: house\n", **TEXTS,
        "themes/house/theme.yaml": "name: house\nextends: classic\nfonts:\n  - {family: Gone, file: fonts/Gone.ttf}\n",
    })
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 1
    assert "themes/house/theme.yaml: error[H004]: font file 'fonts/Gone.ttf' does not exist" in run.err.splitlines()


def test_kdp_bleeds_on_three_sides_when_the_theme_bleeds(project, capsys):
    """KDP: 0.125 in at top, bottom and outside, none at the gutter (6x9 in -> 6.125 x 9.25 in)."""
    import pikepdf

    project.write({
        "books/a.yaml": MINIMAL_MANIFEST + "theme: full-bleed\nprint: {pod: kdp}\n", **TEXTS,
        "themes/full-bleed/theme.yaml": "name: full-bleed\nextends: classic\nprint:\n  bleed: true\n",
    })
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 0, run.err
    with pikepdf.open(project.root / "build/a/a-print.pdf") as doc:
        assert len(doc.pages) == 24  # padded to KDP's minimum
        for number, page in enumerate(doc.pages, start=1):
            media = [round(float(v) / 72, 4) for v in page.obj.MediaBox]
            trim = [round(float(v) / 72, 4) for v in page.obj.TrimBox]
            assert round(media[2] - media[0], 4) == 6.125 and round(media[3] - media[1], 4) == 9.25
            assert (trim[2] - trim[0], trim[3] - trim[1]) == (6.0, 9.0)
            outside_right = number % 2 == 1  # a recto's outside edge is on the right
            assert (media[2] - trim[2] == 0.125) == outside_right and (trim[0] - media[0] == 0.125) != outside_right


LONG_NOTE = ("# One\n\nA claim that needs a very long note.[^1]\n\n[^1]: START "
             + " ".join(f"word{i}" for i in range(900)) + " END\n")


def test_a_footnote_longer_than_a_page_is_an_error_not_a_cut(project, capsys):
    """WeasyPrint cannot continue a footnote on the next page; pubkit refuses to lose its words."""
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": LONG_NOTE})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 1
    [line] = [line for line in run.err.splitlines() if "X209" in line]
    assert line.startswith("books/texts/one.md: error[X209]: note 1 is too long to be a footnote: it needs ")
    assert line.endswith("and the rest would be cut off; shorten or split it, or set print.notes: endnotes")


def test_the_same_long_note_as_an_endnote_keeps_every_word(project, capsys):
    from pypdf import PdfReader

    project.write({"books/a.yaml": MINIMAL_MANIFEST + "print: {notes: endnotes}\n", "books/texts/one.md": LONG_NOTE})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=PDF)
    assert run.code == 0, run.err
    text = "".join(page.extract_text() for page in PdfReader(project.root / "build/a/a-print.pdf").pages)
    assert "START" in text and "word450" in text and "END" in text
