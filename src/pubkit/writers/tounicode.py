"""Text mapping for whole embedded fonts: what WeasyPrint 70 loses, put back (pikepdf).

When WeasyPrint embeds a font whole (``full_fonts=True``, as print wants), it writes the font's
ToUnicode map from the font's own cmap (pdf/fonts.py, ``build_fonts_dictionary``), not from the
glyphs it really set. A ligature glyph (``f_i``) has no cmap entry, so copying or searching the
print PDF reads "rst" for "first". The glyphs it set, with the text each stands for, are known
after writing (``Document.fonts[...].to_unicode``); this merges them into the maps it wrote.
"""

from __future__ import annotations

import re

import pikepdf

ENTRY = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")
HEADER = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo
<< /Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
"""
FOOTER = b"""endcmap
CMapName currentdict /CMap defineresource pop
end
end"""


def mend_to_unicode(pdf: pikepdf.Pdf, shaped: dict[str, dict[int, str]]) -> None:
    """``shaped``: BaseFont name (without '/') -> glyph id -> the text the glyph was set for."""
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font" or "/ToUnicode" not in obj:
            continue
        glyphs = shaped.get(str(obj.BaseFont)[1:])
        if not glyphs:
            continue
        stream = obj.ToUnicode
        mapping = {int(glyph, 16): text.lower() for glyph, text in ENTRY.findall(stream.read_bytes())}
        wanted = {glyph: text.encode("utf-16-be").hex().encode() for glyph, text in glyphs.items() if text}
        if any(mapping.get(glyph) != text for glyph, text in wanted.items()):
            stream.write(cmap({**mapping, **wanted}))


def cmap(mapping: dict[int, bytes]) -> bytes:
    lines = [HEADER]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):  # a bfchar block holds at most 100 entries
        batch = items[start : start + 100]
        lines.append(b"%d beginbfchar\n" % len(batch))
        lines += [b"<%04x> <%s>\n" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar\n")
    lines.append(FOOTER)
    return b"".join(lines)
