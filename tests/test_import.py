"""`pubkit import`: pages written for these tests (tests/fixtures/pages), imported from files and
over HTTP from a server on 127.0.0.1, then built and checked like any text."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FIXTURES, png_bytes
from pubkit.cli import main
from pubkit.importer.decode import decode_html
from pubkit.importer.fetch import Fetcher, ImportFailure

PAGES = FIXTURES / "pages"


@pytest.fixture
def pages(tmp_path) -> Path:
    """The test pages, with the images they show."""
    folder = tmp_path / "web"
    shutil.copytree(PAGES, folder)
    for name in ("img/hall.png", "pamphlet/img/tannery.png"):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(png_bytes(64, 40))
    return folder


class Site:
    """The pages over HTTP; what each request asked for is kept (path, User-Agent, time)."""

    def __init__(self, folder: Path):
        self.folder, self.requests, self.slow = folder, [], set()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append((self.path, self.headers.get("User-Agent"), time.monotonic()))
                path = self.path.split("?")[0].split("#")[0]
                if path in site.slow:
                    time.sleep(2)
                if path == "/huge.html":
                    return self._send(200, "text/html", b"<html><body>" + b"x " * 11_000_000 + b"</body></html>")
                target = site.folder / path.lstrip("/")
                if not target.is_file():
                    return self._send(404, "text/html", b"<html><body>Not found</body></html>")
                kind = "text/html" if target.suffix in (".htm", ".html") else "image/png" if target.suffix == ".png" else "application/pdf"
                self._send(200, kind, target.read_bytes())

            def _send(self, status, kind, data):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(pages):
    served = Site(pages)
    yield served
    served.close()


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """No pause between requests in tests but where a test asks for one."""
    monkeypatch.setattr(Fetcher, "delay", 0.0)


def pubkit(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err
    finally:
        os.chdir(cwd)


def front(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text().split("---\n")[1])


# --- a news site's article ----------------------------------------------------------------------


def test_an_article_from_a_news_site_keeps_the_article_its_metadata_and_its_notes(tmp_path, site, capsys):
    code, out, err = pubkit(tmp_path, "import", f"{site.base}/cms-article.html", "--into", "books/texts/news", capsys=capsys)
    assert code == 0, err
    text = tmp_path / "books/texts/news/why-the-congress-was-postponed.md"
    meta = front(text)
    assert meta["title"] == "Why the Congress Was Postponed"
    assert meta["authors"] == ["Rosa Villanueva"]
    assert meta["date"] == "2024-02-19" and meta["source"] == "The Weekly Organiser"
    assert meta["url"] == f"{site.base}/cms-article.html"
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d from {re.escape(site.base)}/cms-article.html", meta["imported"])
    body = text.read_text().split("---\n", 2)[2]
    for chrome in ("Donate", "Share on Social", "Related articles", "Another piece", "Comments", "Privacy", "Newsletter",
                   "The Weekly Organiser", "19 February 2024", "By Rosa"):
        assert chrome not in body, chrome
    assert "## The first postponement" in body and "> A congress that is always about to meet" in body
    assert "*real*" in body and "who decides?" in body
    assert body.count("[^1]") == 2 and body.count("[^2]") == 2  # call and definition
    assert "[^1]: The three dates are taken from the circulars kept in the district archive." in body
    assert "↩" not in body and "## Notes" not in body
    assert "![The empty congress hall, chairs stacked against the wall](images/hall.png)" in body
    assert (tmp_path / "books/texts/news/images/hall.png").read_bytes() == (site.folder / "img/hall.png").read_bytes()
    assert "pixel" not in body and "tracker" not in body
    assert all(ua == site.requests[0][1] and ua.startswith("pubkit/") for _, ua, _ in site.requests)


def test_scripts_trackers_frames_forms_and_event_attributes_never_reach_the_text(tmp_path, site, capsys):
    code, _, err = pubkit(tmp_path, "import", f"{site.base}/tracked.html", "--into", "books/texts/t", capsys=capsys)
    assert code == 0, err
    text = (tmp_path / "books/texts/t/a-page-full-of-trackers.md").read_text()
    for bad in ("script", "alert", "injected", "iframe", "noscript", "beacon.gif", "onclick", "onmouseover", "steal",
                "javascript:", "password", "Log in", "swf", "<img", "tracker.example", "phish"):
        assert bad not in text, bad
    assert "A link that runs code keeps only its words" in text
    assert "[a real link](https://example.org/real)" in text
    assert [p for p, _, _ in site.requests] == ["/tracked.html"]  # nothing the page loads was fetched


# --- a pamphlet from an archive, whole -------------------------------------------------------------


@pytest.fixture
def pamphlet(tmp_path, site, capsys):
    code, out, err = pubkit(tmp_path, "import", "--book", f"{site.base}/pamphlet/index.htm", "--into",
                            "books/texts/committees", capsys=capsys)
    assert code == 0, err
    return tmp_path, err


def test_a_contents_page_becomes_texts_in_order_and_a_manifest(pamphlet, site):
    root, err = pamphlet
    folder = root / "books/texts/committees"
    names = sorted(p.name for p in folder.glob("*.md"))
    assert names == ["01-author-s-preface.md", "02-chapter-1-the-committees-of-1917.md", "03-chapter-2-the-offices-arrive.md",
                     "04-chapter-3-appointment-from-above.md", "05-chapter-4-what-can-be-done.md", "06-appendix-two-circulars.md"]
    fetched = [p for p, _, _ in site.requests]
    assert "/other/ch01.htm" not in fetched and "/index.htm" not in fetched  # same work only
    assert fetched.count("/pamphlet/ch02.htm") == 1 and fetched.count("/pamphlet/notes.htm") == 1  # each page once
    import yaml

    manifest = yaml.safe_load((root / "books/committees.yaml").read_text())
    assert manifest["title"] == "The Committees and the Offices"
    assert manifest["subtitle"] == "A Pamphlet in Four Chapters"
    assert manifest["creators"] == [{"name": "Anton Berezin", "role": "author"}, {"name": "Hélène Duclos", "role": "translator"}]
    assert manifest["language"] == "en"
    assert manifest["description"].startswith("A pamphlet on how the elected committees")
    assert manifest["front"] == ["halftitle", "titlepage", "copyright", "contents", {"preface": "texts/committees/01-author-s-preface.md"}]
    assert manifest["body"] == [f"texts/committees/{n}" for n in names[1:5]]
    assert manifest["back"] == [{"appendix": "texts/committees/06-appendix-two-circulars.md"}, "notes"]
    preface = front(folder / "01-author-s-preface.md")
    assert preface["translator"] == "Hélène Duclos" and preface["date"] == "February 1926"
    assert preface["source"] == "Geneva, Éditions du Réveil, 1926"  # 'First Published:', no mojibake


def test_every_notes_convention_becomes_footnotes(pamphlet):
    root, err = pamphlet
    folder = root / "books/texts/committees"
    read = lambda n: next(folder.glob(f"{n}-*.md")).read_text().split("---\n", 2)[2]  # noqa: E731
    expected = {"01": ["1"], "02": ["1", "2"], "03": ["1"], "04": ["1", "A", "2"], "05": ["1"]}
    for number, labels in expected.items():
        body = read(number)
        assert re.findall(r"^\[\^([^\]]+)\]:", body, re.M) == labels, number
        for label in labels:
            assert f"[^{label}]" in body.split(f"[^{label}]:")[0], (number, label)  # called before defined
        assert not re.search(r"\[\\?\[\d\\?\]\]\(", body)  # no superscript links left
    assert "[^1]: The practice is described in the minutes of the Vyborg district" in read("02")  # from the notes page
    assert "[^1]: On supply in the civil war" in read("03")  # fw.../bk... ids
    assert "[^A]: The author’s note" in read("04") or "[^A]: The author's note" in read("04")  # lettered beside numbered
    assert "## Notes" not in read("05") and "[^1]: The right of recall" in read("05")  # a Notes section at the end
    assert "<sup>\\[9\\]</sup>" in read("04")  # no definition: the number stays as text ...
    assert re.search(r"warning\[I020\]: the note \[9\] \(#n9\)", err)  # ... with a warning naming it


def test_structure_links_and_text_hygiene(pamphlet):
    root, err = pamphlet
    folder = root / "books/texts/committees"
    read = lambda n: next(folder.glob(f"{n}-*.md")).read_text()  # noqa: E731
    chapter1, chapter2, chapter3, chapter4 = read("02"), read("03"), read("04"), read("05")
    for text in (chapter1, chapter2, chapter3, chapter4):
        assert "Works Index" not in text and "Backward" not in text and "Forward" not in text
        assert "Anton Berezin\n\n" not in text and "First Published" not in text
        assert "# Chapter" not in text  # the chapter's title is the text's title
    assert "## The workshop meeting" in chapter1
    assert "- Minutes were read aloud, *in full*, at the next one." in chapter1
    assert "| Year | Committees | Meetings a month |" in chapter1 and "| 1921 | 64 | 2 |" in chapter1
    assert "## The first circulars {#s1}" in chapter2  # the contents page links it
    assert "[the meeting of the tannery](04-chapter-3-appointment-from-above.md#p5)" in chapter2
    assert '<a id="p5"></a>At the tannery' in chapter3
    assert "::: verse\nThe office writes, the committee reads,\nThe committee writes, the office heeds;" in chapter2
    assert "café" in chapter3 and "Ã" not in chapter3  # declared UTF-8, written in ISO-8859-1
    assert "![The tannery yard in winter.](images/tannery.png)" in chapter3  # alt from the caption
    assert "the committees\nmust" not in chapter4 and "the committees must keep" in chapter4  # small caps as words
    assert "committee" in chapter4 and "\u00ad" not in chapter4 and "\u00a0" not in chapter4
    assert "Everything else — the elections" in chapter4
    assert "’" in read("01")  # typographer's quotes as they were


def test_the_imported_pamphlet_builds_as_it_is_and_passes_epubcheck(pamphlet, capsys):
    root, _ = pamphlet
    if shutil.which("java") is None:
        from conftest import unavailable

        unavailable("EPUBCheck needs a Java runtime (see .ci/run)")
    code, out, err = pubkit(root, "build", "books/committees.yaml", "--format", "epub", "--check", "--strict", capsys=capsys)
    assert code == 0, err  # --strict: not even a warning, from pubkit or from EPUBCheck
    assert (root / "build/committees/committees.epub").is_file()


def test_the_imported_texts_pass_ace(pamphlet, tmp_path):
    from test_accessibility import ace_failures

    from conftest import build_in

    root, _ = pamphlet
    assert build_in(root, "books/committees.yaml", "--format", "epub") == 0
    assert ace_failures(root / "build/committees/committees.epub", tmp_path / "ace") == []


# --- nothing an editor wrote is lost ----------------------------------------------------------------


def test_reimport_refuses_to_overwrite_an_edited_text(tmp_path, site, capsys):
    url = f"{site.base}/pamphlet/ch04.htm"
    assert pubkit(tmp_path, "import", url, "--into", "books/texts/c", capsys=capsys)[0] == 0
    text = tmp_path / "books/texts/c/chapter-4-what-can-be-done.md"
    assert pubkit(tmp_path, "import", url, "--into", "books/texts/c", capsys=capsys)[0] == 0  # unchanged: fine
    edited = text.read_text().replace("What can be done", "What must be done")
    text.write_text(edited)
    code, _, err = pubkit(tmp_path, "import", url, "--into", "books/texts/c", capsys=capsys)
    assert code == 1 and f"{url}: error[I010]: expected to write books/texts/c/chapter-4-what-can-be-done.md, found a file that was edited" in err
    assert text.read_text() == edited
    code, _, err = pubkit(tmp_path, "import", url, "--into", "books/texts/c", "--update", capsys=capsys)
    assert code == 0 and "warning[I011]" in err and text.read_text() == edited
    code, _, err = pubkit(tmp_path, "import", url, "--into", "books/texts/c", "--force", capsys=capsys)
    assert code == 0 and "What can be done" in text.read_text()


def test_a_file_the_editor_wrote_is_never_taken_for_an_import(tmp_path, site, capsys):
    own = tmp_path / "books/texts/c/chapter-4-what-can-be-done.md"
    own.parent.mkdir(parents=True)
    own.write_text("---\ntitle: Mine\n---\n\nMy own words.\n")
    code, _, err = pubkit(tmp_path, "import", f"{site.base}/pamphlet/ch04.htm", "--into", "books/texts/c", capsys=capsys)
    assert code == 1 and "is not one pubkit imported" in err
    assert own.read_text().endswith("My own words.\n")


def test_failures_are_reported_per_source_and_the_others_go_on(tmp_path, site, capsys):
    (site.folder / "empty.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (site.folder / "report.pdf").write_bytes(b"%PDF-1.4")
    sources = [f"{site.base}/missing.html", f"{site.base}/report.pdf", f"{site.base}/empty.html",
               f"{site.base}/huge.html", f"{site.base}/pamphlet/ch01.htm", "ftp://example.org/x.html"]
    before = set(p for p in tmp_path.rglob("*"))
    code, out, err = pubkit(tmp_path, "import", *sources, "--into", "books/texts/mixed", capsys=capsys)
    assert code == 1
    assert f"{site.base}/missing.html: error[I002]: expected the page, found HTTP 404" in err
    assert f"{site.base}/report.pdf: error[I003]: expected an HTML page, found application/pdf" in err
    assert f"{site.base}/empty.html: error[I006]: expected an article" in err
    assert f"{site.base}/huge.html: error[I004]: expected a page of at most 20.0 MB, found 22.0 MB" in err
    assert "ftp://example.org/x.html: error[I001]" in err
    assert "Traceback" not in err
    written = sorted(p.name for p in (tmp_path / "books/texts/mixed").glob("*.md"))
    assert written == ["05-chapter-1-the-committees-of-1917.md"]  # only the one that worked
    assert set(p for p in tmp_path.rglob("*")) - before <= {tmp_path / "books", tmp_path / "books/texts",
                                                            tmp_path / "books/texts/mixed", *((tmp_path / "books/texts/mixed").iterdir())}


def test_size_limit_timeout_retries_and_politeness(site):
    with pytest.raises(ImportFailure) as failure:
        Fetcher(max_bytes=1_000_000).get(f"{site.base}/huge.html")
    assert failure.value.code == "I004"
    site.slow.add("/cms-article.html")
    started = time.monotonic()
    with pytest.raises(ImportFailure) as failure:
        Fetcher(timeout=0.3, retries=1).get(f"{site.base}/cms-article.html")
    assert failure.value.code == "I002" and "no answer in time (after 2 tries)" in failure.value.message
    assert time.monotonic() - started < 6
    site.requests.clear()
    site.slow.clear()
    fetcher = Fetcher(delay=0.4)
    for name in ("cms-article.html", "tracked.html", "pamphlet/ch01.htm"):
        fetcher.get(f"{site.base}/{name}")
    times = [t for _, _, t in site.requests]
    assert all(b - a >= 0.35 for a, b in zip(times, times[1:]))  # a pause between two requests to one host


def test_offline_refuses_addresses_and_imports_saved_pages(tmp_path, pages, capsys):
    code, _, err = pubkit(tmp_path, "import", "https://example.org/a.html", "--into", "books/texts/o", "--offline", capsys=capsys)
    assert code == 1 and "https://example.org/a.html: error[I005]" in err
    code, out, err = pubkit(tmp_path, "import", str(pages / "pamphlet"), "--into", "books/texts/o", "--offline", capsys=capsys)
    assert code == 0, err  # a folder of saved pages, each a text
    assert len(list((tmp_path / "books/texts/o").glob("*.md"))) == 8
    code, _, err = pubkit(tmp_path, "import", str(pages / "cms-article.html"), "--into", "books/texts/s", capsys=capsys)
    assert front(tmp_path / "books/texts/s/why-the-congress-was-postponed.md")["url"] == \
        "https://organiser.example/2024/why-the-congress-was-postponed"  # a saved page's own address


@pytest.mark.parametrize("declared, encoding", [("iso-8859-1", "utf-8"), ("utf-8", "iso-8859-1"), (None, "cp1252"),
                                                ("windows-1251", "windows-1251")])
def test_the_real_encoding_wins_over_the_declared_one(declared, encoding):
    words = {"windows-1251": "Письма из провинции", "iso-8859-1": "Éditions du Réveil, « café » naïve"}.get(
        encoding, "Éditions du Réveil — “café” naïve")
    head = f'<meta charset="{declared}">' if declared else ""
    data = f"<html><head>{head}</head><body><p>{words} and a few more words to read.</p></body></html>".encode(encoding)
    text = decode_html(data, None)
    assert words in text and "Ã" not in text


def test_imported_articles_build_into_an_epub_that_passes_epubcheck_and_ace(tmp_path, site, capsys):
    from test_accessibility import ace_failures

    from conftest import unavailable

    sources = [f"{site.base}/cms-article.html", f"{site.base}/tracked.html"]
    assert pubkit(tmp_path, "import", *sources, "--into", "books/texts/news", capsys=capsys)[0] == 0
    (tmp_path / "books/news.yaml").write_text(
        "title: Articles\ncreators: [{name: The Editors, role: editor}]\nlanguage: en\ndate: 2026-01-01\n"
        "front: [titlepage, contents]\nbody: [texts/news/*.md]\nback: [notes]\n")
    if shutil.which("java") is None:
        unavailable("EPUBCheck needs a Java runtime (see .ci/run)")
    code, _, err = pubkit(tmp_path, "build", "books/news.yaml", "--format", "epub", "--check", "--strict", capsys=capsys)
    assert code == 0, err
    assert ace_failures(tmp_path / "build/news/news.epub", tmp_path / "ace") == []


def test_a_contents_page_whose_pages_are_all_gone_is_an_error(tmp_path, capsys):
    """Each missing page is a warning (a moved page, the others make the book); none there at all
    is no book: an error, and no manifest."""
    work = tmp_path / "web/work"
    work.mkdir(parents=True)
    (work / "index.htm").write_text("<html><body><h1>A Work</h1><p><a href='ch01.htm'>Chapter One</a></p>"
                                    "<p><a href='ch02.htm'>Chapter Two</a></p></body></html>")
    code, _, err = pubkit(tmp_path, "import", "--book", str(work / "index.htm"), "--into", "books/texts/work", capsys=capsys)
    assert code == 1
    assert err.count("warning[I015]") == 2 and "error[I006]" in err
    assert not (tmp_path / "books/work.yaml").exists()
