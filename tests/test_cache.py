"""The cached build: never stale, never different from a clean build, safe to share.

The staleness test changes one input at a time in a small catalog (two books sharing a text,
the theme copied into the project so that it can be edited) and checks, after each change, that
exactly the outputs the change affects are different, and that every output is byte for byte
what a clean build (an empty cache, another output folder) makes of the same inputs.
"""

from __future__ import annotations

import hashlib
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pubkit.cache import Cache
from pubkit.cli import main

from conftest import ROOT, copy_samples, png_bytes

FORMATS = ("--format", "epub", "--format", "print-pdf")
BOOK = """
title: {title}
creators: [{{name: Ann Author, role: author}}]
language: en
date: 2024-01-02
front: [titlepage, contents]
body:
  - texts/{own}.md
  - texts/shared.md
"""


def run(root: Path, *args: str) -> int:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return main(["build", *FORMATS, *args])
    finally:
        os.chdir(cwd)


def outputs(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.parts}


@pytest.fixture
def catalog(tmp_path):
    root = tmp_path / "project"
    (root / "books/texts/images").mkdir(parents=True)
    shutil.copytree(ROOT / "themes/classic", root / "themes/classic")
    (root / "books/a.yaml").write_text(BOOK.format(title="Book A", own="one"))
    (root / "books/b.yaml").write_text(BOOK.format(title="Book B", own="two"))
    (root / "books/texts/one.md").write_text("# One\n\nWords of one, with a map.\n\n![A map](images/map.png)\n")
    (root / "books/texts/two.md").write_text("# Two\n\nWords of two.\n")
    (root / "books/texts/shared.md").write_text("# Shared\n\nWords both books print.\n")
    (root / "books/texts/images/map.png").write_bytes(png_bytes(8, 8))
    assert run(root) == 0
    return root


def clean_build(root: Path, scratch: Path) -> dict[str, str]:
    """The same inputs built from nothing: a copy of the project, no cache."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("build"))
    assert run(scratch) == 0
    return outputs(scratch / "build")


A = {"a/a.epub", "a/a-print.pdf", "a/a-cover.jpg"}
B = {"b/b.epub", "b/b-print.pdf", "b/b-cover.jpg"}
EPUBS = {"a/a.epub", "b/b.epub"}
PDFS = {"a/a-print.pdf", "b/b-print.pdf"}
COVERS = {"a/a-cover.jpg", "b/b-cover.jpg"}


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


CHANGES = {
    # name: (what to do to the project, the outputs that must change)
    "a text": (lambda r: edit(r / "books/texts/one.md", "Words of one", "Words of the first"), {"a/a.epub", "a/a-print.pdf"}),
    "a shared text": (lambda r: edit(r / "books/texts/shared.md", "both books", "each book"), EPUBS | PDFS),
    "an image": (lambda r: (r / "books/texts/images/map.png").write_bytes(png_bytes(9, 8)), {"a/a.epub", "a/a-print.pdf"}),
    "a template": (lambda r: edit(r / "themes/classic/templates/section.html", "{{ section.title_html|safe }}</h1>",
                                  "§ {{ section.title_html|safe }}</h1>"), EPUBS | PDFS),
    "an EPUB stylesheet": (lambda r: edit(r / "themes/classic/css/epub.css", "body { margin: 0 0.5em; }",
                                          "body { margin: 0 0.6em; }"), EPUBS),
    "a paged stylesheet": (lambda r: edit(r / "themes/classic/css/paged.css", "html { font-size: 10.5pt;",
                                          "html { font-size: 10pt;"), PDFS),
    "a font file": (lambda r: shutil.copy(r / "themes/classic/fonts/CharisSIL-Italic.ttf",
                                          r / "themes/classic/fonts/CharisSIL-Regular.ttf"), EPUBS | PDFS | COVERS),
    "theme.yaml": (lambda r: edit(r / "themes/classic/theme.yaml", "chapter_labels: false", "chapter_labels: true"),
                   EPUBS | PDFS),
    "a book's own theme folder, added": (
        lambda r: (r / "books/a.theme/css").mkdir(parents=True) or (r / "books/a.theme/css/epub.css").write_text(
            "body { margin: 0 1em; }\nimg { max-width: 100%; }\n"), {"a/a.epub"}),
    "a manifest setting": (lambda r: edit(r / "books/b.yaml", "date: 2024-01-02", "date: 2024-01-02\nprint: {trim: 5x8in}"),
                           {"b/b-print.pdf"}),
}


def test_each_change_changes_exactly_the_outputs_it_affects(catalog, tmp_path):
    before = outputs(catalog / "build")
    assert set(before) == A | B
    for name, (change, affected) in CHANGES.items():
        change(catalog)
        assert run(catalog) == 0, name
        after = outputs(catalog / "build")
        changed = {path for path in after if after[path] != before.get(path)}
        assert changed == affected, name
        assert after == clean_build(catalog, tmp_path / "clean"), name
        before = after
    # the book's own folder removed: its EPUB is what it was before the folder came
    shutil.rmtree(catalog / "books/a.theme")
    assert run(catalog) == 0
    after = outputs(catalog / "build")
    assert {path for path in after if after[path] != before[path]} == {"a/a.epub"}
    assert after == clean_build(catalog, tmp_path / "clean")


def test_a_new_version_of_pubkit_uses_nothing_it_did_not_make(catalog, monkeypatch, capsys):
    before = outputs(catalog / "build")
    capsys.readouterr()
    assert run(catalog) == 0
    assert "(0 made, 6 from the cache)" in capsys.readouterr().out
    monkeypatch.setattr("pubkit.__version__", "99.0")
    assert run(catalog) == 0
    assert "(6 made, 0 from the cache)" in capsys.readouterr().out
    assert outputs(catalog / "build") == before  # the same bytes: pubkit's version is not in them


def test_the_cache_survives_being_moved_and_clean_empties_it(catalog, tmp_path, capsys):
    moved = tmp_path / "elsewhere/project"
    shutil.copytree(catalog, moved)
    capsys.readouterr()
    assert run(moved) == 0
    assert "(0 made, 6 from the cache)" in capsys.readouterr().out  # no absolute path in any key
    cwd = os.getcwd()
    os.chdir(moved)
    try:
        assert main(["clean"]) == 0
    finally:
        os.chdir(cwd)
    assert not (moved / "build/.cache").exists()
    assert "removed the cache at build/.cache" in capsys.readouterr().out


def test_a_copy_of_the_project_checks_its_own_images(catalog, tmp_path, capsys):
    """A copy of a project keeps the original's cache; an image changed in the copy (the original
    still there, unchanged) must be what the copy's outputs hold."""
    copy = tmp_path / "second-edition"
    shutil.copytree(catalog, copy)
    (copy / "books/texts/images/map.png").write_bytes(png_bytes(16, 16))
    assert run(copy) == 0
    assert outputs(copy / "build") == clean_build(copy, tmp_path / "clean")
    assert outputs(copy / "build") != outputs(catalog / "build")


