"""Which blocks a page may break inside: long ones are marked ``long``.

This publisher's texts are full of long quotations (proclamations, letters, decrees), verse and
tables. Kept whole, a long one leaves the page before it mostly empty, so on paper quotations,
verse, letters, lists and tables stay whole only while they are short; a ``long`` one breaks
like prose (paged.css). The measure is the block's own text, the same whatever the trim size.
"""

from __future__ import annotations

from markdown_it.rules_core import StateCore

# About five lines of a 6x9 in page; a verse of up to eight lines; a table of up to eight rows.
SHORT_CHARACTERS = 400
SHORT_LINES = 8
SHORT_ROWS = 8
MEASURED = {"blockquote_open", "bullet_list_open", "ordered_list_open", "table_open", "dl_open",
            "container_verse_open", "container_letter_open", "container_signature_open"}


def mark_long_blocks(state: StateCore) -> None:
    open_blocks: list[list] = []  # [token, characters, lines, rows]
    for token in state.tokens:
        if token.type in MEASURED:
            open_blocks.append([token, 0, 1, 0])
        elif token.nesting == -1 and open_blocks and token.type == open_blocks[-1][0].type.replace("_open", "_close"):
            opener, characters, lines, rows = open_blocks.pop()
            if characters > SHORT_CHARACTERS or lines > SHORT_LINES or rows > SHORT_ROWS:
                classes = opener.attrGet("class")
                opener.attrSet("class", f"{classes} long" if classes else "long")
            if open_blocks:  # an inner block's length counts towards its outer one
                outer = open_blocks[-1]
                outer[1] += characters
                outer[2] += lines
                outer[3] += rows
        elif open_blocks:
            block = open_blocks[-1]
            if token.type == "inline":
                block[1] += len(token.content)
                block[2] += sum(child.type in ("softbreak", "hardbreak") for child in token.children or [])
            elif token.type == "tr_open":
                block[3] += 1
