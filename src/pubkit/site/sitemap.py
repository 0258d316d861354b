"""For search engines, when the site's address is known (--base-url): sitemap.xml, every page
with its address and, for a book's pages, when the book last changed; and robots.txt pointing
to it when the site is the root of its host (crawlers read robots.txt there only)."""

from __future__ import annotations

from urllib.parse import urlparse

from lxml import etree

from .catalog import Catalog
from .pages import SiteInfo, address

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: list[str], catalog: Catalog, info: SiteInfo) -> bytes:
    """``pages``: the paths of the site's HTML pages."""
    modified = {f"books/{book.slug}/": book["modified"] for book in catalog.books}
    urlset = etree.Element(f"{{{NS}}}urlset", nsmap={None: NS})
    for path in sorted(pages):
        url = etree.SubElement(urlset, f"{{{NS}}}url")
        etree.SubElement(url, f"{{{NS}}}loc").text = address(info, path)
        when = next((m for folder, m in modified.items() if path.startswith(folder)), None)
        if when:
            etree.SubElement(url, f"{{{NS}}}lastmod").text = when
    return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def robots(info: SiteInfo) -> bytes | None:
    if urlparse(info.base_url).path.strip("/"):
        return None
    return f"User-agent: *\nAllow: /\nSitemap: {info.base_url}/sitemap.xml\n".encode()
