"""The book manifest: its keys, what each means, and how a YAML file becomes a ``Manifest``.

Loading runs in two passes, as editors expect from a compiler:

1. *shape*: every key known, every value of the right type and form (ISBN checksums, language
   tags, dates). All shape errors of a file are reported together, then loading stops.
2. *meaning*: every path resolved inside the manifest's folder, globs expanded in name order,
   missing files and duplicate chapters reported with "did you mean".
"""

from __future__ import annotations

import difflib
from pathlib import Path

import langcodes

from ..diagnostics import Diagnostic, Location, did_you_mean, error, relative_path
from ..model import Accessibility, CoverArt, Creator, Manifest, Metadata, PrintSettings
from ..parsing.characters import check_characters, decode_utf8
from ..parsing.schema import Checker, describe
from ..parsing.yamlpos import load_yaml
from ..printing.geometry import parse_trim
from ..printing.vendors import PAPERS, TRIMS, VENDORS
from ..roles import MATTER_ROLES, ROLES, Source
from .paths import Resolver

# Top-level keys of a manifest, each with what it holds. The README's reference is written from this.
MANIFEST_KEYS: dict[str, str] = {
    "title": "the book's title",
    "subtitle": "a subtitle, shown under the title",
    "creators": "a list of {name, role, file_as}; roles: author, editor, translator, ...",
    "language": "the book's BCP 47 language tag, e.g. en, en-GB, fr",
    "publisher": "the publisher's name",
    "date": "publication date, YYYY-MM-DD",
    "edition": "edition statement for the copyright page, e.g. 'Second edition'",
    "isbn": "a mapping {epub: ISBN, print: ISBN}",
    "description": "the blurb: store description and EPUB metadata",
    "subjects": "a list of subject headings",
    "rights": "the rights statement, e.g. 'Copyright © 2019 Wellred Books'",
    "theme": "the theme folder under themes/ (default: classic)",
    "cover": "a finished cover image (JPEG or PNG); without one, the theme designs the covers",
    "cover_art": "for generated covers: {image, author_photo, quote}",
    "front": "front matter: generated pages and texts, in order",
    "body": "the body: texts, globs, {text: ...} mappings or {part: ..., chapters: [...]}",
    "back": "back matter: texts and generated pages, in order",
    "epub": "EPUB options: {notes: endnotes|footnotes}",
    "print": "PDF options: {trim, pod, notes, icc_profile}",
    "accessibility": "{summary, conforms_to, certified_by}",
    "site": "the readers' site (pubkit site): {downloads: [epub, screen-pdf, print-pdf]}",
}
REQUIRED = ("title", "creators", "language", "date", "body")

CREATOR_KEYS = {"name": "the person's name", "role": "author, editor, translator, ...",
                "file_as": "the name as sorted, e.g. 'Woods, Alan'"}

# Creator roles an editor may write, and their MARC relator codes (EPUB refines role scheme).
CREATOR_ROLES: dict[str, str] = {
    "author": "aut", "editor": "edt", "translator": "trl", "introduction": "aui",
    "foreword": "aui", "preface": "wpr", "afterword": "aft", "illustrator": "ill",
    "contributor": "ctb", "compiler": "com", "photographer": "pht", "cover-designer": "cov",
}

TEXT_KEYS = {"text": "path to a Markdown text", "title": "replaces the text's title",
             "subtitle": "replaces the text's subtitle"}
PART_KEYS = {"part": "the part's title", "chapters": "the part's texts"}
EPUB_KEYS = {"notes": "endnotes (one notes section) or footnotes (at the end of each chapter)"}
A11Y_KEYS = {"summary": "accessibility summary", "conforms_to": "a conformance claim",
             "certified_by": "who assessed the claim"}
PRINT_KEYS = {"trim": "the trim size: a preset such as 6x9in or a5, or WIDTHxHEIGHT with a unit",
              "pod": "the print-on-demand vendor: kdp, ingram, lulu or none",
              "notes": "footnotes (at the foot of the page) or endnotes",
              "icc_profile": "the printer's ICC output profile, for PDF/X (IngramSpark)",
              "paper": "white, cream or color: sets the spine's width per page"}
COVER_ART_KEYS = {"image": "an image for the front cover", "author_photo": "a photo for the back cover",
                  "quote": "a quotation for the back cover"}
