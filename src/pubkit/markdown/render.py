"""The XHTML renderer: markdown-it's HTML renderer, made safe and book-aware.

Raw HTML never passes through: ``rawhtml`` turns the inline elements a text may use into tokens
of their own, and HTML blocks into paragraphs, before anything is rendered. Should a raw HTML
token still arrive here, it is written escaped, as characters.
"""

from __future__ import annotations

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML


class XhtmlRenderer(RendererHTML):
    def footnote_ref(self, tokens, idx, options, env):
        meta = tokens[idx].meta
        prefix = env["section_id"]
        number = meta["id"] + 1
        ref_id = f"{prefix}--r{number}" + (f"-{meta['subId']}" if meta.get("subId") else "")
        return (f'<a href="#{prefix}--n{number}" id="{ref_id}" class="noteref" '
                f'epub:type="noteref" role="doc-noteref">{number}</a>')

    def footnote_anchor(self, tokens, idx, options, env):
        return ""  # the backlink is added by convert.py, outside the note's own markup

    def html_block(self, tokens, idx, options, env):
        content = tokens[idx].content
        return "" if content.lstrip().startswith("<!--") else f"<p>{escapeHtml(content.strip())}</p>\n"

    def html_inline(self, tokens, idx, options, env):
        content = tokens[idx].content
        return "" if content.startswith("<!--") else escapeHtml(content)

    def figure_open(self, tokens, idx, options, env):
        return '<figure class="figure">\n'

    def figure_close(self, tokens, idx, options, env):
        caption = tokens[idx].meta.get("caption")
        figcaption = f"<figcaption>{escapeHtml(caption)}</figcaption>\n" if caption else ""
        return f"\n{figcaption}</figure>\n"
