"""DAISY Ace 1.4 on the sample EPUBs: accessibility metadata, structure, and axe-core on every
document. Ace runs with the system Chromium; CI installs both (.ci/run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, build_in, copy_samples, copy_warnings_book, unavailable


def ace_command() -> list[str] | None:
    ace = os.environ.get("PUBKIT_ACE") or shutil.which("ace")
    chromium = shutil.which("chromium")
    if not ace or not chromium:
        return None
    return [ace]


def run_ace(command: list[str], epub: Path, out: Path) -> Path:
    """Ace's report.json. Ace judges by its report; a run that wrote none crashed (seen rarely, when
    Chromium starts slowly on a loaded machine) and is tried once more, then shown in full."""
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=shutil.which("chromium"))
    for _ in range(2):
        shutil.rmtree(out, ignore_errors=True)
        run = subprocess.run([*command, "--verbose", "--force", "--outdir", str(out), str(epub)],
                             env=env, capture_output=True, text=True, timeout=600)
        if (out / "report.json").is_file():
            return out / "report.json"
    pytest.fail(f"Ace wrote no report for {epub.name} (exit {run.returncode}):\n{run.stdout[-3000:]}{run.stderr[-3000:]}")


def ace_failures(epub: Path, out: Path) -> list[str]:
    """The names of the checks Ace fails ``epub`` on; where Ace cannot run, a visible skip (a
    failure where CI requires every check)."""
    command = ace_command()
    if command is None:
        unavailable("DAISY Ace or Chromium is not installed (see .ci/run)")
    report = json.loads(run_ace(command, epub, out).read_text())
    return [t["earl:test"]["dct:title"] for a in report["assertions"] for t in a.get("assertions", [])]


@pytest.fixture(scope="module")
def epubs(tmp_path_factory):
    root = tmp_path_factory.mktemp("ace")
    copy_samples(root / "books")
    shutil.copytree(FIXTURES / "lenin-and-trotsky/books", root / "books", dirs_exist_ok=True)
    copy_warnings_book(root)  # a book that builds with warnings must pass Ace as well
    assert build_in(root, "--format", "epub") == 0
    return sorted((root / "build").glob("*/*.epub"))


def test_ace_finds_no_violation(epubs, tmp_path):
    command = ace_command()
    if command is None:
        reason = "DAISY Ace or Chromium is not installed (see .ci/run: Debian chromium, npm @daisy/ace-cli)"
        if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert len(epubs) == 6
    for epub in epubs:
        out = tmp_path / epub.stem
        report = json.loads(run_ace(command, epub, out).read_text())
        violations = [(a["earl:testSubject"]["url"], t["earl:test"]["dct:title"], t["earl:result"].get("dct:description"))
                      for a in report["assertions"] for t in a.get("assertions", [])]
        assert violations == [], epub.name
        assert report["earl:result"]["earl:outcome"] == "pass"
        assert Path(out / "report.html").is_file()
