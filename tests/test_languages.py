"""Books in other languages: generated words from the theme's locales, typography by language.

The Spanish and Russian samples are built in every format, and no word the English locale would
have generated may appear in them.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pyphen
import pytest
import yaml
from lxml import etree
from pypdf import PdfReader

from conftest import MINIMAL_MANIFEST, ROOT, build_in, copy_samples, epub_files

LOCALES = ROOT / "themes/classic/locales"
SHIPPED = ("en", "es", "fr", "de", "it", "pt", "ru")


def flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def locale(tag: str) -> dict[str, str]:
    return flatten(yaml.safe_load((LOCALES / f"{tag}.yaml").read_text(encoding="utf-8")))


def placeholders(phrase: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}


@pytest.mark.parametrize("tag", SHIPPED[1:])
def test_every_shipped_language_has_every_word_with_its_placeholders(tag):
    english, other = locale("en"), locale(tag)
    assert set(other) == set(english), set(english) ^ set(other)
    assert {k: placeholders(v) for k, v in other.items()} == {k: placeholders(v) for k, v in english.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    copy_samples(root / "books")
    assert build_in(root, "books/la-comision.yaml", "books/pisma.yaml", "--strict") == 0
    return root / "build"


def english_only_words(tag: str) -> set[str]:
    """Words of the English locale that the other language's phrase for the same key lacks."""
    english, other = locale("en"), locale(tag)
    found = set()
    for key, phrase in english.items():
        theirs = set(re.findall(r"\w+", re.sub(r"\{\w+\}", "", other[key])))
        found |= {w for w in re.findall(r"\w+", re.sub(r"\{\w+\}", "", phrase)) if len(w) > 2} - theirs
    return found


def epub_words(path: Path) -> set[str]:
    """Every word a reader or a reading system can meet: text, alt, title and label attributes,
    package metadata and the NCX."""
    words: set[str] = set()
    for name, data in epub_files(path).items():
        if not name.endswith((".xhtml", ".opf", ".ncx")):
            continue
        tree = etree.fromstring(data)
        chunks = list(tree.itertext())
        for element in tree.iter():
            chunks += [element.get(a) or "" for a in ("alt", "title", "aria-label", "content")]
        words |= set(re.findall(r"\w+", " ".join(chunks)))
    return words


def pdf_words(path: Path) -> set[str]:
    reader = PdfReader(path)
    chunks = [page.extract_text() for page in reader.pages]
    chunks += [str(value) for value in (reader.metadata or {}).values()]

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    chunks += list(titles(reader.outline))
    return set(re.findall(r"\w+", " ".join(chunks)))


@pytest.mark.parametrize("slug, tag", [("la-comision", "es"), ("pisma", "ru")])
def test_no_english_generated_word_in_any_format(built, slug, tag):
    english = english_only_words(tag)
    assert {"Contents", "Notes", "Published", "Cover", "Landmarks", "publication"} <= english  # the check has teeth
    for path, found in ((built / slug / f"{slug}.epub", epub_words),
                        (built / slug / f"{slug}-screen.pdf", pdf_words),
                        (built / slug / f"{slug}-print.pdf", pdf_words)):
        leaked = found(path) & english
        assert not leaked, (path.name, sorted(leaked))


@pytest.mark.parametrize("slug, tag", [("la-comision", "es"), ("pisma", "ru")])
def test_print_pdf_hyphenates_in_the_book_language(built, slug, tag):
    text = "\n".join(page.extract_text() for page in PdfReader(built / slug / f"{slug}-print.pdf").pages)
    breaks = re.findall(r"(\w+)\u2010\n(\w+)", text)  # WeasyPrint marks its breaks with U+2010
    assert len(breaks) >= 3, text[:2000]
    dictionary = pyphen.Pyphen(lang=tag)
    for head, tail in breaks:
        assert len(head) in dictionary.positions(head + tail), (head, tail)


def test_a_passage_in_another_language_is_marked(built):
    chapter = epub_files(built / "pisma/pisma.epub")["EPUB/studentu.xhtml"].decode()
    assert '<span lang="fr" xml:lang="fr">« La vérité\nest en marche »</span>' in chapter


def test_the_russian_anthology_gets_a_sources_section_the_copyright_page_points_to(built):
    files = epub_files(built / "pisma/pisma.epub")
    sources = files["EPUB/sources.xhtml"].decode()
    assert sources.count("<dt>") == 4 and "https://archive.<wbr />example.<wbr />org/<wbr />pisma/" in sources
    assert 'href="https://archive.example.org/pisma/o-hlebe.html"' in sources
    copyright_page = files["EPUB/copyright.xhtml"].decode()
    assert 'href="sources.xhtml">Источники</a>' in copyright_page and "archive.example.org" not in copyright_page


@pytest.mark.parametrize("language, expected", [("es-MX", "Índice"), ("sw", "Contents"), ("pt-BR", "Índice")])
def test_a_language_falls_back_to_its_base_then_to_english(project, capsys, language, expected):
    project.write({"books/a.yaml": MINIMAL_MANIFEST.replace("language: en", f"language: {language}")
                   + "front: [contents]\n", "books/texts/one.md": "# One\n"})
    assert project.pubkit("books/a.yaml", capsys=capsys).code == 0
    nav = epub_files(project.root / "build/a/a.epub")["EPUB/nav.xhtml"].decode()
    assert f"<h1 id=\"toc-title\">{expected}</h1>" in nav


def test_a_book_can_change_a_word_and_a_typo_is_an_error(project, capsys):
    project.write({"books/a.yaml": MINIMAL_MANIFEST + "front: [contents]\n", "books/texts/one.md": "# One\n",
                   "books/a.theme/locales/en.yaml": "roles: {contents: What Is Inside}\n"})
    assert project.pubkit("books/a.yaml", capsys=capsys).code == 0
    assert "What Is Inside" in epub_files(project.root / "build/a/a.epub")["EPUB/nav.xhtml"].decode()
    (project.root / "books/a.theme/locales/en.yaml").write_text("roles: {contnets: What Is Inside}\n")
    run = project.pubkit("books/a.yaml", capsys=capsys)
    assert run.code == 1
    assert "books/a.theme/locales/en.yaml: error[H011]: unknown word 'roles.contnets' (did you mean 'contents'?)" in run.err
