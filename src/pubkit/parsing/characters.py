"""What a file of the library may hold, character by character: UTF-8 (a byte-order mark at the
start allowed), any line ends, no control characters; invisible characters that reorder text are
reported where they stand. Shared by manifests and texts, each with its own codes."""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Location, error, warning

# C0 and C1 controls, tab and line ends aside: usually the trace of a file saved in one encoding
# and read in another.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Direction overrides and isolates, and a byte-order mark anywhere but at the start (where it is
# only the file's signature).
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\ufeff]")
LINE_END = re.compile(r"\r\n|\r|\n")
REPORTED = 20  # at most, per file


def decode_utf8(data: bytes, file: str, code: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or where its first byte that is not UTF-8 is."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = len(LINE_END.findall(before.decode("utf-8", "replace"))) + 1
        col = exc.start - max(before.rfind(b"\n"), before.rfind(b"\r"))  # in bytes: the text cannot be read
        return None, [error(code, f"expected UTF-8 text, found the byte 0x{data[exc.start]:02x}; save the file as UTF-8",
                            Location(file, line, col))]


def location_at(text: str, offset: int, file: str) -> Location:
    """The line and column (1-based, in characters) of ``text[offset]``, any line ends counted."""
    before = text[:offset]
    return Location(file, len(LINE_END.findall(before)) + 1, offset - max(before.rfind("\n"), before.rfind("\r")))


def check_characters(text: str, file: str, control_code: str | None, invisible_code: str) -> list[Diagnostic]:
    """Control characters are errors (``control_code``; None: another stage reports them),
    invisible reordering characters warnings, each at its line and column."""
    found = []
    matches = [*(CONTROL.finditer(text) if control_code else ()), *INVISIBLE.finditer(text)]
    for match in sorted(matches, key=lambda m: m.start())[:REPORTED]:
        where = location_at(text, match.start(), file)
        char = match[0]
        if CONTROL.match(char):
            found.append(error(control_code, f"expected text, found the control character U+{ord(char):04X}; delete it "
                                             "(often the trace of a file saved in another encoding)", where))
        elif char == "\ufeff":
            found.append(warning(invisible_code, "found a byte-order mark (U+FEFF) inside the text, where it is an "
                                                 "invisible character; delete it", where))
        else:
            found.append(warning(invisible_code, f"found the invisible direction control U+{ord(char):04X}, which "
                                                 "reorders the text after it; delete it unless the text needs it", where))
    return found
