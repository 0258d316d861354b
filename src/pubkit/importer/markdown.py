"""An article's HTML as pubkit Markdown: headings under the text's title, paragraphs, quotations,
verse, lists, tables, images, links, emphasis and footnotes. Only these constructs are written;
whatever else a page holds leaves its words and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin

from lxml import etree

BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table",
          "thead", "tbody", "tfoot", "tr", "td", "th", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
          "figcaption", "center", "address", "aside", "header", "footer", "nav", "body", "caption", "details"}
FIGURE = re.compile(r"(^|\s)(figure|image|photo|illustration|picture)(\s|$)", re.I)
CAPTION = re.compile(r"(^|\s)(caption|legend|credit)(\s|$)", re.I)
VERSE = re.compile(r"(^|\s)(poem|poetry|verse|stanza)(\s|$)", re.I)
SMALL_CAPS = re.compile(r"small-?caps", re.I)
# Characters that mean something to Markdown where they stand.
INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~|{])")
CODE_SEPARATOR = "<!-- -->"  # between two code spans: pubkit drops comments
ENTITY = re.compile(r"&(?=#?\w+;)")
LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)]|:::)")


@dataclass
class Context:
    """What the writer needs from the import: where links go, how images are saved."""

    address: str  # the page's address, for relative links
    link_for: Callable[[str], str]  # absolute address -> what the text links to (a chapter file, or the address)
    save_image: Callable[[str, str], str | None]  # (absolute address, alt) -> path beside the text, or None
    targets: set[str] = field(default_factory=set)  # anchors some link points to: kept
    anchors: set[str] = field(default_factory=set)  # anchors the page holds
    top_heading: int = 2  # the level the page's highest body heading becomes
    warnings: list[str] = field(default_factory=list)
    _levels: dict[int, int] = field(default_factory=dict)  # set by to_markdown: page heading level -> Markdown level
    _last: int = 0  # the level of the heading written last (none yet: 0)


def to_markdown(body: etree._Element, context: Context) -> str:
    _join_code(body)
    _join_links(body)
    levels = sorted({int(h.tag[1]) for h in body.iter("h1", "h2", "h3", "h4", "h5", "h6")})
    context._levels = {level: min(6, context.top_heading + i) for i, level in enumerate(levels)}
    context._last = context.top_heading - 1
    blocks = _blocks(body, context)
    text = "\n\n".join(b for b in blocks if b.strip())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def notes_markdown(notes, context: Context) -> str:
    """The footnotes' definitions, each '[^label]: ...' with its further paragraphs indented."""
    out = []
    for note in notes:
        _join_code(note.element)
        blocks = [b for b in _blocks(note.element, context) if b.strip()] or [_inline(note.element, context).strip()]
        first, *rest = blocks
        out.append(f"[^{note.label}]: {first}" + "".join("\n\n" + _indent(b, "    ") for b in rest))
    return "\n\n".join(out) + ("\n" if out else "")


def _join_code(element: etree._Element) -> None:
    """<code>a</code><code>b</code> as one code element: Markdown cannot write two code spans side
    by side (their backticks would run together into one fence)."""
    for code in element.xpath(".//code"):
        previous = code.getprevious()
        if previous is not None and previous.tag == "code" and not previous.tail and code.getparent() is not None:
            text = previous.text_content() + code.text_content()
            for child in list(previous):
                previous.remove(child)
            previous.text, previous.tail = text, code.tail
            code.getparent().remove(code)


def _join_links(element: etree._Element) -> None:
    """<a href=x>Data m</a><a href=x>odel</a> (a CMS's editor splitting a link) as one link: as
    two, their words would come apart."""
    for link in element.xpath(".//a[@href]"):
        previous = link.getprevious()
        if previous is None or previous.tag != "a" or previous.get("href") != link.get("href") or previous.tail \
                or link.getparent() is None:
            continue
        if len(previous):
            previous[-1].tail = (previous[-1].tail or "") + (link.text or "")
        else:
            previous.text = (previous.text or "") + (link.text or "")
        for child in list(link):
            previous.append(child)
        previous.tail = link.tail
        link.getparent().remove(link)


