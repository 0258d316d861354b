"""French spacing: a narrow no-break space (U+202F) before ; : ! ? where the author left a space.

French sets a thin space before these marks and never breaks a line there. Authors type an
ordinary space (or none); an ordinary space or a no-break space before the mark is made narrow and
unbreakable. Where there is no space nothing is added: "12:30" and addresses stay as they are.
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore

BEFORE_MARK = re.compile(r"[ \u00a0]+(?=[;:!?»])")
AFTER_OPENING = re.compile(r"(?<=«)[ \u00a0]+")


def french_spacing(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type == "text":
                child.content = AFTER_OPENING.sub("\u202f", BEFORE_MARK.sub("\u202f", child.content))
