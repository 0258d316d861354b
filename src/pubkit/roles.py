"""The section roles a book is made of, as data: one row per role.

Each role maps to the EPUB structural semantics vocabulary (``epub:type``) and, where one exists
and HTML allows it on ``<section>``, a DPUB-ARIA role. Templates and the TOC read this table;
nothing else should branch on role names. A role's heading is a word of the book's language
(the theme's ``locales/``, key ``roles``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Source(str, Enum):
    GENERATED = "generated"  # built from the book's metadata (title page, contents ...)
    TEXT = "text"  # a Markdown text from the library
    INLINE = "inline"  # a short text written in the manifest, or a text file


@dataclass(frozen=True)
class Role:
    name: str
    epub_type: str
    aria: str | None
    source: Source
    in_toc: bool


_ROWS = [
    # generated pages
    Role("halftitle", "halftitlepage", None, Source.GENERATED, False),
    Role("titlepage", "titlepage", None, Source.GENERATED, False),
    Role("copyright", "copyright-page", None, Source.GENERATED, False),
    Role("contents", "toc", "doc-toc", Source.GENERATED, False),
    Role("notes", "endnotes", "doc-endnotes", Source.GENERATED, True),
    Role("colophon", "colophon", "doc-colophon", Source.GENERATED, False),
    # where the texts came from (provenance.py): placed by the editor, or added when it is long
    Role("sources", "credits", "doc-credits", Source.GENERATED, True),
    # short texts, inline in the manifest or in a file
    Role("dedication", "dedication", "doc-dedication", Source.INLINE, False),
    # The epigraph's own blockquote carries epub:type and role="doc-epigraph" (which HTML does
    # not allow on <section>): the page around it adds none, or Ace finds a type without its role.
    Role("epigraph", "", None, Source.INLINE, False),
    # texts
    Role("foreword", "foreword", "doc-foreword", Source.TEXT, True),
    Role("preface", "preface", "doc-preface", Source.TEXT, True),
    Role("introduction", "introduction", "doc-introduction", Source.TEXT, True),
    Role("prologue", "prologue", "doc-prologue", Source.TEXT, True),
    Role("acknowledgments", "acknowledgments", "doc-acknowledgments", Source.TEXT, True),
    Role("chapter", "chapter", "doc-chapter", Source.TEXT, True),
    Role("epilogue", "epilogue", "doc-epilogue", Source.TEXT, True),
    Role("conclusion", "conclusion", "doc-conclusion", Source.TEXT, True),
    Role("afterword", "afterword", "doc-afterword", Source.TEXT, True),
    Role("appendix", "appendix", "doc-appendix", Source.TEXT, True),
    Role("glossary", "glossary", "doc-glossary", Source.TEXT, True),
    Role("bibliography", "bibliography", "doc-bibliography", Source.TEXT, True),
    Role("about", "contributors", None, Source.TEXT, True),
    # structure
    Role("part", "part", "doc-part", Source.GENERATED, True),
]

ROLES: dict[str, Role] = {role.name: role for role in _ROWS}

# Roles an editor may name in front: and back: (parts and chapters come from body:).
MATTER_ROLES = tuple(name for name in ROLES if name not in ("part", "chapter"))