# --- blocks ------------------------------------------------------------------------------------------


def _blocks(element: etree._Element, context: Context) -> list[str]:
    """The Markdown blocks of an element's children; loose text and inline elements make paragraphs."""
    out: list[str] = []
    run: list = []  # inline content waiting to become a paragraph

    def flush() -> None:
        if run:
            holder = element.makeelement("p", {})
            holder.text = run[0] if isinstance(run[0], str) else None
            for item in run:
                if not isinstance(item, str):
                    holder.append(item)
                elif item is not run[0]:
                    _append_text(holder, item)
            paragraph = _paragraph(holder, context)
            if paragraph:
                out.append(paragraph)
            run.clear()

    if element.text and element.text.strip():
        run.append(element.text)
    for child in list(element):
        if not isinstance(child.tag, str):
            continue
        tail = child.tail
        if child.tag in BLOCKS or child.tag == "img":  # an image between blocks is a figure of its own
            flush()
            out.extend(_block(child, context))
        else:
            child.tail = None
            run.append(child)
        if tail and tail.strip():
            run.append(tail)
    flush()
    return out


def _block(element: etree._Element, context: Context) -> list[str]:
    tag = element.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        anchor = _anchor_of(element, context, inside=True)
        for mark in element.xpath(".//a[not(@href)]"):  # its anchor is the heading's own {#id}
            mark.drop_tag()
        text = _inline(element, context).replace("\\\n", " ").strip()
        if not text:
            return []
        # never deeper than one below the heading before it: a page that starts with its <h3>s
        # (its <h1> was the title) or skips a level would leave readers' outlines with a gap
        level = min(context._levels.get(int(tag[1]), context.top_heading), context._last + 1)
        context._last = level
        return ["#" * level + " " + text + (f" {{#{anchor}}}" if anchor else "")]
    if tag == "p":
        if VERSE.search(element.get("class", "")):
            return [_verse(element, context)]
        paragraph = _paragraph(element, context)
        return [paragraph] if paragraph else []
    if tag == "hr":
        return ["* * *"]
    if tag == "blockquote":
        if VERSE.search(element.get("class", "")):
            return [_verse(element, context)]
        inner = _blocks(element, context)
        return ["\n>\n".join(_indent(b, "> ", "> ") for b in inner)] if inner else []
    if tag in ("ul", "ol"):
        if element.find("li") is None:  # a list of no items: the 1990s way to indent a passage
            return _blocks(element, context)
        return [_list(element, context)]
    if tag == "dl":
        return [_definitions(element, context)]
    if tag == "table":
        return [_table(element, context)]
    if tag == "pre":
        if VERSE.search(element.get("class", "")):
            return [_verse(element, context)]
        code = element.text_content().rstrip("\n")
        fence = "```" if "```" not in code else "~~~~"
        return [f"{fence}\n{code}\n{fence}"]
    if tag == "figure" or tag == "img" or (FIGURE.search(element.get("class", "")) and element.xpath(".//img")):
        return _figure(element, context)
    if VERSE.search(element.get("class", "")):
        return [_verse(element, context)]
    return _blocks(element, context)  # div, section, center ...: their content


def _paragraph(element: etree._Element, context: Context) -> str:
    text = _inline(element, context).strip()
    if not text:
        return ""
    text = LINE_START.sub(lambda m: m[1] + "\\" + m[2], text, count=1)
    anchor = _anchor_of(element, context)
    return (f'<a id="{anchor}"></a>' if anchor else "") + text


def _verse(element: etree._Element, context: Context) -> str:
    """A poem: a line per line of the page, stanzas apart."""
    if element.tag == "pre":
        lines = [_escape(_clean(line)) for line in element.text_content().splitlines()]
    else:
        marked = _inline(element, context, keep_breaks=True)
        lines = marked.split("\n")
    stanzas, current = [], []
    for line in lines:
        line = line.strip()
        if line:
            current.append(LINE_START.sub(lambda m: m[1] + "\\" + m[2], line, count=1))
        elif current:
            stanzas.append(current)
            current = []
    if current:
        stanzas.append(current)
    return "::: verse\n" + "\n\n".join("\n".join(s) for s in stanzas) + "\n:::"