SITE_KEYS = {"downloads": "the files readers may download: epub, screen-pdf, print-pdf (default: epub, screen-pdf)"}
DOWNLOADS = ("epub", "screen-pdf", "print-pdf")
NOTES_MODES = ("endnotes", "footnotes")
TEXT_SUFFIXES = (".md", ".markdown")


def _downloads(check: Checker, data: dict) -> tuple[str, ...]:
    """What the site offers readers: print editions are for printers, so only when asked for."""
    site = check.mapping(data, "site", ()) or {}
    check.keys(site, ("site",), SITE_KEYS)
    if site.get("downloads") is None:
        return DOWNLOADS[:2]
    wanted = check.strings(site, "downloads", ("site",))
    for i, name in enumerate(wanted):
        if name not in DOWNLOADS:
            check.fail("006", ("site", "downloads", i), f"expected one of {', '.join(DOWNLOADS)}, "
                                                      f"found {describe(name)}{did_you_mean(name, DOWNLOADS)}")
    return tuple(name for name in DOWNLOADS if name in wanted)


def load_manifest(path: Path) -> tuple[Manifest | None, list[Diagnostic]]:
    file = relative_path(path)
    try:
        source, problems = decode_utf8(path.read_bytes(), file, "M000")
    except OSError as exc:
        return None, [error("M000", f"cannot read manifest: {exc.strerror}", Location(file))]
    if source is None:
        return None, problems
    invisible = check_characters(source, file, None, "M014")  # control characters: the YAML reader's Y001
    data, positions, problems = load_yaml(source, file)
    if problems:
        return None, problems
    check = Checker(positions)
    if not isinstance(data, dict):
        check.fail("004", (), f"expected a mapping of keys (title, creators, ...), found {describe(data)}")
        return None, check.diagnostics

    # Pass 1: shape.
    check.keys(data, (), MANIFEST_KEYS, REQUIRED)
    metadata = _metadata(check, data)
    epub = check.mapping(data, "epub", ()) or {}
    check.keys(epub, ("epub",), EPUB_KEYS)
    notes_mode = check.choice(epub, "notes", ("epub",), NOTES_MODES, "endnotes")
    printing = check.mapping(data, "print", ()) or {}
    check.keys(printing, ("print",), PRINT_KEYS)
    trim_name = check.string(printing, "trim", ("print",)) or "6x9in"
    trim = parse_trim(trim_name)
    if trim is None:
        check.fail("013", ("print", "trim"), f"expected a trim size such as 6x9in, 129x198mm or one of "
                                              f"{', '.join(TRIMS)}, found '{trim_name}'")
    pod = check.choice(printing, "pod", ("print",), tuple(VENDORS), "none")
    print_notes = check.choice(printing, "notes", ("print",), NOTES_MODES, "footnotes")
    icc_profile = check.string(printing, "icc_profile", ("print",))
    paper = check.choice(printing, "paper", ("print",), PAPERS, "white")
    art = check.mapping(data, "cover_art", ()) or {}
    check.keys(art, ("cover_art",), COVER_ART_KEYS)
    art_image = check.string(art, "image", ("cover_art",))
    art_photo = check.string(art, "author_photo", ("cover_art",))
    art_quote = check.string(art, "quote", ("cover_art",))
    downloads = _downloads(check, data)
    theme = check.string(data, "theme", ()) or "classic"
    cover = check.string(data, "cover", ())
    front = _matter(check, data, "front")
    body = _body(check, data)
    back = _matter(check, data, "back")
    if check.diagnostics:
        return None, check.diagnostics

    # Pass 2: meaning — every path inside the manifest's folder, existing, used once.
    resolver = Resolver(path.parent.resolve(), check)
    manifest = Manifest(
        file=path,
        slug=path.stem,
        root=resolver.root,
        metadata=metadata,
        theme=theme,
        cover=resolver.file(cover, ("cover",)) if cover else None,
        front=tuple(e for raw in front for e in resolver.entry(raw)),
        body=tuple(item for raw in body for item in resolver.body_items(raw)),
        back=tuple(e for raw in back for e in resolver.entry(raw)),
        epub_notes=notes_mode,
        print=PrintSettings(trim, trim_name, pod, print_notes,
                            resolver.file(icc_profile, ("print", "icc_profile")) if icc_profile else None, paper),
        cover_art=CoverArt(resolver.file(art_image, ("cover_art", "image")) if art_image else None,
                           resolver.file(art_photo, ("cover_art", "author_photo")) if art_photo else None,
                           art_quote),
        downloads=downloads,
    )
    if check.diagnostics:
        return None, check.diagnostics
    return manifest, invisible


