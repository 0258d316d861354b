"""Digests of what a piece of work reads: the cache's keys.

A stage's key is the digest of its inputs as they are handed to it. Strings, numbers, bytes,
dataclasses, mappings and sequences are encoded as they are; a ``Path`` is encoded by its name and
its *content*, never its location or time: so every file a stage receives is part of its key
without anyone listing it (forgetting would serve stale work), and a cache copied to another
folder or machine still matches. Anything else is refused, loudly.

pubkit's own code and the packages it runs on are part of every key (``environment``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import sys
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from pathlib import Path

MISSING = "missing"


class Fingerprints:
    """Content digests of files, each read once per run (files do not change during a build)."""

    def __init__(self) -> None:
        self._files: dict[Path, str] = {}
        self._folders: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                self._files[path] = MISSING
        return self._files[path]

    def folder(self, path: Path) -> str:
        """Every file under ``path``, by relative name and content (hidden files left out)."""
        if path in self._folders:
            return self._folders[path]
        digest = hashlib.sha256()
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                digest.update(relative.as_posix().encode() + b"\0" + self.file(file).encode() + b"\0")
        else:
            digest.update(MISSING.encode())
        self._folders[path] = digest.hexdigest()
        return self._folders[path]

    def of(self, *values: object) -> str:
        """The digest of ``values`` (see the module's docstring for how each kind is encoded)."""
        digest = hashlib.sha256()
        for value in values:
            self._encode(value, digest)
        return digest.hexdigest()

    def _encode(self, value: object, digest) -> None:
        update = digest.update
        if value is None or isinstance(value, bool):
            update(b"%r;" % (value,))
        elif isinstance(value, (int, float)):
            update(b"n%r;" % (value,))
        elif isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            update(b"s%d:" % len(data))
            update(data)
        elif isinstance(value, (bytes, bytearray)):
            update(b"b%d:" % len(value))
            update(value)
        elif isinstance(value, Path):
            update(b"p")
            self._encode(value.name, digest)
            update(self.file(value).encode())
        elif isinstance(value, Enum):
            self._encode(value.value, digest)
        elif isinstance(value, (dt.date, dt.datetime)):
            self._encode(value.isoformat(), digest)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            self._encode(type(value).__name__, digest)
            for field in dataclasses.fields(value):
                self._encode(field.name, digest)
                self._encode(getattr(value, field.name), digest)
        elif isinstance(value, Mapping):
            update(b"m%d:" % len(value))
            for key in sorted(value, key=str):
                self._encode(key, digest)
                self._encode(value[key], digest)
            self._encode(getattr(value, "language", None), digest)  # Words: the table and its language
        elif isinstance(value, (list, tuple, frozenset, set)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            update(b"l%d:" % len(items))
            for item in items:
                self._encode(item, digest)
        else:
            raise TypeError(f"cannot take the fingerprint of {type(value).__name__}: say how it is encoded")


def environment() -> str:
    """pubkit's version and code, the packages it runs on, and SOURCE_DATE_EPOCH."""
    from . import __version__  # read now: a new version must never reuse an old one's work

    parts = (_code(), __version__, os.environ.get("SOURCE_DATE_EPOCH", ""))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def _code() -> str:
    """pubkit's source files, and the installed packages by their dist-info folders (one listing
    per folder on sys.path: far faster than asking importlib.metadata for each version)."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    for entry in sys.path:
        try:
            names = sorted(n for n in os.listdir(entry or ".") if n.endswith(".dist-info"))
        except OSError:
            continue
        digest.update("\0".join(names).encode())
    return digest.hexdigest()
