"""Any site but the archive: a CMS article page (a news site, a blog, the publisher's own site).

The body is the element readability-lxml chooses, or the page's own <article> where it finds
too little. The title is readability-lxml's (it drops the site's name the way the reader views of
browsers do); the byline and the date come from what the page declares (OpenGraph, ``article:*``,
JSON-LD, ``<time>``, bylines), read by trafilatura's metadata extraction (htmldate for the date),
then from the page's own meta tags and byline elements. bench/import_bench.py measures each
against the right answers of real pages and against both libraries alone.
"""

from __future__ import annotations

import logging
import re

from lxml import etree, html

from .elements import drop, first_text, words, xml_lang

# Site furniture inside an article element, by class or id.
CHROME = re.compile(r"(^|[\s_-])(share|sharing|social|related|comments?|newsletter|subscribe|signup|breadcrumbs?|"
                    r"tags|author-bio|advert|ads?|promo|sidebar|navigation|nav|menu|footer|pagination)([\s_-]|$)", re.I)
BYLINE = re.compile(r"^\s*(by|von|par|por|di)\s+", re.I)


def site_article(tree: etree._Element, source: str | None):
    """(title, authors, front-matter values, language, body) of a page; ``source``: its HTML as it
    came (its JSON-LD, which the parsed tree no longer holds)."""
    from readability import Document

    page = source or etree.tostring(tree, encoding="unicode")
    document = Document(page)  # the page as it came: what readability-lxml weighs (its scripts too)
    body, chosen = _main_element(tree, document)
    declared = _declared(page)
    title = _title(document, declared, tree, body)
    authors = declared.get("authors") or _meta_authors(tree)
    meta = {}
    date = declared.get("date") or _meta_date(tree)
    if date:
        meta["date"] = date[:10]
    site = declared.get("site") or _meta(tree, "og:site_name", "application-name")
    if site:
        meta["source"] = site
    if body is not None:
        _drop_chrome(body, title, chosen)
    return title, authors, meta, tree.get("lang") or xml_lang(tree), body


def _declared(source: str) -> dict:
    """What trafilatura finds the page declares: title, authors, date, site name. Offline: it
    reads the page only."""
    from trafilatura import extract_metadata

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its own doubts are not the editor's
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        found = extract_metadata(source)
    except Exception:  # noqa: BLE001 - a page it cannot read: the page's own tags still answer
        return {}
    if found is None:
        return {}
    authors = [a.strip() for a in re.split(r";", found.author or "") if a.strip() and not a.strip().startswith("http")]
    return {"title": found.title, "authors": authors, "date": found.date, "site": found.sitename}


def _title(document, declared: dict, tree: etree._Element, body) -> str | None:
    short = words(document.short_title())
    if short and not short.endswith(":"):  # 'Open Journalism Project:' is readability's cut gone wrong
        return short
    return declared.get("title") or (body is not None and first_text(body, ".//h1")) or first_text(tree, "//h1") \
        or first_text(tree, "//title")


def _meta(tree: etree._Element, *names: str) -> str | None:
    return next((m.get("content").strip() for n in names for m in tree.xpath(f"//meta[@property='{n}' or @name='{n}']")
                 if (m.get("content") or "").strip()), None)


def _meta_authors(tree: etree._Element) -> list[str]:
    authors = [a.strip() for a in (_meta(tree, "author", "article:author", "dc.creator") or "").split(",")
               if a.strip() and not a.strip().startswith("http")]
    if not authors:
        byline = first_text(tree, "//*[@rel='author'] | //*[contains(@class, 'byline')] | //*[contains(@class, 'author')]")
        if byline:
            authors = [BYLINE.sub("", byline)]
    return authors


def _meta_date(tree: etree._Element) -> str | None:
    return _meta(tree, "article:published_time", "datePublished", "dc.date", "date") or \
        (tree.xpath("//time/@datetime") or [None])[0]


def _drop_chrome(body: etree._Element, title: str | None, chosen: bool) -> None:
    """Site furniture inside the article (sharing, related links, comments), unless readability
    chose the element (it has left it out already, and knows better), and the title's heading."""
    for element in [] if chosen else body.xpath(".//nav | .//header | .//footer | .//aside[not(.//*[@id])] | "
                                                ".//*[@class or @id]"):
        if element.tag in ("nav", "header", "footer") or (element.tag == "aside") or \
                CHROME.search(f"{element.get('class', '')} {element.get('id', '')}"):
            if element.getparent() is not None and not element.xpath(".//sup | .//*[contains(@class, 'note')]"):
                drop(element)
    for heading in body.xpath(".//h1"):
        if title and words(heading.text_content()) == title:
            drop(heading)


def _main_element(tree: etree._Element, document) -> tuple[etree._Element | None, bool]:
    """The article's element, and whether readability-lxml chose it: its choice, or, where it
    finds too little, the page's own <article> or article body."""
    summary = document.summary(html_partial=True)
    found = html.fragment_fromstring(summary, create_parent="div") if summary.strip() else None
    if found is not None and len(words(found.text_content())) > 500:
        return found, True
    for path in ("//article[.//p]", "//*[@itemprop='articleBody']", "//*[contains(@class, 'entry-content')]",
                 "//*[contains(@class, 'post-content')]", "//*[contains(@class, 'article-body')]", "//main[.//p]"):
        candidates = [e for e in tree.xpath(path) if len(words(e.text_content())) > 200]
        if candidates:
            return max(candidates, key=lambda e: len(e.text_content())), False
    return (found, True) if found is not None and len(words(found.text_content())) > 80 else (None, False)
