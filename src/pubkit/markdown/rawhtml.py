"""Raw HTML in texts: a small set of harmless inline elements is kept, everything else is dropped.

Texts converted from web pages carry inline HTML: paragraph anchors (``<a id="p6"></a>``),
``<sup>``, ``<span lang="ru">``, ``<br>``. The elements below are kept, their attributes sanitised
by nh3 (ammonia's rules: nothing that runs, loads or styles); any other tag is dropped and its
words kept; scripts, styles, frames, forms and embedded objects are dropped with their content.

Kept tags become real markdown-it tokens (``raw_span_open`` ...), so that links and anchors take
the same path as Markdown's own (book-wide ids, link checks), and the renderer writes them as
well-formed XHTML: a tag Markdown's emphasis or links cross is closed where it must be.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3
from markdown_it.token import Token

# The elements a text may use, each harmless: no script, no style, nothing loaded.
INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "q",
                         "s", "small", "span", "strong", "sub", "sup", "u", "wbr"})
VOID_TAGS = frozenset({"br", "wbr"})
# Attributes: anchors (id; name on old pages), language and direction, an abbreviation's expansion,
# a link's address (http, https, mailto, or a path inside the project).
ATTRIBUTES = {"*": {"id", "lang", "dir"}, "a": {"href", "name"}, "abbr": {"title"}, "dfn": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them: what runs, styles, embeds or asks for input.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template",
                                  "textarea", "select", "form", "button", "svg", "math", "head", "title"})

TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9-]*)(\s.*?)?\s*(/?)>$", re.S)
CLEAN_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
LOCAL_ID = re.compile(r"^[\w.:-]+$")
DIRECTIONS = ("ltr", "rtl", "auto")


@dataclass
class Findings:
    """What a text's raw HTML held that was not kept: tag name -> [times, first token, its words]."""

    dropped: dict[str, list] = field(default_factory=dict)
    removed: dict[str, list] = field(default_factory=dict)  # with their content
    refused: dict[str, list] = field(default_factory=dict)  # links whose address is not allowed

    def note(self, table: dict, name: str, token: Token, needle: str) -> None:
        table.setdefault(name, [0, token, needle])[0] += 1


