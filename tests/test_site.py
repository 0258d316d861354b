"""`pubkit site` and `pubkit serve`: the readers' catalog, book pages, web editions and feeds,
checked as readers, browsers and reading apps use them."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lxml import etree, html

from conftest import ROOT, copy_samples
from pubkit.cli import main
from sitecheck import axe_script, browser, nu_check, opds1_schema, opds2_validator, served

SAMPLES = ("dispatches", "la-comision", "pisma", "the-apparatus")
ATOM = "{http://www.w3.org/2005/Atom}"
NASTY = """<script>alert("t")</script> & 'quotes' </title>"""


def run_in(root: Path, *args: str) -> int:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return main(list(args))
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    copy_samples(root / "books")
    assert run_in(root, "site", "-j", "2") == 0
    return root


def small_book(root: Path, title: str = NASTY, extra: str = "") -> None:
    """A one-chapter book whose metadata is full of markup characters; it offers its print edition."""
    (root / "books/texts").mkdir(parents=True, exist_ok=True)
    (root / "books/texts/one.md").write_text(
        "---\ntitle: 'A <b>bold</b> & \"quoted\" chapter'\n---\n\nA sentence with a note.[^1]\n\n"
        "[^1]: The note, with <i>markup</i> & an ampersand.\n", encoding="utf-8")
    (root / "books/small.yaml").write_text(
        f"title: {json.dumps(title)}\ncreators: [{{name: {json.dumps('Ann <em>Author</em> & Co')}, role: author}}]\n"
        "language: en\ndate: 2026-03-01\nsubjects: ['Cats & <dogs>']\n"
        f"description: {json.dumps('A line with </script><!-- and & and <img src=x onerror=alert(1)>.')}\n"
        "site: {downloads: [epub, print-pdf]}\nbody: [texts/one.md]\n" + extra, encoding="utf-8")


# --- what the site holds ------------------------------------------------------------------------


def test_site_has_a_page_per_book_term_and_web_edition_and_the_built_files(site):
    out = site / "build/site"
    index = (out / "index.html").read_text()
    for slug in SAMPLES:
        assert f'href="books/{slug}/index.html"' in index
        page = (out / f"books/{slug}/index.html").read_text()
        for name in (f"{slug}.epub", f"{slug}-screen.pdf"):
            data = (site / "build" / slug / name).read_bytes()
            assert (out / f"books/{slug}/{name}").read_bytes() == data
            assert hashlib.sha256(data).hexdigest() in page  # the digest readers can check
        assert not (out / f"books/{slug}/{slug}-print.pdf").exists()  # print editions are for printers
        assert (out / f"books/{slug}/read/index.html").is_file()
        assert (out / f"books/{slug}/cover-thumb.jpg").is_file()
        assert '"@type": "Book"' in page
    # browsable without JavaScript: an index and a page per term, each listing its books
    assert "Historia" in (out / "subjects/index.html").read_text()
    assert "books/pisma/index.html" in (out / "languages/ru.html").read_text()
    assert "books/dispatches/index.html" in (out / "authors/ines-okafor.html").read_text()
    # newest first (by date, then title)
    records = [json.loads((site / f"build/{s}/web/book.json").read_text()) for s in SAMPLES]
    newest = [r["slug"] for r in sorted(records, key=lambda r: (r["date"], r["title"]), reverse=True)]
    assert sorted(SAMPLES, key=lambda s: index.index(f"books/{s}/index.html")) == newest
    # OPDS autodiscovery
    assert 'type="application/atom+xml;profile=opds-catalog;kind=navigation" href="opds/root.xml"' in index
    assert 'type="application/opds+json" href="opds/root.json"' in index



def test_every_file_of_the_site_has_an_ascii_name(site):
    """Hosts, sync and zip tools change or refuse names in other scripts: an author's page is named
    in ASCII (transliterated), while its title and the links to it keep the name as written."""
    out = site / "build/site"
    assert [p.relative_to(out).as_posix() for p in out.rglob("*") if not p.relative_to(out).as_posix().isascii()] == []
    page = (out / "authors/anna-vorontsova.html").read_text()
    assert "<title>Анна Воронцова" in page
    assert '>Анна Воронцова</a>' in (out / "authors/index.html").read_text()

def test_every_local_link_of_every_page_resolves(site):
    out = site / "build/site"
    broken = []
    for page in out.rglob("*.html"):
        tree = html.parse(str(page))
        ids = set(tree.xpath("//@id"))
        for attribute in tree.xpath("//@href | //@src"):
            url = urlparse(attribute)
            if url.scheme or url.netloc:
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: {attribute}")
            elif url.fragment and target == page and url.fragment not in ids:
                broken.append(f"{page.relative_to(out)}: {attribute} (no such id)")
    assert not broken, broken[:20]


def test_no_page_asks_another_host_for_anything(site):
    out = site / "build/site"
    for page in out.rglob("*.html"):
        tree = html.parse(str(page))
        loaded = tree.xpath("//script/@src | //link/@href | //img/@src | //source/@src | //iframe/@src")
        assert not [u for u in loaded if urlparse(u).scheme or u.startswith("//")], page
    for css in out.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text()), css
        assert "@import" not in css.read_text()


def test_web_edition_is_the_books_sections_with_notes_both_ways(site):
    read = site / "build/site/books/dispatches/read"
    page = (read / "who-decides.html").read_text()
    assert "epub:type" not in page and "<?xml" not in page
    note = re.search(r'<a href="#([^"]+)" id="([^"]+)" class="noteref"', page)
    assert note and f'id="{note[1]}"' in page and f'href="#{note[2]}"' in page  # call -> note -> back
    assert 'rel="prev" href="lettre-de-paris.html"' in page and 'rel="next" href="last-letters.html"' in page
    # the same words as the EPUB's chapter
    import zipfile
    with zipfile.ZipFile(site / "build/dispatches/dispatches.epub") as epub:
        chapter = epub.read("EPUB/who-decides.xhtml").decode()
    text = lambda markup: " ".join(html.fromstring(markup).xpath("string(//section)").split())  # noqa: E731
    assert text(page) == text(chapter.split("?>", 1)[1])



def test_a_part_page_of_the_web_edition_lists_its_chapters(site):
    """On the web a part is a page of its own: it links its chapters, in order (the EPUB's part
    page stays a title alone)."""
    page = html.fromstring((site / "build/site/books/the-apparatus/read/part-1.html").read_bytes())
    links = [(a.text_content(), a.get("href")) for a in page.xpath('//nav[contains(@class, "part-contents")]//a')]
    assert links == [("A Revolution Surrounded", "isolation.html"), ("The New Course", "the-new-course.html")]
    import zipfile
    with zipfile.ZipFile(site / "build/the-apparatus/the-apparatus.epub") as epub:
        assert "part-contents" not in epub.read("EPUB/part-1.xhtml").decode()


# --- OPDS ----------------------------------------------------------------------------------------


def feed_files(out: Path, suffix: str) -> list[Path]:
    files = sorted((out / "opds").rglob(f"*{suffix}"))
    assert len(files) >= 9  # root, new, all, three indexes of terms and a feed per term
    return files


def test_opds1_feeds_are_valid_and_complete(site):
    out = site / "build/site"
    schema = opds1_schema()
    for path in feed_files(out, ".xml") + [out / "feed.xml"]:
        feed = etree.parse(str(path))
        assert schema.validate(feed), f"{path.relative_to(out)}: {schema.error_log.last_error}"
        if path.name == "feed.xml":
            continue
        rels = {link.get("rel"): link for link in feed.getroot().findall(f"{ATOM}link")}
        assert {"self", "start"} <= set(rels), path
        for link in feed.iter(f"{ATOM}link"):  # relative addresses that work from the feed's folder
            href = link.get("href")
            assert not urlparse(href).scheme, href
            assert (path.parent / unquote(href)).resolve().is_file(), (path, href)
        for entry in feed.getroot().findall(f"{ATOM}entry"):
            acquisitions = [l for l in entry.findall(f"{ATOM}link") if l.get("rel", "").startswith("http://opds-spec.org/acquisition")]
            kind = rels["self"].get("type")
            if "kind=acquisition" in kind:
                assert acquisitions and all(l.get("type") and l.get("length") for l in acquisitions)
                for link in acquisitions:
                    assert int(link.get("length")) == (path.parent / unquote(link.get("href"))).stat().st_size
                assert entry.find("{http://purl.org/dc/terms/}language") is not None
                assert entry.find(f"{ATOM}link[@rel='http://opds-spec.org/image/thumbnail']") is not None
    root = etree.parse(str(out / "opds/root.xml")).getroot()
    crawlable = root.find(f"{ATOM}link[@rel='http://opds-spec.org/crawlable']")
    complete = etree.parse(str(out / "opds" / crawlable.get("href"))).getroot()
    assert complete.find("{http://purl.org/syndication/history/1.0}complete") is not None
    assert len(complete.findall(f"{ATOM}entry")) == len(SAMPLES)



def test_every_feed_entry_has_what_reading_apps_show(site):
    """What Thorium and other apps read of an entry: an author (editors count, for a book that has
    no author), a cover and a thumbnail (2.0: with their rel and size), a date, an identifier and
    the downloads; the two versions name the same people. Each feed goes up to its menu."""
    out = site / "build/site"
    dc = "{http://purl.org/dc/terms/}"
    for path in feed_files(out, ".xml"):
        feed = etree.parse(str(path)).getroot()
        up = feed.find(f"{ATOM}link[@rel='up']")
        expected_up = None if path.name == "root.xml" else (
            "root.xml" if path.parent.name == "opds" else f"../{path.parent.name}.xml")
        assert (up.get("href") if up is not None else None) == expected_up, path
        twin = json.loads(path.with_suffix(".json").read_text())
        assert {l["rel"]: l["href"] for l in twin["links"]}.get("up") == (expected_up and expected_up[:-4] + ".json")
        publications = {p["metadata"]["identifier"]: p for p in twin.get("publications", ())}
        for entry in feed.findall(f"{ATOM}entry"):
            if entry.find(f"{ATOM}link[@rel='http://opds-spec.org/image']") is None:
                continue  # a navigation entry
            identifier = entry.findtext(f"{ATOM}id")
            authors = [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
            assert authors and entry.findtext(f"{dc}identifier") == identifier
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}published"))
            assert entry.findtext(f"{ATOM}summary") != entry.findtext(f"{ATOM}content")
            publication = publications[identifier]
            assert [a["name"] for a in publication["metadata"]["author"]] == authors
            images = {tuple(i["rel"]): i for i in publication["images"]}
            thumbnail, cover = images[("http://opds-spec.org/image/thumbnail",)], images[("cover", "http://opds-spec.org/image")]
            assert publication["images"][0] is thumbnail and thumbnail["width"] == 360
            for image in (thumbnail, cover):
                from PIL import Image

                with Image.open(path.parent / unquote(image["href"])) as picture:
                    assert [image["width"], image["height"]] == list(picture.size)
            assert any(l["rel"] == "http://opds-spec.org/acquisition/open-access" for l in publication["links"])
    editors_only = json.loads((out / "opds/all.json").read_text())
    edited = [p["metadata"] for p in editors_only["publications"] if "editor" in p["metadata"]]
    assert edited and all(m["author"] for m in edited)  # an anthology's editors are its authors in apps


@pytest.fixture(scope="module")
def paged_site(site, tmp_path_factory) -> Path:
    """The sample site again, with feeds of one book a page."""
    root = tmp_path_factory.mktemp("paged")
    shutil.copytree(site, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site"))  # books built: only the site is made
    assert run_in(root, "site", "-j", "1", "--feed-page-size", "1") == 0
    return root / "build/site"


def test_paging_walks_every_book_exactly_once(site, paged_site):
    """With a page of one book, the complete feed is four pages in both versions: following 'next'
    from the first page meets every book once, and every page is valid."""
    out = paged_site
    schema, validator = opds1_schema(), opds2_validator()
    seen, path = [], out / "opds/all.xml"
    while path:
        feed = etree.parse(str(path))
        assert schema.validate(feed), schema.error_log.last_error
        assert feed.find("{http://purl.org/syndication/history/1.0}complete") is None  # four pages: not complete
        seen += [e.findtext(f"{ATOM}id") for e in feed.getroot().findall(f"{ATOM}entry")]
        links = {l.get("rel"): l.get("href") for l in feed.getroot().findall(f"{ATOM}link")}
        assert (path.parent / links["first"]).resolve() == (out / "opds/all.xml").resolve()
        path = (path.parent / links["next"]).resolve() if "next" in links else None
    records = [json.loads((site / f"build/{s}/web/book.json").read_text()) for s in SAMPLES]
    assert sorted(seen) == sorted(r["identifier"] for r in records)
    seen, path, number = [], out / "opds/all.json", 1
    while path:
        data = json.loads(path.read_text())
        assert not list(validator.iter_errors(data))
        assert (data["metadata"]["numberOfItems"], data["metadata"]["itemsPerPage"], data["metadata"]["currentPage"]) == (
            len(SAMPLES), 1, number)
        seen += [p["metadata"]["identifier"] for p in data["publications"]]
        links = {l["rel"]: l["href"] for l in data["links"]}
        assert ("previous" in links) == (number > 1)
        path, number = ((path.parent / links["next"]).resolve() if "next" in links else None), number + 1
    assert sorted(seen) == sorted(r["identifier"] for r in records)
    # the same pages give the same search index, byte for byte (Pagefind lists its languages in any order)
    bundle = lambda folder: {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}  # noqa: E731
    assert bundle(out / "pagefind") == bundle(site / "build/site/pagefind")


def r2_read(files: list[Path]) -> dict:
    """The feeds as Readium's r2-opds-js reads them (the parser of Thorium Reader)."""
    modules = Path(os.environ.get("PUBKIT_R2_OPDS") or ROOT / ".ci/tools/opds/node_modules")
    if shutil.which("node") is None or not (modules / "r2-opds-js").is_dir():
        reason = "Node.js or r2-opds-js (npm, installed by .ci/run in .ci/tools/opds) is missing"
        if os.environ.get("PUBKIT_REQUIRE_CHECKS"):
            pytest.fail(reason)
        pytest.skip(reason)
    run = subprocess.run(["node", str(ROOT / "tests/r2_read_feeds.js"), *map(str, files)], capture_output=True,
                         text=True, env={**os.environ, "R2_MODULES": str(modules)}, timeout=120)
    assert run.returncode == 0, run.stderr
    return {Path(name): feed for name, feed in json.loads(run.stdout).items()}