def test_one_job_and_several_print_and_write_the_same(tmp_path):
    """-j 1 and -j 4 over the samples (warnings included): the same lines, messages and bytes."""
    results = []
    for jobs in ("1", "4"):
        root = tmp_path / f"j{jobs}"
        copy_samples(root / "books")
        text = root / "books/texts/dispatches/01-the-price-of-bread.md"
        text.write_text(text.read_text() + "\nSee [nothing](#nowhere).\n")  # a warning
        run_ = subprocess.run([sys.executable, "-m", "pubkit", "build", "-j", jobs], cwd=root, capture_output=True,
                              text=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
        lines = [line for line in run_.stdout.splitlines() if not line.startswith("pubkit: ")]  # the last has a time
        results.append((run_.returncode, lines, run_.stderr, outputs(root / "build")))
    assert results[0] == results[1]
    assert results[0][0] == 0 and "warning[X201]" in results[0][2]


def test_two_builds_at_once_share_the_cache_safely(catalog, tmp_path):
    edit(catalog / "books/texts/shared.md", "both books", "two books at once")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    command = [sys.executable, "-m", "pubkit", "build", *FORMATS, "-j", "2"]
    runs = [subprocess.Popen(command, cwd=catalog, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=600) for p in runs] == [0, 0], [p.stderr.read() for p in runs]
    assert outputs(catalog / "build") == clean_build(catalog, tmp_path / "clean")
    cache = Cache(catalog / "build/.cache")
    records = [p.relative_to(cache.folder).parts for p in cache.folder.rglob("*") if p.is_file()]
    records = [(kind, key) for kind, *middle, key in records if middle and middle[0] == key[:2]]  # <kind>/<ab>/<key>
    assert len(records) > 10 and all(cache.get(kind, key) is not None for kind, key in records)
    assert not [p for p in cache.folder.rglob("*") if p.name.endswith((".part", ".tmp"))]
    assert not list((catalog / "build").rglob("*.part"))


def test_a_damaged_cache_record_is_made_again(catalog, capsys):
    for record in (catalog / "build/.cache/file").rglob("*"):
        if record.is_file():
            record.write_bytes(record.read_bytes()[:10])  # as a build killed mid-write would never leave it
    for record in (catalog / "build/.cache/book").rglob("*"):
        if record.is_file():
            record.unlink()
    before = outputs(catalog / "build")
    capsys.readouterr()
    assert run(catalog) == 0
    assert outputs(catalog / "build") == before


def test_the_cache_is_pruned_oldest_first(tmp_path):
    cache = Cache(tmp_path / "cache", limit=10_000)
    for n in range(8):
        cache.put("file", f"{n:064x}", os.urandom(2_000))
        os.utime(cache._path("file", f"{n:064x}"), (1_000_000 + n, 1_000_000 + n))
    cache.get("file", f"{0:064x}")  # used now: the newest
    cache.prune()
    kept = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert cache.size() <= 8_000 and f"{0:064x}" in kept and f"{1:064x}" not in kept


def test_shards_split_the_books_between_them(tmp_path):
    from pubkit.build import shard

    books = [tmp_path / f"book-{n}.yaml" for n in range(20)]
    shares = [shard(books, k, 3) for k in (1, 2, 3)]
    assert sorted(p for share in shares for p in share) == sorted(books)  # each book in one shard
    assert all(share for share in shares) and shard(books, 2, 3) == shares[1]


def test_check_reports_what_a_build_would_without_writing(project, capsys):
    project.write({"books/a.yaml": BOOK.format(title="A", own="one"),
                   "books/texts/one.md": "# One\n\nSee [nowhere](#gone) and 漢.\n", "books/texts/shared.md": "# S\n"})
    capsys.readouterr()
    assert main(["check", "books/a.yaml"]) == 0
    checked = capsys.readouterr().err
    assert not (project.root / "build/a").exists()
    assert main(["build", "books/a.yaml", "--format", "epub", "--quiet"]) == 0
    built = capsys.readouterr().err
    assert "warning[X201]" in checked and "F001" not in checked  # 漢: the theme's Chinese font has it
    assert checked == built  # the same messages, in the same order
    assert main(["check", "books/a.yaml", "--pod", "kdp"]) == 0  # what the vendor asks, before layout
    assert "books/a.yaml: warning[C001]: no print ISBN (isbn.print)" in capsys.readouterr().err
    (project.root / "books/texts/one.md").write_text("# One\n\nA claim.[^missing]\n")
    assert main(["check", "books/a.yaml"]) == 1


def test_progress_is_live_on_a_terminal_and_plain_elsewhere(catalog):
    edit(catalog / "books/texts/two.md", "Words", "Other words")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TERM="xterm")
    piped = subprocess.run([sys.executable, "-m", "pubkit", "build", *FORMATS], cwd=catalog, env=env,
                           capture_output=True, text=True)
    assert piped.returncode == 0 and "\x1b" not in piped.stdout + piped.stderr
    assert "built build/b/b.epub" in piped.stdout and "from the cache" in piped.stdout
    edit(catalog / "books/texts/two.md", "Other words", "Still other words")
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "pubkit", "build", *FORMATS], cwd=catalog, env=env,
                               stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=600) == 0
    os.close(leader)
    assert b"\x1b[" in seen and b"b.epub" in seen  # a live display, then the plain lines


