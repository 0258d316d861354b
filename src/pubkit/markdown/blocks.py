"""Book conventions as fenced containers:

    ::: epigraph            ::: verse               ::: letter          ::: signature
    Words of wisdom.        Line one                Dear comrade,       Yours fraternally,
                            line two (kept)         ...                 L. T.
    — Someone               :::                     :::                 :::
    :::

    ::: lang ru             (a passage in another language: marked, hyphenated and read aloud as such)
    > Вся власть Советам!
    :::
"""

from __future__ import annotations

import unicodedata

from markdown_it.rules_core import StateCore

# container name -> (element, attributes)
CONTAINERS: dict[str, tuple[str, str]] = {
    "epigraph": ("blockquote", ' class="epigraph" epub:type="epigraph" role="doc-epigraph"'),
    "verse": ("div", ' class="verse"'),
    "letter": ("div", ' class="letter"'),
    "signature": ("div", ' class="signature"'),
    "lang": ("div", ""),  # its language is checked by the conversion and set as an attribute
}


def render_container(self, tokens, idx, options, env):
    token = tokens[idx]
    name = token.type.removeprefix("container_").rsplit("_", 1)[0]
    element, attrs = CONTAINERS[name]
    if token.nesting == 1 and name == "lang":
        lang = token.attrGet("lang")
        return f'<{element} lang="{lang}" xml:lang="{lang}">\n' if lang else f"<{element}>\n"
    if token.nesting == 1:
        extra = token.attrGet("class")  # e.g. "long" (breaks.py)
        if extra:
            attrs = attrs.replace(f' class="{name}"', f' class="{name} {extra}"', 1)
        return f"<{element}{attrs}>\n"
    return f"</{element}>\n"


# containers whose line breaks are part of the text
KEEP_LINES = {f"container_{name}_{end}" for name in ("verse", "signature") for end in ("open", "close")}
QUOTES = ("blockquote_open", "container_epigraph_open")
ATTRIBUTION = ("—", "--", "―")


def verse_lines(state: StateCore) -> None:
    """Line breaks are kept in verse and signatures; a quotation's closing '— Name' paragraph is
    marked as its attribution."""
    keep = 0
    quote_ends: list[int] = []  # stack of open quotations
    for i, token in enumerate(state.tokens):
        if token.type in KEEP_LINES:
            keep += token.nesting
        elif token.type in QUOTES:
            quote_ends.append(i)
        elif token.type in ("blockquote_close", "container_epigraph_close") and quote_ends:
            quote_ends.pop()
            _mark_attribution(state.tokens, i)
        elif token.type == "inline" and keep:
            for child in token.children or []:
                if child.type == "softbreak":
                    child.type, child.tag = "hardbreak", "br"


def wide_lines(state: StateCore) -> None:
    """A line end between two Chinese (or Japanese) characters joins them: those languages put no
    space between words, and a space where an editor wrapped the source line would show as a gap."""
    for token in state.tokens:
        children = token.children or []
        for before, child, after in zip(children, children[1:], children[2:]):
            if (child.type == "softbreak" and before.type == "text" and after.type == "text"
                    and before.content and after.content and _wide(before.content[-1]) and _wide(after.content[0])):
                child.type, child.tag, child.content = "text", "", ""


HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))  # Korean spaces its words


def _wide(char: str) -> bool:
    return (unicodedata.east_asian_width(char) in ("W", "F")
            and not any(low <= ord(char) <= high for low, high in HANGUL))


def _mark_attribution(tokens, close: int) -> None:
    """If the quotation ends with a paragraph opening with a dash, that paragraph is its source."""
    if (close >= 3 and tokens[close - 1].type == "paragraph_close" and tokens[close - 3].type == "paragraph_open"
            and tokens[close - 3].level == tokens[close].level + 1
            and tokens[close - 2].content.lstrip().startswith(ATTRIBUTION)):
        tokens[close - 3].attrSet("class", "attribution")