def test_a_reading_apps_parser_reads_every_entry_and_walks_the_pages(site, paged_site):
    """What Thorium would show: every entry of every feed, in both versions, has an author, a
    cover, a thumbnail, a date, an identifier and a download; following 'next' through the paged
    feeds meets every book once."""
    out = site / "build/site"
    feeds = r2_read(feed_files(out, ".xml") + feed_files(out, ".json"))
    assert len(feeds) == len(feed_files(out, ".xml")) * 2
    for path, feed in feeds.items():
        for publication in feed["publications"]:
            assert publication["authors"] and publication["identifier"] and publication["published"], (path, publication)
            assert publication["acquisitions"], (path, publication["title"])
            rels = [rel for image in publication["images"] for rel in image["rel"]]
            assert "http://opds-spec.org/image/thumbnail" in rels and "http://opds-spec.org/image" in rels, (path, rels)
            if path.suffix == ".json":
                assert all(image["width"] and image["height"] for image in publication["images"])
    for first in (paged_site / "opds/all.xml", paged_site / "opds/all.json"):
        seen, path = [], first
        while path:
            feed = r2_read([path])[path]
            seen += [p["identifier"] for p in feed["publications"]]
            following = [l["href"] for l in feed["links"] if "next" in l["rel"]]
            path = (path.parent / following[0]).resolve() if following else None
        assert len(seen) == len(set(seen)) == len(SAMPLES), first

