"""One text -> an XHTML fragment, its notes, and what the whole-book checks need to know.

Ids are made book-wide here so that sections can be split into documents (EPUB) or joined into
one (PDF) without renaming: every anchor a text defines becomes ``<section id>--<local id>``, its
notes ``<section id>--n<number>`` and their references ``<section id>--r<number>``.

A text's conversion depends on the text and its place in the book only, never on the other texts,
so that it can be kept in a cache: an image is written with a placeholder address naming its file
(``pubkit-image:...``), which ``place_images`` turns into the book's own address for it once
every text is converted (two texts may each show a ``map.png``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import langcodes
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from ..diagnostics import Diagnostic, Location, did_you_mean, error, warning
from ..fonts import characters
from ..model import Asset, Note
from ..texts import Text
from . import rawhtml
from .parser import MAX_NESTING, parser_for

EXPLICIT_ID = re.compile(r"\s*(?<!\\)\{#([A-Za-z][\w.:-]*)\}\s*$")  # '\{#x}' is words
UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


@dataclass(frozen=True)
class Link:
    """An internal link, to be checked once the whole book is known."""

    target: str  # a book-wide anchor id
    written: str  # the href as the author wrote it, for messages
    location: Location
    origin: str  # the section the link is in
    section: str  # the section it leads to


@dataclass(frozen=True)
class Converted:
    html: str
    notes: tuple[Note, ...]
    title: str | None  # plain text of a leading heading taken as the title
    title_html: str | None
    links: tuple[Link, ...]
    diagnostics: tuple[Diagnostic, ...]
    images: tuple[Path, ...] = ()  # the image files the text shows, in order (see place_images)
    characters: frozenset[str] = frozenset()  # every character the text and its notes show


IMAGE_PLACEHOLDER = "pubkit-image:"


@dataclass
class Library:
    """What conversion needs to know about the whole book."""

    root: Path  # files must stay inside it
    text_ids: dict[Path, str]  # text file -> its section id in this book
    backlink_title: str = "Back to the text"  # in the book's language
    assets: dict[Path, Asset] = field(default_factory=dict)  # images found so far, by source

    def add_image(self, source: Path) -> Asset:
        if source not in self.assets:
            taken = {a.href for a in self.assets.values()}
            href, n = f"images/{source.name}", 1
            while href in taken:
                n += 1
                href = f"images/{source.stem}-{n}{source.suffix}"
            self.assets[source] = Asset(source, href, IMAGE_TYPES[source.suffix.lower()])
        return self.assets[source]

    def placeholder(self, source: Path) -> str:
        return IMAGE_PLACEHOLDER + source.relative_to(self.root).as_posix()


def place_images(converted: Converted, library: Library) -> Converted:
    """The text's images added to the book (in reading order), their placeholders replaced by the
    addresses they have in it."""
    html, notes = converted.html, converted.notes
    for source in converted.images:
        placeholder = f'src="{escapeHtml(library.placeholder(source))}"'
        address = f'src="{escapeHtml(library.add_image(source).href)}"'
        html = html.replace(placeholder, address)
        notes = tuple(dataclasses.replace(n, html=n.html.replace(placeholder, address)) for n in notes)
    return dataclasses.replace(converted, html=html, notes=notes)


def _failed(text: Text, problem: Diagnostic) -> Converted:
    return Converted("", (), None, None, (), (problem,))


def convert_text(text: Text, section_id: str, library: Library, lang: str) -> Converted:
    md = parser_for(lang)
    env: dict = {"section_id": section_id}
    # A final line end changes nothing in Markdown, and spares mdit-py-plugins' container rule an
    # IndexError on a quoted container at the very end ('> ::: verse\n> words\n>'; found by Hypothesis).
    tokens = md.parse(text.body if text.body.endswith("\n") else text.body + "\n", env)
    job = _Job(text, section_id, library, md)
    too_deep = next((t for t in tokens if t.level >= MAX_NESTING - 2 and t.map), None)
    if too_deep is not None:
        return _failed(text, error("X211", f"lists or quotations nested about {MAX_NESTING // 2} levels deep, the most "
                                           "a text may have; what lies deeper would be lost: nest less",
                                   Location(text.file, text.body_line + too_deep.map[0])))
    _raw_blocks(tokens, md, env, job.findings)

    title, title_html = _take_title(tokens, text, md, env)
    notes_at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    body, note_tokens = tokens[:notes_at], tokens[notes_at:]
    _shift_headings(body)
    job.walk(body)
    job.walk(note_tokens)
    job.unused_notes(env)
    job.raw_html()

    html = md.renderer.render(body, md.options, env)
    notes = tuple(_notes(note_tokens, md, env, section_id, library.backlink_title))
    shown = characters([html, *(note.html for note in notes)])  # found once, kept with the conversion
    return Converted(html, notes, title, title_html, tuple(job.links), tuple(job.diagnostics), tuple(job.images), shown)


def slugify(words: str) -> str:
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_words.lower()).strip("-")


def plain_text(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline")).strip()


def _take_title(tokens: list[Token], text: Text, md, env: dict) -> tuple[str | None, str | None]:
    """A text that opens with a heading is titled by it when the front matter gives that title,
    or gives none and no later heading outranks or equals it (then it is a section, not a title)."""
    if len(tokens) < 3 or tokens[0].type != "heading_open":
        return None, None
    inline = tokens[1]
    words = plain_text(inline)
    if text.title:
        if _norm(EXPLICIT_ID.sub("", words)) != _norm(text.title):
            return None, None
    elif any(t.type == "heading_open" and t.tag <= tokens[0].tag for t in tokens[3:]):
        return None, None
    _strip_explicit_id(inline)
    del tokens[:3]
    return plain_text(inline), md.renderer.renderInline(inline.children, md.options, env)


def _norm(words: str) -> str:
    return re.sub(r"[\W_]+", " ", words).strip().casefold()


def _strip_explicit_id(inline: Token) -> str | None:
    children = inline.children or []
    if not children or children[-1].type != "text":
        return None
    match = EXPLICIT_ID.search(children[-1].content)
    if not match:
        return None
    children[-1].content = children[-1].content[: match.start()]
    inline.content = EXPLICIT_ID.sub("", inline.content)
    return match.group(1)


def _shift_headings(tokens: list[Token]) -> None:
    """Headings inside a text nest under the chapter's own h1, whatever level the author used."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = 2 - min(levels)
    for t in tokens:
        if t.type in ("heading_open", "heading_close"):
            t.tag = f"h{min(6, int(t.tag[1]) + shift)}"