# --- pass 1: metadata -------------------------------------------------------------------------


def _metadata(check: Checker, data: dict) -> Metadata:
    language = check.string(data, "language", ())
    if language and not langcodes.tag_is_valid(language):
        check.fail("011", ("language",),
                   f"expected a BCP 47 language tag such as 'en', 'en-GB' or 'fr', found '{language}'")
    isbns = check.mapping(data, "isbn", ()) or {}
    check.keys(isbns, ("isbn",), {"epub": "the EPUB's ISBN", "print": "the print edition's ISBN"})
    a11y = check.mapping(data, "accessibility", ()) or {}
    check.keys(a11y, ("accessibility",), A11Y_KEYS)
    accessibility = Accessibility(
        summary=check.string(a11y, "summary", ("accessibility",)),
        conforms_to=check.string(a11y, "conforms_to", ("accessibility",)),
        certified_by=check.string(a11y, "certified_by", ("accessibility",)),
    )
    if accessibility.conforms_to and not accessibility.certified_by:
        check.fail("003", ("accessibility",),
                   "missing required key 'certified_by' (a conformance claim must say who assessed it)")
    return Metadata(
        title=check.string(data, "title", ()) or "",
        subtitle=check.string(data, "subtitle", ()),
        creators=_creators(check, data.get("creators")),
        language=language or "en",
        publisher=check.string(data, "publisher", ()),
        date=check.date(data, "date", ()),
        isbn_epub=_isbn(check, isbns, "epub"),
        isbn_print=_isbn(check, isbns, "print"),
        description=check.string(data, "description", ()),
        subjects=check.strings(data, "subjects", ()),
        rights=check.string(data, "rights", ()),
        edition=check.string(data, "edition", ()),
        accessibility=accessibility,
    )