def test_opds1_schema_rejects_what_the_spec_forbids(site):
    schema = opds1_schema()
    good = (site / "build/site/opds/all.xml").read_bytes()
    assert schema.validate(etree.fromstring(good))
    for broken in (good.replace(b"<id>", b"<ident>", 1).replace(b"</id>", b"</ident>", 1),  # no id
                   re.sub(rb'length="\d+"', b'length="big"', good, count=1),
                   good.replace(b"<updated>", b"<updated>yesterday ", 1)):
        assert not schema.validate(etree.fromstring(broken))


def test_opds2_feeds_are_valid(site):
    out = site / "build/site"
    validator = opds2_validator()
    for path in feed_files(out, ".json"):
        data = json.loads(path.read_text())
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, (path.relative_to(out), errors[:5])
        for link in [*data["links"], *data.get("navigation", ()),
                     *(l for p in data.get("publications", ()) for l in (*p["links"], *p.get("images", ())))]:
            assert (path.parent / unquote(link["href"])).resolve().is_file(), (path, link["href"])
    broken = json.loads((out / "opds/all.json").read_text())
    del broken["publications"][0]["metadata"]["title"]
    broken["links"] = [l for l in broken["links"] if l["rel"] != "self"]
    assert len(list(validator.iter_errors(broken))) == 2


