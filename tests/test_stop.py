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

from conftest import ROOT, copy_samples
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


def start_layout(root: Path, command: list[str] = COMMAND, workers: int = 2) -> subprocess.Popen:
    """A build in a session of its own, returned once its workers are laying out. Its messages go
    to a file: a worker left behind would hold a pipe open, and reading it would hang."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with open(root / "stderr.txt", "wb") as stderr:
        build = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                 start_new_session=True)
    deadline = time.monotonic() + 60
    while len(session_processes(build.pid)) < 1 + workers and build.poll() is None:  # the build and its workers
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
    copy_samples(root / "books")
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


def test_a_stopped_build_of_books_in_turn_stops_at_once(project):
    """With one job, books are made one after another in the build's own thread: SIGTERM during the
    first book's layout stops the build there, and the next book is never begun."""
    shutil.rmtree(project / "build", ignore_errors=True)
    command = [sys.executable, "-m", "pubkit", "build", BOOK, "books/dispatches.yaml", "--format", "print-pdf",
               "-j", "1", "--quiet"]
    build = start_layout(project, command, workers=1)
    build.send_signal(signal.SIGTERM)
    code = build.wait(timeout=30)
    assert code == 128 + signal.SIGTERM, (project / "stderr.txt").read_text()
    assert not (project / "build/dispatches").exists(), "the next book was made after the stop"


def test_a_killed_server_leaves_no_rebuild_behind(tmp_path):
    """`pubkit serve` killed outright while a rebuild lays out a PDF: the rebuild, and its worker,
    end with it (the parent-death signal asks the rebuild for an orderly stop)."""
    from test_site import free_port, raw_get

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    # long enough that its screen PDF takes longer to lay out than the 5 seconds allowed below
    generate(tmp_path / "books", words=50000, chapters=4)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with open(tmp_path / "serve.txt", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "pubkit", "serve", "--port", str(port), "-j", "1"], cwd=tmp_path,
                                  stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not _answers(raw_get, port):
            assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "serve.txt").read_text()
            time.sleep(0.3)
        text = tmp_path / "books/texts/ch01.md"
        text.write_text(text.read_text() + "\nA sentence added.\n")  # the web edition, then the downloads
        deadline = time.monotonic() + 60
        while not _laying_out(server.pid):
            assert time.monotonic() < deadline, "no rebuild laid a PDF out"
            time.sleep(0.05)
        server.kill()
        server.wait(timeout=30)
        deadline = time.monotonic() + 5
        while session_processes(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert session_processes(server.pid) == []
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _answers(raw_get, port: int) -> bool:
    try:
        return raw_get(port, "/index.html")[0] == 200
    except OSError:
        return False


def _laying_out(session: int) -> bool:
    """Whether a rebuild of the downloads has a layout worker (a child of the rebuild) running."""
    commands = {pid: (Path(f"/proc/{pid}/cmdline").read_bytes() if Path(f"/proc/{pid}").exists() else b"")
                for pid, _ in session_processes(session)}
    return sum(b"--format=screen-pdf" in command for command in commands.values()) >= 2  # the rebuild and its worker
