"""The command line's contract, themes, and metadata a manifest can override."""

from __future__ import annotations

import json

from lxml import etree

from conftest import MINIMAL_MANIFEST, ROOT, epub_files

TEXTS = {"books/texts/one.md": "# One\n\nWords.\n"}


def test_build_without_manifests_builds_every_book_in_books(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/b.yaml": MINIMAL_MANIFEST, **TEXTS})
    run = project.pubkit(capsys=capsys)
    assert run.code == 0, run.err
    assert sorted(p.name for p in (project.root / "build").glob("*/*.epub")) == ["a.epub", "b.epub"]
    assert "built build/a/a.epub" in run.out


def test_no_books_folder_is_a_usage_error(project, capsys):
    run = project.pubkit(capsys=capsys)
    assert run.code == 2
    assert run.err.strip() == "pubkit: no manifests given and no books/ folder here"


def test_json_diagnostics(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST + "publsher: x\n", **TEXTS})
    run = project.pubkit("books/a.yaml", "--json", capsys=capsys)
    assert run.code == 1
    [item] = json.loads(run.out)
    assert item == {"code": "M002", "severity": "error", "message": "unknown key 'publsher' (did you mean 'publisher'?)",
                    "location": {"file": "books/a.yaml", "line": 7, "col": 1}, "hint": None}


def test_an_internal_error_is_reported_without_a_traceback(project, capsys, monkeypatch):
    project.write({"books/a.yaml": MINIMAL_MANIFEST, **TEXTS})
    monkeypatch.setattr("pubkit.writers.epub.epub_bytes", lambda rendered: 1 / 0)
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 70
    assert "pubkit: internal error: ZeroDivisionError" in run.err and "Traceback" not in run.err
    run = project.pubkit("books/a.yaml", "--debug", capsys=capsys)
    assert "Traceback" in run.err


def test_a_theme_can_extend_classic_and_replace_one_template(project, capsys):
    project.write({
        "books/a.yaml": MINIMAL_MANIFEST + "theme: house\n", **TEXTS,
        "themes/house/theme.yaml": "name: house\nextends: classic\n",
        "themes/house/templates/section.html":
            '{% extends "!classic/section.html" %}\n{% block body %}<p class="house">House style</p>\n{{ super() }}{% endblock %}\n',
    })
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 0, run.err
    chapter = epub_files(project.root / "build/a/a.epub")["EPUB/one.xhtml"].decode()
    assert '<p class="house">House style</p>' in chapter and 'epub:type="chapter"' in chapter


def test_a_theme_keeps_its_name(project):
    """Its name is how messages point at it ('theme classic: cover'); it once became the name of
    its last stylesheet."""
    from pubkit.diagnostics import Location
    from pubkit.theming import load_theme

    theme, problems = load_theme("classic", [ROOT / "themes"], Location("test"))
    assert problems == [] and theme.name == "classic"


def test_a_missing_stylesheet_in_a_theme_is_an_error(project, capsys):
    project.write({
        "books/a.yaml": MINIMAL_MANIFEST + "theme: house\n", **TEXTS,
        "themes/house/theme.yaml": "name: house\nextends: classic\nstylesheets:\n  epub: [css/base.css, css/house.css]\n",
    })
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 1
    assert "themes/house/theme.yaml: error[H005]: stylesheet 'css/house.css' for epub is in no theme of the chain (house, classic)" in run.err


def test_accessibility_summary_and_conformance_claim(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST + (
        "accessibility:\n  summary: Checked by hand.\n"
        "  conforms_to: EPUB Accessibility 1.1 - WCAG 2.2 Level AA\n  certified_by: Sample Press\n"), **TEXTS})
    assert project.pubkit("books/a.yaml", capsys=capsys).code == 0
    package = etree.fromstring(epub_files(project.root / "build/a/a.epub")["EPUB/content.opf"])
    meta = {m.get("property"): m.text for m in package.iter("{http://www.idpf.org/2007/opf}meta") if m.get("property")}
    assert meta["schema:accessibilitySummary"] == "Checked by hand."
    assert meta["dcterms:conformsTo"] == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    assert meta["a11y:certifiedBy"] == "Sample Press"


