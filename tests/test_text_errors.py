"""Problems inside texts: exact message and place, errors fail the build, warnings do not."""

from __future__ import annotations

import pytest

from conftest import MINIMAL_MANIFEST

BOOK = MINIMAL_MANIFEST + "  - texts/two.md\n"
TWO = "# Two\n\n## A Section\n\nWords.\n"

ERRORS = {
    "front matter YAML": (
        "---\ntitle: One\nauthor: [A\n---\nWords.\n",
        "books/texts/one.md:4:1: error[Y001]: invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence that starts at 3:9)",
    ),
    "front matter type": (
        "---\ntitle: {a: b}\n---\nWords.\n",
        "books/texts/one.md:2:8: error[T004]: title: expected a string, found a mapping",
    ),
    "front matter language": (
        "---\nlang: francais\n---\nMots.\n",
        "books/texts/one.md:2:7: error[T011]: lang: expected a BCP 47 language tag such as 'en' or 'ru', found 'francais'",
    ),
    "footnote without definition": (
        "# One\n\nA claim.[^source] More.\n",
        "books/texts/one.md:3:9: error[X203]: footnote reference '[^source]' has no definition; expected a line '[^source]: ...' in this text",
    ),
    "missing image": (
        "# One\n\n![A map](images/mpa.png)\n",
        "books/texts/one.md:3:10: error[X204]: image 'images/mpa.png' does not exist (did you mean 'map.png'?)",
    ),
    "remote image": (
        "# One\n\n![A map](https://example.com/map.png)\n",
        "books/texts/one.md:3:10: error[X204]: image 'https://example.com/map.png' is not a file in the project; remote and inline images are not allowed, save it beside the text",
    ),
    "a control character": (
        "# One\n\nWords and\x08 more.\n",
        "books/texts/one.md:3:10: error[T006]: expected text, found the control character U+0008; delete it (often the "
        "trace of a file saved in another encoding)",
    ),
    "a C1 control character, after old Mac line ends": (
        "# One\r\rCaf\x82 cr\xe8me.\r",
        "books/texts/one.md:3:4: error[T006]: expected text, found the control character U+0082; delete it (often the "
        "trace of a file saved in another encoding)",
    ),
    "not UTF-8": (
        None,
        "books/texts/one.md:1:6: error[T003]: expected UTF-8 text, found the byte 0xe9; save the file as UTF-8",
    ),
}

WARNINGS = {
    "a direction override": (
        "# One\n\nThe total is \u202e0001\u202c.\n",
        "books/texts/one.md:3:14: warning[T007]: found the invisible direction control U+202E, which reorders the text "
        "after it; delete it unless the text needs it",
    ),
    "a byte-order mark inside the text": (
        "\ufeff# One\n\nWords\ufeff here.\n",
        "books/texts/one.md:3:6: warning[T007]: found a byte-order mark (U+FEFF) inside the text, where it is an invisible "
        "character; delete it",
    ),
    "broken anchor": (
        "# One\n\nSee [below](#nowhere) and [two](two.md#a-section).\n",
        "books/texts/one.md:3:13: warning[X201]: link '#nowhere' matches no anchor in the book; the link is removed, its words are kept",
    ),
    "broken anchor in another text": (
        "# One\n\nSee [two](two.md#b-section).\n",
        "books/texts/one.md:3:11: warning[X201]: link 'two.md#b-section' matches no anchor in the book; it now leads to the start of ‘Two’",
    ),
    "link to a text not in the book": (
        "# One\n\nSee [three](three.md).\n",
        "books/texts/one.md:3:13: warning[X202]: link to 'three.md' leads to a text that is not in this book; the link is removed, its words are kept",
    ),
    "image without alt text": (
        "# One\n\n![](images/map.png)\n",
        "books/texts/one.md:3:5: warning[X205]: image 'images/map.png' has no alt text; expected ![what it shows](images/map.png) for readers who cannot see it",
    ),
    "raw HTML": (
        "# One\n\nWords <font>here</font> and <font>there</font>.\n",
        "books/texts/one.md:3:7: warning[X206]: raw HTML <font> (2 times) is not among the inline elements a text may use "
        "(a, abbr, b, bdi, br, cite, code, del, dfn, em, i, ins, q, s, small, span, strong, sub, sup, u, wbr); "
        "the tag is dropped, its words are kept",
    ),
    "script": (
        "# One\n\nWords.\n\n<script>steal()</script>\n",
        "books/texts/one.md:5:1: warning[X206]: raw HTML <script> is removed with its content: scripts, styles, frames, "
        "forms and embedded objects never reach a book",
    ),
    "unsafe link": (
        "# One\n\nA <a href=\"javascript:steal()\">trick</a>.\n",
        "books/texts/one.md:3:3: warning[X206]: raw HTML <a> is a link to an address that is not http, https, mailto or "
        "a file of the book; the link is dropped, its words are kept",
    ),
    "duplicate raw id": (
        "# One\n\n<a id=\"p1\"></a>Once, <a id=\"p1\"></a>twice.\n",
        "books/texts/one.md:3:29: warning[X206]: raw HTML id 'p1' is already used in this text; the second one is dropped",
    ),
    "bad passage language": (
        "# One\n\n::: lang klingon-ish!\nWords.\n:::\n",
        "books/texts/one.md:3:1: warning[X210]: '::: lang klingon-ish!' needs a BCP 47 language tag such as 'ru' or 'fr'; the passage is left unmarked",
    ),
    "unused footnote": (
        "# One\n\nWords.\n\n[^1]: A note nobody calls.\n",
        "books/texts/one.md:5:1: warning[X207]: footnote '[^1]' is defined but never referenced",
    ),
}


def _write(project, text):
    project.write({"books/book.yaml": BOOK, "books/texts/two.md": TWO})
    path = project.root / "books/texts/one.md"
    path.write_bytes("# Café\n".encode("latin-1") if text is None else text.encode("utf-8"))
    (project.root / "books/texts/images").mkdir()
    (project.root / "books/texts/images/map.png").write_bytes(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("name", ERRORS)
def test_text_error(project, capsys, name):
    text, expected = ERRORS[name]
    _write(project, text)
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert run.code == 1
    assert expected in run.err.splitlines(), run.err
    assert not (project.root / "build/book").exists()  # no outputs (the cover cache may be there)


@pytest.mark.parametrize("name", WARNINGS)
def test_text_warning(project, capsys, name):
    text, expected = WARNINGS[name]
    _write(project, text)
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert run.code == 0, run.err
    assert expected in run.err.splitlines(), run.err
    assert (project.root / "build/book/book.epub").is_file()


def test_strict_turns_warnings_into_failure(project, capsys):
    _write(project, WARNINGS["raw HTML"][0])
    run = project.pubkit("books/book.yaml", "--strict", capsys=capsys)
    assert run.code == 1
    assert not (project.root / "build/book").exists()  # no outputs (the cover cache may be there)


def test_errors_in_several_texts_are_all_reported(project, capsys):
    _write(project, ERRORS["footnote without definition"][0])
    (project.root / "books/texts/two.md").write_text("# Two\n\n![x](gone.png)\n")
    run = project.pubkit("books/book.yaml", capsys=capsys)
    assert "books/texts/one.md:3:9: error[X203]" in run.err
    assert "books/texts/two.md:3:6: error[X204]" in run.err
