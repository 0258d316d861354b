"""Tables: header cells only where there is a header.

A pipe table always has a header row in Markdown, but texts converted from web pages often leave
it empty. Empty ``<th>`` cells fail accessibility checks (axe and Ace: empty-table-header), so a
table whose header row has no words gets no header row, and a blank cell in a header row that has
words (the corner of a table whose first column labels its rows) is a plain ``<td>``; real
header cells are scoped to their column.
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
        for j in range(i, end):
            if tokens[j].type == "th_open":
                if tokens[j + 1].type == "inline" and not tokens[j + 1].content.strip():
                    _as_data_cell(tokens[j], tokens[j + 2])
                else:
                    tokens[j].attrSet("scope", "col")
        i = end + 1


def _as_data_cell(opening, closing) -> None:
    opening.type, opening.tag = "td_open", "td"
    closing.type, closing.tag = "td_close", "td"
