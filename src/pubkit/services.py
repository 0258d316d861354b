"""What the output makers (outputs.py) ask of the build, each kept in the cache and done where it
belongs: font subsets, layouts in the worker processes, a cover's layout in a worker, EPUBCheck.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache
from .diagnostics import Diagnostic, Location, has_errors, relative_path
from .files import write_atomically
from .fingerprint import Fingerprints, environment
from .workers import Workers


@dataclass
class Services:
    cache: Cache
    prints: Fingerprints
    workers: Workers
    out_dir: Path  # where outputs are written: EPUBCheck's messages name the file there
    epubcheck: bool  # validate each EPUB

    def subset(self, font: Path, chars: frozenset[str]) -> bytes:
        """A font's subset for these characters, kept: an edit seldom brings a new character."""
        from .fonts import subset_font

        key = self.prints.of("subset", environment(), font, sorted(chars))
        data = self.cache.get("subset", key)
        if data is None:
            data = subset_font(font, chars)
            self.cache.put("subset", key, data)
        return data

    def in_a_worker(self, work, *args):
        """``work(*args)`` in a worker process: every WeasyPrint layout goes there, never into
        this process, whose threads would run Pango at once (it crashes)."""
        return self.workers.run(work, *args).result()

    def lay_out_all(self, layouts):
        """Layouts through the cache; those it lacks, in the worker processes."""
        from .writers.pdf import lay_out

        keys = [self.prints.of("layout", environment(), layout) for layout in layouts]
        results = [self.cache.get("layout", key) for key in keys]
        # the longest first, so that no worker sits idle at the end waiting for the last long one
        missing = sorted((i for i, found in enumerate(results) if found is None), key=lambda i: -len(layouts[i].html))
        for i, made in zip(missing, self.workers.map(lay_out, [layouts[i] for i in missing])):
            results[i] = made
            if not has_errors(made[1]):
                self.cache.put("layout", keys[i], made)
        return results

    def check_epub(self, data: bytes, written_as: Path) -> list[Diagnostic]:
        """EPUBCheck's verdict on these bytes, when the build asks for one (kept: the same EPUB gets
        the same verdict). ``written_as``: the file's name under the output folder."""
        if not self.epubcheck:
            return []
        from .checks.epubcheck import run_epubcheck

        shown_as = self.out_dir / written_as
        key = self.prints.of("epubcheck", environment(), data, relative_path(shown_as))
        found = self.cache.get("epubcheck", key)
        if found is None:
            # a name of its own: another build checking the same EPUB at the same time must not
            # find it gone under its EPUBCheck when this one is done
            (self.cache.folder / "epubcheck").mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f"{key[:16]}-", suffix=".epub", dir=self.cache.folder / "epubcheck")
            os.close(fd)
            staged = Path(name)
            try:
                write_atomically(staged, data)
                problems, _ = run_epubcheck(staged)
            finally:
                staged.unlink(missing_ok=True)
            found = [dataclasses.replace(p, location=_relocated(p.location, staged, shown_as)) for p in problems]
            if not any(p.code == "E000" for p in found):  # a skipped check is not a verdict
                self.cache.put("epubcheck", key, found)
        return found


def _relocated(where: Location | None, staged: Path, shown_as: Path) -> Location | None:
    if where is None:
        return None
    return dataclasses.replace(where, file=where.file.replace(relative_path(staged), relative_path(shown_as), 1))
