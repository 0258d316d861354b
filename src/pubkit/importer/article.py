"""A page reduced to its article: metadata, the body's element, and its notes as footnotes.

Two profiles: the Marxists Internet Archive (an information block of labelled lines, a footer
bar, several notes conventions) and any other site (a CMS article page: the <article> or the
element readability-lxml finds). Both find notes the same way: a numbered or lettered link in
superscript (or marked as a note) to an anchor on this page or on a notes page of the same work.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urldefrag, urljoin, urlparse

from lxml import etree, html

# What never reaches the Markdown, with everything inside it.
DROPPED = ("script", "style", "noscript", "iframe", "object", "embed", "form", "button", "input", "select",
           "textarea", "svg", "canvas", "template", "video", "audio", "map")
# Site furniture inside an article element, by class or id.
CHROME = re.compile(r"(^|[\s_-])(share|sharing|social|related|comments?|newsletter|subscribe|signup|breadcrumbs?|"
                    r"tags|author-bio|advert|ads?|promo|sidebar|navigation|nav|menu|footer|pagination)([\s_-]|$)", re.I)
NOTE_TEXT = re.compile(r"^\s*[\[(]?\s*([0-9]{1,4}[a-z]?|[A-Za-z]{1,2}|[*†‡§]{1,3})\s*[\])]?\s*\.?\s*$")
NOTE_CLASS = re.compile(r"(^|\s)(e?note|fn|footnote|endnote|noteref|sdfootnoteanc|ref)(\s|$)", re.I)
NOTES_HEADING = re.compile(r"^\s*(notes?|footnotes|endnotes|references|примечания|notas|anmerkungen)\s*:?\s*$", re.I)
BYLINE = re.compile(r"^\s*(by|von|par|por|di)\s+", re.I)
INFO_LABELS = {  # the archive's information block: label -> front-matter key
    "written": "written", "first published": "first_published", "published": "first_published",
    "source": "source_edition", "publisher": "publisher", "translated": "translator", "translation": "translator",
    "transcription": "transcription", "transcription/markup": "transcription", "html markup": "transcription",
    "markup": "transcription", "proofread": "proofread", "public domain": "license", "copyleft": "license",
    "copyright": "license", "online version": "online_version",
}


@dataclass
class Note:
    label: str
    element: etree._Element  # the definition's content, detached
    calls: int = 0


@dataclass
class Article:
    address: str
    title: str | None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # front-matter keys: date, source, translator, ...
    language: str | None = None
    body: etree._Element | None = None
    notes: dict[str, Note] = field(default_factory=dict)  # label -> note, in order of first call
    missing_notes: list[str] = field(default_factory=list)  # calls whose definition was not found
    targets: set[str] = field(default_factory=set)  # anchors some link points to
    canonical: str | None = None  # the page's own address, as it declares it (a saved page's origin)


def parse(text: str) -> etree._Element:
    tree = html.document_fromstring(text or "<html></html>")
    for comment in tree.xpath("//comment() | //processing-instruction()"):
        _drop(comment)
    for element in tree.xpath("|".join(f"//{name}" for name in DROPPED)):
        _drop(element)
    return tree


def read_article(tree: etree._Element, address: str, notes_page: Callable[[str], etree._Element | None]) -> Article:
    """``notes_page(url)``: another page of the same work (fetched once), for notes kept there."""
    if is_archive(tree, address):
        article = _archive_article(tree, address)
    else:
        article = _site_article(tree, address)
    if article.body is not None:
        _take_notes(article, tree, notes_page)
        article.targets = {urldefrag(h)[1] for h in tree.xpath("//a/@href") if h.startswith("#")} - {""}
        _tidy(article.body)
    canonical = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    article.canonical = canonical[0].strip() if canonical and canonical[0].startswith(("http://", "https://")) else None
    return article


# --- the Marxists Internet Archive ---------------------------------------------------------------


def is_archive(tree: etree._Element, address: str) -> bool:
    host = urlparse(address).netloc.lower()
    return host.endswith("marxists.org") or bool(tree.xpath(
        "//p[contains(@class, 'information')] | //span[@class='info'] | //p[contains(@class, 'footer')] | "
        "//span[contains(@class, 'footer')] | //h3[contains(@class, 'title')] | //sup[contains(@class, 'enote')] | "
        "//a[normalize-space() = 'Works Index']"))


def archive_information(tree: etree._Element) -> dict[str, str]:
    """The information block's labelled lines ('First Published: ...'), by front-matter key."""
    found: dict[str, str] = {}
    for block in tree.xpath("//p[contains(@class, 'information')]"):
        for label in block.xpath(".//span[@class='info']"):
            key = INFO_LABELS.get(_words(label.text_content()).rstrip(":").strip().lower())
            if not key:
                continue
            value = [label.tail or ""]
            for node in label.itersiblings():  # the line runs to the next label
                if node.tag == "span" and node.get("class") == "info":
                    break
                value += [" " if node.tag == "br" else node.text_content(), node.tail or ""]
            text = _words("".join(value)).strip(" ;")
            if key == "translator":  # 'by Hélène Duclos' -> 'Hélène Duclos'
                text = re.sub(r"^(translated\s+)?by\s+", "", text, flags=re.I).rstrip(".")
            if text:
                found.setdefault(key, text)
    return found


