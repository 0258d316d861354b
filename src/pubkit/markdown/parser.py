"""The Markdown dialect: CommonMark + tables, footnotes, definition lists, smart typography, containers."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import blocks, breaks, spacing, tables

MAX_NESTING = 100  # token levels: about 49 nested lists, deep enough for any text, shallow enough for the stack

# Curly quotes per language: primary open/close, secondary open/close (markdown-it's order).
# French uses guillemets with a narrow no-break space inside.
QUOTES: dict[str, str | list[str]] = {
    "en": "“”‘’",
    "fr": ["«\u202f", "\u202f»", "“", "”"],
    "de": "„“‚‘",
    "ru": "«»„“",
    "uk": "«»„“",
    "pl": "„”‚’",
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "nl": "“”‘’",
    "sv": "””’’",
    "el": "«»“”",
    "tr": "“”‘’",
}


def quotes_for(lang: str) -> str | list[str]:
    return QUOTES.get(lang.split("-")[0].lower(), QUOTES["en"])


@lru_cache(maxsize=None)
def parser_for(lang: str) -> MarkdownIt:
    """A parser whose smart quotes follow ``lang``; built once per language."""
    from .render import XhtmlRenderer

    md = MarkdownIt(
        "commonmark",
        # html=True so that raw HTML is *seen* (and reported), never passed through: see render.py
        {"typographer": True, "xhtmlOut": True, "html": True, "quotes": quotes_for(lang),
         # markdown-it drops whatever lies deeper than this (its default, 20, is ten list levels);
         # convert.py reports a text that reaches it rather than lose words
         "maxNesting": MAX_NESTING},
        renderer_cls=XhtmlRenderer,
    )
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(deflist_plugin)
    # the footnote plugin installs its own render rules; ours (book-wide ids, EPUB semantics) win
    for name in ("footnote_ref", "footnote_anchor"):
        md.add_render_rule(name, getattr(XhtmlRenderer, name))
    for name in blocks.CONTAINERS:
        md.use(container_plugin, name=name, render=blocks.render_container,
               validate=lambda params, *_, name=name: params.strip().split(" ", 1)[0] == name)
    md.core.ruler.push("verse_lines", blocks.verse_lines)
    md.core.ruler.push("wide_lines", blocks.wide_lines)
    md.core.ruler.push("table_headers", tables.table_headers)
    md.core.ruler.push("long_blocks", breaks.mark_long_blocks)
    if lang.split("-")[0].lower() == "fr":
        md.core.ruler.push("french_spacing", spacing.french_spacing)
    return md