class _Job:
    """The per-text token walk: ids, links, images, figures, and what to report."""

    def __init__(self, text: Text, section_id: str, library: Library, md):
        self.md = md
        self.text = text
        self.section_id = section_id
        self.library = library
        self.links: list[Link] = []
        self.diagnostics: list[Diagnostic] = []
        self.local_ids: set[str] = set()
        self.lines = text.body.splitlines()
        self.findings = rawhtml.Findings()
        self.images: list[Path] = []

    def at(self, token: Token | None, needle: str = "", skip: int = 0, occurrence: int = 1) -> Location:
        """The token's first line, or the line and column of the ``occurrence``-th ``needle`` (plus
        ``skip``) within its lines."""
        if token is None or not token.map:
            return Location(self.text.file)
        first, last = token.map
        if needle:
            for n, line in enumerate(self.lines[first:last], start=first):
                col = line.find(needle)
                while col >= 0 and occurrence > 1:
                    occurrence -= 1
                    col = line.find(needle, col + 1)
                if col >= 0:
                    return Location(self.text.file, n + self.text.body_line, col + 1 + skip)
        return Location(self.text.file, first + self.text.body_line)

    def walk(self, tokens: list[Token]) -> None:
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                self.heading_id(token, tokens[i + 1])
            elif token.type == "container_lang_open":
                self.passage_lang(token)
            elif token.type == "inline":
                self.inline(token)
                if tokens[i - 1].type == "paragraph_open" and _lone_image(token):
                    # its paragraph's close: not always the next token (in a note, the note's
                    # anchor comes between)
                    closing = next(t for t in tokens[i + 1:] if t.type == "paragraph_close" and t.level == tokens[i - 1].level)
                    _make_figure(tokens[i - 1], token, closing)

    def heading_id(self, opening: Token, inline: Token) -> None:
        local = _strip_explicit_id(inline) or slugify(plain_text(inline)) or "section"
        unique, n = local, 1
        while unique in self.local_ids:
            n += 1
            unique = f"{local}-{n}"
        self.local_ids.add(unique)
        opening.attrSet("id", f"{self.section_id}--{unique}")

    def inline(self, parent: Token) -> None:
        parent.children = children = rawhtml.structure_inline(parent.children or [], self.findings, parent)
        drop: list[int] = []
        for i, child in enumerate(children):
            if child.type == "link_open" and not self.link(child, parent):
                drop.append(i)
            elif child.type == "image":
                self.image(child, parent)
            elif child.meta.get("raw"):
                self.raw_attributes(child, parent)
            elif child.type == "text":
                for match in UNDEFINED_NOTE.finditer(child.content):
                    if not self.calls_note(parent.content, match[1], children):
                        continue  # '\[^1\]' or `[^1]`: the words, not a reference
                    self.diagnostics.append(error(
                        "X203", f"footnote reference '[^{match[1]}]' has no definition; "
                                f"expected a line '[^{match[1]}]: ...' in this text", self.at(parent, match[0])))
        for i in reversed(drop):
            _unlink(children, i)

    def calls_note(self, source: str, label: str, children: list[Token]) -> bool:
        """Whether markdown-it would read more '[^label]' in this inline source as note references,
        had the note been defined, than it read in ``children``: the rest are words, escaped
        ('\\[^1\\]') or in code, even beside a real reference to the same note. Asked only of the
        rare text that shows '[^...]', so parsing it again costs nothing."""
        env = {"footnotes": {"refs": {f":{label}": -1}, "list": {}}}
        calls = lambda tokens: sum(t.type == "footnote_ref" and t.meta.get("label") == label for t in tokens)  # noqa: E731
        return calls(t for token in self.md.parseInline(source, env) for t in token.children or []) > calls(children)

    def link(self, token: Token, parent: Token) -> bool:
        """Rewrite an internal link to its book-wide anchor; False drops the link, keeping its words."""
        href = token.attrGet("href") or ""
        if not href or SCHEME.match(href):
            return True
        path, _, fragment = unquote(href).partition("#")
        section = self.section_id
        if not path:
            target = f"{self.section_id}--{fragment}"
        else:
            file = (self.text.path.parent / path).resolve()
            section = self.library.text_ids.get(file)
            if section is None:
                what = "a text that is not in this book" if file.suffix == ".md" else "a file that is not a text"
                self.diagnostics.append(warning(
                    "X202", f"link to '{path}' leads to {what}; the link is removed, its words are kept",
                    self.at(parent, f"]({path}", skip=2)))
                return False
            target = f"{section}--{fragment}" if fragment else section
        token.attrSet("href", f"#{target}")
        written = unquote(href)
        self.links.append(Link(target, written, self.at(parent, f"]({written}", skip=2), self.section_id, section))
        return True

    def image(self, token: Token, parent: Token) -> None:
        src = unquote(token.attrGet("src") or "")
        where = self.at(parent, f"]({src}", skip=2)
        if not token.children and not token.content:
            self.diagnostics.append(warning(
                "X205", f"image '{src}' has no alt text; expected ![what it shows]({src}) for readers who cannot see it", where))
        if SCHEME.match(src):
            self.diagnostics.append(error(
                "X204", f"image '{src[:60]}' is not a file in the project; remote and inline images are not allowed, "
                        "save it beside the text", where))
            return
        file = (self.text.path.parent / src).resolve()
        if not file.is_relative_to(self.library.root):
            self.diagnostics.append(error("X204", f"image '{src}' is outside the manifest's folder", where))
        elif not file.is_file():
            siblings = [p.name for p in file.parent.glob("*")] if file.parent.is_dir() else []
            self.diagnostics.append(error(
                "X204", f"image '{src}' does not exist{did_you_mean(file.name, siblings)}", where))
        elif file.suffix.lower() not in IMAGE_TYPES:
            self.diagnostics.append(error(
                "X204", f"image '{src}' has type '{file.suffix}'; expected one of {', '.join(IMAGE_TYPES)}", where))
        else:
            token.attrSet("src", self.library.placeholder(file))
            self.images.append(file)

    def passage_lang(self, token: Token) -> None:
        """'::: lang ru' marks a passage in another language."""
        lang = token.info.strip().removeprefix("lang").strip()
        if langcodes.tag_is_valid(lang):
            token.attrSet("lang", lang)
        else:
            self.diagnostics.append(warning(
                "X210", f"'::: lang {lang}' needs a BCP 47 language tag such as 'ru' or 'fr'; the passage is left unmarked",
                self.at(token, "::: lang")))

    def raw_attributes(self, token: Token, parent: Token) -> None:
        """A kept tag's anchor becomes book-wide (links reach it); its language is checked."""
        local = token.attrGet("id")
        if local is not None:
            if local in self.local_ids:
                token.attrs.pop("id")
                self.diagnostics.append(warning(
                    "X206", f"raw HTML id '{local}' is already used in this text; the second one is dropped",
                    self.at(parent, f'"{local}"', skip=1, occurrence=2)))
            else:
                self.local_ids.add(local)
                token.attrSet("id", f"{self.section_id}--{local}")
        lang = token.attrGet("lang")
        if lang is not None:
            if langcodes.tag_is_valid(lang):
                token.attrSet("xml:lang", lang)
            else:
                token.attrs.pop("lang")
                self.diagnostics.append(warning(
                    "X206", f"raw HTML lang '{lang}' is not a BCP 47 language tag; it is dropped",
                    self.at(parent, lang)))

    def raw_html(self) -> None:
        """One warning per tag the text's raw HTML held that was not kept, at its first use."""
        for table, outcome in ((self.findings.removed, "removed with its content: scripts, styles, frames, "
                                                        "forms and embedded objects never reach a book"),
                               (self.findings.dropped, "not among the inline elements a text may use "
                                                       f"({', '.join(sorted(rawhtml.INLINE_TAGS))}); "
                                                       "the tag is dropped, its words are kept"),
                               (self.findings.refused, "a link to an address that is not http, https, mailto "
                                                       "or a file of the book; the link is dropped, its words are kept")):
            for name, (times, token, needle) in table.items():
                shown = f"<{name}>" if name[:1].isalnum() else name
                count = f" ({times} times)" if times > 1 else ""
                self.diagnostics.append(warning("X206", f"raw HTML {shown}{count} is {outcome}",
                                                self.at(token, needle.splitlines()[0])))

    def unused_notes(self, env: dict) -> None:
        refs = env.get("footnotes", {}).get("refs", {})
        for label, note_id in refs.items():
            if note_id == -1:
                name = label[1:]
                line = next((n for n, text in enumerate(self.lines) if text.lstrip().startswith(f"[^{name}]:")), None)
                where = Location(self.text.file, line + self.text.body_line, 1) if line is not None else Location(self.text.file)
                self.diagnostics.append(warning("X207", f"footnote '[^{name}]' is defined but never referenced", where))