def _creators(check: Checker, value: object) -> tuple[Creator, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        check.wrong_type(("creators",), "a list of {name, role}", value)
        return ()
    creators = []
    for i, item in enumerate(value):
        path = ("creators", i)
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            check.wrong_type(path, "a mapping {name, role}", item)
            continue
        check.keys(item, path, CREATOR_KEYS, ("name",))
        role = str(item.get("role") or "author")
        marc = CREATOR_ROLES.get(role) or (role if len(role) == 3 and role.isalpha() and role.islower() else None)
        if marc is None:
            check.choice(item, "role", path, tuple(CREATOR_ROLES), "author")
            continue
        name = check.string(item, "name", path)
        if name:
            creators.append(Creator(name, marc, check.string(item, "file_as", path)))
    return tuple(creators)


def _isbn(check: Checker, isbns: dict, key: str) -> str | None:
    raw = isbns.get(key)
    if raw is None:
        return None
    from stdnum import ean, isbn as stdisbn  # python-stdnum imports ssl: only for books with ISBNs

    path = ("isbn", key)
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return check.wrong_type(path, "an ISBN", raw)
    digits = stdisbn.compact(raw)
    if len(digits) not in (10, 13) or not digits[:-1].isdigit():
        return check.fail("010", path, f"expected an ISBN of 10 or 13 digits, found '{raw}' ({len(digits)} characters)")
    if len(digits) == 13:
        expected = ean.calc_check_digit(digits[:-1])
    else:
        expected = stdisbn._calc_isbn10_check_digit(digits[:-1])  # stdnum has no public name for it
    if digits[-1].upper() != expected:
        return check.fail("010", path,
                          f"invalid ISBN '{raw}': the check digit should be {expected}, found {digits[-1]}")
    return stdisbn.format(stdisbn.to_isbn13(digits))


# --- pass 1: the book's structure --------------------------------------------------------------


def _list(check: Checker, data: dict, key: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        check.wrong_type((key,), "a list", value)
        return []
    return value


def _matter(check: Checker, data: dict, key: str) -> list[dict]:
    """front: / back: items -> raw entries {role, value, title, subtitle, path}."""
    out = []
    for i, item in enumerate(_list(check, data, key)):
        path = (key, i)
        if isinstance(item, str):
            role = ROLES.get(item)
            if role is None or item not in MATTER_ROLES:
                check.fail("005", path, f"unknown section '{item}'{_role_hint(item)}")
            elif role.source is not Source.GENERATED:
                check.fail("004", path, f"'{item}' needs a text: write '{item}: path/to/text.md'")
            else:
                out.append({"role": item, "path": path})
            continue
        if not isinstance(item, dict) or not item:
            check.wrong_type(path, "a section name or 'role: text'", item)
            continue
        roles = [k for k in item if k not in ("title", "subtitle")]
        if len(roles) != 1:
            check.fail("004", path, f"expected one role key with optional title/subtitle, found keys {', '.join(map(repr, item))}")
            continue
        name = roles[0]
        role = ROLES.get(name)
        if role is None or name not in MATTER_ROLES:
            check.fail("005", path + (name,), f"unknown section '{name}'{_role_hint(name)}", at_key=True)
            continue
        value = item[name]
        if role.source is Source.GENERATED:
            check.fail("004", path + (name,), f"'{name}' is generated from the book's metadata and takes no value, found {describe(value)}")
            continue
        entry = {"role": name, "path": path + (name,), "title": check.string(item, "title", path),
                 "subtitle": check.string(item, "subtitle", path)}
        if isinstance(value, dict):
            check.keys(value, path + (name,), TEXT_KEYS, ("text",))
            entry.update(value=check.string(value, "text", path + (name,)), path=path + (name, "text"),
                         title=check.string(value, "title", path + (name,)) or entry["title"],
                         subtitle=check.string(value, "subtitle", path + (name,)) or entry["subtitle"])
        elif isinstance(value, str) and value.strip():
            entry["value"] = value.strip()
        else:
            check.wrong_type(path + (name,), "a path to a text" + (" or the words themselves" if role.source is Source.INLINE else ""), value)
            continue
        if entry.get("value") is None:
            continue
        is_file = _looks_like_path(entry["value"])
        if role.source is Source.INLINE and not is_file:
            entry["inline"] = entry.pop("value")
        elif not is_file:
            check.fail("004", entry["path"], f"expected a path to a Markdown text (.md), found {describe(entry['value'])}")
            continue
        out.append(entry)
    return out


def _body(check: Checker, data: dict) -> list[dict]:
    items = _list(check, data, "body")
    if "body" in data and data["body"] is not None and not items and isinstance(data["body"], list):
        check.fail("004", ("body",), "expected at least one chapter, found an empty list")
    out = []
    for i, item in enumerate(items):
        path = ("body", i)
        if isinstance(item, dict) and "part" in item:
            check.keys(item, path, PART_KEYS, ("part", "chapters"))
            title = check.string(item, "part", path)
            chapters = item.get("chapters")
            if chapters is not None and (not isinstance(chapters, list) or not chapters):
                check.wrong_type(path + ("chapters",), "a list of texts", chapters)
                continue
            entries = [_chapter(check, c, path + ("chapters", j)) for j, c in enumerate(chapters or [])]
            out.append({"part": title, "chapters": [e for e in entries if e], "path": path})
        else:
            entry = _chapter(check, item, path)
            if entry:
                out.append(entry)
    return out


def _chapter(check: Checker, item: object, path: tuple) -> dict | None:
    if isinstance(item, str) and item.strip():
        return {"role": "chapter", "value": item.strip(), "path": path}
    if isinstance(item, dict):
        if "part" in item:
            return check.fail("004", path, "parts cannot be nested: a part's chapters are texts")
        if not check.keys(item, path, TEXT_KEYS, ("text",)):
            return None
        text = check.string(item, "text", path)
        if text is None:
            return None
        return {"role": "chapter", "value": text, "path": path + ("text",),
                "title": check.string(item, "title", path), "subtitle": check.string(item, "subtitle", path)}
    return check.wrong_type(path, "a path, a glob or {text: path}", item)


def _role_hint(name: str) -> str:
    matches = difflib.get_close_matches(name, MATTER_ROLES, n=1, cutoff=0.6)
    if matches:
        return f" (did you mean '{matches[0]}'?)"
    return f"; known sections: {', '.join(MATTER_ROLES)}"


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and value.lower().endswith(TEXT_SUFFIXES)