def clean_block(content: str, findings: Findings, token: Token) -> str:
    """A raw HTML block (``<div>``, ``<p>``, ``<table>`` ...) reduced to its words and kept inline tags."""
    for name in re.findall(r"<([A-Za-z][A-Za-z0-9-]*)", content):
        name = name.lower()
        if name in DROPPED_WITH_CONTENT:
            findings.note(findings.removed, name, token, f"<{name}")
        elif name not in INLINE_TAGS:
            findings.note(findings.dropped, name, token, f"<{name}")
    return nh3.clean(content, tags=set(INLINE_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)


def structure_inline(children: list[Token], findings: Findings, parent: Token) -> list[Token]:
    """Inline raw HTML tokens -> kept tags as tokens, balanced; the rest dropped.

    ``<a href>`` becomes a ``link_open``/``link_close`` pair like a Markdown link; other kept tags
    become ``raw_<name>_open``/``_close`` (or ``_void``). Every token made here has meta["raw"]."""
    out: list[Token] = []
    stack: list[Token] = []  # open elements, Markdown's (em, link ...) and raw ones
    skipping: str | None = None  # inside a tag dropped with its content
    for child in children:
        if skipping:
            if child.type == "html_inline" and _parse(child.content)[:2] == (True, skipping):
                skipping = None
            continue
        if child.type != "html_inline":
            if child.type == "link_open":  # links cannot nest: a raw link still open ends here
                out += _close_raw_links(stack)
            if child.nesting == 1:
                stack.append(child)
            elif child.nesting == -1:
                out += _close_down_to(stack, child.type.removesuffix("_close") + "_open")
                out.append(child)
                out += _close_finished(stack)
                continue
            out.append(child)
            continue
        if child.content.startswith("<!--"):
            continue  # an editor's comment
        closing, name, attributes, empty = _parse(child.content)
        if name not in INLINE_TAGS:
            if name in DROPPED_WITH_CONTENT:
                if not closing:
                    findings.note(findings.removed, name, parent, child.content)
                    skipping = None if empty else name
            elif not closing:
                findings.note(findings.dropped, name or child.content[:20], parent, child.content)
            continue
        if closing:  # closes its element now, or as soon as the Markdown elements inside it close
            opened = next((t for t in reversed(stack) if t.meta.get("raw") and t.tag == name), None)
            if opened is not None:
                opened.meta["closed"] = True
                out += _close_finished(stack)
            continue
        attrs = _clean_attributes(name, attributes or "")
        if name in VOID_TAGS:
            out.append(_token(f"raw_{name}_void", name, 0, attrs, child))
            continue
        if empty:
            continue  # <span/> holds nothing
        if name == "a":
            if "href" not in attrs and "href=" in (attributes or "").lower():
                findings.note(findings.refused, "a", parent, child.content)
            if any(t.tag == "a" for t in stack) or not ({"href", "id"} & set(attrs)):
                continue  # links cannot nest; an <a> with neither address nor anchor is nothing
            kind = "link_open" if "href" in attrs else "raw_a_open"
        else:
            kind = f"raw_{name}_open"
        token = _token(kind, name, 1, attrs, child)
        stack.append(token)
        out.append(token)
    while stack:  # elements still open at the end of the paragraph
        opened = stack.pop()
        if opened.meta.get("raw"):
            out.append(_closer(opened))
    return out


def _parse(content: str) -> tuple[bool, str | None, str | None, bool]:
    """'<span lang="ru">' -> (closing, name, attributes, self-closing)."""
    match = TAG.match(content)
    if not match:
        return False, None, None, False
    return bool(match[1]), match[2].lower(), match[3], bool(match[4])


def _close_down_to(stack: list[Token], opener: str) -> list[Token]:
    """Markdown closes an element: raw elements opened inside it close first."""
    if not any(t.type == opener and not t.meta.get("raw") for t in stack):
        return []
    closes = []
    while stack:
        top = stack.pop()
        if top.type == opener and not top.meta.get("raw"):
            break
        if top.meta.get("raw"):
            closes.append(_closer(top))
    return closes


def _close_finished(stack: list[Token]) -> list[Token]:
    """Raw elements whose closing tag came while something inside them was still open."""
    closes = []
    while stack and stack[-1].meta.get("closed"):
        closes.append(_closer(stack.pop()))
    return closes


def _close_raw_links(stack: list[Token]) -> list[Token]:
    at = next((i for i, t in enumerate(stack) if t.meta.get("raw") and t.tag == "a"), None)
    if at is None:
        return []
    closes = [_closer(t) for t in reversed(stack[at:]) if t.meta.get("raw")]
    del stack[at:]
    return closes


def _clean_attributes(name: str, raw: str) -> dict[str, str]:
    cleaned = nh3.clean(f"<{name}{raw}></{name}>", tags={name}, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                        link_rel=None)
    attrs = {key: html.unescape(value) for key, value in CLEAN_ATTRIBUTE.findall(cleaned.split(">", 1)[0])}
    if name == "a" and "name" in attrs:  # old pages name their anchors
        attrs.setdefault("id", attrs["name"])
        del attrs["name"]
    if "id" in attrs and not LOCAL_ID.match(attrs["id"]):
        del attrs["id"]
    if attrs.get("dir") not in (None, *DIRECTIONS):
        del attrs["dir"]
    return attrs


def _token(kind: str, name: str, nesting: int, attrs: dict[str, str], source: Token) -> Token:
    token = Token(kind, name, nesting, attrs=attrs, meta={"raw": True})
    token.map = source.map
    return token


def _closer(opened: Token) -> Token:
    kind = "link_close" if opened.type == "link_open" else f"raw_{opened.tag}_close"
    return _token(kind, opened.tag, -1, {}, opened)
