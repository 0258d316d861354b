"""The section roles a book is made of, as data: one row per role.

Each role maps to the EPUB structural semantics vocabulary (``epub:type``) and, where one exists
and HTML allows it on ``<section>``, a DPUB-ARIA role. Templates and the TOC read this table;
nothing else should branch on role names.
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
    heading: str  # default title, shown where the text gives none
    source: Source
    in_toc: bool


_ROWS = [
    # generated pages
    Role("halftitle", "halftitlepage", None, "Half Title", Source.GENERATED, False),
    Role("titlepage", "titlepage", None, "Title Page", Source.GENERATED, False),
    Role("copyright", "copyright-page", None, "Copyright", Source.GENERATED, False),
    Role("contents", "toc", "doc-toc", "Contents", Source.GENERATED, False),
    Role("notes", "endnotes", "doc-endnotes", "Notes", Source.GENERATED, True),
    Role("colophon", "colophon", "doc-colophon", "Colophon", Source.GENERATED, False),
    # short texts, inline in the manifest or in a file
    Role("dedication", "dedication", "doc-dedication", "Dedication", Source.INLINE, False),
    # The epigraph's own blockquote carries epub:type and role="doc-epigraph" (which HTML does
    # not allow on <section>): the page around it adds none, or Ace finds a type without its role.
    Role("epigraph", "", None, "Epigraph", Source.INLINE, False),
    # texts
    Role("foreword", "foreword", "doc-foreword", "Foreword", Source.TEXT, True),
    Role("preface", "preface", "doc-preface", "Preface", Source.TEXT, True),
    Role("introduction", "introduction", "doc-introduction", "Introduction", Source.TEXT, True),
    Role("prologue", "prologue", "doc-prologue", "Prologue", Source.TEXT, True),
    Role("acknowledgments", "acknowledgments", "doc-acknowledgments", "Acknowledgments", Source.TEXT, True),
    Role("chapter", "chapter", "doc-chapter", "Chapter", Source.TEXT, True),
    Role("epilogue", "epilogue", "doc-epilogue", "Epilogue", Source.TEXT, True),
    Role("conclusion", "conclusion", "doc-conclusion", "Conclusion", Source.TEXT, True),
    Role("afterword", "afterword", "doc-afterword", "Afterword", Source.TEXT, True),
    Role("appendix", "appendix", "doc-appendix", "Appendix", Source.TEXT, True),
    Role("glossary", "glossary", "doc-glossary", "Glossary", Source.TEXT, True),
    Role("bibliography", "bibliography", "doc-bibliography", "Bibliography", Source.TEXT, True),
    Role("about", "contributors", None, "About the Authors", Source.TEXT, True),
    # structure
    Role("part", "part", "doc-part", "Part", Source.GENERATED, True),
]

ROLES: dict[str, Role] = {role.name: role for role in _ROWS}

# Roles an editor may name in front: and back: (parts and chapters come from body:).
MATTER_ROLES = tuple(name for name in ROLES if name not in ("part", "chapter"))
