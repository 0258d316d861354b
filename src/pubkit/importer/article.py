"""A page reduced to its article: metadata, the body's element, and its notes as footnotes.

Two profiles: the Marxists Internet Archive (its header read by archive.py; here its furniture
taken out: the information block, footer bars, navigation) and any other site (generic.py).
Both find notes the same way: a numbered or lettered link in superscript (or marked as a note)
to an anchor on this page or on another page of the same work, told from the way back.
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urldefrag, urljoin, urlparse

from lxml import etree, html

from .archive import information_blocks, is_archive, is_call, line_text, read_header
from .elements import NOTE_LABEL, drop, words, xml_lang
from .generic import site_article

# What never reaches the Markdown, with everything inside it.
DROPPED = ("script", "style", "noscript", "iframe", "object", "embed", "form", "button", "input", "select",
           "textarea", "svg", "canvas", "template", "video", "audio", "map")
BRACKETED = re.compile(r"^\s*\[\s*([0-9]{1,4}[a-z]?|[*†‡§]{1,3})\s*\]\s*$")  # '[12]': a call even without <sup>
NOTE_CLASS = re.compile(r"(^|\s)(e?note|fn|footnote|endnote|noteref|sdfootnoteanc|ref)(\s|$)", re.I)
NOTES_HEADING = re.compile(r"^\s*(notes?|footnotes|endnotes|references|примечания|notas|anmerkungen)\s*:?\s*$", re.I)


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
    refusal: str | None = None  # why the page holds no text to import, when it says so


def parse(text: str) -> etree._Element:
    tree = html.document_fromstring(text or "<html></html>")
    for comment in tree.xpath("//comment() | //processing-instruction()"):
        drop(comment)
    for element in tree.xpath("|".join(f"//{name}" for name in DROPPED)):
        drop(element)
    return tree


def read_article(tree: etree._Element, address: str, notes_page: Callable[[str], etree._Element | None],
                 source: str | None = None) -> Article:
    """``notes_page(url)``: another page of the same work (fetched once), for notes kept there;
    ``source``: the page's HTML as it came (what it declares in scripts, which ``tree`` lacks)."""
    if is_archive(tree, address):
        article = _archive_article(tree, address)
    else:
        article = Article(address, None)
        article.title, article.authors, article.meta, article.language, article.body = site_article(tree, source)
    if article.body is not None:
        _take_notes(article, tree, notes_page)
        article.targets = {urldefrag(h)[1] for h in tree.xpath("//a/@href") if h.startswith("#")} - {""}
        _tidy(article.body)
    canonical = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    article.canonical = canonical[0].strip() if canonical and canonical[0].startswith(("http://", "https://")) else None
    return article


# --- the Marxists Internet Archive ---------------------------------------------------------------


def _archive_article(tree: etree._Element, address: str) -> Article:
    body = tree.find("body")
    header = read_header(tree, address, body)
    if header.removed:
        return Article(address, header.title, refusal="the archive says this text was taken down from it "
                                                      "('File No Longer Available'): there is no text to import")
    for element in information_blocks(tree) + tree.xpath("//p[contains(@class, 'footer')] | "
                              "//span[contains(@class, 'footer')]/ancestor::table[1] | //p[contains(@class, 'toc')] | "
                              "//p[contains(@class, 'title')] | "
                              "//*[contains(@class, 'link')][.//a[contains(@href, 'index')]]"):
        drop(element)
    for table in tree.xpath("//table"):  # navigation bars: a table of a few links and no sentences
        if _is_navigation(table):
            drop(table)
    for bar in tree.xpath("//p | //div"):
        if _is_navigation(bar):
            drop(bar)
    # The header's headings that the front matter now says (the author, the work, the title, its
    # subtitle) go; the text's own (a letter's dateline, 'Abstract', its sections) stay.
    for heading in list(body.iter("h1", "h2", "h3", "h4", "h5", "h6")):
        text = line_text(heading)
        if not text or text in header.shown:
            _keep_calls(heading)
            drop(heading)
    meta = dict(header.info)
    if header.info.get("first_published"):
        meta["source"] = header.info["first_published"]
    if header.date:
        meta["date"] = header.date
    return Article(address, header.title, header.subtitle, header.authors, meta, tree.get("lang") or xml_lang(tree), body)


