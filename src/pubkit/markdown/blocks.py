"""Book conventions as fenced containers:

    ::: epigraph            ::: verse               ::: letter          ::: signature
    Words of wisdom.        Line one                Dear comrade,       Yours fraternally,
                            line two (kept)         ...                 L. T.
    — Someone               :::                     :::                 :::
    :::
"""

from __future__ import annotations

from markdown_it.rules_core import StateCore

# container name -> (element, attributes)
CONTAINERS: dict[str, tuple[str, str]] = {
    "epigraph": ("blockquote", ' class="epigraph" epub:type="epigraph" role="doc-epigraph"'),
    "verse": ("div", ' class="verse"'),
    "letter": ("div", ' class="letter"'),
    "signature": ("div", ' class="signature"'),
}


def render_container(self, tokens, idx, options, env):
    token = tokens[idx]
    name = token.type.removeprefix("container_").rsplit("_", 1)[0]
    element, attrs = CONTAINERS[name]
    if token.nesting == 1:
        return f"<{element}{attrs}>\n"
    return f"</{element}>\n"


def verse_lines(state: StateCore) -> None:
    """Inside verse, every line break is kept; an epigraph's '— Name' line is its attribution."""
    in_verse = 0
    in_epigraph = 0
    for i, token in enumerate(state.tokens):
        if token.type == "container_verse_open":
            in_verse += 1
        elif token.type == "container_verse_close":
            in_verse -= 1
        elif token.type == "container_epigraph_open":
            in_epigraph += 1
        elif token.type == "container_epigraph_close":
            in_epigraph -= 1
        elif token.type == "inline" and in_verse:
            for child in token.children or []:
                if child.type == "softbreak":
                    child.type, child.tag = "hardbreak", "br"
        elif token.type == "inline" and in_epigraph and token.content.startswith(("—", "--", "―")):
            opening = state.tokens[i - 1]
            if opening.type == "paragraph_open":
                opening.attrSet("class", "attribution")
