"""Fetch the theme fonts too large to keep in the repository (`make` runs this before a build).

Each theme's ``fonts/fetch.yaml`` names a Debian package (by address and SHA-256), the font files
inside it, and the SHA-256 of each file this script writes: a book reads the same font bytes on
every machine, or this script stops with the reason. A face of a font collection (.ttc) is
written as a font of its own by copying its tables (no font library: the bytes do not depend on
one's version).

    python tools/fetch_fonts.py [THEMES_FOLDER]
"""

from __future__ import annotations

import hashlib
import io
import struct
import sys
import tarfile
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    themes = Path(argv[1]) if len(argv) > 1 else ROOT / "themes"
    failed = False
    for lock in sorted(themes.glob("*/fonts/fetch.yaml")):
        for package in yaml.safe_load(lock.read_text(encoding="utf-8")) or []:
            try:
                fetch(package, lock.parent)
            except (OSError, ValueError, KeyError, tarfile.TarError) as exc:
                print(f"{lock}: error: {exc}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


def fetch(package: dict, folder: Path) -> None:
    wanted = [font for font in package["fonts"] if _digest_of(folder / font["file"]) != font["sha256"]]
    if not wanted:
        return
    print(f"fetching {package['url']}", file=sys.stderr)
    with urllib.request.urlopen(package["url"], timeout=300) as answer:
        deb = answer.read()
    if hashlib.sha256(deb).hexdigest() != package["sha256"]:
        raise ValueError(f"{package['url']}: expected SHA-256 {package['sha256']}, found {hashlib.sha256(deb).hexdigest()}")
    members = {font["member"] for font in wanted}
    contents = {}
    with tarfile.open(fileobj=io.BytesIO(_ar_member(deb, "data.tar")), mode="r|*") as data:
        for member in data:  # one pass: a compressed tar read out of order is decompressed again
            if member.name in members and member.isfile():
                contents[member.name] = data.extractfile(member).read()
    for font in wanted:
        if font["member"] not in contents:
            raise KeyError(f"{font['member']} is not a file of {package['url']}")
        content = contents[font["member"]]
        if "face" in font:
            content = face_of_collection(content, int(font["face"]))
        found = hashlib.sha256(content).hexdigest()
        if found != font["sha256"]:
            raise ValueError(f"{font['file']}: expected SHA-256 {font['sha256']}, found {found}")
        target = folder / font["file"]
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(content)
        partial.replace(target)
        print(f"  {target}: {len(content):,} bytes", file=sys.stderr)


def _digest_of(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _ar_member(archive: bytes, prefix: str) -> bytes:
    """The first member of an ar archive (a .deb) whose name starts with ``prefix``."""
    if not archive.startswith(b"!<arch>\n"):
        raise ValueError("not a Debian package (no ar header)")
    at = 8
    while at + 60 <= len(archive):
        name, size = archive[at:at + 16].decode().strip().rstrip("/"), int(archive[at + 48:at + 58])
        if name.startswith(prefix):
            return archive[at + 60:at + 60 + size]
        at += 60 + size + size % 2
    raise KeyError(f"no {prefix}* in the package")


def face_of_collection(collection: bytes, index: int) -> bytes:
    """Face ``index`` of a TrueType/OpenType collection as a font file of its own: its table
    directory and tables, laid out anew, with head's checksum adjustment recomputed."""
    if collection[:4] != b"ttcf":
        raise ValueError("not a font collection")
    count = struct.unpack(">I", collection[8:12])[0]
    if not 0 <= index < count:
        raise ValueError(f"face {index} of a collection of {count}")
    start = struct.unpack(">I", collection[12 + 4 * index:16 + 4 * index])[0]
    version, tables = collection[start:start + 4], struct.unpack(">H", collection[start + 4:start + 6])[0]
    records = [struct.unpack(">4sIII", collection[start + 12 + 16 * i:start + 28 + 16 * i]) for i in range(tables)]
    power = 1 << (tables.bit_length() - 1)
    header = version + struct.pack(">HHHH", tables, power * 16, power.bit_length() - 1, tables * 16 - power * 16)
    directory, body, head_at = b"", b"", None
    first = 12 + 16 * tables
    for tag, checksum, at, length in records:
        data = collection[at:at + length]
        if tag == b"head":
            head_at = first + len(body)
            data = data[:8] + b"\0\0\0\0" + data[12:]  # recomputed below, over the whole file
        directory += struct.pack(">4sIII", tag, checksum, first + len(body), length)
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    if head_at is not None:
        total = sum(struct.unpack(f">{len(font) // 4}I", font)) & 0xFFFFFFFF
        font[head_at + 8:head_at + 12] = struct.pack(">I", (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(font)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
