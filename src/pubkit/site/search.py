"""Search without a server: Pagefind indexes the site's pages into static files (pagefind/), and
the search pages query them in the reader's browser, from any static host or `pubkit serve`.

What is indexed: each book's page (its title, names, subjects, description: the catalog) and each
page of its web edition (the full text), the <main> of each only; a page is indexed in the
language of its <html lang>, so each language has its own index, with its own stemming. The
catalog's lists of books are left out: they would only repeat the book pages.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from pathlib import Path

BUNDLE = "pagefind"  # the index's folder in the site
ENTRY = "pagefind-entry.json"  # the bundle's table of languages
# the pages readers find: a book's page, and the web edition's pages but its contents page
INDEXED = re.compile(r"^books/[^/]+/(index\.html|read/(?!index\.html)[^/]+\.html)$")


class SearchError(Exception):
    """Pagefind made no whole index (twice): the site is not written with a broken search."""


def search_files(pages: dict[str, bytes]) -> dict[str, bytes]:
    """The search bundle for these pages (path inside the site -> HTML), by path inside the site.
    Pagefind runs as a service that pubkit talks to over a pipe; once, in a 1,000-book site, its
    answer came back unreadable (JSONDecodeError, not reproduced since): one more try, then a
    clear error rather than an internal one."""
    indexed = {path: html for path, html in pages.items() if INDEXED.match(path)}
    for attempt in (1, 2):
        try:
            return asyncio.run(_index(indexed))
        except (OSError, ValueError, KeyError, RuntimeError, asyncio.TimeoutError) as exc:
            if attempt == 2:
                raise SearchError(f"{type(exc).__name__}: {exc}") from exc
    raise AssertionError("unreachable")


async def _index(pages: dict[str, bytes]) -> dict[str, bytes]:
    from pagefind.service import PagefindService

    # The pages go to Pagefind as a folder, in one request: its Python client waits a tenth of a
    # second for each answer, so a request per page would cost 100 s per thousand pages.
    with tempfile.TemporaryDirectory(prefix="pubkit-search-") as folder:
        for path, html in pages.items():
            target = Path(folder, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        bundle = Path(folder, ".bundle")
        async with PagefindService() as service:
            # keep_index_url: results link to books/x/index.html, which works from disk and any host
            index = await service.create_index({"root_selector": "main", "keep_index_url": True})
            await index.add_directory(folder)
            # written to disk, not returned: the client reads an answer of at most 2 MiB, and a
            # thousand books' index is larger (get_files then waits for ever)
            await index.write_files(output_path=str(bundle))
        files = {path.relative_to(bundle).as_posix(): path.read_bytes() for path in bundle.rglob("*") if path.is_file()}
    # Its languages come in a random order (the same site, other bytes): sorted, as everything is.
    files[ENTRY] = json.dumps(json.loads(files[ENTRY]), sort_keys=True, ensure_ascii=False).encode("utf-8")
    return {f"{BUNDLE}/{path}": content for path, content in files.items()}