def test_base_url_makes_every_feed_address_absolute(tmp_path):
    small_book(tmp_path, title="Small")
    assert run_in(tmp_path, "site", "--base-url", "https://books.example.org/catalog/", "-j", "1") == 0
    out = tmp_path / "build/site"
    for path in feed_files(out, ".xml"):
        feed = etree.parse(str(path))
        assert opds1_schema().validate(feed)
        assert all(l.get("href").startswith("https://books.example.org/catalog/") for l in feed.iter(f"{ATOM}link"))
    for path in feed_files(out, ".json"):
        assert not list(opds2_validator().iter_errors(json.loads(path.read_text())))
    assert '"url": "https://books.example.org/catalog/books/small/"' in (out / "books/small/index.html").read_text()


def test_with_its_address_the_site_tells_search_engines_and_social_media_where_its_pages_are(tmp_path):
    small_book(tmp_path, title="Small")
    assert run_in(tmp_path, "site", "-j", "1") == 0
    out = tmp_path / "build/site"
    assert not (out / "sitemap.xml").exists() and not (out / "robots.txt").exists()
    assert 'rel="canonical"' not in (out / "books/small/index.html").read_text()

    for base, robots in (("https://books.example.org/catalog", False), ("https://books.example.org", True)):
        assert run_in(tmp_path, "site", "--base-url", base, "-j", "1") == 0
        pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
        book = html.parse(str(out / "books/small/index.html"))
        assert book.xpath("string(//link[@rel='canonical']/@href)") == f"{base}/books/small/"
        assert book.xpath("string(//meta[@property='og:image']/@content)") == f"{base}/books/small/cover.jpg"
        assert book.xpath("string(//meta[@property='og:title']/@content)") == "Small"
        sitemap = etree.parse(str(out / "sitemap.xml"))
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locations = sitemap.xpath("//s:loc/text()", namespaces=ns)
        assert sorted(locations) == sorted(f"{base}/{p.removesuffix('index.html')}" for p in pages)
        assert sitemap.xpath("string(//s:url[s:loc='%s/books/small/read/one.html']/s:lastmod)" % base, namespaces=ns)
        assert (out / "robots.txt").is_file() == robots  # crawlers read it at the root of a host only
    assert f"Sitemap: {base}/sitemap.xml" in (out / "robots.txt").read_text()
    assert nu_check([out / "index.html", out / "books/small/index.html"]) == []


