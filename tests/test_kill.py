"""A build killed with SIGKILL at any moment leaves no partial or corrupt output or cache record,
and the next build succeeds and equals a clean one (issue 11). Outputs and cache records are
written to a temporary file and renamed into place; this test holds the build to it."""

from __future__ import annotations

import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf

from conftest import ROOT, copy_samples

ROUNDS = int(os.environ.get("PUBKIT_KILL_ROUNDS", "50"))
BOOK = "books/the-apparatus.yaml"
COMMAND = [sys.executable, "-m", "pubkit", "build", BOOK, "--format", "epub", "--format", "print-pdf", "-j", "2", "--quiet"]


def start(root: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen(COMMAND, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own process group: the layout workers die with it


def check_outputs(root: Path) -> None:
    """Every output there is whole: the EPUB a valid zip, each PDF readable to its end."""
    for path in (root / "build/the-apparatus").rglob("*"):
        if not path.is_file() or path.name.endswith(".part"):
            continue  # a killed build's temporary file: never an output, removed when stale
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                assert epub.testzip() is None and epub.namelist()[0] == "mimetype", path
        elif path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) > 0, path
        elif path.suffix == ".jpg":
            assert path.read_bytes()[-2:] == b"\xff\xd9", path


def check_cache(root: Path) -> None:
    for path in (root / "build/.cache").rglob("*"):
        if path.is_file() and not path.name.endswith(".part") and path.parent.parent.name != "templates" \
                and path.parent.name not in ("templates", "cover"):
            with open(path, "rb") as record:
                pickle.load(record)  # whole, or it would not be there


def outputs(root: Path) -> dict[str, bytes]:
    folder = root / "build/the-apparatus"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".part")}


def test_a_build_killed_at_random_moments_never_leaves_a_broken_file(tmp_path):
    root = tmp_path / "project"
    copy_samples(root / "books")
    chapter = root / "books/texts/the-apparatus/03-the-struggle.md"
    if not chapter.exists():
        chapter = sorted((root / "books/texts/the-apparatus").glob("0*.md"))[-1]
    rng = random.Random(1917)
    finished = 0
    for round_ in range(ROUNDS):
        if rng.random() < 0.5:  # an editor's change, so that the build has work left to do
            chapter.write_text(chapter.read_text() + f"\nA sentence added in round {round_}.\n")
        build = start(root)
        time.sleep(rng.uniform(0.05, 3.0))
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
        else:
            finished += 1
            assert build.returncode == 0, build.stderr.read().decode()
        build.wait()
        check_outputs(root)
        check_cache(root)
    assert finished < ROUNDS, "no build was ever killed: the delays are too long for this machine"

    build = start(root)
    assert build.wait(timeout=600) == 0, build.stderr.read().decode()
    check_outputs(root)
    after_kills = outputs(root)
    clean = tmp_path / "clean"
    shutil.copytree(root / "books", clean / "books")
    build = start(clean)
    assert build.wait(timeout=600) == 0, build.stderr.read().decode()
    assert after_kills == outputs(clean)