def _raw_blocks(tokens: list[Token], md, env: dict, findings: rawhtml.Findings) -> None:
    """A raw HTML block becomes a paragraph of its words and kept inline tags (or nothing)."""
    out = []
    for token in tokens:
        if token.type != "html_block":
            out.append(token)
            continue
        words = rawhtml.clean_block(token.content, findings, token).strip()
        if not words:
            continue
        inline = Token("inline", "", 0, content=words, map=token.map, level=token.level + 1,
                       children=md.parseInline(words, env)[0].children)
        out += [Token("paragraph_open", "p", 1, map=token.map, level=token.level, block=True), inline,
                Token("paragraph_close", "p", -1, level=token.level, block=True)]
    tokens[:] = out


def _lone_image(inline: Token) -> bool:
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(children) == 1 and children[0].type == "image"


def _make_figure(opening: Token, inline: Token, closing: Token) -> None:
    image = next(c for c in inline.children if c.type == "image")
    caption = image.attrGet("title")
    if caption:
        image.attrs.pop("title", None)
    opening.type, opening.tag = "figure_open", "figure"
    closing.type, closing.tag = "figure_close", "figure"
    closing.meta = {"caption": caption}


def _unlink(children: list[Token], start: int) -> None:
    depth = 0
    for end in range(start, len(children)):
        if children[end].type == "link_open":
            depth += 1
        elif children[end].type == "link_close":
            depth -= 1
            if depth == 0:
                del children[end]
                break
    del children[start]


def _notes(tokens: list[Token], md, env: dict, section_id: str, backlink_title: str):
    """Each footnote_open ... footnote_close group becomes a Note with a backlink to its call."""
    start = None
    for i, token in enumerate(tokens):
        if token.type == "footnote_open":
            start = i
        elif token.type == "footnote_close" and start is not None:
            number = tokens[start].meta["id"] + 1
            inner = [t for t in tokens[start + 1 : i] if t.type != "footnote_anchor"]
            html = md.renderer.render(inner, md.options, env).strip()
            ref_id = f"{section_id}--r{number}"
            back = f' <a href="#{ref_id}" class="backlink" role="doc-backlink" title="{escapeHtml(backlink_title)}">↑</a>'
            if html.endswith("</p>"):
                html = html[: -len("</p>")] + back + "</p>"
            else:
                html += f"\n<p>{back.strip()}</p>"
            yield Note(f"{section_id}--n{number}", ref_id, number, html)
            start = None
