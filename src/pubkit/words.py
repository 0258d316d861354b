"""The words pubkit and a theme generate ("Contents", "Notes", "Part"), in the book's language.

A theme keeps them in ``locales/<tag>.yaml``, one file per language (``en.yaml``, ``es.yaml``,
``pt-BR.yaml``). For a book in ``es-MX`` a word is looked up in ``es-MX``, then ``es``, then
``en``, in the book's own theme folder first, then the theme, then the themes it extends: adding a
language is one file, and a word it leaves out is English rather than missing.

Phrases carry ``{placeholders}`` (``Published {year} by {publisher}``) so that each language
orders its own words; templates fill them with the ``fill`` filter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, Location, did_you_mean, error, relative_path
from .parsing.yamlpos import FAST_LOADER

FALLBACK = "en"
LOCALES = "locales"
# The digits of the CSS counter styles a locale may name as its `numbers`.
DIGITS = {"decimal": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹",
          "devanagari": "०१२३४५६७८९", "bengali": "০১২৩৪৫৬৭৮৯"}


class Words(Mapping):
    """Generated words for one language: ``words["contents"]`` in Python, ``words.contents`` in
    templates; ``words.roles.preface`` for a section role's heading."""

    def __init__(self, language: str, table: dict[str, Any]):
        self.language = language
        self._table = table

    def __getitem__(self, key: str) -> Any:
        return self._table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def role(self, name: str) -> str:
        return self._table["roles"][name]

    def digits(self, text: object) -> str:
        """``text`` with its digits 0-9 written in the language's digits (``numbers``)."""
        digits = DIGITS.get(self._table.get("numbers", "decimal"), DIGITS["decimal"])
        return str(text).translate(str.maketrans("0123456789", digits))

    def part_number(self, number: int) -> str:
        """A part's number as the language writes it (``part_numbers``): roman (Part IV), decimal
        in the language's digits (الجزء ٤), or Chinese numerals (第四编)."""
        style = self._table.get("part_numbers", "roman")
        if style == "chinese":
            return chinese_numeral(number)
        return self.digits(number) if style == "decimal" else roman(number)

    def phrase(self, key: str, **values: object) -> str:
        return self._table[key].format(**values)


def roman(number: int | None) -> str:
    if not number:
        return ""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def chinese_numeral(number: int) -> str:
    """1-99 in Chinese numerals (四, 十二, 二十一); larger numbers in digits."""
    units = "〇一二三四五六七八九"
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    return (("" if tens == 1 else units[tens]) + "十" if tens else "") + (units[ones] if ones else "")


def candidates(language: str) -> list[str]:
    """'pt-BR' -> ['pt-BR', 'pt', 'en']: the most particular first."""
    parts = language.split("-")
    tags = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return [tag for tag in dict.fromkeys([*tags, FALLBACK])]


def load_words(folders: tuple[Path, ...], language: str) -> tuple[Words | None, list[Diagnostic]]:
    """``folders``: the theme chain, most particular first (a book's own folder, the theme, its bases).

    The English files define the words: a theme's en.yaml may add words for its own templates,
    but one close to an existing word is taken for a misspelling of it. Other languages may only
    use words English has."""
    problems: list[Diagnostic] = []
    english: dict = {}
    others: list[tuple[Path, dict]] = []
    for tag in reversed(candidates(language)):  # English first, so the particular overrides it
        for folder in reversed(folders):  # the base theme first
            path = folder / LOCALES / f"{tag}.yaml"
            if not path.is_file():
                continue
            data, found = _read(path)
            problems += found
            if tag == FALLBACK:
                if english:  # the base theme's English defines the words; later ones may add some
                    problems += _unknown_keys(data, english, path, new_words_allowed=True)
                english = _merge(english, data)
            else:
                others.append((path, data))
    if not english:
        return None, problems + [error("H011", f"no {FALLBACK}.yaml in any theme's {LOCALES}/ folder: "
                                               "the words a book needs have no fallback", None)]
    table = english
    for path, data in others:
        problems += _unknown_keys(data, english, path)
        table = _merge(table, data)
    return (Words(language, table), []) if not problems else (None, problems)


_READ: dict[tuple[Path, int, int], tuple[dict, list[Diagnostic]]] = {}


def _read(path: Path) -> tuple[dict, list[Diagnostic]]:
    """A locale file's words, parsed once per process while the file is unchanged: every book of
    a thousand-book site reads the same few files (only merged copies of them are handed out)."""
    try:
        status = path.stat()
    except OSError:
        status = None
    key = (path, status.st_mtime_ns, status.st_size) if status else None
    if key in _READ:
        return _READ[key]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        return {}, [error("H011", f"cannot read the words in {path.name}: {exc}", Location(relative_path(path)))]
    if not isinstance(data, dict):
        return {}, [error("H011", f"expected a mapping of words, found {type(data).__name__}", Location(relative_path(path)))]
    if key:
        _READ[key] = (data, [])
    return data, []


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def _unknown_keys(data: dict, known: dict, path: Path, prefix: str = "", new_words_allowed: bool = False) -> list[Diagnostic]:
    """A key English does not have is a typo (it would be silently unused); in an English file
    that adds words, only a key close to an existing one is."""
    problems = []
    for key, value in data.items():
        if key not in known:
            hint = did_you_mean(str(key), known)
            if not new_words_allowed or hint:
                problems.append(error("H011", f"unknown word '{prefix}{key}'{hint}", Location(relative_path(path))))
        elif isinstance(value, dict) and isinstance(known[key], dict):
            problems += _unknown_keys(value, known[key], path, f"{prefix}{key}.", new_words_allowed)
    return problems