def _archive_article(tree: etree._Element, address: str) -> Article:
    body = tree.find("body")
    info = archive_information(tree)
    author = first_text(tree, "//body/h2[1] | //p[@class='author']")
    work = first_text(tree, "//h3[contains(@class, 'title')] | //h1")
    subtitle = first_text(tree, "//h4[contains(@class, 'subtitle')]")
    for element in tree.xpath("//p[contains(@class, 'information')][.//span[@class='info']] | //p[contains(@class, 'footer')] | "
                              "//span[contains(@class, 'footer')]/ancestor::table[1] | //p[contains(@class, 'toc')] | "
                              "//*[contains(@class, 'link')][.//a[contains(@href, 'index')]]"):
        _drop(element)
    for table in tree.xpath("//table"):  # navigation bars: a table of a few links and no sentences
        if _is_navigation(table):
            _drop(table)
    for bar in tree.xpath("//p | //div"):
        if _is_navigation(bar):
            _drop(bar)
    # The header: the author (h2), the work's title and subtitle; the chapter's own title follows.
    headings = [h for h in body.iter("h1", "h2", "h3", "h4", "h5") if _words(h.text_content())]
    chapter = None
    for heading in headings[:4]:
        text = _words(heading.text_content())
        classes = heading.get("class", "")
        if text in (author, work, subtitle) or "title" in classes:  # the class 'title' or 'subtitle'
            _drop(heading)
            continue
        chapter = text
        _drop(heading)
        break
    meta = dict(info)
    written, first = info.get("written"), info.get("first_published")
    if written or first:
        meta["date"] = written or _date_in(first) or first
    if first:
        meta["source"] = first
    title = chapter or work
    return Article(address, title, subtitle if chapter is None else None, [author] if author else [], meta,
                   tree.get("lang") or _xml_lang(tree), body)


def _is_navigation(element: etree._Element) -> bool:
    """A bar of links: 'Works Index | backward | forward', little text that is not a link."""
    links = element.xpath(".//a")
    if not links or element.xpath(".//sup | .//p[string-length(normalize-space()) > 120]"):
        return False
    text = _words(element.text_content())
    linked = sum(len(_words(a.text_content())) for a in links)
    return len(text) < 200 and linked >= 0.6 * max(1, len(text.replace("|", "").replace(" ", ""))) and bool(
        "|" in text or re.search(r"\b(index|contents|archive|home|next|previous|backward|forward)\b", text, re.I))


# --- any other site --------------------------------------------------------------------------------


