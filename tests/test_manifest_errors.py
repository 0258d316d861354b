"""Every mistake an editor can make in a manifest: exact message, exact place, non-zero exit.

The messages are part of pubkit's contract: editors and their tools read them.
"""

from __future__ import annotations

import pytest

from conftest import epub_files

TEXT = "# One\n\nWords.\n"

# (manifest, expected diagnostic line); texts/one.md exists in every case.
CASES = {
    "bad yaml": (
        "title: A Book\ncreators: [{name: Ann}\nlanguage: en\n",
        "books/book.yaml:3:1: error[Y001]: invalid YAML: expected ',' or ']', but got '<scalar>' (while parsing a flow sequence that starts at 2:11)",
    ),
    "a control character": (
        "title: A\x00B\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:1:9: error[Y001]: invalid YAML: the control character U+0000 is not allowed; remove it",
    ),
    "a YAML tag": (
        "title: !x A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:1:8: error[Y003]: YAML tag '!x' is not one pubkit reads; write the value without it",
    ),
    "duplicate key": (
        "title: A\ntitle: B\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:2:1: error[Y002]: duplicate key 'title': a key may appear once in a mapping",
    ),
    "unknown top-level key": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nsubtitel: B\nbody: [texts/one.md]\n",
        "books/book.yaml:5:1: error[M002]: unknown key 'subtitel' (did you mean 'subtitle'?)",
    ),
    "unknown key in a body entry": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody:\n  - {text: texts/one.md, titel: X}\n",
        "books/book.yaml:6:26: error[M002]: body[0]: unknown key 'titel' (did you mean 'title'?)",
    ),
    "missing required key": (
        "title: A\ncreators: [Ann]\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:1:1: error[M003]: missing required key 'language' (the book's BCP 47 language tag, e.g. en, en-GB, fr)",
    ),
    "wrong type": (
        "title: [A, B]\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:1:8: error[M004]: title: expected a string, found a list",
    ),
    "creator without a name": (
        "title: A\ncreators: [{role: author}]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:2:12: error[M003]: creators[0]: missing required key 'name' (the person's name)",
    ),
    "unknown creator role": (
        "title: A\ncreators: [{name: Ann, role: auther}]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:2:30: error[M006]: creators[0].role: expected one of 'author', 'editor', 'translator', 'introduction', 'foreword', 'preface', 'afterword', 'illustrator', 'contributor', 'compiler', 'photographer', 'cover-designer', found 'auther' (did you mean 'author'?)",
    ),
    "bad isbn checksum": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nisbn: {epub: 978-0-306-40615-8}\nbody: [texts/one.md]\n",
        "books/book.yaml:5:14: error[M010]: isbn.epub: invalid ISBN '978-0-306-40615-8': the check digit should be 7, found 8",
    ),
    "isbn of the wrong length": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nisbn: {print: 978-0-306-4061}\nbody: [texts/one.md]\n",
        "books/book.yaml:5:15: error[M010]: isbn.print: expected an ISBN of 10 or 13 digits, found '978-0-306-4061' (11 characters)",
    ),
    "bad language tag": (
        "title: A\ncreators: [Ann]\nlanguage: english\ndate: 2024-01-01\nbody: [texts/one.md]\n",
        "books/book.yaml:3:11: error[M011]: language: expected a BCP 47 language tag such as 'en', 'en-GB' or 'fr', found 'english'",
    ),
    "bad date": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 12 July 2019\nbody: [texts/one.md]\n",
        "books/book.yaml:4:7: error[M012]: date: expected a date as YYYY-MM-DD, found '12 July 2019'",
    ),
    "unknown section in front matter": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nfront:\n  - titlepage\n  - contnets\nbody: [texts/one.md]\n",
        "books/book.yaml:7:5: error[M005]: front[1]: unknown section 'contnets' (did you mean 'contents'?)",
    ),
    "text role without a text": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nfront: [preface]\nbody: [texts/one.md]\n",
        "books/book.yaml:5:9: error[M004]: front[0]: 'preface' needs a text: write 'preface: path/to/text.md'",
    ),
    "generated page given a value": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\nback:\n  - colophon: texts/one.md\n",
        "books/book.yaml:7:15: error[M004]: back[0].colophon: 'colophon' is generated from the book's metadata and takes no value, found 'texts/one.md'",
    ),
    "bad notes mode": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nepub: {notes: foot}\nbody: [texts/one.md]\n",
        "books/book.yaml:5:15: error[M006]: epub.notes: expected 'endnotes' or 'footnotes', found 'foot' (did you mean 'footnotes'?)",
    ),
    "conformance claim without assessor": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\naccessibility: {conforms_to: EPUB Accessibility 1.1 - WCAG 2.2 Level AA}\nbody: [texts/one.md]\n",
        "books/book.yaml:5:16: error[M003]: accessibility: missing required key 'certified_by' (a conformance claim must say who assessed it)",
    ),
    "empty body": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: []\n",
        "books/book.yaml:5:7: error[M004]: body: expected at least one chapter, found an empty list",
    ),
    "missing text with a suggestion": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody:\n  - texts/onr.md\n",
        "books/book.yaml:6:5: error[M101]: body[0]: 'texts/onr.md' does not exist (did you mean 'texts/one.md'?)",
    ),
    "missing text in a part": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody:\n  - part: P\n    chapters:\n      - {text: texts/two.md}\n",
        "books/book.yaml:8:16: error[M101]: body[0].chapters[0].text: 'texts/two.md' does not exist (did you mean 'texts/one.md'?)",
    ),
    "empty glob": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody:\n  - texts/chapter-*.md\n",
        "books/book.yaml:6:5: error[M102]: body[0]: 'texts/chapter-*.md' matches no file",
    ),
    "duplicate chapter": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody:\n  - texts/one.md\n  - texts/*.md\n",
        "books/book.yaml:7:5: error[M103]: body[1]: 'texts/one.md' is already in the book (at body[0]); a text can appear once per book",
    ),
    "path outside the manifest's folder": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody:\n  - ../secret.md\n",
        "books/book.yaml:6:5: error[M104]: body[0]: '../secret.md' is outside the manifest's folder; texts and images must be under books/",
    ),
    "missing cover image": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\ncover: images/cover.jpg\nbody: [texts/one.md]\n",
        "books/book.yaml:5:8: error[M101]: cover: 'images/cover.jpg' does not exist",
    ),
    "unknown theme": (
        "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\ntheme: clasic\nbody: [texts/one.md]\n",
        "books/book.yaml: error[H001]: theme 'clasic' not found (did you mean 'classic'?); known themes: classic",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_manifest_error(project, capsys, name):
    manifest, expected = CASES[name]
    project.write({"books/book.yaml": manifest, "books/texts/one.md": TEXT, "secret.md": TEXT})
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert run.code == 1
    assert expected in run.err.splitlines(), run.err
    assert "Traceback" not in run.err
    assert not (project.root / "build").exists()


def test_all_shape_errors_are_reported_in_one_run(project, capsys):
    project.write({"books/book.yaml": "title: [A]\ncreators: [Ann]\nlanguag: en\ndate: soon\nbody: [texts/one.md]\nfront: [titelpage]\n"})
    run = project.pubkit("books/book.yaml", capsys=capsys)
    codes = [line.split("error[")[1][:4] for line in run.err.splitlines() if "error[" in line]
    assert codes == ["M002", "M003", "M004", "M012", "M005"], run.err
    assert run.err.splitlines()[-1] == "pubkit: 5 errors, 0 warnings"


def test_files_are_not_checked_while_the_shape_is_wrong(project, capsys):
    """Shape first, meaning second: a missing text is not reported beside a shape error."""
    project.write({"books/book.yaml": "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nsorce: x\nbody: [texts/missing.md]\n"})
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert "M002" in run.err and "M101" not in run.err


def test_missing_manifest(project, capsys):
    run = project.pubkit("books/nope.yaml", capsys=capsys)
    assert run.code == 1
    assert "books/nope.yaml: error[M000]: manifest 'books/nope.yaml' does not exist" in run.err


def test_two_books_of_one_name_are_refused_not_written_over_each_other(project, capsys):
    book = "title: {}\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n"
    project.write({"books/book.yaml": book.format("First"), "books/book.yml": book.format("Second"),
                   "books/texts/one.md": TEXT})
    run = project.pubkit(capsys=capsys)  # every manifest in books/
    assert run.code == 1
    assert run.err.splitlines()[0] == ("books/book.yml: error[M015]: expected each book to have a name of its own "
                                       "(its outputs go to build/book/), found books/book.yaml with the same name; "
                                       "rename one of the two manifests")
    package = next(data for name, data in epub_files(project.root / "build/book/book.epub").items() if name.endswith(".opf"))
    assert b">First</dc:title>" in package  # the first one named is built, the other is not
    assert project.pubkit("books/book.yaml", "books/book.yaml", capsys=capsys).code == 0  # one manifest named twice


def test_a_manifest_not_in_utf8_is_located(project, capsys):
    project.write({"books/texts/one.md": TEXT})
    (project.root / "books/book.yaml").write_bytes("title: Caf\u00e9\ncreators: [Ann]\n".encode("latin-1"))
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert run.code == 1
    assert "books/book.yaml:1:11: error[M000]: expected UTF-8 text, found the byte 0xe9; save the file as UTF-8" in run.err


@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r"])
def test_any_line_ends_and_a_leading_byte_order_mark_are_accepted(project, capsys, ends):
    manifest = "\ufefftitle: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\nbody: [texts/one.md]\n".replace("\n", ends)
    project.write({"books/texts/one.md": TEXT})
    (project.root / "books/book.yaml").write_bytes(manifest.encode("utf-8"))
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert run.code == 0 and "warning" not in run.err, run.err


def test_an_invisible_direction_override_is_a_located_warning(project, capsys):
    project.write({"books/book.yaml": "title: A\ncreators: [Ann]\nlanguage: en\ndate: 2024-01-01\n"
                                      "subtitle: \u202eedition\nbody: [texts/one.md]\n", "books/texts/one.md": TEXT})
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert run.code == 0
    assert "books/book.yaml:5:11: warning[M014]: found the invisible direction control U+202E, which reorders the " \
           "text after it; delete it unless the text needs it" in run.err
