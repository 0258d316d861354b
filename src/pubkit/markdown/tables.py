"""Tables: header cells only where there is a header.

A pipe table always has a header row in Markdown, but texts converted from web pages often leave
it empty. Empty ``<th>`` cells fail accessibility checks (axe: empty-table-header), so a table
whose header row has no words gets no header row; real header cells are scoped to their column.
"""

from __future__ import annotations

from markdown_it.rules_core import StateCore


def table_headers(state: StateCore) -> None:
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type != "thead_open":
            i += 1
            continue
        end = next(j for j in range(i, len(tokens)) if tokens[j].type == "thead_close")
        cells = [t for t in tokens[i:end] if t.type == "inline"]
        if all(not t.content.strip() for t in cells):
            del tokens[i : end + 1]
            continue
        for token in tokens[i:end]:
            if token.type == "th_open":
                token.attrSet("scope", "col")
        i = end + 1