def _site_article(tree: etree._Element, address: str) -> Article:
    meta_of = lambda *names: next((m.get("content").strip() for n in names  # noqa: E731
                                   for m in tree.xpath(f"//meta[@property='{n}' or @name='{n}']") if (m.get("content") or "").strip()), None)
    body = _main_element(tree)
    title = meta_of("og:title", "twitter:title", "dc.title") or (body is not None and first_text(body, ".//h1")) or \
        first_text(tree, "//h1") or first_text(tree, "//title")
    if title and tree.findtext(".//title") and title == _words(tree.findtext(".//title")):
        title = re.split(r"\s+[|–—-]\s+", title)[0]  # "Headline | Site name"
    authors = [a.strip() for a in (meta_of("author", "article:author", "dc.creator") or "").split(",") if a.strip()
               and not a.strip().startswith("http")]
    if not authors:
        byline = first_text(tree, "//*[@rel='author'] | //*[contains(@class, 'byline')] | //*[contains(@class, 'author')]")
        if byline:
            authors = [BYLINE.sub("", byline)]
    date = meta_of("article:published_time", "datePublished", "dc.date", "date") or \
        (tree.xpath("//time/@datetime") or [None])[0]
    meta = {}
    if date:
        meta["date"] = date[:10]
    site = meta_of("og:site_name", "application-name")
    if site:
        meta["source"] = site
    if body is not None:
        for element in body.xpath(".//nav | .//header | .//footer | .//aside[not(.//*[@id])] | .//*[@class or @id]"):
            if element.tag in ("nav", "header", "footer") or (element.tag == "aside") or \
                    CHROME.search(f"{element.get('class', '')} {element.get('id', '')}"):
                if element.getparent() is not None and not element.xpath(".//sup | .//*[contains(@class, 'note')]"):
                    _drop(element)
        for heading in body.xpath(".//h1"):
            if title and _words(heading.text_content()) == title:
                _drop(heading)
    return Article(address, title, None, authors, meta, tree.get("lang") or _xml_lang(tree), body)


def _main_element(tree: etree._Element) -> etree._Element | None:
    for path in ("//article[.//p]", "//*[@itemprop='articleBody']", "//*[contains(@class, 'entry-content')]",
                 "//*[contains(@class, 'post-content')]", "//*[contains(@class, 'article-body')]", "//main[.//p]"):
        found = [e for e in tree.xpath(path) if len(_words(e.text_content())) > 200]
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    from readability import Document

    summary = Document(etree.tostring(tree, encoding="unicode")).summary(html_partial=True)
    found = html.fragment_fromstring(summary, create_parent="div") if summary.strip() else None
    return found if found is not None and len(_words(found.text_content())) > 80 else None


# --- notes -------------------------------------------------------------------------------------------


def _take_notes(article: Article, tree: etree._Element, notes_page: Callable[[str], etree._Element | None]) -> None:
    """Note calls become placeholders (markdown.py writes [^label]); their definitions, found on
    this page or a notes page of the work, are taken out of the page and kept."""
    taken_labels: dict[tuple[str, str], str] = {}
    for link in list(article.body.iter("a")):
        href = link.get("href") or ""
        if "#" not in href or not NOTE_TEXT.match(link.text_content() or ""):
            continue
        call = _call_element(link)
        if call is None:
            continue
        page_url, anchor = urldefrag(urljoin(article.address, href))
        here = not page_url or page_url == urldefrag(article.address)[0] or href.startswith("#")
        number = NOTE_TEXT.match(link.text_content())[1]
        key = (page_url if not here else "", anchor)
        if key in taken_labels:  # a second call of the same note
            label = taken_labels[key]
        else:
            # this page's article first (its definitions leave the body), then the page, or the notes page
            sources = (article.body, tree) if here else (notes_page(page_url),)
            definition = next((d for source in sources if source is not None
                               for d in (_definition(source, anchor, link, drop=here),) if d is not None), None)
            if definition is None:  # the call stays as its words: a link to nowhere helps nobody
                article.missing_notes.append(f"[{number}] (#{anchor})")
                link.drop_tag()
                continue
            label = number if number not in article.notes else f"{number}-{len(article.notes) + 1}"
            article.notes[label] = Note(label, definition)
            taken_labels[key] = label
        article.notes[label].calls += 1
        marker = call.makeelement("pubkit-note", {"label": label})  # an HTML element, like the page's
        marker.tail = call.tail
        call.getparent().replace(call, marker)


def _call_element(link: etree._Element) -> etree._Element | None:
    """The element a note call occupies (its <sup>, its span.note) when the link is one."""
    parent = link.getparent()
    if parent is not None and parent.tag == "sup" and len(_words(parent.text_content())) <= 8:
        return parent
    if parent is not None and parent.tag == "span" and NOTE_CLASS.search(parent.get("class", "")):
        return parent
    if link.find("sup") is not None or NOTE_CLASS.search(link.get("class", "")):
        return link
    return None