# --- what an editor writes is shown as text, and the same inputs give the same site -------------


def test_markup_in_metadata_is_text_everywhere_and_print_is_offered_when_asked(tmp_path):
    small_book(tmp_path)
    assert run_in(tmp_path, "site", "-j", "1") == 0
    out = tmp_path / "build/site"
    for page in out.rglob("*.html"):
        source = page.read_text()
        assert "<script>alert" not in source and "<b>bold" not in source and "<em>Author" not in source, page
        tree = html.fromstring(source)
        assert not tree.xpath("//@*[starts-with(name(), 'on')] | //img[@src='x']"), page
        for script in tree.xpath("//script[@type='application/ld+json']"):
            assert json.loads(script.text)["name"] == NASTY  # still the title, and the element not ended early
        scripts = tree.xpath("//script[not(@type='application/ld+json')]")
        if page.name.startswith("search"):  # the search page's own script, and nothing of the book's in it
            assert [s.get("type") for s in scripts] == ["module"] and "alert" not in scripts[0].text, page
        else:
            assert not scripts, page
    book = html.parse(str(out / "books/small/index.html"))
    assert book.xpath("string(//h1)") == NASTY
    for path in feed_files(out, ".xml"):
        feed = etree.parse(str(path))
        assert all(t.text == NASTY for t in feed.iter(f"{ATOM}title") if "alert" in (t.text or ""))
    assert json.loads((out / "opds/all.json").read_text())["publications"][0]["metadata"]["title"] == NASTY
    # the print edition, because the manifest offers it; no screen PDF, because it does not
    assert (out / "books/small/small-print.pdf").read_bytes() == (tmp_path / "build/small/small-print.pdf").read_bytes()
    assert not (out / "books/small/small-screen.pdf").exists()