def _list(element: etree._Element, context: Context, depth: int = 0) -> str:
    ordered = element.tag == "ol"
    start = int(element.get("start")) if (element.get("start") or "").isdigit() else 1
    items = []
    for number, item in enumerate((li for li in element if li.tag == "li"), start=start):
        marker = f"{number}. " if ordered else "- "
        nested = [child for child in item if child.tag in ("ul", "ol")]
        for child in nested:
            item.remove(child)
        blocks = _blocks(item, context) or [""]
        body = "\n\n".join(blocks)
        text = marker + _indent(body, " " * len(marker), "")
        for child in nested:
            text += "\n" + _indent(_list(child, context, depth + 1), " " * len(marker))
        items.append(text)
    return "\n".join(items)


def _definitions(element: etree._Element, context: Context) -> str:
    out = []
    for child in element:
        text = _inline(child, context).strip()
        if child.tag == "dt":
            out.append(("\n" if out else "") + text)
        elif child.tag == "dd":
            out.append(": " + text)
    return "\n".join(out)


def _table(element: etree._Element, context: Context) -> str:
    caption = element.find("caption")
    above = f"*{_inline(caption, context).strip().strip('*')}*\n\n" if caption is not None and _inline(caption, context).strip() else ""
    return above + _grid(element, context)


def _grid(element: etree._Element, context: Context) -> str:
    rows = element.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    grid = []
    for row in rows:
        cells = []
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            text = _inline(cell, context).replace("\\\n", " ").replace("|", "\\|")
            cells.append(text)
            cells += [""] * (int(cell.get("colspan")) - 1 if (cell.get("colspan") or "").isdigit() else 0)
        if cells:
            grid.append(cells)
    if not grid:
        return ""
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    header_row = rows[0].xpath("./th") and not rows[0].xpath("./td")
    head = grid[0] if header_row else [""] * width  # pubkit writes no <th> for an empty header row
    body = grid[1:] if header_row else grid
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in range(width)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def _figure(element: etree._Element, context: Context) -> list[str]:
    images = [element] if element.tag == "img" else element.xpath(".//img")
    captions = [] if element.tag == "img" else element.xpath(".//figcaption | .//*[@class]")
    caption_el = next((c for c in captions if c.tag == "figcaption" or CAPTION.search(c.get("class", ""))), None)
    caption = _inline(caption_el, context).strip() if caption_el is not None else ""
    out = []
    for image in images:
        image_md = _image(image, context, caption)
        if image_md:
            out.append(image_md)
    if caption:  # under the image; without an image, the caption's words still
        out.append("*" + caption.strip("*") + "*" if out else caption)
    return out


SPACER = 200  # characters: a data: image this short is a lazy page's 1x1 placeholder, not a picture


def _image(image: etree._Element, context: Context, caption: str = "") -> str:
    src = image.get("src") or ""
    lazy = image.get("data-src") or (image.get("data-srcset") or "").split(" ")[0].rstrip(",")
    if lazy and (not src or (src.startswith("data:") and len(src) < SPACER)):
        src = lazy  # the picture a lazy page loads in place of its placeholder
    if not src or (src.startswith("data:") and len(src) < SPACER):
        return ""
    alt = " ".join((image.get("alt") or "").split()) or re.sub(r"[*_\\]", "", caption)
    address = urljoin(context.address, src)
    saved = context.save_image(address, alt)
    if saved is None:
        return ""
    if not alt:
        context.warnings.append(f"the image {src} has no alt text and no caption: describe it in the text's ![...]")
    return f"![{_escape(alt)}]({saved})"


# --- inline ------------------------------------------------------------------------------------------


BREAK = "\x01"  # a <br>, until the whole inline run is written


def _inline(element: etree._Element, context: Context, keep_breaks: bool = False) -> str:
    """An element's inline content as Markdown on one line; a <br> is a hard break, or with
    ``keep_breaks`` (verse) a new line."""
    text = re.sub(f" ?{BREAK} ?", BREAK, " ".join(_run(element, context).split()))
    return text.strip(BREAK).replace(BREAK, "\n" if keep_breaks else "\\\n")


