"""Shared helpers: write a small project to a temp folder, run the real CLI on it, read EPUBs."""

from __future__ import annotations

import os
import shutil
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from pubkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A scratch project: write files into books/, run pubkit in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return Project(tmp_path)


class Project:
    def __init__(self, root: Path):
        self.root = root

    def write(self, files: dict[str, str]) -> None:
        for name, content in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")

    def copy(self, fixture: str) -> None:
        shutil.copytree(FIXTURES / fixture, self.root, dirs_exist_ok=True)

    def copy_samples(self) -> None:
        copy_samples(self.root / "books")

    def pubkit(self, *args: str, capsys, formats: tuple[str, ...] = ("epub",)) -> Run:
        """Run `pubkit build`; the EPUB alone unless ``formats`` says otherwise (PDFs take seconds)."""
        capsys.readouterr()
        code = main(["build", *args, *(f"--format={f}" for f in formats)])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)


# The samples in other scripts (Arabic, bound on the right, and Chinese, with 24 MB fonts) have
# their own tests in every format (test_scripts.py); the tests of everything else build the rest.
SCRIPT_SAMPLES = ("sawt-al-matbaa", "gongchang-yexiao")


def copy_samples(folder: Path, scripts: bool = False) -> None:
    """The sample books (manifests and texts) into ``folder``; those in other scripts if asked."""
    left_out = () if scripts else SCRIPT_SAMPLES
    shutil.copytree(ROOT / "books", folder, ignore=lambda _, names: [n for n in names if n.removesuffix(".yaml") in left_out])


def copy_warnings_book(root: Path) -> None:
    """The book of warning-level mistakes (tests/fixtures/warnings), with its image."""
    shutil.copytree(FIXTURES / "warnings/books", root / "books", dirs_exist_ok=True)
    (root / "books/texts/images").mkdir(parents=True, exist_ok=True)
    (root / "books/texts/images/dot.png").write_bytes(png_bytes(8, 8))


def words(language: str = "en"):
    """The classic theme's generated words in ``language``."""
    from pubkit.words import load_words

    found, problems = load_words((ROOT / "themes/classic",), language)
    assert found is not None, problems
    return found


def build_in(root: Path, *args: str) -> int:
    """Run `pubkit build ARGS` in ``root``, as an editor would from the project folder."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return main(["build", *args])
    finally:
        os.chdir(cwd)


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


MINIMAL_MANIFEST = """
title: A Book
creators: [{name: Ann Author, role: author}]
language: en
date: 2024-01-02
body:
  - texts/one.md
"""


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real (gray) PNG, so EPUBCheck and readers accept it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def unavailable(reason: str) -> None:
    """A check that cannot run here: a visible skip, or a failure where CI says every check must run."""
    if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
        pytest.fail(reason)
    pytest.skip(reason)


# --- no process outlives the tests (issue 19) ---------------------------------------------------

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def pytest_configure(config):
    """Make pytest the subreaper of what the tests start: a process whose parent ends comes to
    pytest rather than to init, so that whatever a test leaves behind is found at the end."""
    import ctypes

    try:
        config._pubkit_subreaper = ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        config._pubkit_subreaper = False


def _descendants() -> dict[int, str]:
    """pytest's live descendants (zombies, already ended, left out), with their command lines."""
    parents, alive = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry.name)] = int(fields[1])
            if fields[0] != "Z":
                alive[int(entry.name)] = command
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {pid: alive[pid] for pid in sorted(found) if pid in alive}


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a process that a test started is still alive (after 10 seconds' grace)."""
    import time

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not getattr(session.config, "_pubkit_subreaper", False):
        if reporter:
            reporter.write_line("pubkit: processes left behind by the tests were not checked (needs Linux's "
                                "PR_SET_CHILD_SUBREAPER)")
        return
    deadline = time.monotonic() + 10
    while _descendants() and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _descendants()
    for pid in left:
        try:
            os.kill(pid, 9)  # after reporting them: nothing of the tests outlives the run
        except OSError:
            pass
    if left:
        if reporter:
            reporter.ensure_newline()
            reporter.write_line(f"pubkit: {len(left)} process(es) started by the tests still alive at the end:", red=True)
            for pid, command in left.items():
                reporter.write_line(f"  {pid}: {command}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
