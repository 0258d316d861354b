"""Checking plain YAML data against expected shapes, with positions for every complaint.

The manifest module declares *what* a manifest holds; this module holds the small, reusable
checks (a string, a list of strings, a mapping with known keys) that report through a ``Checker``.
"""

from __future__ import annotations

import datetime as dt
import re

from ..diagnostics import Diagnostic, did_you_mean, error
from .yamlpos import Positions


def describe(value: object) -> str:
    """How a found value is named in messages: 'a list', 'the number 3', ''text''."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def show_path(path: tuple) -> str:
    """('body', 3, 'text') -> 'body[3].text'"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Checker:
    """Collects diagnostics about one YAML document; every check returns the value or None."""

    def __init__(self, positions: Positions, code_prefix: str = "M"):
        self.positions = positions
        self.prefix = code_prefix
        self.diagnostics: list[Diagnostic] = []

    def fail(self, code: str, path: tuple, message: str, *, at_key: bool = False, hint: str | None = None):
        """Report at ``path``; a key's own problems (at_key) are labelled with the mapping holding it."""
        where = self.positions.key(path) if at_key else self.positions.value(path)
        label = show_path(path[:-1] if at_key else path)
        text = f"{label}: {message}" if label else message
        self.diagnostics.append(error(f"{self.prefix}{code}", text, where, hint))
        return None

    def wrong_type(self, path: tuple, expected: str, value: object):
        return self.fail("004", path, f"expected {expected}, found {describe(value)}")

    # --- shapes ------------------------------------------------------------------------------

    def keys(self, data: dict, path: tuple, known: dict[str, str], required: tuple[str, ...] = ()) -> bool:
        """Report unknown and missing keys of a mapping. ``known`` maps key -> its description."""
        ok = True
        for key in data:
            if key not in known:
                ok = False
                self.fail("002", path + (key,), f"unknown key '{key}'{did_you_mean(key, known)}", at_key=True)
        for key in required:
            if key not in data or data[key] is None:
                ok = False
                where = path + (key,) if key in data else path
                self.fail("003", where, f"missing required key '{key}' ({known[key]})")
        return ok

    def mapping(self, data: dict, key: str, path: tuple) -> dict | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            return self.wrong_type(path + (key,), "a mapping", value)
        return value

    def string(self, data: dict, key: str, path: tuple) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # "edition: 2" is what people write
        if not isinstance(value, str):
            return self.wrong_type(path + (key,), "a string", value)
        if not value.strip():
            return self.fail("004", path + (key,), "expected text, found an empty string")
        return value.strip()

    def strings(self, data: dict, key: str, path: tuple) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            self.wrong_type(path + (key,), "a list of strings", value)
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append(item)
            else:
                self.wrong_type(path + (key, i), "a string", item)
        return tuple(out)

    def choice(self, data: dict, key: str, path: tuple, choices: tuple[str, ...], default: str) -> str:
        value = data.get(key)
        if value is None:
            return default
        if value not in choices:
            quoted = [f"'{c}'" for c in choices]
            listed = " or ".join(quoted) if len(quoted) <= 3 else "one of " + ", ".join(quoted)
            hint = did_you_mean(str(value), choices)
            self.fail("006", path + (key,), f"expected {listed}, found {describe(value)}{hint}")
            return default
        return value

    def date(self, data: dict, key: str, path: tuple) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, int) and 1000 <= value <= 9999:
            return dt.date(value, 1, 1)
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
            if match:
                try:
                    return dt.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
                except ValueError:
                    pass
        return self.fail("012", path + (key,), f"expected a date as YYYY-MM-DD, found {describe(value)}")