def _keep_calls(heading: etree._Element) -> None:
    """A note called from a heading that goes ('Engels to Borgius[1]'): its call moves to the
    start of the text after it, so that the note stays."""
    calls = [e for e in heading.iter("sup", "a") if is_call(e) and not any(is_call(a) for a in e.iterancestors())]
    following = next((e for e in heading.itersiblings() if e.tag in ("p", "blockquote", "div") and
                      words(e.text_content())), None)
    if not calls or following is None:
        return
    for call in reversed(calls):
        drop(call)
        call.tail = " " + (following.text or "")
        following.text = None
        following.insert(0, call)


def _is_navigation(element: etree._Element) -> bool:
    """A bar of links: 'Works Index | backward | forward', little text that is not a link."""
    links = element.xpath(".//a")
    if not links or element.xpath(".//sup | .//p[string-length(normalize-space()) > 120]"):
        return False
    text = words(element.text_content())
    linked = sum(len(words(a.text_content())) for a in links)
    return len(text) < 200 and linked >= 0.6 * max(1, len(text.replace("|", "").replace(" ", ""))) and bool(
        "|" in text or re.search(r"\b(index|contents|archive|home|next|previous|backward|forward)\b", text, re.I))


# --- notes -------------------------------------------------------------------------------------------


def _take_notes(article: Article, tree: etree._Element, notes_page: Callable[[str], etree._Element | None]) -> None:
    """Note calls become placeholders (markdown.py writes [^label]); their definitions, found on
    this page or a notes page of the work, are taken out of the page and kept. A call and its
    definition often link each other (reciprocal anchors): the call is the link that points
    forward; the definition's link back to it is no call, nor is a link to another work (a
    glossary's [*])."""
    order = {element: n for n, element in enumerate(article.body.iter())}
    taken_labels: dict[tuple[str, str], str] = {}
    for link in list(article.body.iter("a")):
        href = link.get("href") or ""
        if "#" not in href or not NOTE_LABEL.match(link.text_content() or "") or link not in order \
                or not _inside(link, article.body):
            continue  # not a call, or inside a definition taken out already
        call = _call_element(link)
        if call is None:
            continue
        page_url, anchor = urldefrag(urljoin(article.address, href))
        here = not page_url or page_url == urldefrag(article.address)[0] or href.startswith("#")
        if here:
            target = _anchor(article.body, anchor)
            if target is not None and target in order and order[target] < order[link]:
                continue  # a way back from a note to its call
        elif posixpath.dirname(urlparse(page_url).path) != posixpath.dirname(urlparse(article.address).path):
            continue  # another work's page (a glossary, an index): a link, not a note
        number = NOTE_LABEL.match(link.text_content())[1]
        key = (page_url if not here else "", anchor)
        if key in taken_labels:  # a second call of the same note
            label = taken_labels[key]
        else:
            # this page's article first (its definitions leave the body), then the page, or the notes page
            sources = (article.body, tree) if here else (notes_page(page_url),)
            definition = next((d for source in sources if source is not None
                               for d in (_definition(source, anchor, link, take=here),) if d is not None), None)
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


def _inside(element: etree._Element, root: etree._Element) -> bool:
    return element is root or any(a is root for a in element.iterancestors())


def _anchor(tree: etree._Element, anchor: str) -> etree._Element | None:
    found = tree.xpath(".//*[@id=$a] | .//a[@name=$a]", a=anchor)
    return found[0] if found else None


def _call_element(link: etree._Element) -> etree._Element | None:
    """The element a note call occupies (its <sup>, its span.note) when the link is one."""
    parent = link.getparent()
    if parent is not None and parent.tag == "sup" and len(words(parent.text_content())) <= 8:
        return parent
    if parent is not None and parent.tag == "span" and NOTE_CLASS.search(parent.get("class", "")):
        return parent
    if link.find("sup") is not None or NOTE_CLASS.search(link.get("class", "")) or BRACKETED.match(link.text_content()):
        return link
    return None


TEXT_BLOCKS = ("p", "li", "dd", "td", "blockquote", "aside")


