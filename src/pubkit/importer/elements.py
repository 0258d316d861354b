"""Small operations on a parsed page that every part of the importer uses."""

from __future__ import annotations

import re

from lxml import etree

# A note's label as a page writes its call or its definition's number: '3', '[12]', '(a)', '*', '2.'
NOTE_LABEL = re.compile(r"^\s*[\[(]?\s*([0-9]{1,4}[a-z]?|[A-Za-z]{1,2}|[*†‡§]{1,3})\s*[\])]?\s*\.?\s*$")


def drop(element) -> None:
    """Take an element out, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def words(text: str | None) -> str:
    return " ".join((text or "").replace("\u00ad", "").split())


def first_text(tree: etree._Element, path: str) -> str | None:
    for element in tree.xpath(path):
        text = words(element.text_content())
        if text:
            return text
    return None


def xml_lang(tree: etree._Element) -> str | None:
    return tree.get("{http://www.w3.org/XML/1998/namespace}lang")
