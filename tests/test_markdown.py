"""Markdown conventions, as fixture files: a title line, then input and expected output, each
closed by a line holding only '.'. A title ending in [fr] (or another tag) converts in that
language. Notes, when a case has any, follow the body after a line '-- notes --'."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubkit.markdown.convert import Library, convert_text, place_images
from pubkit.texts import Text

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def read_cases(path: Path):
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == ".", f"{path.name}:{i + 2}: expected '.' after the title"
        i += 2
        parts = []
        for _ in range(2):
            start = i
            while lines[i] != ".":
                i += 1
            parts.append("\n".join(lines[start:i]))
            i += 1
        yield pytest.param(title, parts[0], parts[1], id=f"{path.stem}: {title}")


CASES = [case for path in sorted(FIXTURES.glob("*.txt")) for case in read_cases(path)]


def convert(source: str, lang: str, root: Path) -> str:
    (root / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    text = Text(root / "text.md", "text.md", source + "\n", 1)
    library = Library(root, {root / "text.md": "s", root / "other.md": "o"})
    converted = place_images(convert_text(text, "s", library, lang), library)
    out = converted.html.strip()
    if converted.title:
        out = f"[title: {converted.title_html}]\n{out}"
    if converted.notes:
        out += "\n-- notes --\n" + "\n".join(f"{n.id}: {n.html}" for n in converted.notes)
    return out


@pytest.mark.parametrize("title, source, expected", CASES)
def test_conversion(tmp_path, title, source, expected):
    lang = title.rsplit("[", 1)[1].rstrip("]") if title.endswith("]") else "en"
    assert convert(source, lang, tmp_path) == expected.strip()


def test_fixture_files_exist():
    assert len(CASES) >= 20


def test_a_forty_level_list_keeps_every_item(tmp_path):
    source = "\n".join("  " * level + f"- item at depth {level + 1}" for level in range(40)) + "\n"
    html = convert(source, "en", tmp_path)
    assert html.count("<ul") == 40 and "item at depth 40" in html


def test_nesting_beyond_the_limit_is_an_error_not_lost_words(tmp_path):
    source = "Words.\n\n" + "\n".join("  " * level + f"- item at depth {level + 1}" for level in range(60)) + "\n"
    text = Text(tmp_path / "deep.md", "deep.md", source, 1)
    converted = convert_text(text, "deep", Library(tmp_path, {tmp_path / "deep.md": "deep"}), "en")
    assert [str(d) for d in converted.diagnostics] == [
        "deep.md:51: error[X211]: lists or quotations nested about 50 levels deep, the most a text may have; "
        "what lies deeper would be lost: nest less"]


def test_note_reference_words_beside_a_real_reference_are_words(tmp_path):
    """'\\[^1\\]' and `[^1]` are the words '[^1]', even in a paragraph that calls note 1 (found by
    `make fuzz` on imported pages); an undefined note is still X203."""
    source = "A call[^1]\\[^1\\] and `[^1]` then.\n\nUndefined [^2] here.\n\n[^1]: The note.\n"
    text = Text(tmp_path / "text.md", "text.md", source, 1)
    converted = convert_text(text, "s", Library(tmp_path, {tmp_path / "text.md": "s"}), "en")
    assert [str(d) for d in converted.diagnostics] == [
        "text.md:3:11: error[X203]: footnote reference '[^2]' has no definition; expected a line '[^2]: ...' in this text"]
    assert "</a>[^1] and <code>[^1]</code> then." in converted.html