def _definition(tree: etree._Element, anchor: str, call: etree._Element, take: bool) -> etree._Element | None:
    """The note's content, from the block holding the anchor, or, where the anchor is an empty
    mark between blocks (1990s pages), the block after it; ``take``: take it out of the page."""
    target = _anchor(tree, anchor)
    if target is None:
        return None
    taken: list[etree._Element] = []
    if target.tag == "a" and not words(target.text_content()) and target.getparent() is not None \
            and target.getparent().tag not in TEXT_BLOCKS + ("span", "b", "strong", "i", "em", "sup", "font"):
        block = _block_after(target)
        taken = [target]
    else:
        block = target
        while block is not None and block.tag not in TEXT_BLOCKS + ("div",):
            block = block.getparent()
    if block is None or block.tag == "body" or len(words(block.text_content())) > 4000:
        return None
    content = copy.deepcopy(block)
    # the way back to the call and the note's number go: the footnote gets both from pubkit
    call_ids = {call.get("id"), call.get("name"), call.getparent().get("id")} - {None}
    for link in content.xpath(".//a[@href]"):
        if "#" in link.get("href") and (NOTE_LABEL.match(link.text_content() or "") or not words(link.text_content())
                                        or urldefrag(link.get("href"))[1] in call_ids
                                        or words(link.text_content()) in ("↩", "↑", "^", "back")):
            drop(link)
    for link in content.xpath(".//a[@name=$a or @id=$a]", a=anchor):
        if NOTE_LABEL.match(link.text_content() or "") or not words(link.text_content()):
            drop(link)
        else:
            link.attrib.pop("name", None)
            link.attrib.pop("id", None)
    content.attrib.pop("id", None)
    _strip_leading_number(content)
    if take:
        for element in (*taken, block):
            drop(element)
    return content


def _block_after(mark: etree._Element) -> etree._Element | None:
    """The first block with words after an empty anchor, past line breaks and blank blocks."""
    for sibling in mark.itersiblings():
        if not isinstance(sibling.tag, str) or sibling.tag == "br":
            continue
        if sibling.tag == "a" and sibling.get("name") and not words(sibling.text_content()):
            return None  # the next note's mark: this one has no block of its own
        if words(sibling.text_content()):
            return sibling if sibling.tag in TEXT_BLOCKS + ("div",) else None
    return None


def _strip_leading_number(element: etree._Element) -> None:
    """'[1] The text' or '1. The text': the number goes."""
    pattern = re.compile(r"^\s*[\[(]?\s*([0-9]{1,4}[a-z]?|[A-Za-z]{1,2}|[*†‡§]{1,3})\s*[\])]\s*[.:]?\s*|^\s*[0-9]{1,4}\.\s+")
    if element.text and element.text.strip():
        element.text = pattern.sub("", element.text, count=1)
        return
    first = next(iter(element), None)
    if first is not None and first.tag in ("sup", "b", "strong", "span") and NOTE_LABEL.match(first.text_content() or ""):
        tail = first.tail
        drop(first)
        element.text = (element.text or "") + pattern.sub("", tail or "", count=1).lstrip(". ")


# --- tidying -----------------------------------------------------------------------------------------


def _tidy(body: etree._Element) -> None:
    """What the notes left behind: an empty 'Notes' heading, separators and empty blocks at the end."""
    for heading in body.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//p[b or strong]"):
        if NOTES_HEADING.match(heading.text_content() or ""):
            order = list(body.iter())
            after = [e for e in order[order.index(heading) + 1:] if heading not in e.iterancestors()]
            if not any(words(e.text) or words(e.tail) or e.tag in ("img", "pubkit-note") for e in after):
                drop(heading)
    for end in (-1, 0):  # the last blocks, then the first (the header's rule, left alone above the text)
        while True:
            children = [e for e in body if isinstance(e.tag, str)]
            if children and children[end].tag in ("hr", "br", "p", "div") and not words(children[end].text_content()) \
                    and not children[end].xpath(".//img | .//pubkit-note") and not (end == 0 and words(body.text)):
                drop(children[end])
                continue
            break
    for image in body.xpath(".//img"):  # tracking pixels
        width, height, src = image.get("width", ""), image.get("height", ""), image.get("src", "")
        if (width in ("0", "1") or height in ("0", "1")) or re.search(r"pixel|beacon|track|analytics|/1x1", src, re.I):
            drop(image)
