"""`pubkit import` on real pages (issue 17): every article page of ../shared/archive-pages and
../shared/cms-pages, imported from the saved files, with what an editor would have to mend.

    python bench/import_bench.py [--shared ../shared] [--quiet]

Archive pages, per page and in total: the note calls on the page (counted here from the page's
own links, independently of the importer: a numbered or starred link to an anchor on the page or
on another page of the same work, back-links from a note to its call left out), the footnotes the
text calls, whether a title, an author and a date were found, the words kept, and pages refused
with the reason. CMS pages (each with its right answer): title, byline and date found right, and
the body's text kept (recall and precision of the expected text's 5-word runs), for pubkit,
trafilatura and readability-lxml side by side (both: `pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import yaml
from lxml import html

from pubkit.importer.run import ImportOptions, import_sources

ROOT = Path(__file__).resolve().parents[1]
NOTE_CALL = re.compile(r"^\s*[\[(]?\s*(\d{1,3}[a-z]?|[*†‡]{1,3}|[A-Za-z]{1,2})\s*[\])]?\s*\.?\s*$")
CONTENTS = re.compile(r"(^|/)(index|txtindex|volume\d+|\d{4}s|one-volume|\d{6})\.htm$")


def imported(page: Path, scratch: Path) -> tuple[dict, str, list[str]]:
    """(front matter, body, messages) of one page imported from its file."""
    folder = scratch / page.as_posix().replace("/", "_")
    texts, sink = import_sources([str(page)], ImportOptions(into=folder, offline=True))
    messages = [f"{d.code}: {d.message}" for d in sink]
    if not texts:
        return {}, "", messages
    text = (folder / texts[0].file).read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head) or {}, body, messages


# --- the archive -------------------------------------------------------------------------------------


def anchors(tree) -> list:
    return tree.xpath("//*[@id] | //a[@name]")


def looks_like_a_call(link) -> bool:
    """Set as a note call is: in or around a superscript, in brackets, or marked as a note."""
    parent = link.getparent()
    return (parent is not None and parent.tag == "sup") or link.find(".//sup") is not None or \
        link.text_content().strip().startswith("[") or "note" in (link.get("class", "") + (parent.get("class", "") if parent is not None else "")).lower()


def note_calls(page: Path) -> int:
    """Note calls on a page, from its links alone (see the module's docstring)."""
    tree = html.parse(str(page)).getroot()
    order = {element: n for n, element in enumerate(tree.iter())}
    here = {a.get("id") or a.get("name"): a for a in anchors(tree)}
    others: dict[str, set[str]] = {}
    count = 0
    for link in tree.xpath("//body//a[@href]"):
        address, fragment = urldefrag(link.get("href"))
        if not fragment or not NOTE_CALL.match(link.text_content()) or not looks_like_a_call(link):
            continue
        if not address:  # this page: a call points forward; a back-link points back to the call
            target = here.get(fragment)
            if target is None or order[target] < order[link]:
                continue
            count += 1
            continue
        other = (page.parent / urlparse(address).path).resolve()
        if other.parent != page.parent.resolve() or not other.is_file() or page.name.startswith("notes"):
            continue  # another work (a glossary), or the notes page's links back to the chapters
        if other not in others:
            others[other] = {a.get("id") or a.get("name") for a in anchors(html.parse(str(other)).getroot())}
        count += fragment in others[other]
    return count


def archive(shared: Path, scratch: Path, quiet: bool) -> None:
    pages = sorted(p for p in (shared / "archive-pages").rglob("*.htm")
                   if not CONTENTS.search(p.relative_to(shared / "archive-pages").as_posix()))
    totals = {"calls": 0, "made": 0, "title": 0, "author": 0, "date": 0, "refused": 0, "pages": 0}
    if not quiet:
        print(f"{'archive page':58} calls notes title author date  words")
    for page in pages:
        name = page.relative_to(shared / "archive-pages").as_posix()
        calls = note_calls(page)
        meta, body, messages = imported(page, scratch)
        totals["pages"] += 1
        if not meta:
            totals["refused"] += 1
            print(f"{name:58} refused: {'; '.join(messages)[:120]}")
            continue
        made = len(re.findall(r"\[\^[^\]\s]+\](?!:)", body))
        found = {"title": bool(meta.get("title")), "author": bool(meta.get("authors")), "date": bool(meta.get("date"))}
        totals["calls"] += calls
        totals["made"] += min(made, calls)
        for key, value in found.items():
            totals[key] += value
        if not quiet:
            print(f"{name:58} {calls:5} {made:5} {'yes' if found['title'] else '-':>5} {'yes' if found['author'] else '-':>6} "
                  f"{'yes' if found['date'] else '-':>4} {len(body.split()):6}   {str(meta.get('title'))[:40]}")
    articles = totals["pages"] - totals["refused"]
    print(f"\narchive: {totals['pages']} pages that are not contents pages, {totals['refused']} refused")
    print(f"  note calls that became footnotes: {totals['made']} of {totals['calls']} "
          f"({100 * totals['made'] / max(1, totals['calls']):.0f}%)")
    print(f"  found on the {articles} imported: title {totals['title']}, author {totals['author']}, date {totals['date']}")


# --- CMS pages ---------------------------------------------------------------------------------------


def normal(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", re.sub("[\u00ad\u200b\ufeff]", "", text or "")).casefold()
    text = re.sub(r"[‘’‚‛`´]", "'", re.sub(r"[“”„‟«»]", '"', text))
    return " ".join(re.sub(r"[–—‐-]", "-", text).split())


def title_right(found: str | None, expected: str) -> bool:
    """The same title, or one holding the other that is at least half of it ('Title | Site')."""
    found, expected = normal(found), normal(expected)
    if not found:
        return False
    short, long = sorted((found, expected), key=len)
    return short == long or (short in long and len(short) >= 0.5 * len(long))


def byline_right(found: str | list | None, expected: str) -> bool:
    """Each name found is in the expected byline ('By Jane Doe, Staff Writer' holds 'Jane Doe')."""
    names = [found] if isinstance(found, str) else list(found or [])
    names = [normal(n) for n in names if normal(n)]
    return bool(names) and all(n in normal(expected) or normal(expected) in n for n in names)


def date_right(found, expected: str) -> bool:
    return bool(found) and str(found)[:10] == expected[:10]


BLOCKS = ("p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "dt", "dd",
          "figcaption", "section", "article", "table", "ul", "ol")


def text_of(markup: str) -> str:
    """An HTML fragment's words, a block's edge as a space ('media</p><p>A' is two words, which
    text_content() would run together)."""
    tree = html.fromstring(markup or "<p></p>")
    for element in tree.iter(BLOCKS):
        element.tail = " " + (element.tail or "")
        element.text = " " + (element.text or "")
    return tree.text_content()


def runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", normal(text))
    return {tuple(words[i:i + 5]) for i in range(max(0, len(words) - 4))}


def kept(found: str, expected: str) -> tuple[float, float]:
    """(share of the expected text's 5-word runs in the found text, share of the found text's in the expected)."""
    want, got = runs(expected), runs(found)
    if not want:
        return 1.0, 1.0
    return len(want & got) / len(want), (len(want & got) / len(got) if got else 0.0)


def markdown_words(body: str) -> str:
    body = re.sub(r"\[\^([^\]]+)\]:?", r" \1 ", body)  # a note's call and its definition: as the page numbers them
    body = re.sub(r"^\s*(\d+[.)]|[-*+])\s+", " ", body, flags=re.M)  # a list's numbers: not the page's words
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", body)
    body = re.sub(r"</?(sup|sub|span|a)\b[^>]*>", "", body)  # the inline HTML a text may hold
    return re.sub(r"\]\([^)]*\)|\[", "", body)  # a link's words, as they run on in the text


def cms(shared: Path, scratch: Path, quiet: bool) -> None:
    try:
        import trafilatura
        from readability import Document
    except ImportError as missing:
        sys.exit(f"needs trafilatura and readability-lxml (pip install -e '.[bench]'): {missing}")
    rows = []
    for folder in sorted(p for p in (shared / "cms-pages").iterdir() if (p / "source.html").is_file()):
        expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        if expected.get("readerable") is False:
            continue
        source = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        want_text = text_of((folder / "expected.html").read_text(encoding="utf-8"))
        meta, body, messages = imported(folder / "source.html", scratch)
        theirs = trafilatura.extract_metadata(source)
        readable = Document(source)
        row = {"page": folder.name, "expected": expected,
               "pubkit": (meta.get("title"), meta.get("authors"), meta.get("date"), kept(markdown_words(body), want_text)),
               "trafilatura": (theirs.title if theirs else None, theirs.author if theirs else None,
                               theirs.date if theirs else None, kept(trafilatura.extract(source) or "", want_text)),
               "readability": (readable.short_title(), None, None,
                               kept(text_of(readable.summary()), want_text))}
        rows.append(row)
        if not quiet:
            marks = [("T" if title_right(r[0], expected["title"] or "") else "-") +
                     ("A" if expected.get("byline") and byline_right(r[1], expected["byline"]) else "-") +
                     ("D" if expected.get("publishedTime") and date_right(r[2], expected["publishedTime"]) else "-") +
                     f" {r[3][0]:.2f}/{r[3][1]:.2f}" for r in (row["pubkit"], row["trafilatura"], row["readability"])]
            print(f"{folder.name:40} pubkit {marks[0]}  trafilatura {marks[1]}  readability {marks[2]}"
                  + (f"   {messages[0][:60]}" if not meta and messages else ""))
    with_title = [r for r in rows if r["expected"].get("title")]
    with_byline = [r for r in rows if r["expected"].get("byline")]
    with_date = [r for r in rows if r["expected"].get("publishedTime")]
    print(f"\nCMS pages: {len(rows)} articles ({len(with_title)} with a title, {len(with_byline)} a byline, "
          f"{len(with_date)} a date in their right answer)")
    print(f"{'':14} {'title':>8} {'byline':>8} {'date':>8} {'recall':>8} {'precision':>10}   (medians; means)")
    for tool in ("pubkit", "trafilatura", "readability"):
        titles = sum(title_right(r[tool][0], r["expected"]["title"]) for r in with_title)
        bylines = sum(byline_right(r[tool][1], r["expected"]["byline"]) for r in with_byline)
        dates = sum(date_right(r[tool][2], r["expected"]["publishedTime"]) for r in with_date)
        recall = statistics.median(r[tool][3][0] for r in rows)
        precision = statistics.median(r[tool][3][1] for r in rows)
        print(f"{tool:14} {titles:>4}/{len(with_title):<3} {bylines:>4}/{len(with_byline):<3} {dates:>4}/{len(with_date):<3} "
              f"{recall:8.3f} {precision:10.3f}   ({statistics.mean(r[tool][3][0] for r in rows):.3f}; "
              f"{statistics.mean(r[tool][3][1] for r in rows):.3f})" + ("   (byline and date: not its job)" if tool == "readability" else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    parser.add_argument("--only", choices=["archive", "cms"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pubkit-import-bench-") as scratch:
        if args.only != "cms":
            archive(args.shared, Path(scratch), args.quiet)
        if args.only != "archive":
            cms(args.shared, Path(scratch), args.quiet)


if __name__ == "__main__":
    main()