def _definition(tree: etree._Element, anchor: str, call: etree._Element, drop: bool) -> etree._Element | None:
    """The note's content, from the block holding the anchor; ``drop``: take that block out."""
    found = tree.xpath(".//*[@id=$a] | .//a[@name=$a]", a=anchor)
    if not found:
        return None
    target = found[0]
    block = target
    while block is not None and block.tag not in ("p", "li", "div", "dd", "aside", "td", "blockquote"):
        block = block.getparent()
    if block is None or block.tag == "body" or len(_words(block.text_content())) > 4000:
        return None
    content = copy.deepcopy(block)
    # the back-reference and the note's number go: the footnote gets both from pubkit
    call_ids = {call.get("id"), call.get("name"), call.getparent().get("id")} - {None}
    for link in content.xpath(".//a[@href]"):
        if urldefrag(link.get("href"))[1] in call_ids:  # the way back to the call
            _drop(link)
    for link in content.xpath(".//a[@name=$a or @id=$a]", a=anchor):
        if NOTE_TEXT.match(link.text_content() or "") or not _words(link.text_content()):
            _drop(link)
        else:
            link.attrib.pop("name", None)
            link.attrib.pop("id", None)
    content.attrib.pop("id", None)
    _strip_leading_number(content)
    if drop:
        _drop(block)
    return content


def _strip_leading_number(element: etree._Element) -> None:
    """'[1] The text' or '1. The text': the number goes."""
    pattern = re.compile(r"^\s*[\[(]?\s*([0-9]{1,4}[a-z]?|[A-Za-z]{1,2}|[*†‡§]{1,3})\s*[\])]\s*[.:]?\s*|^\s*[0-9]{1,4}\.\s+")
    if element.text and element.text.strip():
        element.text = pattern.sub("", element.text, count=1)
        return
    first = next(iter(element), None)
    if first is not None and first.tag in ("sup", "b", "strong", "span") and NOTE_TEXT.match(first.text_content() or ""):
        tail = first.tail
        _drop(first)
        element.text = (element.text or "") + pattern.sub("", tail or "", count=1).lstrip(". ")


# --- tidying -----------------------------------------------------------------------------------------


def _tidy(body: etree._Element) -> None:
    """What the notes left behind: an empty 'Notes' heading, separators and empty blocks at the end."""
    for heading in body.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//p[b or strong]"):
        if NOTES_HEADING.match(heading.text_content() or ""):
            order = list(body.iter())
            after = [e for e in order[order.index(heading) + 1:] if heading not in e.iterancestors()]
            if not any(_words(e.text) or _words(e.tail) or e.tag in ("img", "pubkit-note") for e in after):
                _drop(heading)
    while True:
        last = [e for e in body.iter() if e is not body and e.getparent() is body]
        if last and last[-1].tag in ("hr", "br", "p", "div") and not _words(last[-1].text_content()) and \
                not last[-1].xpath(".//img | .//pubkit-note"):
            _drop(last[-1])
            continue
        break
    for image in body.xpath(".//img"):  # tracking pixels
        width, height, src = image.get("width", ""), image.get("height", ""), image.get("src", "")
        if (width in ("0", "1") or height in ("0", "1")) or re.search(r"pixel|beacon|track|analytics|/1x1", src, re.I):
            _drop(image)


def _drop(element) -> None:
    """Take an element out, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _words(text: str | None) -> str:
    return " ".join((text or "").replace("\u00ad", "").split())


def first_text(tree: etree._Element, path: str) -> str | None:
    for element in tree.xpath(path):
        text = _words(element.text_content())
        if text:
            return text
    return None


def _date_in(text: str | None) -> str | None:
    if not text:
        return None
    match = re.search(r"\b(\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},\s+\d{4}|\w+\s+\d{4}|\d{4}-\d{2}-\d{2}|1[5-9]\d\d|20\d\d)\b", text)
    return match[1] if match else None


def _xml_lang(tree: etree._Element) -> str | None:
    return tree.get("{http://www.w3.org/XML/1998/namespace}lang")
