"""Byte counts as people read them, in the terminal, in error messages and on the readers' site."""

from __future__ import annotations


def size_text(count: int) -> str:
    """``812 bytes``, ``338 kB``, ``21.0 MB``: decimal units, as file managers and stores show
    them (one decimal from a megabyte on, so that a file just over a limit does not read as equal
    to it)."""
    if count < 1000:
        return f"{count} bytes"
    if count < 1_000_000:
        return f"{count / 1000:.0f} kB"
    return f"{count / 1_000_000:.1f} MB"