def test_same_inputs_give_the_same_site(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        small_book(root, title="Small")
        assert run_in(root, "site", "-j", "1") == 0
    files = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "build/site").rglob("*") if p.is_file()}  # noqa: E731
    assert files(first) == files(second)


def test_a_typo_under_site_is_located(tmp_path, capsys):
    small_book(tmp_path, title="Small", extra="")
    manifest = tmp_path / "books/small.yaml"
    manifest.write_text(manifest.read_text().replace("downloads: [epub, print-pdf]", "downloads: [epub, pdf]"))
    assert run_in(tmp_path, "site") == 1
    assert re.search(r"books/small.yaml:\d+:\d+: error\[M006\]: site.downloads\[1\]: expected one of epub, screen-pdf, "
                     r"print-pdf, found 'pdf'", capsys.readouterr().err)


def test_a_book_that_fails_keeps_its_place_in_the_site(tmp_path, capsys):
    small_book(tmp_path, title="Small")
    assert run_in(tmp_path, "site", "-j", "1") == 0
    (tmp_path / "books/texts/one.md").write_text("---\ntitle: [unclosed\n---\n")
    assert run_in(tmp_path, "site", "-j", "1") == 1
    assert "error[" in capsys.readouterr().err
    assert (tmp_path / "build/site/books/small/read/one.html").is_file()


def test_a_search_index_that_fails_is_tried_again_then_reported(tmp_path, capsys, monkeypatch):
    """Pagefind's answer unreadable once (as it was once in a 1,000-book site): the second try
    makes the site; unreadable every time: error S003, no traceback, the site as it was."""
    import json as json_module

    import pubkit.site.search as search

    small_book(tmp_path, title="Small")
    real, calls = search._index, []

    async def flaky(pages):
        calls.append(len(pages))
        if len(calls) == 1 or failing:
            raise json_module.JSONDecodeError("Expecting value", "", 0)
        return await real(pages)

    monkeypatch.setattr(search, "_index", flaky)
    failing = False
    assert run_in(tmp_path, "site", "-j", "1") == 0 and len(calls) == 2
    before = {p: p.read_bytes() for p in (tmp_path / "build/site").rglob("*") if p.is_file()}
    (tmp_path / "books/texts/one.md").write_text((tmp_path / "books/texts/one.md").read_text() + "\nMore words.\n")
    failing = True
    capsys.readouterr()
    assert run_in(tmp_path, "site", "-j", "1") == 1
    err = capsys.readouterr().err
    assert "error[S003]" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in (tmp_path / "build/site").rglob("*") if p.is_file()} == before


