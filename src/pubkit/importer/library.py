"""Writing imported texts into the library without ever losing an editor's work.

Each import is recorded in ``.imported.json`` in the texts' folder: for every file, the address
it came from and the SHA-256 of the bytes written. A file whose bytes are no longer those was
edited: importing over it is refused (``--force`` overwrites; ``--update`` re-imports only the
files nobody edited). A file with no record is the editor's own, and is never overwritten without
``--force``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..files import write_atomically

LEDGER = ".imported.json"


@dataclass
class Ledger:
    folder: Path
    records: dict[str, dict]

    @classmethod
    def open(cls, folder: Path) -> "Ledger":
        try:
            records = json.loads((folder / LEDGER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            records = {}
        return cls(folder, records if isinstance(records, dict) else {})

    def state(self, name: str) -> str:
        """'new' (no file), 'imported' (as written by an import), 'edited', or 'own' (never imported)."""
        path = self.folder / name
        if not path.exists():
            return "new"
        record = self.records.get(name)
        if record is None:
            return "own"
        return "imported" if hashlib.sha256(path.read_bytes()).hexdigest() == record.get("sha256") else "edited"

    def source_of(self, address: str) -> str | None:
        """The file an address was imported into before, if any."""
        return next((name for name, r in sorted(self.records.items()) if r.get("source") == address), None)

    def write(self, name: str, data: bytes, source: str) -> None:
        write_atomically(self.folder / name, data)
        self.records[name] = {"source": source, "sha256": hashlib.sha256(data).hexdigest()}
        self.save()

    def save(self) -> None:
        write_atomically(self.folder / LEDGER, (json.dumps(self.records, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())


def slug(title: str, limit: int = 60) -> str:
    """'The Rise of Stalinism' -> 'the-rise-of-stalinism'; any script's letters kept, accents dropped."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", "-", text.casefold()).strip("-_")
    return (text[:limit].rstrip("-") or "text")


def front_matter(values: dict) -> str:
    """YAML front matter, in a fixed order of keys, every value quoted as YAML needs."""
    data = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return f"---\n{dumped}---\n"
