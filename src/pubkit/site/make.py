"""`pubkit site`: build what the site offers (through the build's cache), then assemble build/site/.

    site/index.html                     the catalog, newest first
    site/{subjects,authors,languages}/  an index of each, and a page per term
    site/books/<slug>/index.html        the book's page, its cover, thumbnail and downloads
    site/books/<slug>/read/             the web edition
    site/opds/root.xml, root.json ...   OPDS 1.2 and 2.0 (site/feeds.py)
    site/feed.xml                       new books, for feed readers
    site/sitemap.xml, robots.txt        for search engines, with --base-url (site/sitemap.py)
    site/search.html, site/pagefind/    search in the browser, without a server (site/search.py)
    site/css/, site/fonts/              the site theme's stylesheets and fonts

Each file is replaced atomically and only when its bytes change; files of books no longer in the
catalog are removed. The same inputs give the same bytes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..build import BuildOptions, build, distinct_books
from ..cache import STALE_TEMPORARY
from ..diagnostics import Diagnostics, Location, error
from ..files import write_atomically
from ..fonts import characters, for_text, subset_font
from ..progress import Progress
from ..render import font_faces
from ..theming import Theme, load_theme, theme_search_path
from ..writers.record import COVER, RECORD, THUMBNAIL
from .catalog import Listing, make_catalog, read_listing
from .feeds import catalog_feeds, new_books, opds1, opds2
from .pages import STYLESHEETS, SiteInfo, site_pages
from .search import SearchError, search_files
from .sitemap import robots, sitemap

SITE_FORMATS = ("epub", "screen-pdf", "web")


@dataclass
class SiteOptions:
    out_dir: Path = Path("build")
    base_url: str | None = None  # absolute addresses in feeds and metadata
    title: str | None = None  # default: the publisher all books share, else "Books" in the site's language
    language: str = "en"  # of the site's own words
    theme: str = "classic"
    jobs: int = 1
    cache_dir: Path | None = None
    strict: bool = False
    feed_page: int = 50  # books in a page of an acquisition feed

    @property
    def folder(self) -> Path:
        return self.out_dir / "site"


@dataclass
class SiteResult:
    diagnostics: Diagnostics
    changed: list[str] = field(default_factory=list)  # files of the site written or removed


def make_site(manifests: list[Path], options: SiteOptions, progress: Progress | None = None,
              formats: tuple[str, ...] = SITE_FORMATS) -> SiteResult:
    """Build the books' web editions and downloads, then write the site. ``formats``: what to
    (re)build first; `pubkit serve` asks for the web edition alone, then the rest."""
    build_options = BuildOptions(out_dir=options.out_dir, formats=formats, strict=options.strict,
                                 jobs=options.jobs, cache_dir=options.cache_dir)
    _, diagnostics = build(manifests, build_options, progress)
    manifests, _ = distinct_books(manifests)  # a book named twice is in the site once (build reported it)
    # A book that fails keeps its last good outputs in build/, and so its place in the site.
    listings = [found for path in manifests if (found := read_listing(options.out_dir, path.stem))]
    # Print editions are for printers; a manifest may offer one to readers (site.downloads).
    printed = [path for path in manifests if any(b.slug == path.stem and "print-pdf" in b["downloads"] for b in listings)]
    if printed and "print-pdf" not in formats and formats != ("web",):
        _, more = build(printed, BuildOptions(out_dir=options.out_dir, formats=("print-pdf",), strict=options.strict,
                                               jobs=options.jobs, cache_dir=options.cache_dir), progress)
        diagnostics.extend(more)
        listings = [read_listing(options.out_dir, b.slug) or b for b in listings]

    if not listings:
        diagnostics.add(error("S002", "no book has been built, so there is no site to make: "
                                         "mend the errors above and run pubkit site again", None))
        return SiteResult(diagnostics)
    # the catalog's theme is found as the books' themes are: in the project beside books/, then pubkit's
    project = manifests[0].resolve().parent
    theme, problems = load_theme(options.theme, theme_search_path(project), Location("pubkit site"))
    diagnostics.extend(problems)
    if theme is None:
        return SiteResult(diagnostics)
    words, problems = theme.words(options.language)
    diagnostics.extend(problems)
    if words is None:
        return SiteResult(diagnostics)
    info = SiteInfo(options.title or _title(listings, words), options.language,
                    options.base_url.rstrip("/") if options.base_url else None, options.feed_page)
    try:
        files = site_files(listings, theme, words, info)
    except OSError as exc:
        diagnostics.add(error("S001", f"cannot read a built file for the site: {exc}", None))
        return SiteResult(diagnostics)
    except SearchError as exc:
        diagnostics.add(error("S003", f"expected Pagefind to index the site's pages for its search, found it failed "
                                      f"twice ({exc}); the site was left as it was: run pubkit site again", None))
        return SiteResult(diagnostics)
    return SiteResult(diagnostics, write_site(options.folder, files))


def site_files(listings: list[Listing], theme: Theme, words, info: SiteInfo) -> dict[str, bytes | Path]:
    """Path inside the site -> its bytes, or the built file to copy."""
    catalog = make_catalog(listings, lambda tag: _language_name(tag, info.language))
    files: dict[str, bytes | Path] = {}
    pages = site_pages(catalog, theme, words, info)
    files.update((path, html.encode("utf-8")) for path, html in pages.items())
    for feed in catalog_feeds(catalog, words, info.feed_page):
        files[f"{feed.path}.xml"] = opds1(feed, catalog, info)
        files[f"{feed.path}.json"] = opds2(feed, catalog, info)
    files["feed.xml"] = new_books(catalog, words, info)
    for book in catalog.books:
        folder = f"books/{book.slug}"
        for path in sorted(p for p in book.web.rglob("*") if p.is_file()):
            name = path.relative_to(book.web).as_posix()
            if name == RECORD:
                continue
            at_top = name == THUMBNAIL or name.startswith(COVER + ".")
            files[f"{folder}/{name}" if at_top else f"{folder}/read/{name}"] = path
        for download in book.downloads:
            files[f"{folder}/{download.name}"] = download.source
    files.update(search_files({path: content.read_bytes() if isinstance(content, Path) else content
                               for path, content in files.items() if path.endswith(".html")}))
    if info.base_url:
        files["sitemap.xml"] = sitemap([path for path in files if path.endswith(".html")], catalog, info)
        if (text := robots(info)) is not None:
            files["robots.txt"] = text
    # The site's own pages in the theme's type, its fonts (those their scripts need: the catalog
    # names books in any language) cut to the characters those pages show.
    chars = characters(list(pages.values()))
    theme, _ = for_text(theme, chars, info.language, Location("site"))  # a font not fetched: that script unstyled
    files["css/fonts.css"] = font_faces(theme).encode("utf-8")
    for href, path in zip(STYLESHEETS[1:], theme.stylesheet_paths("web")):
        files[href] = path.read_bytes()
    for font in theme.fonts:
        files[f"fonts/{font.path.name}"] = subset_font(font.path, chars)
    return files


def write_site(folder: Path, files: dict[str, bytes | Path]) -> list[str]:
    """Write what changed, each file atomically; remove what the site no longer holds. Returns
    the names of the files written or removed."""
    changed = []
    for name in sorted(files, key=_linked_later):
        content = files[name]
        data = content.read_bytes() if isinstance(content, Path) else content
        target = folder / name
        if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
            write_atomically(target, data)
            changed.append(name)
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
            name = path.relative_to(folder).as_posix()
            try:
                if path.name.endswith(".part") and time.time() - path.stat().st_mtime < STALE_TEMPORARY:
                    continue  # another pubkit's file on its way in (pubkit serve runs two at once)
                if path.is_file() and name not in files:
                    path.unlink()
                    changed.append(name)
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
            except OSError:  # renamed, removed or filled by that other pubkit meanwhile
                continue
    return changed


def _linked_later(name: str) -> int:
    """The order of writing: what pages link to before the pages, so that a site served while it
    is written (pubkit serve, or a host that syncs the folder) never links to a file still to
    come: a book's files and web edition, then its page, then the catalog's pages and feeds."""
    if name.startswith("books/"):
        return 1 if name.count("/") == 2 and name.endswith("/index.html") else 0
    return 2 if name.endswith((".html", ".xml", ".json", ".txt")) else 0


def _title(listings: list[Listing], words) -> str:
    publishers = {b["publisher"] for b in listings}
    return publishers.pop() if len(publishers) == 1 and None not in publishers else words["site"]["catalog"]


def _language_name(tag: str, language: str) -> str:
    import langcodes

    try:
        return langcodes.Language.get(tag).display_name(language)
    except (LookupError, ValueError, ImportError):
        return tag
