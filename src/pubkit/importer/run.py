"""`pubkit import`: each source to a text, or a whole work from its contents page to texts and a
manifest. A source that fails writes nothing and is reported; the others go on."""

from __future__ import annotations

import datetime as dt
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

from ..diagnostics import Diagnostic, Diagnostics, Location, error, warning
from ..files import write_atomically
from .archive import read_header
from .article import Article, parse, read_article
from .decode import decode_html
from .elements import first_text
from .fetch import Fetcher, ImportFailure
from .library import Ledger, front_matter, slug
from .markdown import Context, notes_markdown, to_markdown

PAGE_SUFFIXES = (".htm", ".html", ".xhtml", ".shtml", "")
IMAGE_SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/svg+xml": ".svg", "image/webp": ".webp"}
FRONT_ROLES = {"preface": re.compile(r"\bpreface\b|^prefatory|^to the reader", re.I),
               "foreword": re.compile(r"\bforeword\b", re.I),
               "introduction": re.compile(r"^(an\s+)?introduct|\bintroduction\b", re.I)}
BACK_ROLES = {"appendix": re.compile(r"^appendi|\bappendix\b|\bannex\b", re.I),
              "bibliography": re.compile(r"^bibliograph|^works cited|^references$|^sources$", re.I),
              "glossary": re.compile(r"^glossary", re.I)}
# Pages of the work that are not texts: their link's words -> why they are left out
LEFT_OUT = {re.compile(r"^(notes|endnotes|footnotes)\b", re.I): "a notes page: its notes go into the chapters that call them",
            re.compile(r"^(index|contents|table of contents|works index|home)\b", re.I): "an index or contents page, not a text"}


@dataclass
class ImportOptions:
    into: Path
    offline: bool = False
    force: bool = False  # overwrite files an editor changed
    update: bool = False  # re-import what nobody edited, leave the rest
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Imported:
    address: str
    file: str  # the text's name in the folder
    role: str = "chapter"
    article: Article | None = None


def import_sources(sources: list[str], options: ImportOptions, fetcher: Fetcher | None = None) -> tuple[list[Imported], Diagnostics]:
    """Each source (an address, a saved page, a folder of them) to one text in ``options.into``."""
    fetcher = fetcher or Fetcher(offline=options.offline)
    addresses = _expand(sources)
    numbered = len(addresses) > 1
    plan = [(address, "chapter", f"{i:02d}-" if numbered else "") for i, address in enumerate(addresses, start=1)]
    return _import_all(plan, options, fetcher)


def import_book(contents: str, options: ImportOptions, fetcher: Fetcher | None = None) -> tuple[list[Imported], Diagnostics]:
    """A work from its contents page: every chapter it links (in its order, same work only, each
    once), then a manifest beside the texts' folder that builds as it is."""
    fetcher = fetcher or Fetcher(offline=options.offline)
    sink = Diagnostics()
    try:
        page = fetcher.get(contents)
    except ImportFailure as failure:
        sink.add(error(failure.code, failure.message, Location(contents)))
        return [], sink
    tree = parse(decode_html(page.data, page.charset))
    chapters, left_out = contents_links(tree, page.address)
    for address, why in left_out:  # nothing the contents page links goes missing without a word
        sink.add(warning("I014", f"left out {address}: {why}", Location(contents)))
    if not chapters:
        sink.add(error("I006", "expected a contents page linking the work's chapters (pages in the same folder), "
                               "found no such link", Location(contents)))
        return [], sink
    plan = [(address, role, f"{i:02d}-") for i, (address, role) in enumerate(chapters, start=1)]
    imported, found = _import_all(plan, options, fetcher, also_linking=[(page, tree)], missing_is_warning=True)
    sink.extend(found)
    if not imported and not sink.has_errors():  # every page it links was missing: no book, and an error
        sink.add(error("I006", "expected at least one of the work's pages to import, found none there", Location(contents)))
    if imported and not sink.has_errors():
        sink.extend(_write_manifest(tree, page.address, imported, options))
    return imported, sink


