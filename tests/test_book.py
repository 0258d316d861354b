"""The manifest forms of the issue, and what the assembled book looks like."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from pubkit.assemble import assemble_book
from pubkit.config.manifest import load_manifest
from pubkit.notes import place_notes
from pubkit.texts import read_text

from conftest import MINIMAL_MANIFEST, words

MODIFIED = dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc)


def assemble(path: Path):
    manifest, problems = load_manifest(path)
    assert manifest is not None, problems
    book, problems = assemble_book(manifest, read_text, MODIFIED, words(manifest.metadata.language))
    assert book is not None, problems
    return book, problems


@pytest.fixture
def lenin(project):
    project.copy("lenin-and-trotsky")
    return assemble(project.root / "books/lenin-and-trotsky.yaml")[0]


def test_the_issue_manifest_assembles_in_order(lenin):
    assert [s.id for s in lenin.sections] == [
        "halftitle", "titlepage", "copyright", "dedication", "epigraph", "contents", "preface",
        "part-1", "b-beginnings", "c-exile", "october",
        "part-2", "bureaucracy", "last-letters",
        "appendix-chronology", "notes", "glossary", "about-the-authors", "colophon",
    ]
    assert [s.matter for s in lenin.sections].count("body") == 7


def test_titles_come_from_override_front_matter_heading_or_role(lenin):
    titles = {s.id: s.title for s in lenin.sections}
    assert titles["october"] == "October"  # manifest override beats front matter
    assert titles["b-beginnings"] == "Beginnings"  # front matter
    assert titles["c-exile"] == "Exile"  # first heading
    assert titles["preface"] == "Preface"
    assert titles["part-1"] == "The Early Years"
    assert titles["dedication"] == "Dedication"


def test_parts_nest_their_chapters_in_the_toc(lenin):
    toc = [(e.title, [c.title for c in e.children]) for e in lenin.toc]
    assert toc == [
        ("Preface", []),
        ("The Early Years", ["Beginnings", "Exile", "October"]),
        ("The Struggle Against Bureaucracy", ["Against the Bureaucracy", "Last Letters"]),
        ("Chronology", []), ("Notes", []), ("Glossary", []), ("About the Authors", []),
    ]
    assert [s.number for s in lenin.sections if s.role == "chapter"] == [1, 2, 3, 4, 5]


def test_inline_and_file_entries(lenin):
    dedication = lenin.section("dedication")
    assert dedication.html.strip() == "<p>To the memory of those who fought.</p>"
    epigraph = lenin.section("epigraph")
    assert 'class="epigraph"' in epigraph.html and '<p class="attribution">— Nobody</p>' in epigraph.html


def test_footnote_labels_are_local_to_their_text(lenin):
    one, two = lenin.section("b-beginnings"), lenin.section("c-exile")
    assert [n.id for n in one.notes] == ["b-beginnings--n1"]
    assert [n.id for n in two.notes] == ["c-exile--n1"]
    assert "First note of chapter one." in one.notes[0].html
    assert "a different note" in two.notes[0].html


def test_links_between_texts_are_rewritten(lenin):
    html = lenin.section("bureaucracy").html
    assert '<a href="#october--the-insurrection">the insurrection</a>' in html
    assert '<a href="#last-letters">the letters</a>' in html


def test_a_chapter_by_another_author_shows_it(lenin):
    letters = lenin.section("last-letters")
    assert letters.authors == ("Someone Else",)
    assert (letters.source, letters.source_date) == ("A stub journal", "1940")
    assert lenin.section("october").authors == ()  # same authors as the book: no byline
    assert [s.id for s in lenin.first_printings] == ["last-letters"]


def test_identifier_is_the_epub_isbn(lenin):
    assert lenin.identifier == "urn:isbn:9780306406157"
    assert lenin.metadata.isbn_print == "978-1-86197-876-9"
    assert [c.role for c in lenin.metadata.creators] == ["aut", "aut"]


def _book(project, manifest: str, texts: dict[str, str]):
    project.write({"books/book.yaml": manifest, **{f"books/texts/{k}": v for k, v in texts.items()}})
    return assemble(project.root / "books/book.yaml")[0]


def test_a_book_without_parts_and_a_glob(project):
    book = _book(project, MINIMAL_MANIFEST.replace("texts/one.md", "texts/ch-*.md"),
                 {"ch-2.md": "# Two\n", "ch-1.md": "# One\n", "ch-10.md": "# Ten\n"})
    assert [s.title for s in book.sections] == ["One", "Ten", "Two"]  # name order
    assert all(s.part is None for s in book.sections)


def test_without_isbn_the_identifier_is_a_stable_uuid(project):
    book = _book(project, MINIMAL_MANIFEST, {"one.md": "# One\n"})
    again = _book(project, MINIMAL_MANIFEST + "subjects: [History]\n", {"one.md": "# One\n\nEdited.\n"})
    assert book.identifier.startswith("urn:uuid:") and book.identifier == again.identifier


NOTED = {"one.md": "# One\n\nText.[^1]\n\n[^1]: A note.\n"}


def test_endnotes_without_a_notes_entry_still_get_a_notes_section(project):
    book = _book(project, MINIMAL_MANIFEST + "back: [colophon]\n", NOTED)
    assert [s.role for s in book.sections] == ["chapter", "notes", "colophon"]


def test_footnotes_mode_leaves_the_notes_entry_out(project):
    book = _book(project, MINIMAL_MANIFEST + "epub: {notes: footnotes}\nback: [notes, colophon]\n", NOTED)
    assert book.epub_notes == "footnotes"
    on_screen = place_notes(book, "footnotes", on_paper=False)
    assert [s.role for s in on_screen.sections] == ["chapter", "colophon"] and on_screen.sections[0].notes
    assert [e.title for e in on_screen.toc] == ["One"]
    on_paper = place_notes(book, "footnotes", on_paper=True)
    assert [s.role for s in on_paper.sections] == ["chapter", "colophon"] and not on_paper.sections[0].notes
    assert on_paper.sections[0].html == ('<p>Text.<a id="one--r1" class="noteref-anchor"></a><span class="footnote" id="one--n1">'
                                         '<span class="note-p">A note.</span></span></p>\n')


def test_endnotes_on_paper_drop_the_backlinks(project):
    book = _book(project, MINIMAL_MANIFEST + "back: [notes]\n", NOTED)
    assert "doc-backlink" in book.sections[0].notes[0].html
    on_paper = place_notes(book, "endnotes", on_paper=True)
    assert [s.role for s in on_paper.sections] == ["chapter", "notes"]
    assert on_paper.sections[0].notes[0].html == "<p>A note.</p>"


def test_a_notes_entry_in_a_book_without_notes_is_left_out(project):
    book = _book(project, MINIMAL_MANIFEST + "back: [notes]\n", {"one.md": "# One\n"})
    assert [s.role for s in book.sections] == ["chapter"]


def test_matter_entries_take_a_title(project):
    manifest = MINIMAL_MANIFEST + "back:\n  - {appendix: texts/a.md, title: Dates}\n  - appendix: {text: texts/b.md, title: Names}\n"
    book = _book(project, manifest, {"one.md": "# One\n", "a.md": "# A\n", "b.md": "# B\n"})
    assert [s.title for s in book.sections] == ["One", "Dates", "Names"]


def test_front_matter_title_that_differs_keeps_the_heading_as_content(project):
    book = _book(project, MINIMAL_MANIFEST, {"one.md": "---\ntitle: The Real Title\n---\n# A Heading\n\nText.\n"})
    section = book.sections[0]
    assert section.title == "The Real Title"
    assert '<h2 id="one--a-heading">A Heading</h2>' in section.html


def test_a_text_in_another_language_is_marked(project):
    book = _book(project, MINIMAL_MANIFEST, {"one.md": "---\nlang: fr\n---\n# Un\n\n\"Oui.\"\n"})
    assert book.sections[0].lang == "fr"
    assert "«\u202fOui.\u202f»" in book.sections[0].html


# --- where the texts came from -------------------------------------------------------------------

SOURCED = {
    "a.md": "---\ntitle: A\nsource: Bulletin, no. 3\ndate: 1928\nurl: https://archive.example.org/bulletin/3.html\n---\nA.\n",
    "b.md": "---\ntitle: B\nsource: Bulletin, no. 3\ndate: 1928\nurl: https://archive.example.org/bulletin/3.html\n---\nB.\n",
    "c.md": "---\ntitle: C\nsource: The Courier\nurl: https://archive.example.org/courier/c.html\n---\nC.\n",
    "d.md": "---\ntitle: D\ndate: 1930\nsource: https://archive.example.org/d.html\n---\nD.\n",
    "e.md": "---\ntitle: E\n---\nE.\n",
}
SOURCED_BOOK = MINIMAL_MANIFEST.replace("  - texts/one.md\n", "".join(f"  - texts/{n}\n" for n in SOURCED))


def test_many_sources_get_a_section_where_shared_ones_are_said_once(project):
    from pubkit.provenance import group_sources

    book = _book(project, SOURCED_BOOK + "back: [colophon]\n", SOURCED)
    assert [s.role for s in book.sections][-2:] == ["sources", "colophon"]
    groups = group_sources(book.sections)
    assert [[t.title for t in g.texts] for g in groups] == [["A", "B"], ["C"], ["D"]]
    assert [(g.source, g.date) for g in groups] == [("Bulletin, no. 3", "1928"), ("The Courier", None), (None, "1930")]
    assert groups[0].urls == ((None, "https://archive.example.org/bulletin/3.html"),)  # shared: said once
    assert groups[1].urls == ((None, "https://archive.example.org/courier/c.html"),)
    assert book.section("d").source is None and book.section("d").url == "https://archive.example.org/d.html"
    one_each = group_sources([book.section("a"), dataclasses.replace(book.section("b"), url="https://x.example.org/b")])
    assert [(t.title, url) for t, url in one_each[0].urls] == [("A", "https://archive.example.org/bulletin/3.html"),
                                                               ("B", "https://x.example.org/b")]


def test_a_few_short_sources_stay_on_the_copyright_page(project):
    texts = {"a.md": SOURCED["a.md"].replace("url: https://archive.example.org/bulletin/3.html\n", ""), "e.md": SOURCED["e.md"]}
    book = _book(project, MINIMAL_MANIFEST.replace("texts/one.md", "texts/a.md\n  - texts/e.md"), texts)
    assert not book.has("sources") and [s.title for s in book.first_printings] == ["A"]


def test_the_editor_places_the_sources_section(project):
    book = _book(project, SOURCED_BOOK + "back: [sources, notes, colophon]\n",
                 {**SOURCED, "e.md": "# E\n\nNoted.[^1]\n\n[^1]: A note.\n"})
    assert [s.role for s in book.sections][-3:] == ["sources", "notes", "colophon"]
    bare = _book(project, MINIMAL_MANIFEST + "back: [sources]\n", {"one.md": "# One\n"})
    assert not bare.has("sources")  # a book whose texts name no source has nothing to list
