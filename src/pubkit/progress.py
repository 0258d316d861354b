"""What the build shows while it works.

Off a terminal (CI, pipes, --quiet, --json) nothing is shown until the end, when the command prints
its plain lines: the same lines whatever the number of jobs. On a terminal a live table (rich)
shows a row per book, with each output's state and what came from the cache; it is cleared when
the build ends, and the plain lines follow.
"""

from __future__ import annotations

import threading
import time

SYMBOLS = {"waiting": "·", "making": "…", "built": "✓", "cached": "✓", "failed": "✗"}


class Progress:
    """Shows nothing."""

    def book(self, slug: str, outputs: list[str]) -> None:
        pass

    def state(self, slug: str, output: str, state: str) -> None:
        """``state``: waiting, making, built, cached (taken from the cache) or failed."""

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        pass


class LiveProgress(Progress):
    """A live table on a terminal: a row per book, its outputs and their states."""

    def __init__(self, console) -> None:
        from rich.live import Live

        self._lock = threading.Lock()
        self._rows: dict[str, dict[str, str]] = {}
        self._started = time.perf_counter()
        self._live = Live(console=console, refresh_per_second=8, transient=True, get_renderable=self._table)

    def book(self, slug: str, outputs: list[str]) -> None:
        with self._lock:
            self._rows[slug] = {output: "waiting" for output in outputs}

    def state(self, slug: str, output: str, state: str) -> None:
        with self._lock:
            self._rows.setdefault(slug, {})[output] = state

    def _table(self):
        from rich.table import Table

        with self._lock:
            rows = {slug: dict(outputs) for slug, outputs in self._rows.items()}
        table = Table(box=None, show_header=False, padding=(0, 2))
        styles = {"built": "green", "cached": "cyan", "failed": "red", "making": "yellow", "waiting": "dim"}
        for slug, outputs in rows.items():
            cells = [f"[{styles[s]}]{SYMBOLS[s]} {name}{' (cache)' if s == 'cached' else ''}[/]" for name, s in outputs.items()]
            table.add_row(f"[bold]{slug}[/]", "  ".join(cells))
        done = sum(s in ("built", "cached", "failed") for o in rows.values() for s in o.values())
        total = sum(len(o) for o in rows.values())
        table.add_row("", f"[dim]{done} of {total} outputs, {time.perf_counter() - self._started:.1f} s[/]")
        return table

    def __enter__(self) -> "LiveProgress":
        self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        self._live.stop()