def _run(element: etree._Element, context: Context) -> str:
    parts = [_escape(_clean(element.text or ""))]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_inline_element(child, context))
        parts.append(_escape(_clean(child.tail or "")))
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    """Inline parts end to end. Where a code span's closing backticks would meet the next one's
    opening backticks (code at the end of one element, code at the start of the next: _join_code
    only joins siblings), they would read as one longer fence; an empty comment, which pubkit drops,
    keeps them apart. (Only a code span starts with a backtick: text's are escaped.)"""
    out: list[str] = []
    last = ""  # the last part that was not empty
    for part in parts:
        if part.startswith("`") and last.endswith("`"):
            out.append(CODE_SEPARATOR)
        out.append(part)
        last = part or last
    return "".join(out)


def _inline_element(element: etree._Element, context: Context) -> str:
    tag = element.tag
    if tag == "pubkit-note":
        return f"[^{element.get('label')}]"
    if tag == "br":
        return BREAK
    if tag == "img":
        return _image(element, context)
    inner = _run(element, context)
    if tag in ("em", "i", "cite", "var", "dfn"):
        return _wrap(inner, "*")
    if tag in ("strong", "b"):
        return _wrap(inner, "**")
    if tag in ("sup", "sub"):
        return f"<{tag}>{inner}</{tag}>" if inner.strip() else ""
    if tag == "code":
        code = " ".join(element.text_content().split())
        if not code:
            return ""
        # a fence longer than any run of backticks inside; spaces where the code starts or ends with one
        fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        return f"{fence}{pad}{code}{pad}{fence}"
    if tag == "a":
        return _link(element, inner, context)
    if tag == "span" and element.get("lang"):
        return f'<span lang="{_attribute(element.get("lang"))}">{inner}</span>'
    if SMALL_CAPS.search(element.get("class", "") + element.get("style", "")):
        return inner  # small capitals as plain words
    if tag in ("s", "strike", "del"):
        return _wrap(inner, "~~")
    return inner


def _link(element: etree._Element, inner: str, context: Context) -> str:
    href = (element.get("href") or "").strip()
    anchor = _anchor_of(element, context)
    lead = f'<a id="{anchor}"></a>' if anchor and not href else ""
    if not href or href.startswith(("javascript:", "data:")) or not inner.strip():
        return lead + inner
    if href.startswith("#"):
        if href[1:] not in context.targets and href[1:] not in context.anchors:
            return lead + inner  # an anchor the page does not have
        target = href
    else:
        target = context.link_for(urljoin(context.address, href))
        if not target.startswith(("http://", "https://", "mailto:")) and ".md" not in target:
            return lead + inner  # a page on disk that was not imported: nothing to link to
    
    return f"{lead}[{inner}]({target.replace(' ', '%20').replace(')', '%29')})"


def _anchor_of(element: etree._Element, context: Context, inside: bool = False) -> str | None:
    """An element's anchor (with ``inside``, or an anchor it holds), kept only where some link points to it."""
    held = (a.get("id") or a.get("name") for a in element.xpath(".//a[not(@href)]")) if inside else ()
    for candidate in (element.get("id"), element.get("name"), *held):
        if candidate and candidate in context.targets and re.fullmatch(r"[A-Za-z][\w.:-]*", candidate):
            return candidate
    return None


def _wrap(text: str, mark: str) -> str:
    """Emphasis around the words, the spaces outside (Markdown needs it so)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _clean(text: str) -> str:
    """No-break spaces as spaces, soft hyphens and zero-width characters gone; quotes as they are."""
    return text.replace("\u00a0", " ").replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")


def _escape(text: str) -> str:
    return ENTITY.sub("\\&", INLINE_SPECIAL.sub(r"\\\1", text))


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _append_text(holder: etree._Element, text: str) -> None:
    if len(holder):
        holder[-1].tail = (holder[-1].tail or "") + text
    else:
        holder.text = (holder.text or "") + text


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    head = (first if first is not None else prefix) + lines[0] if lines[0] else (first if first is not None else prefix).rstrip()
    return "\n".join([head, *((prefix + line) if line else prefix.rstrip() for line in lines[1:])])
