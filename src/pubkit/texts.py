"""Reading a text from the library: YAML front matter, then Markdown.

Texts come from many sources, so front-matter keys we do not use are ignored (unlike a manifest's,
which are errors); the keys we do use must have the right type.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import langcodes

from .diagnostics import Diagnostic, Location, error, has_errors, relative_path
from .parsing.characters import check_characters, decode_utf8
from .parsing.schema import Checker
from .parsing.yamlpos import load_yaml

URL = re.compile(r"^https?://\S+$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class Text:
    path: Path
    file: str  # as shown in messages
    body: str  # the Markdown after the front matter
    body_line: int  # 1-based line of the body's first line in the file
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    translator: str | None = None
    date: str | None = None  # of original publication, as written
    source: str | None = None  # where it first appeared
    url: str | None = None  # the address it was taken from
    lang: str | None = None


def read_text(path: Path) -> tuple[Text | None, list[Diagnostic]]:
    file = relative_path(path)
    try:
        raw, problems = decode_utf8(path.read_bytes(), file, "T003")
    except OSError as exc:
        return None, [error("T003", f"cannot read text: {exc.strerror}", Location(file))]
    if raw is None:
        return None, problems
    characters = check_characters(raw, file, "T006", "T007")
    if has_errors(characters):
        return None, characters
    text, problems = _parse(path, file, raw)
    return text, problems + (characters if text is not None else [])


def _parse(path: Path, file: str, raw: str) -> tuple[Text | None, list[Diagnostic]]:
    match = FRONT_MATTER.match(raw)
    if not match:
        return Text(path, file, raw, 1), []
    body_line = raw.count("\n", 0, match.end()) + 1
    data, positions, problems = load_yaml(match.group(1) or "", file, line_offset=1)
    if problems:
        return None, problems
    body = raw[match.end():]
    if data is None:
        return Text(path, file, body, body_line), []
    check = Checker(positions, code_prefix="T")
    if not isinstance(data, dict):
        check.wrong_type((), "front matter as a mapping of keys", data)
        return None, check.diagnostics
    authors = check.strings(data, "authors", ()) or check.strings(data, "author", ())
    lang = check.string(data, "lang", ()) or check.string(data, "language", ())
    if lang and not langcodes.tag_is_valid(lang):
        check.fail("011", ("lang",) if "lang" in data else ("language",),
                   f"expected a BCP 47 language tag such as 'en' or 'ru', found '{lang}'")
    source, url = check.string(data, "source", ()), check.string(data, "url", ())
    if source and URL.match(source) and not url:  # an address given as the source is where it was taken from
        source, url = None, source
    text = Text(
        path=path, file=file, body=body, body_line=body_line,
        title=check.string(data, "title", ()),
        subtitle=check.string(data, "subtitle", ()),
        authors=authors,
        translator=check.string(data, "translator", ()),
        date=_date(data.get("date")),
        source=source,
        url=url,
        lang=lang,
    )
    return (None, check.diagnostics) if check.diagnostics else (text, [])


def _date(value: object) -> str | None:
    """Original publication dates are shown, not computed with: keep what the editor wrote."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip() or None