def test_a_character_no_font_has_is_an_error_and_nothing_is_written(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": "# One\n\nA sign: \u2646.\n"})
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 1
    assert ("books/texts/one.md:3:9: error[F001]: character '\u2646' (U+2646, Common) is in none of the theme's fonts "
            "(Charis SIL): the theme needs a font for Common") in run.err.splitlines()
    assert not (project.root / "build/a").exists()  # no PDF of missing-glyph boxes, no EPUB either


def test_a_character_no_font_has_in_a_title_is_found_there_and_reported_once(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": "---\ntitle: The \u2646 sign\n---\n\nWords.\n"})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=("epub", "screen-pdf", "print-pdf"))
    assert run.code == 1
    lines = run.err.splitlines()
    assert [line for line in lines if "F001" in line] == [
        "books/texts/one.md:2:12: error[F001]: character '\u2646' (U+2646, Common) is in none of the theme's fonts "
        "(Charis SIL): the theme needs a font for Common"]
    assert len(lines) == len(set(lines))


def test_a_character_no_font_has_in_the_manifest_is_found_there(project, capsys):
    """The cover and title page set the manifest's words: they count as the book's text."""
    project.write({"books/a.yaml": MINIMAL_MANIFEST.replace("title: A Book", "title: A Book \u2646"), **TEXTS})
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 1
    assert [line for line in run.err.splitlines() if "F001" in line] == [
        "books/a.yaml:1:15: error[F001]: character '\u2646' (U+2646, Common) is in none of the theme's fonts "
        "(Charis SIL): the theme needs a font for Common"]


def test_a_private_use_character_no_font_has_is_told_once_at_its_place(project, capsys):
    """A private-use character no font draws: F001 at the text, before any layout (no '.notdef'
    message from WeasyPrint at the theme as well)."""
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": "# One\n\nA mark: \U0010fffd.\n"})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=("print-pdf",))
    assert run.code == 1
    told = [line for line in run.err.splitlines() if "U+10FFFD" in line]
    assert told == ["books/texts/one.md:3:9: error[F001]: character '\U0010fffd' (U+10FFFD, Unknown) is in none of "
                    "the theme's fonts (Charis SIL): the theme needs a font for Unknown"]


def test_a_script_font_not_fetched_is_an_error_only_for_a_book_that_needs_it(project, capsys):
    """The Chinese faces are fetched at setup (make fonts): a theme naming one that is not there
    still builds books without Chinese, and one with Chinese gets F002 and writes nothing."""
    charis = "\n".join(f"  - {{family: Charis SIL, file: {ROOT}/themes/classic/fonts/CharisSIL-{face}.ttf, weight: {w}, style: {s}}}"
                       for face, w, s in (("Regular", 400, "normal"), ("Italic", 400, "italic"), ("Bold", 700, "normal")))
    project.write({"themes/fetchless/theme.yaml": f"name: fetchless\nextends: classic\nfonts:\n{charis}\n"
                                                  "  - {family: Noto Serif SC, file: fonts/not-fetched.otf, script: Hani}\n",
                   "books/a.yaml": MINIMAL_MANIFEST + "theme: fetchless\n", **TEXTS,
                   "books/b.yaml": (MINIMAL_MANIFEST + "theme: fetchless\n").replace("texts/one.md", "texts/two.md"),
                   "books/texts/two.md": "# Two\n\nThe sign \u6f22.\n"})
    assert project.pubkit("books/a.yaml", capsys=capsys).code == 0
    run = project.pubkit("books/b.yaml", capsys=capsys)
    assert run.code == 1 and not (project.root / "build/b").exists()
    assert ("books/b.yaml: error[F002]: this text needs the theme's Noto Serif SC (not-fetched.otf), which is not "
            "installed: `make fonts` fetches it") in run.err.splitlines()


def test_a_text_in_another_script_gets_that_scripts_font_and_only_it(project, capsys):
    """Arabic quoted in an English book: Noto Naskh Arabic joins Charis SIL (the EPUB embeds a
    subset of both, nothing of the other scripts' fonts), and no error."""
    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": "# One\n\nThe word \u0643\u062a\u0627\u0628.\n"})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=("epub",))
    assert run.code == 0, run.err
    files = epub_files(project.root / "build/a/a.epub")
    fonts = sorted(name.rsplit("/", 1)[1].split("-")[0] for name in files if "/fonts/" in name)
    assert fonts == ["CharisSIL"] * 4 + ["NotoNaskhArabic"] * 2
    assert '"Charis SIL", "Noto Naskh Arabic", serif !important' in files["EPUB/css/fonts.css"].decode()


def test_the_pdfs_use_the_themes_fonts_and_none_of_the_machines(project, capsys):
    """Code, whose default font is monospace, is set in the theme's fonts, whatever fonts the
    machine has, so the same book gives the same PDF everywhere (a character no theme font has
    is an error before any layout: see the F001 tests)."""
    import pikepdf

    project.write({"books/a.yaml": MINIMAL_MANIFEST, "books/texts/one.md": "# One\n\nSome words and `some code`.\n"})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=("print-pdf", "screen-pdf"))
    assert run.code == 0 and "P004" not in run.err
    for name in ("a-print.pdf", "a-screen.pdf"):
        with pikepdf.open(project.root / "build/a" / name) as pdf:
            fonts = {str(font.get("/BaseFont")) for page in pdf.pages
                     for font in (page.Resources.get("/Font") or {}).values()}
        assert fonts and all("Charis" in font for font in fonts), (name, fonts)


def test_a_theme_without_fonts_is_set_in_the_machines_fonts(project, capsys):
    """A theme may leave fonts to the machine: its PDFs are laid out with the machine's fonts
    (with none at all, Pango could not set a word)."""
    from pypdf import PdfReader

    project.write({"books/a.yaml": MINIMAL_MANIFEST + "theme: plain\n", "books/texts/one.md": "# One\n\nPlain words.\n",
                   "themes/plain/theme.yaml": "name: plain\nextends: classic\nfonts: []\n"})
    run = project.pubkit("books/a.yaml", capsys=capsys, formats=("print-pdf",))
    assert run.code == 0, run.err
    assert "Plain words." in "".join(page.extract_text() for page in PdfReader(project.root / "build/a/a-print.pdf").pages)


def test_a_books_own_theme_folder_overrides_one_template(project, capsys):
    """books/<slug>.theme/ comes first in the lookup, and may extend what it replaces."""
    project.write({
        "books/a.yaml": MINIMAL_MANIFEST + "back: [colophon]\n", **TEXTS,
        "books/a.theme/templates/sections/colophon.html":
            '{% extends "!classic/sections/colophon.html" %}\n'
            '{% block body %}{{ super() }}<p class="printer">Printed by the Sample Press cooperative.</p>{% endblock %}\n',
    })
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 0, run.err
    colophon = epub_files(project.root / "build/a/a.epub")["EPUB/colophon.xhtml"].decode()
    assert "This book is set in Charis SIL" in colophon  # the theme's own colophon, kept
    assert '<p class="printer">Printed by the Sample Press cooperative.</p>' in colophon


def test_part_titles_as_right_hand_running_heads(project, capsys):
    """The theme option running_head: part, set in the book's own theme folder."""
    import re
    import sys

    from pypdf import PdfReader

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    generate(project.root / "books", words=6000, chapters=2)
    project.write({
        "books/parts.yaml": MINIMAL_MANIFEST.replace("  - texts/one.md\n", "")
        + "  - {part: The First Part, chapters: [texts/ch01.md]}\n  - {part: The Second Part, chapters: [texts/ch02.md]}\n",
        "books/parts.theme/theme.yaml": "options:\n  running_head: part\n",
    })
    run = project.pubkit("books/parts.yaml", capsys=capsys, formats=("print-pdf",))
    assert run.code == 0, run.err
    heads = set()
    for number, page in enumerate(PdfReader(project.root / "build/parts/parts-print.pdf").pages, start=1):
        top = float(page.trimbox.height)
        found = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: found.append(text)
                          if text.strip() and tm[4] * cm[1] + tm[5] * cm[3] + cm[5] > top - 0.55 * 72 else None)
        if number % 2 and found:
            heads.add(re.sub(r"\s+", "", "".join(found)))
    assert heads == {"THEFIRSTPART", "THESECONDPART"}