# --- validators and a real browser ---------------------------------------------------------------


def test_pages_are_valid_html(site):
    out = site / "build/site"
    pages = [out / "index.html", out / "subjects/index.html", out / "languages/ru.html",
             *sorted(out.glob("books/*/index.html")), *sorted(out.glob("books/*/read/*.html"))]
    assert nu_check(pages) == []


def test_a_reader_finds_downloads_and_reads_a_book_in_chromium(site, tmp_path):
    out = site / "build/site"
    with served(out) as base, browser() as chromium:
        for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
            page = chromium.new_page(viewport=viewport, accept_downloads=True)
            page.goto(f"{base}/index.html")
            page.get_by_role("link", name="Dispatches from a Divided Party").click()
            assert page.url.endswith("/books/dispatches/index.html")
            with page.expect_download() as download:
                page.get_by_role("link", name=re.compile("^EPUB")).click()
            saved = tmp_path / f"{viewport['width']}.epub"
            download.value.save_as(saved)
            assert saved.read_bytes() == (site / "build/dispatches/dispatches.epub").read_bytes()

            page.get_by_role("link", name="Read online").click()
            first = page.url
            assert page.locator("main h1").first.inner_text() == "The Price of Bread"
            page.locator("a[rel=next]").click()
            assert page.url.endswith("/lettre-de-paris.html")
            page.locator("a[rel=prev]").click()
            assert page.url == first
            note = page.locator("a.noteref").first
            note_id = note.get_attribute("href").lstrip("#")
            ref_id = note.get_attribute("id")
            note.click()
            assert page.url.endswith(f"#{note_id}") and page.locator(f"[id='{note_id}']").is_visible()
            page.locator(f"[id='{note_id}'] a.backlink").click()
            assert page.url.endswith(f"#{ref_id}")
            # nothing wider than the screen on a phone
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.close()



def test_search_finds_a_title_and_a_chapter_in_two_languages(site):
    """The site searched in Chromium as a reader would, from a static host: a word of a Spanish
    title from the catalog's box, a word of a Russian chapter from that book's reading page; the
    first result leads to the right page."""
    out = site / "build/site"
    with served(out) as base, browser() as chromium:
        page = chromium.new_page()
        for start, word, expected in (("index.html", "comisión", "/books/la-comision/index.html"),
                                      ("books/pisma/read/o-hlebe.html", "кооператив", "/books/pisma/read/o-hlebe.html")):
            page.goto(f"{base}/{start}")
            page.get_by_role("searchbox").fill(word)
            page.get_by_role("searchbox").press("Enter")
            first = page.locator("#search-results li a").first
            first.wait_for(timeout=20000)
            assert word in page.locator("#search-status").inner_text()
            first.click()
            page.wait_for_load_state()
            assert page.url.endswith(expected), (word, page.url)
        page.goto(f"{base}/search.html?q=xyzzyq")
        page.locator("#search-status:not(:empty)").wait_for(timeout=20000)
        assert page.locator("#search-results li").count() == 0


