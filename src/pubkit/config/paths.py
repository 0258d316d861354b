"""The manifest's second pass: every path resolved inside the manifest's folder, globs expanded
in name order, missing files and duplicate texts reported with "did you mean"."""

from __future__ import annotations

import difflib
import glob as globlib
from pathlib import Path

from ..diagnostics import relative_path
from ..model import Entry, PartEntry
from ..parsing.schema import Checker, show_path

GLOB_CHARS = "*?["


class Resolver:
    """Turns raw entries into ``Entry`` objects with resolved, existing, unique files."""

    def __init__(self, root: Path, check: Checker):
        self.root = root
        self.check = check
        self.seen: dict[Path, tuple] = {}
        self._known: list[str] | None = None

    def entry(self, raw: dict) -> list[Entry]:
        loc = self.check.positions.value(raw["path"])
        common = dict(role=raw["role"], location=loc, title=raw.get("title"), subtitle=raw.get("subtitle"))
        if "inline" in raw:
            return [Entry(inline=raw["inline"], **common)]
        if "value" not in raw:
            return [Entry(**common)]  # a generated page
        return [Entry(text=f, **common) for f in self.texts(raw["value"], raw["path"])]

    def body_items(self, raw: dict) -> list[Entry | PartEntry]:
        if "part" in raw:
            chapters = tuple(e for c in raw["chapters"] for e in self.entry(c))
            return [PartEntry(raw["part"], chapters, self.check.positions.value(raw["path"]))]
        return list(self.entry(raw))

    def texts(self, pattern: str, path: tuple) -> list[Path]:
        if any(c in pattern for c in GLOB_CHARS):
            if not self._inside(pattern, path):
                return []
            matches = sorted((Path(p) for p in globlib.glob(str(self.root / pattern))), key=lambda p: p.name)
            matches = [m.resolve() for m in matches if m.is_file()]
            if not matches:
                self.check.fail("102", path, f"'{pattern}' matches no file")
            return [m for m in matches if self._once(m, pattern, path)]
        found = self.file(pattern, path)
        return [found] if found and self._once(found, pattern, path) else []

    def file(self, relative: str, path: tuple) -> Path | None:
        if not self._inside(relative, path):
            return None
        target = (self.root / relative).resolve()
        if not target.is_file():
            self.check.fail("101", path, f"'{relative}' does not exist{self._suggest(relative)}")
            return None
        return target

    def _inside(self, relative: str, path: tuple) -> bool:
        target = (self.root / relative).resolve()
        if Path(relative).is_absolute() or not target.is_relative_to(self.root):
            self.check.fail("104", path, f"'{relative}' is outside the manifest's folder; "
                                         f"texts and images must be under {relative_path(self.root)}/")
            return False
        return True

    def _once(self, target: Path, shown: str, path: tuple) -> bool:
        if target in self.seen:
            self.check.fail("103", path, f"'{relative_path(target, self.root)}' is already in the book "
                                         f"(at {show_path(self.seen[target])}); a text can appear once per book")
            return False
        self.seen[target] = path
        return True

    def _suggest(self, relative: str) -> str:
        if self._known is None:
            self._known = sorted(
                p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(self.root).parts))
        matches = difflib.get_close_matches(relative, self._known, n=1, cutoff=0.7)
        return f" (did you mean '{matches[0]}'?)" if matches else ""
