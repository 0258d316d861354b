"""The Marxists Internet Archive's pages: who wrote a text, what it is called, and when.

The archive's pages of every era say it in several places, none of them always: the header
(``p.title`` with the author and the work, the 1990s ``<h2>`` author line, the chapter's
heading), the information block ("Written:", "First Published:", "Source:"), a letter's heading
("Engels to J. Bloch") and dateline ("London, September 21, 1890"), the signature that closes a
preface ("FREDERICK ENGELS, London, April 30, 1891"), ``<meta name="author">``, the page's
``<title>``, and the page's address (``/marx/works/1890/letters/90_09_21.htm``). Each is read
here, and the first that answers wins, in the order of trust written below: the text's own words
first, then what the archive added, then the address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from lxml import etree

from .elements import NOTE_LABEL, words

# The archive's sections, and its short names for the people it holds: what its pages write
# ("Engels", "Marx.", "V.I. Lenin") -> the name a book prints.
PEOPLE = {"marx": "Karl Marx", "karl marx": "Karl Marx", "engels": "Frederick Engels",
          "frederick engels": "Frederick Engels", "friedrich engels": "Frederick Engels",
          "lenin": "V. I. Lenin", "v. i. lenin": "V. I. Lenin", "vladimir lenin": "V. I. Lenin",
          "trotsky": "Leon Trotsky", "leon trotsky": "Leon Trotsky", "luxemburg": "Rosa Luxemburg",
          "rosa luxemburg": "Rosa Luxemburg"}
SECTIONS = {name: person for name, person in PEOPLE.items() if name.isalpha()}  # /marx/, /lenin/ ...: a family name
INFO_LABELS = {  # the information block: label -> front-matter key
    "written": "written", "spoken": "written", "delivered": "written", "first published": "first_published",
    "published": "first_published", "first published in full": "first_published", "source": "source_edition",
    "publisher": "publisher", "translated": "translator", "translation": "translator",
    "transcription": "transcription", "transcription/markup": "transcription", "transcription\\markup": "transcription",
    "html markup": "transcription", "markup": "transcription", "transcribed": "transcription", "proofread": "proofread",
    "public domain": "license", "copyleft": "license", "copyright": "license", "online version": "online_version",
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
MONTH = rf"(?:{'|'.join([*MONTHS, 'sept', *(m[:3] for m in MONTHS)])})\b\.?"  # 'March', 'Sept.', 'Nov'
DATE = re.compile(rf"\b(?:\d{{1,2}}(?:-\d{{1,2}})?\s+{MONTH},?\s+1[5-9]\d\d|{MONTH}\s+\d{{1,2}}(?:-\d{{1,2}})?,?\s+1[5-9]\d\d|"
                  rf"(?:(?:early|mid|late)-?\s*)?{MONTH}(?:\s*-\s*{MONTH})?,?\s+1[5-9]\d\d|1[5-9]\d\d)\b", re.I)
NOTES = re.compile(r"^\s*((editorial|author'?s|translator'?s)\s+)?(notes?|footnotes|endnotes|references|примечания|notas|"
                   r"anmerkungen)\s*:?\s*$", re.I)
NOT_A_TITLE = re.compile(r"^\s*(abstract|contents|table of contents|index|introductory note)\s*$", re.I)
NUMERAL = re.compile(r"^\s*(part\s+|chapter\s+|book\s+)?([ivxlc]+|\d{1,3})\.?\s*$", re.I)
UNFINISHED = re.compile(r"\b(of|for|the|to|and|in|on|a|an|by|with|from|at)$|['’]s$", re.I)
LETTER = re.compile(r"^(?P<sender>[\w.’' -]{3,40}?)\s+to\s+\S", re.I)
SIGNATURE = re.compile(rf"^(?P<name>(?:[A-Z][\w’'-]*\.?\s+){{0,3}}[A-Z][\w’'-]+)\.?\s*(?:,?\s*(?P<dateline>"
                       rf"(?:[A-Z][\w-]*[,.]?\s+){{0,3}}?{DATE.pattern})\.?)?$")
NOT_A_NAME = re.compile(r"\b(archive|works|library|correspondence|selected|internet|collected|letters|index|edition|"
                        r"international|association|the|of|and|contents|chapter|preface)\b", re.I)


@dataclass
class Header:
    """What an archive page says of its text, read once."""

    title: str | None
    subtitle: str | None
    authors: list[str]
    date: str | None
    info: dict[str, str]
    shown: set[str]  # the header's headings that say the above (the text need not repeat them)
    removed: bool  # the archive's notice that the text was taken down ("File No Longer Available!")


def is_archive(tree: etree._Element, address: str) -> bool:
    host = urlparse(address).netloc.lower()
    canonical = " ".join(tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"))
    return host.endswith("marxists.org") or "marxists.org" in canonical or bool(tree.xpath(
        "//p[contains(@class, 'information')]//span[@class='info'] | //sup[contains(@class, 'enote') or "
        "contains(@class, 'anote')] | //a[normalize-space() = 'Works Index'] | //a[contains(@href, 'marxists.org')] | "
        "//*[contains(text(), 'Marxists Internet Archive') or contains(text(), 'Marx/Engels Internet Archive')] | "
        "//link[contains(@href, '/css/works') or contains(@href, '/css/border-')]"))  # the archive's stylesheets


def information_blocks(tree: etree._Element) -> list[etree._Element]:
    """The information block(s) at the head of the page: p.information with labels the archive
    uses there. (Notes use p.information too, numbered: those are the text's.)"""
    return [block for block in tree.xpath("//p[contains(@class, 'information')][.//span[@class='info']]")
            if any(_label(label) in INFO_LABELS for label in block.xpath(".//span[@class='info']"))]


def _label(span: etree._Element) -> str:
    """'First Published:' -> 'first published'."""
    return words(span.text_content()).rstrip(":").strip().lower()


def information(tree: etree._Element) -> dict[str, str]:
    """The information block's labelled lines ('First Published: ...'), by front-matter key."""
    found: dict[str, str] = {}
    for block in information_blocks(tree):
        for label in block.xpath(".//span[@class='info']"):
            key = INFO_LABELS.get(_label(label))
            if not key:
                continue
            value = [label.tail or ""]
            for node in label.itersiblings():  # the line runs to the next label
                if node.tag == "span" and node.get("class") == "info":
                    break
                value += [" " if node.tag == "br" else node.text_content(), node.tail or ""]
            text = words("".join(value)).lstrip(": ").strip(" ;")
            if key == "translator":
                if len(text.split()) > 5:  # a sentence on the translation: kept as it is, beside the name
                    found.setdefault("translation", text)
                text = _translator(text)
            if text:
                found.setdefault(key, text)
    return found


def _translator(text: str) -> str:
    """'by Hélène Duclos' -> 'Hélène Duclos'; 'the English translation by Alick West published in
    1942, revised ...' -> 'Alick West'; a sentence naming nobody -> ''."""
    text = re.sub(r"^(translated\s+)?by\s+", "", text, flags=re.I).rstrip(".")
    if len(text.split()) <= 5:
        return text
    match = re.search(r"\b(?:translat\w*\s+)?by\s+((?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w’'-]+)", text)
    return match[1] if match and _looks_like_a_name(match[1]) else ""


def read_header(tree: etree._Element, address: str, body: etree._Element) -> Header:
    """Title, subtitle, authors and date of an archive page (before its furniture is taken out)."""
    info = information(tree)
    page_title = words(tree.findtext(".//title"))
    removed = "no longer available" in page_title.lower() or bool(
        tree.xpath("//h3[contains(., 'File No Longer Available')]"))
    lines = _header_lines(body)
    meta = _meta_people(tree)
    closing = _signature(body)
    title, subtitle, dated, shown = _title(lines, meta, page_title)
    authors = (_letter_sender(lines) or _by_line(lines) or _above_title(lines) or ([closing[0]] if closing and closing[0] else [])
               or _named_in(lines, meta, title) or meta or _section(address))
    shown |= {line.text for line in lines if line.tag != "p" and (_person(line.text) in authors or
                                                                 _by_line([line]))}
    date = (_date_of(info.get("written")) or dated or _dateline(lines) or (closing[1] if closing else None)
            or _date_of(subtitle) or _date_of_address(address) or _date_of(info.get("first_published"))
            or _year_of_folder(address))
    return Header(title, subtitle, authors, date, info, shown, removed)


# --- the header ----------------------------------------------------------------------------------


@dataclass
class _Line:
    tag: str  # h1..h6, or "p" for a line of p.title
    text: str
    parts: list[str]  # its lines, where <br> breaks it
    role: str = ""  # "title" or "subtitle": the archive's class for the work's title and subtitle


def _header_lines(body: etree._Element) -> list[_Line]:
    """The headings and title lines before the text begins (its first paragraph of prose)."""
    out = []
    for element in body.iter("h1", "h2", "h3", "h4", "h5", "h6", "p"):
        classes = element.get("class", "")
        if element.tag == "p":
            if "title" in classes.split():
                out.append(_Line("p", words(element.text_content()), _parts(element)))
            elif len(words(element.text_content())) > 80 and "information" not in classes:
                break  # the text has begun
            continue
        text = line_text(element)
        if text:
            role = next((r for r in ("subtitle", "title") if r in classes.split()), "")
            out.append(_Line(element.tag, text, _parts(element), role))
    return out


def is_call(element: etree._Element) -> bool:
    """A note call's element: a superscript number, or a link to an anchor reading '[1]'."""
    if element.tag == "sup":
        return bool(NOTE_LABEL.match(element.text_content() or ""))
    return element.tag == "a" and "#" in (element.get("href") or "") and bool(NOTE_LABEL.match(element.text_content() or ""))


def line_text(element: etree._Element) -> str:
    """An element's words on one line, a <br> as a space."""
    return " ".join(_parts(element))


def _parts(element: etree._Element) -> list[str]:
    """An element's text, split where a <br> breaks it."""
    chunks: list[list[str]] = [[]]

    def walk(node: etree._Element) -> None:
        chunks[-1].append(node.text or "")
        for child in node:
            if child.tag == "br":
                chunks.append([])
            elif is_call(child):
                pass  # a note on the heading: the heading's words go without it
            elif isinstance(child.tag, str):
                walk(child)
            chunks[-1].append(child.tail or "")

    walk(element)
    return [w for w in (words("".join(c)) for c in chunks) if w]


def _title(lines: list[_Line], people: list[str], page_title: str):
    """(title, subtitle, a date the title's line gives, the headings that said them) from the header."""
    work = _work(lines, people, page_title)
    headings = [line for line in lines if line.tag != "p" and not _furniture(line.text, people)]
    marked = next((i for i, line in enumerate(headings) if line.role == "title"), None)
    if marked is not None:  # the 1990s header: <h2> author, <h3 class="title"> work, <h4> the chapter's title
        after = [h for h in headings[marked + 1:] if h.role != "subtitle"]
        chosen = after[0] if after else headings[marked]
        subtitle = next((h.text for h in headings if h.role == "subtitle"), None)
        shown = {h.text for h in headings[:headings.index(chosen) + 1]} | ({subtitle} if subtitle else set())
        return chosen.text, subtitle if chosen is headings[marked] else None, None, shown
    if len(headings) > 1 and headings[0].tag == "h2" and _looks_like_a_name(headings[0].text):
        headings = headings[1:]  # the 1990s author line above the title
    if not headings:
        return work, None, None, set()
    # a heading that stops mid-phrase ('Chapter I: A Critique of', 'Study Guide for') goes on in the next
    parts = list(headings[0].parts)
    index = 0
    while UNFINISHED.search(parts[-1]) and index + 1 < len(headings) and not NUMERAL.match(headings[index + 1].text):
        index += 1
        parts += headings[index].parts
    dated = next((p for p in parts[1:] if DATE.search(p)), None)  # 'Highgate Cemetery, London. March 17, 1883'
    title = " ".join(p for p in parts if p != dated)
    if NUMERAL.match(title) and work and work != title:
        title = f"{work}: {title}"
    after = headings[index + 1] if index + 1 < len(headings) else None
    subtitle = after.text if after and after.tag in ("h4", "h5", "h6") and int(after.tag[1]) > int(headings[index].tag[1]) \
        and not DATE.fullmatch(after.text) and not NUMERAL.match(after.text) and len(after.text) > 20 \
        and not re.match(r"^\W*(\d{1,3}|[IVXLC]+)\b\W", after.text) else None
    date = _date_of(dated) or _date_of(re.search(r"\(\s*(1[5-9]\d\d)\s*\)|,\s*(1[5-9]\d\d)\s*$", title) and title)
    shown = {h.text for h in headings[:index + 1]} | ({after.text} if subtitle else set())
    return title, subtitle, date, shown


def _furniture(text: str, people: list[str]) -> bool:
    """A heading that is not the text's title: notes, 'Abstract', the author, a dateline."""
    return bool(NOTES.match(text) or NOT_A_TITLE.match(text) or _person(text) in people or _is_dateline(text)
                or _by_line([_Line("h", text, [text])]))


def _work(lines: list[_Line], people: list[str], page_title: str) -> str | None:
    """The work the page belongs to: p.title's line that is not its author, else the <title>'s first part."""
    for line in lines:
        if line.tag == "p":
            for part in line.parts:
                part = re.sub(r"\s+by\s+.*$|\s*\(?\b1[5-9]\d\d\)?\s*$", "", part).strip(" .:")
                if part and _person(part) not in people and not _person(part) in PEOPLE.values() and \
                        not re.search(r"archive|correspondence|^works of|^mia\b", part, re.I):
                    return re.sub(r"^(\w+\s+)?1[5-9]\d\d:\s*", "", part)
    head = re.split(r"\s*(?:--|—|–|:|\. )\s*", page_title)[0]
    return head or None


def _is_dateline(text: str) -> bool:
    """'London, August 5, 1890', '[London] April 12, 1871': a place and a date, nothing more."""
    match = DATE.search(text)
    return bool(match) and len(text) < 60 and len(text.replace(match[0], "").strip(" ,.[]").split()) <= 4 \
        and not re.search(r"\b(from|by|to|of the)\b", text.replace(match[0], ""), re.I)


def _dateline(lines: list[_Line]) -> str | None:
    return next((_date_of(line.text) for line in lines if line.tag != "p" and _is_dateline(line.text)), None)


# --- who ---------------------------------------------------------------------------------------


def _person(text: str) -> str:
    """A name as a book prints it: 'ENGELS' -> 'Frederick Engels', 'V.I. Lenin' -> 'V. I. Lenin'."""
    name = words(re.sub(r"\.(?=\w)", ". ", text)).strip(" .,;:")
    if name.isupper() or name.islower():
        name = " ".join(w.capitalize() for w in name.split())
    return PEOPLE.get(name.lower(), name)


def _looks_like_a_name(text: str) -> bool:
    return 1 <= len(text.split()) <= 4 and not NOT_A_NAME.search(text) and not re.search(r"\d", text) \
        and all(w[0].isupper() for w in text.split() if w)


def _meta_people(tree: etree._Element) -> list[str]:
    """<meta name="author">'s names ('Marx and Engels' -> both), when they are names."""
    found = tree.xpath("//meta[translate(@name, 'AUTHOR', 'author') = 'author']/@content")
    if not found:
        return []
    names = [_person(n) for n in re.split(r"\s*(?:,|\band\b|&)\s*", words(found[0]).strip(" .")) if n.strip(" .")]
    return names if names and all(_looks_like_a_name(n) for n in names) else []


def _letter_sender(lines: list[_Line]) -> list[str]:
    """'Engels to J. Bloch In Königsberg' -> Frederick Engels."""
    for line in lines:
        match = LETTER.match(line.text) if line.tag != "p" else None
        if match and _person(match["sender"]) in PEOPLE.values():
            return [_person(match["sender"])]
    return []


def _by_line(lines: list[_Line]) -> list[str]:
    """'by Frederick Engels' under the title, or 'The Peasant War in Germany by Frederick Engels'."""
    for line in lines:
        for part in line.parts:
            match = re.search(r"(?:^|\s)by\s+([A-Z][\w.’' -]+?)\s*(?:\(?1[5-9]\d\d\)?)?$", part) or \
                re.match(r"^works of\s+([A-Z][\w.’' -]+?)\s*(?:1[5-9]\d\d)?$", part, re.I)
            if match and _looks_like_a_name(_person(match[1])):
                return [_person(match[1])]
    return []


def _above_title(lines: list[_Line]) -> list[str]:
    """The 1990s header's author: the heading above <h3 class="title"> that is a name."""
    headings = [line for line in lines if line.tag != "p"]
    marked = next((i for i, line in enumerate(headings) if line.role == "title"), None)
    if marked is None:  # no marked title: an <h2> name with the title's heading under it
        marked = 1 if len(headings) > 1 and headings[0].tag == "h2" else 0
    return next(([_person(line.text)] for line in headings[:marked] if _looks_like_a_name(_person(line.text))), [])


def _named_in(lines: list[_Line], people: list[str], title: str | None) -> list[str]:
    """A header line that is only a name ('Frederick Engels' above the work's title, the 1990s
    <h2>)."""
    for line in lines:
        if line.text == title:
            continue  # 'Karl Marx', Engels' obituary of him: who it is about, not who wrote it
        for part in line.parts:
            name = _person(re.sub(r"\s*\(?\b1[5-9]\d\d\)?\s*$", "", part))
            if name in people or name in PEOPLE.values():
                return [name]
    return []


def _signature(body: etree._Element) -> tuple[str | None, str | None] | None:
    """(name, date) of the signature closing a preface, an introduction or a letter ('FREDERICK
    ENGELS London, April 30, 1891.', or 'London, January 6, 1891' alone), from the text's last
    lines: past the footer's navigation, the notes and editors' bracketed remarks."""
    lines: list[str] = []
    for block in reversed(body.xpath(".//p | .//div[not(.//p)]")):
        text = words(block.text_content())
        if not text or block.xpath("ancestor-or-self::*[contains(@class, 'footer') or contains(@class, 'information') "
                                   "or contains(@class, 'title')]") \
                or "|" in text or len(block.xpath(".//a[@href]")) * 30 > len(text) \
                or re.match(r"^\s*(\[\s*\w{1,4}\s*\]|\d{1,3}\.\s)", text) or (text.startswith("[") and text.endswith("]")):
            continue  # navigation, a note, an editor's remark
        lines.insert(0, text)
        if len(lines) == 2 or len(text) > 80:
            break
    name = date = None
    for text in reversed(lines):
        dateline = _is_dateline(text)
        match = None if dateline else SIGNATURE.match(text)
        signed = _person(_known_start(match["name"])) if match else ""
        if match and not name and _looks_like_a_name(signed) and \
                (match["dateline"] or match["name"].isupper() or _person(match["name"]) in PEOPLE.values()
                 or (text is lines[-1] and text.rstrip(".") == match["name"] and len(match["name"].split()) in (2, 3))):
            name, date = signed, date or _date_of(match["dateline"])
        elif dateline and not date:
            date = _date_of(text)
        elif name or date:
            break
    return (name, date) if name or date else None


def _known_start(name: str) -> str:
    """'Karl Marx London' (a signature and the place it was signed) -> 'Karl Marx'."""
    return next((known for known in PEOPLE.values() if name.lower().startswith(known.lower() + " ")), name)


def _section(address: str) -> list[str]:
    """The archive's section the page is in (/lenin/, /archive/trotsky/), as a last resort."""
    for part in urlparse(address).path.split("/"):
        if part in SECTIONS:
            return [SECTIONS[part]]
    return []


# --- when ----------------------------------------------------------------------------------------


def _date_of(text: str | None) -> str | None:
    """The date a line gives, as it writes it: 'London, March 18-28, 1875' -> 'March 18-28, 1875'."""
    match = DATE.search(text or "")
    return match[0].strip(" ,.") if match else None


def _date_of_address(address: str) -> str | None:
    """A letter's file (/1890/letters/90_09_21.htm) or a dated page (/1914/nov/08.htm): the ISO date."""
    path = _path(address)
    match = re.search(r"/(1[5-9]\d\d)/letters/(\d\d)_(\d\d)_(\d\d)[a-z]?\.html?$", path)
    if match and match[1][2:] == match[2]:
        return f"{match[1]}-{match[3]}-{match[4]}"
    match = re.search(r"/(1[5-9]\d\d)/([a-z]{3})/(\d\d)\.html?$", path)
    months = [m[:3] for m in MONTHS]
    if match and match[2] in months:
        return f"{match[1]}-{months.index(match[2]) + 1:02d}-{match[3]}"
    match = re.search(r"/(1[5-9]\d\d)/(\d\d)/(\d\d)\.html?$", path)
    if match and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{match[2]}-{match[3]}"
    return None


def _year_of_folder(address: str) -> str | None:
    match = re.search(r"/works/(1[5-9]\d\d)/", _path(address))
    return match[1] if match else None


def _path(address: str) -> str:
    """An address's path, or a saved file's own."""
    return urlparse(address).path if "://" in address else address

