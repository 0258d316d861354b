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

from .config.schema import Checker
from .config.yamlpos import load_yaml
from .diagnostics import Diagnostic, Location, error, relative_path, warning

URL = re.compile(r"^https?://\S+$")
# Characters no book can show: C0 and C1 controls (tab and line ends aside). Usually the trace of
# a file saved in one encoding and read in another.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that change what the reader sees: direction overrides and isolates, and a
# byte-order mark anywhere but at the start (where it is only the file's signature).
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff]")
LINE_END = re.compile(r"\r\n|\r|\n")
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
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start]
        line, col = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [error("T003", f"expected UTF-8 text, found the byte 0x{exc.object[exc.start]:02x}; "
                                    "save the file as UTF-8", Location(file, line, col))]
    except OSError as exc:
        return None, [error("T003", f"cannot read text: {exc.strerror}", Location(file))]
    characters = _characters(raw, file)
    if any(d.severity.value == "error" for d in characters):
        return None, characters
    text, problems = _parse(path, file, raw)
    return text, problems + (characters if text is not None else [])


def _characters(raw: str, file: str) -> list[Diagnostic]:
    """Control characters are errors, invisible reordering characters warnings, each where it is."""
    found = []
    for match in [*CONTROL.finditer(raw), *INVISIBLE.finditer(raw)][:20]:
        before = raw[: match.start()]
        line = len(LINE_END.findall(before)) + 1
        col = match.start() - max(before.rfind("\n"), before.rfind("\r"))
        char = match[0]
        where = Location(file, line, col)
        if CONTROL.match(char):
            found.append(error("T006", f"expected text, found the control character U+{ord(char):04X}; delete it "
                                       "(often the trace of a file saved in another encoding)", where))
        elif char == "\ufeff":
            found.append(warning("T007", "found a byte-order mark (U+FEFF) inside the text, where it is an invisible "
                                         "character; delete it", where))
        else:
            found.append(warning("T007", f"found the invisible direction control U+{ord(char):04X}, which reorders the "
                                         "text after it; delete it unless the text needs it", where))
    return sorted(found, key=lambda d: (d.location.line, d.location.col))


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