def test_a_search_index_larger_than_pagefinds_answers_is_made(tmp_path):
    """Pagefind's client reads answers of at most 2 MiB: an index returned in one answer hung
    `pubkit site` at a thousand books. Pages whose index is larger than that are indexed, in time."""
    import random
    import threading

    from pubkit.site.search import search_files

    rng = random.Random(21)
    letters = "abcdefghijklmnopqrstuvwxyz"
    pages = {f"books/b{n}/read/c.html": ("<!DOCTYPE html><html lang='en'><body><main><h1>Page %d</h1><p>%s</p></main></body></html>" % (
        n, " ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(1500)))).encode()
        for n in range(400)}
    found = {}
    worker = threading.Thread(target=lambda: found.update(search_files(pages)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the index was not made in two minutes"
    assert sum(len(data) for data in found.values()) > 2 * 1024 * 1024
    assert "pagefind/pagefind.js" in found and "pagefind/pagefind-entry.json" in found

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(site, scheme):
    axe = axe_script()
    out = site / "build/site"
    with served(out) as base, browser() as chromium:
        page = chromium.new_page(color_scheme=scheme)
        found = {}
        for path in ("index.html", "subjects/index.html", "books/dispatches/index.html", "books/pisma/index.html",
                     "books/dispatches/read/who-decides.html", "books/dispatches/read/index.html", "search.html?q=bread",
                     "books/the-apparatus/read/notes.html" if (out / "books/the-apparatus/read/notes.html").exists()
                     else "books/the-apparatus/read/index.html"):
            page.goto(f"{base}/{path}")
            if path.startswith("search"):
                page.locator("#search-results li").first.wait_for(timeout=20000)  # the results, written by the page's script
            page.add_script_tag(content=axe)
            result = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target).join(' '))")
            if result:
                found[path] = result
        assert not found, found


# --- pubkit serve ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as written (clients tidy '..' away)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def until(port: int, path: str, done, seconds: float = 60) -> bytes:
    """The page at ``path`` once ``done(page)`` holds (rebuilds take their time)."""
    deadline = time.monotonic() + seconds
    while True:
        page = raw_get(port, path)[1]
        if done(page):
            return page
        assert time.monotonic() < deadline, page.decode(errors="replace")[:2000]
        time.sleep(0.3)


def test_serve_rebuilds_an_edited_text_and_serves_nothing_outside_the_site(tmp_path):
    small_book(tmp_path, title="Small")
    (tmp_path / "secret.txt").write_text("not for the web")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "pubkit", "serve", "--port", str(port), "-j", "1"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, body = raw_get(port, "/books/small/read/one.html")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, server.stdout.read() if server.poll() is not None else "not ready"
            time.sleep(0.3)
        assert b"A sentence with a note." in body and b"/__pubkit__/reload" in body
        assert b"__pubkit__" not in (tmp_path / "build/site/books/small/read/one.html").read_bytes()

        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/books/..%2f..%2f..%2fsecret.txt", "/..%5csecret.txt",
                     "/books/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd", "/%00"):
            status, body = raw_get(port, path)
            assert status in (400, 404) and b"not for the web" not in body and b"root:" not in body, path

        from websockets.sync.client import connect

        with connect(f"ws://127.0.0.1:{port}/__pubkit__/reload") as reload:  # as the open page listens
            text = tmp_path / "books/texts/one.md"
            text.write_text(text.read_text().replace("A sentence with a note.", "A sentence the editor just wrote."))
            assert reload.recv(timeout=30) == "reload"
        assert b"the editor just wrote" in raw_get(port, "/books/small/read/one.html")[1]

        # A mistake: the page keeps the last good text and says what is wrong, until it is mended.
        text.write_text("---\ntitle: [One\n---\n\nA sentence with a mistake above it.\n")
        page = until(port, "/books/small/read/one.html", lambda page: b'id="pubkit-errors"' in page)
        assert b"books/texts/one.md:3:1: error[Y001]: invalid YAML" in page and b"the editor just wrote" in page
        assert b"pubkit-errors" not in (tmp_path / "build/site/books/small/read/one.html").read_bytes()
        text.write_text("# One\n\nA sentence, mended.\n")
        page = until(port, "/books/small/read/one.html", lambda page: b"pubkit-errors" not in page and b"mended" in page)

        # A book added while the server runs appears in the catalog; removed, it goes.
        (tmp_path / "books/second.yaml").write_text("title: A Second Book\ncreators: [{name: Bo Writer, role: author}]\n"
                                                     "language: en\ndate: 2026-04-01\nbody: [texts/one.md]\n")
        until(port, "/index.html", lambda page: b"A Second Book" in page)
        assert raw_get(port, "/books/second/read/one.html")[0] == 200
        (tmp_path / "books/second.yaml").unlink()
        until(port, "/index.html", lambda page: b"A Second Book" not in page)
        # its files go after the pages that linked to them are rewritten: a moment later
        until(port, "/books/second/index.html", lambda page: page == b"Not found")
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert code == 0, server.stdout.read()
