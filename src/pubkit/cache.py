"""The build cache: finished work kept under the digest of everything that went into it.

``build/.cache/<kind>/<ab>/<key>`` holds one pickled record per key. A record is written to a
temporary file and renamed into place, so a reader (another build running at the same time, or
the next build after this one was killed) sees a whole record or none; a record that cannot be
read is treated as missing and removed. Records are touched when used, and the least recently
used go first when the cache grows past its limit. Keys are content digests
(fingerprint.py): nothing in them depends on where the cache or the project lie.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from pathlib import Path

DEFAULT_LIMIT = 2 * 1024**3  # bytes
STALE_TEMPORARY = 3600  # seconds: a temporary file this old belonged to a build that was killed


class Cache:
    def __init__(self, folder: Path | None, limit: int = DEFAULT_LIMIT):
        """``folder`` None: a cache that keeps nothing (every lookup misses)."""
        self.folder = folder
        self.limit = limit

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str):
        if self.folder is None:
            return None
        path = self._path(kind, key)
        try:
            with open(path, "rb") as source:
                record = pickle.load(source)
        except FileNotFoundError:
            return None
        except Exception:  # a record from an older pubkit, or damaged: as good as missing
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return record

    def put(self, kind: str, key: str, record) -> None:
        if self.folder is None:
            return
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump(record, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def prune(self) -> int:
        """Remove the least recently used records until the cache is under its limit, and the
        temporary files of builds that were killed; return the bytes removed."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        now, removed, entries, total = time.time(), 0, [], 0
        for path in self.folder.rglob("*"):
            try:
                status = path.stat()
            except OSError:
                continue
            if not path.is_file():
                continue
            if path.name.endswith((".part", ".tmp")) and now - status.st_mtime > STALE_TEMPORARY:
                removed += _remove(path, status.st_size)
                continue
            entries.append((status.st_mtime, status.st_size, path))
            total += status.st_size
        if total <= self.limit:
            return removed
        for _, size, path in sorted(entries):
            if total <= self.limit * 0.8:  # some room, so the next build does not prune again
                break
            total -= size
            removed += _remove(path, size)
        return removed

    def size(self) -> int:
        if self.folder is None or not self.folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())


def _remove(path: Path, size: int) -> int:
    try:
        path.unlink()
        return size
    except OSError:
        return 0
