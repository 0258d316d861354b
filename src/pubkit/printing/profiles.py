"""Colour profiles that print PDFs name in their output intent."""

from __future__ import annotations

from pathlib import Path

# A machine's generic CMYK profile (Debian libgs-common, AGPL: referenced here, never shipped).
GENERIC_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
