"""A stopped build stops everything it started (issue 19): SIGTERM (CI systems, `timeout`,
systemd), SIGHUP (a closed terminal) and SIGKILL sent to a `-j 2` build while it lays out leave
no pubkit process behind, and no partial output. Only the build's own process is signalled, as
`timeout` and `kill PID` do: its workers must notice by themselves."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from test_kill import check_outputs

BOOK = "books/the-apparatus.yaml"
COMMAND = [sys.executable, "-m", "pubkit", "build", BOOK, "--format", "epub", "--format", "print-pdf", "-j", "2", "--quiet"]


def session_processes(session: int) -> list[tuple[int, str]]:
    """The live processes of a session (zombies, already ended, are left out): (pid, state)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) ": state, ppid, pgrp, session
        if int(fields[3]) == session and fields[0] != "Z":
            found.append((int(entry.name), fields[0]))
    return found


def start_layout(root: Path) -> subprocess.Popen:
    """A -j 2 build in a session of its own, returned once both workers are laying out. Its
    messages go to a file: a worker left behind would hold a pipe open, and reading it would hang."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with open(root / "stderr.txt", "wb") as stderr:
        build = subprocess.Popen(COMMAND, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                 start_new_session=True)
    deadline = time.monotonic() + 60
    while len(session_processes(build.pid)) < 3 and build.poll() is None:  # the build and its two workers
        assert time.monotonic() < deadline, "the build started no workers"
        time.sleep(0.05)
    time.sleep(1.5)  # WeasyPrint imported: the workers are laying out
    assert build.poll() is None, "the build ended before it could be stopped"
    return build


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see which processes are left (Linux)")
    root = tmp_path_factory.mktemp("stop")
    shutil.copytree(ROOT / "books", root / "books")
    return root


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_a_stopped_build_leaves_no_process_and_no_partial_output(project, how):
    shutil.rmtree(project / "build", ignore_errors=True)
    build = start_layout(project)
    build.send_signal(how)
    code = build.wait(timeout=30)
    stderr = (project / "stderr.txt").read_text()
    deadline = time.monotonic() + 5
    while session_processes(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(build.pid) == [], f"left behind after {how.name}"
    check_outputs(project)
    if how is signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:  # an orderly stop: one line, the signal's exit status, no temporary file left among the outputs
        assert code == 128 + how, stderr
        assert stderr.strip().splitlines()[-1] == f"pubkit: stopped ({how.name}); the outputs are as they were"
        assert "Traceback" not in stderr
        assert [p for p in (project / "build/the-apparatus").rglob("*.part")] == []