def test_check_runs_epubcheck_after_a_build_without_it(catalog, monkeypatch):
    """`--check` after a plain build validates the EPUB: the EPUB's cached record holds no verdict
    (it once did come from the cache, and EPUBCheck never ran)."""
    import pubkit.checks.epubcheck as epubcheck

    checked = []
    monkeypatch.setattr(epubcheck, "run_epubcheck", lambda path: checked.append(path.name) or ([], ""))
    assert run(catalog, "books/a.yaml", "--check") == 0
    assert len(checked) == 1 and checked[0].endswith(".epub")


def test_two_builds_checking_the_same_epub_at_once_each_keep_their_copy(tmp_path, monkeypatch):
    """Two builds at once with --check stage the same EPUB for EPUBCheck: the first to finish must
    not take the second one's copy away while its EPUBCheck still reads it. (EPUBCheck here is a
    stand-in that holds the file as the real one does, long enough for the other to finish.)"""
    import threading

    import pubkit.checks.epubcheck as epubcheck
    from pubkit.fingerprint import Fingerprints
    from pubkit.services import Services
    from pubkit.workers import Workers

    first_done, gone = threading.Event(), []

    def epubcheck_reading(path: Path):
        if threading.current_thread().name == "second":
            first_done.wait(10)  # the other build's check has finished by now
        gone.append(not path.is_file())
        return [], ""

    monkeypatch.setattr(epubcheck, "run_epubcheck", epubcheck_reading)
    services = [Services(Cache(tmp_path / ".cache"), Fingerprints(), Workers(1), tmp_path, True) for _ in range(2)]

    def check(n: int) -> None:
        services[n].check_epub(b"the same EPUB's bytes", Path("book/book.epub"))
        if n == 0:
            first_done.set()

    threads = [threading.Thread(target=check, args=(n,), name=name) for n, name in enumerate(("first", "second"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert gone == [False, False]
