"""A page's text in its real encoding. Archive pages often declare one encoding and are written in
another (ISO-8859-1 declared, UTF-8 written, or the reverse): the declaration is checked against
the bytes, and mojibake is never written."""

from __future__ import annotations

import codecs
import re

LATIN_GUESSES = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9",
                 "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "mac_latin2", "mac_roman"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# UTF-8 read as Latin-1/Windows-1252: "Ã©" for "é", "â€™" for "’".
MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def decode_html(data: bytes, declared: str | None = None) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the page says.
    try:
        text = data.decode("utf-8")
        return _repaired(text)
    except UnicodeDecodeError:
        pass
    candidates = [declared, *(m.decode("ascii", "ignore") for m in META_CHARSET.findall(data[:4096]))]
    for name in candidates:
        encoding = _known(name)
        if encoding and encoding not in ("utf-8", "utf_8"):
            try:
                return _repaired(data.decode("cp1252" if encoding in ("latin-1", "iso8859-1") else encoding))
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding in LATIN_GUESSES:
        # Latin-script text in a single-byte encoding: the detector cannot tell Windows-1252 from
        # its Central European siblings on a few accented letters; the web's default is 1252.
        try:
            return _repaired(data.decode("cp1252"))
        except UnicodeDecodeError:
            pass
    return _repaired(str(best) if best is not None else data.decode("cp1252", errors="replace"))


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _repaired(text: str) -> str:
    """Text that was UTF-8 decoded as Windows-1252 somewhere upstream, decoded again; else as it is."""
    if not MOJIBAKE.search(text):
        return text
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed if len(MOJIBAKE.findall(fixed)) < len(MOJIBAKE.findall(text)) else text