def contents_links(tree, address: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(address, role) of each text a contents page links (pages beside it, in order, once), and
    (address, why) of each page beside it that is left out."""
    folder = posixpath.dirname(urlparse(address).path) if "://" in address else str(Path(address).parent)
    here = urldefrag(address)[0]
    seen, found, left_out, unnamed = set(), [], [], {}
    for link in tree.xpath("//body//a[@href]"):
        target = urldefrag(urljoin(address if "://" in address else Path(address).resolve().as_uri(), link.get("href")))[0]
        path = urlparse(target).path
        same_folder = posixpath.dirname(path) == (folder if "://" in address else Path(folder).resolve().as_posix())
        if not same_folder or target in seen or target in (here, Path(address).resolve().as_uri()):
            continue
        if posixpath.splitext(path)[1].lower() not in PAGE_SUFFIXES:
            continue
        text = " ".join(link.text_content().split())
        name = posixpath.basename(path).lower()
        shown = target if "://" in address else urlparse(target).path
        if not text:
            unnamed.setdefault(target, shown)  # an image's link: a text only if no words link it
            continue
        seen.add(target)
        why = next((why for pattern, why in LEFT_OUT.items() if pattern.match(text)), None) or \
            ("an index page, not a text" if name.startswith("index.") else
             "a notes page: its notes go into the chapters that call them" if name.startswith(("notes.", "footnote")) else None)
        if why:
            left_out.append((shown, why))
            continue
        role = next((r for r, pattern in FRONT_ROLES.items() if pattern.search(text)), None) or \
            next((r for r, pattern in BACK_ROLES.items() if pattern.search(text)), "chapter")
        found.append((shown, role))
    left_out += [(shown, "linked by an image alone, with no words to say what it is") for target, shown in unnamed.items()
                 if target not in seen]
    return found, left_out


# --- one source after another -------------------------------------------------------------------


def _import_all(plan: list[tuple[str, str, str]], options: ImportOptions, fetcher: Fetcher, also_linking=(),
                missing_is_warning: bool = False):
    """``also_linking``: (page, tree) of pages not imported whose links count (the contents page);
    ``missing_is_warning``: a page that is not there (HTTP 404, no such file) is left out with a
    warning, as a moved page of a work's contents is, and the others make the book."""
    sink = Diagnostics()
    options.into.mkdir(parents=True, exist_ok=True)
    ledger = Ledger.open(options.into)
    # First every page, so that links between the work's chapters can point at their files.
    pages = _fetch_pages([address for address, _, _ in plan], fetcher, sink, missing_is_warning)
    notes_pages: dict = {}
    names: dict[str, str] = {}
    articles: dict[str, Article] = {}
    for address, role, prefix in plan:
        if address not in pages:
            continue
        page, tree = pages[address]
        article = read_article(tree, page.address, lambda url, a=page.address: _notes_page(url, a, fetcher, notes_pages),
                               decode_html(page.data, page.charset))
        if article.refusal or article.body is None or not " ".join(article.body.text_content().split()):
            sink.add(error("I006", f"expected an article (a body of text), found {article.refusal or 'none on the page'}",
                           Location(address)))
            continue
        _tell_apart(article, articles.values())
        articles[address] = article
        previous = ledger.source_of(page.address)
        names[address] = previous or _unique(f"{prefix}{slug(article.title or 'text')}.md", names.values())
    link_map = {_page_key(pages[a][0].address): n for a, n in names.items()} | {_page_key(a): n for a, n in names.items()}
    targeted = _targeted_anchors([*pages.values(), *also_linking])
    done = []
    for address, role, _ in plan:
        if address not in articles:
            continue
        article = articles[address]
        article.targets |= targeted.get(_page_key(pages[address][0].address), set())
        result = _write_text(address, pages[address][0], article, names[address], role, link_map, ledger, options, fetcher)
        sink.extend(result)
        if not any(d.severity.value == "error" for d in result):
            done.append(Imported(address, names[address], role, articles[address]))
    return done, sink


def _fetch_pages(addresses: list[str], fetcher: Fetcher, sink: Diagnostics, missing_is_warning: bool) -> dict:
    """address -> (page, tree) for each page that could be fetched and parsed; a failure is
    reported for its source, and the others go on."""
    pages = {}
    for address in addresses:
        try:
            page = fetcher.get(address)
            pages[address] = (page, parse(decode_html(page.data, page.charset)))
        except ImportFailure as failure:
            if missing_is_warning and failure.gone:
                sink.add(warning("I015", f"left out {address}: the contents page links it, but {failure.message}",
                                 Location(address)))
            else:
                sink.add(error(failure.code, failure.message, Location(address)))
    return pages


def _tell_apart(article: Article, earlier) -> None:
    """Pages that continue a chapter ('II. The Family' four times over) take their first
    section's heading beside the chapter's, so that the contents tell them apart."""
    if not any(a.title == article.title for a in earlier):
        return
    first = next((" ".join(h.text_content().split()) for h in article.body.iter("h2", "h3", "h4", "h5")
                  if " ".join(h.text_content().split())), None)
    if first and first != article.title:
        article.title = f"{article.title}: {first}"


def _targeted_anchors(pages) -> dict[str, set[str]]:
    """The anchors that links from any of these (page, tree) point to, by page: kept in the texts
    ({#id} on headings, <a id> in paragraphs), the others dropped."""
    targeted: dict[str, set[str]] = {}
    for page, tree in pages:
        for href in tree.xpath("//a/@href"):
            target, anchor = urldefrag(urljoin(page.address, href))
            if anchor:
                targeted.setdefault(_page_key(target), set()).add(anchor)
    return targeted


def _write_text(address, page, article: Article, name: str, role: str, link_map: dict, ledger: Ledger,
                options: ImportOptions, fetcher: Fetcher) -> list[Diagnostic]:
    where = Location(address)
    refusal = _refusal(ledger.state(name), options.into / name, options, where)
    if refusal:
        return [refusal]
    problems: list[Diagnostic] = []
    images: dict[str, bytes] = {}

    def save_image(url: str, alt: str) -> str | None:
        inline = url.startswith("data:")  # written into the page: its name would be its bytes
        shown = f"{url[:30]}… ({alt or 'no alt text'})" if inline else url
        try:
            image = fetcher.get(url, html=False)
        except ImportFailure as failure:
            problems.append(warning("I031", f"the image {shown} was not imported: {failure.message}", where))
            return None
        kind = image.media_type if image.media_type in IMAGE_SUFFIXES else (mimetypes.guess_type(url)[0] or "")
        if kind not in IMAGE_SUFFIXES:
            problems.append(warning("I031", f"the image {shown} was not imported: expected JPEG, PNG, GIF, SVG or WebP, "
                                            f"found {kind or 'an unknown type'}", where))
            return None
        stem = slug(alt or "image", 40) if inline else slug(Path(urlparse(url).path).stem or "image", 40)
        file = _image_name(options.into / "images", stem, IMAGE_SUFFIXES[kind], image.data, images)
        images[file] = image.data
        return f"images/{file}"

    context = Context(page.address, lambda url: _link_for(url, link_map), save_image, article.targets,
                      anchors=set(article.body.xpath(".//@id | .//a/@name")))
    body = to_markdown(article.body, context)
    notes = notes_markdown(article.notes.values(), context)
    for call in article.missing_notes:
        problems.append(warning("I020", f"the note {call} has no definition on the page or on a notes page of the work: "
                                        "its number stays as text", where))
    problems += [warning("I030", message, where) for message in dict.fromkeys(context.warnings)]
    text = front_matter(_front_matter_values(article, page, options)) + "\n" + body + ("\n" + notes if notes else "")
    for file, data in images.items():
        target = options.into / "images" / file
        if not (target.is_file() and target.read_bytes() == data):
            write_atomically(target, data)
    ledger.write(name, text.encode("utf-8"), page.address)
    return problems


def _refusal(state: str, file: Path, options: ImportOptions, where: Location) -> Diagnostic | None:
    """Why ``file`` must not be written, if it must not: an editor changed it, or it was never imported."""
    if state not in ("edited", "own") or options.force:
        return None
    if options.update and state == "edited":
        return warning("I011", f"{file} was edited since it was imported: left as it is", where)
    what = "was edited since it was imported" if state == "edited" else "is not one pubkit imported"
    return error("I010", f"expected to write {file}, found a file that {what}; nothing was "
                         "written (--force overwrites it, --update re-imports only what nobody edited)", where)


def _front_matter_values(article: Article, page, options: ImportOptions) -> dict:
    meta = dict(article.meta)
    values = {"title": article.title, "subtitle": article.subtitle, "authors": article.authors or None,
              "translator": meta.pop("translator", None), "date": meta.pop("date", None), "source": meta.pop("source", None),
              "lang": article.language, "url": page.address if page.is_web else article.canonical,
              "imported": f"{options.today.isoformat()} from {page.address}"}
    meta.pop("written", None)
    meta.pop("first_published", None)
    values.update(sorted(meta.items()))  # the archive's other provenance lines: kept as they are
    return values


def _write_manifest(tree, address: str, imported: list[Imported], options: ImportOptions) -> list[Diagnostic]:
    """books/<folder>.yaml for the work: its metadata from the contents page, its texts by role."""
    import yaml

    folder = options.into
    books = folder.parent.parent if folder.parent.name == "texts" else folder.parent
    manifest = books / f"{folder.name}.yaml"
    where = Location(address)
    if manifest.exists() and not options.force:
        return [warning("I012", f"{manifest} exists: left as it is (--force writes it anew)", where)]
    header = read_header(tree, address, tree.find("body"))
    info = header.info
    first = next((i.article for i in imported if i.role == "chapter"), imported[0].article)
    title = header.title or first.title
    subtitle = header.subtitle
    authors = header.authors or first.authors
    translator = info.get("translator") or next((i.article.meta.get("translator") for i in imported if i.article.meta.get("translator")), None)
    language = tree.get("lang") or first.language or "en"
    description = next((m.get("content") for m in tree.xpath("//meta[@name='description']") if (m.get("content") or "").strip()), None) \
        or first_text(tree, "//p[contains(@class, 'description')] | //p[contains(@class, 'abstract')]")
    relative = lambda i: Path(posixpath.relpath(folder / i.file, books)).as_posix()  # noqa: E731
    creators = [{"name": a, "role": "author"} for a in authors] + ([{"name": translator, "role": "translator"}] if translator else [])
    data = {
        "title": title,
        "subtitle": subtitle,
        "creators": creators or [{"name": "Unknown", "role": "author"}],
        "language": language,
        "date": options.today.isoformat(),
        "description": description,
        "front": ["halftitle", "titlepage", "copyright", "contents",
                  *({i.role: relative(i)} for i in imported if i.role in FRONT_ROLES)],
        "body": [relative(i) for i in imported if i.role == "chapter"],
        "back": [*({i.role: relative(i)} for i in imported if i.role in BACK_ROLES), "notes"],
    }
    data = {k: v for k, v in data.items() if v}
    problems = [] if creators else [warning("I013", f"found no author on the contents page: {manifest} names 'Unknown'; "
                                                    "put the author's name there", where)]
    header = (f"# Imported by pubkit on {options.today.isoformat()} from {address}\n"
              "# Edit this manifest, not the texts: re-importing leaves edited texts alone.\n")
    write_atomically(manifest, (header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)).encode("utf-8"))
    return problems


# --- helpers ------------------------------------------------------------------------------------------


def _expand(sources: list[str]) -> list[str]:
    out = []
    for source in sources:
        path = Path(source)
        if "://" not in source and path.is_dir():
            out += sorted(str(p) for p in path.iterdir() if p.suffix.lower() in (".htm", ".html", ".xhtml"))
        else:
            out.append(source)
    return out


def _notes_page(url: str, article_address: str, fetcher: Fetcher, cache: dict):
    """A notes page of the same work (a page in the article's folder), fetched once."""
    same_work = posixpath.dirname(urlparse(url).path) == posixpath.dirname(urlparse(article_address).path)
    if not same_work:
        return None
    if url not in cache:
        try:
            page = fetcher.get(url if "://" in article_address else urlparse(url).path)
            cache[url] = parse(decode_html(page.data, page.charset))
        except ImportFailure:
            cache[url] = None
    return cache[url]


def _page_key(address: str) -> str:
    if "://" in address and not address.startswith("file://"):
        return urldefrag(address)[0]
    return Path(urlparse(address).path if address.startswith("file://") else address).resolve().as_uri()


def _link_for(url: str, link_map: dict[str, str]) -> str:
    """A link to another chapter of the work becomes a link to its file; others stay absolute."""
    page, anchor = urldefrag(url)
    name = link_map.get(_page_key(page) if page else page)
    if name:
        return f"{name}#{anchor}" if anchor else name
    return url


def _unique(name: str, taken) -> str:
    taken = set(taken)
    stem, n = name.removesuffix(".md"), 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.md"
    return name


def _image_name(folder: Path, stem: str, suffix: str, data: bytes, planned: dict[str, bytes]) -> str:
    n = 1
    while True:
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        existing = planned.get(name)
        if existing is None and (folder / name).is_file():
            existing = (folder / name).read_bytes()
        if existing is None or existing == data:
            return name
        n += 1


