"""pubkit's command line: parse options, run the build, print diagnostics, return an exit code."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .build import BuildOptions, build, find_manifests, shard
from .diagnostics import format_summary, plural, to_json
from .formats import DEFAULT_FORMATS, FORMATS
from .progress import LiveProgress, Progress
from .sizes import size_text
from .workers import END_WITH, end_with_parent

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70  # stopped by a signal: 128 + its number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pubkit", description="Build books from Markdown texts and YAML manifests.")
    parser.add_argument("--version", action="version", version=f"pubkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    cmd = commands.add_parser("build", help="build books (every manifest in books/ by default)")
    _books_arguments(cmd)
    cmd.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    cmd.add_argument("--check", action="store_true", help="validate each EPUB with EPUBCheck after writing it")
    cmd.add_argument("-j", "--jobs", type=_jobs, default=os.cpu_count() or 1,
                     help="books, formats and layouts made at once (default: the number of cores)")
    cmd.add_argument("--cache", type=Path, help="the cache folder (default: OUT/.cache)")
    cmd.add_argument("--shard", type=_shard, help="K/N: build only the K-th of N deterministic shares of the books")
    cmd.add_argument("--quiet", action="store_true", help="print diagnostics only")

    cmd = commands.add_parser("check", help="check books without rendering them: manifests, texts, links, images, "
                                            "fonts and what the print vendors demand")
    _books_arguments(cmd)

    cmd = commands.add_parser("site", help="build the readers' site: catalog, book pages, web editions, OPDS feeds "
                                           "(in OUT/site)")
    _site_arguments(cmd)
    cmd.add_argument("--format", action="append", choices=["epub", "screen-pdf", "web"],
                     help="rebuild only these before assembling the site, the rest as last built (repeatable; default: all)")

    cmd = commands.add_parser("serve", help="serve the site on this machine, rebuilding and reloading as books change")
    _site_arguments(cmd)
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")

    cmd = commands.add_parser("import", help="bring articles in from the web or saved pages, as texts "
                                             "(the only command that uses the network)")
    cmd.add_argument("sources", nargs="*", help="addresses (http/https), saved HTML files, or folders of them")
    cmd.add_argument("--into", type=Path, required=True, help="the texts' folder, e.g. books/texts/the-rise-of-stalinism")
    cmd.add_argument("--book", metavar="CONTENTS", help="a work's contents page: import every chapter it links and "
                                                       "write a manifest beside the texts' folder")
    cmd.add_argument("--offline", action="store_true", help="refuse addresses: saved files only")
    cmd.add_argument("--force", action="store_true", help="overwrite texts an editor changed")
    cmd.add_argument("--update", action="store_true", help="re-import only the texts nobody edited since their import")
    cmd.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    cmd.add_argument("--debug", action="store_true", help="show a traceback for internal errors")

    cmd = commands.add_parser("clean", help="empty the build cache")
    cmd.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    cmd.add_argument("--cache", type=Path, help="the cache folder (default: OUT/.cache)")
    args = parser.parse_args(argv)

    try:
        with _stopped_by_signals():
            return {"build": _build, "check": _build, "site": _site, "serve": _serve, "import": _import,
                    "clean": _clean}[args.command](args)
    except KeyboardInterrupt as stop:
        number = stop.signal if isinstance(stop, Stopped) else signal.SIGINT
        print(f"pubkit: stopped ({signal.Signals(number).name}); the outputs are as they were", file=sys.stderr)
        return 128 + number
    except Exception as exc:  # an internal error, not the editor's
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(f"pubkit: internal error: {exc!r} (run with --debug for a traceback)", file=sys.stderr)
        return EXIT_INTERNAL


class Stopped(KeyboardInterrupt):
    """SIGTERM (CI systems, `timeout`, systemd, container runtimes cancelling a job) or SIGHUP (the
    terminal closed): stopped as Ctrl-C stops a build, its workers ended and its temporary files
    removed on the way out."""

    def __init__(self, number: int):
        super().__init__(number)
        self.signal = number


@contextmanager
def _stopped_by_signals():
    def stop(number, frame):
        raise Stopped(number)

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only (a test may call main() elsewhere)
        return
    before = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGHUP)}
    parent = os.environ.pop(END_WITH, None)
    if parent and parent.isdigit():  # a rebuild of `pubkit serve`: it ends when the server ends
        end_with_parent(int(parent), signal.SIGTERM)
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _books_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("manifests", nargs="*", type=Path, help="manifest files (default: books/*.yaml)")
    cmd.add_argument("--format", action="append", choices=sorted(FORMATS), help="output format (repeatable; default: epub, screen-pdf, print-pdf; web is the web edition of `pubkit site`)")
    cmd.add_argument("--pod", action="append", choices=["kdp", "ingram", "lulu"],
                     help="the print-on-demand package for this vendor (repeatable; default: the manifest's print.pod)")
    cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    cmd.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    cmd.add_argument("--debug", action="store_true", help="show a traceback for internal errors")


def _site_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("manifests", nargs="*", type=Path, help="manifest files (default: books/*.yaml)")
    cmd.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build; the site goes in OUT/site)")
    cmd.add_argument("--base-url", type=_base_url, help="the address the site will have (absolute links in feeds); "
                                                        "without it every link is relative")
    cmd.add_argument("--title", help="the site's name (default: the books' publisher)")
    cmd.add_argument("--lang", default="en", help="the language of the site's own words (default: en)")
    cmd.add_argument("--theme", default="classic", help="the theme of the catalog's pages (default: classic)")
    cmd.add_argument("-j", "--jobs", type=_jobs, default=os.cpu_count() or 1, help="books and layouts made at once")
    cmd.add_argument("--cache", type=Path, help="the cache folder (default: OUT/.cache)")
    cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    cmd.add_argument("--feed-page-size", type=_jobs, default=50, metavar="N",
                     help="books in a page of an OPDS feed (default: 50)")
    cmd.add_argument("--debug", action="store_true", help="show a traceback for internal errors")


def _site_options(args):
    from .site.make import SiteOptions

    return SiteOptions(out_dir=args.out, base_url=args.base_url, title=args.title, language=args.lang,
                       theme=args.theme, jobs=args.jobs, cache_dir=args.cache, strict=args.strict,
                       feed_page=args.feed_page_size)


def _manifests(args) -> list[Path] | None:
    if args.manifests:
        return args.manifests
    found = find_manifests(Path("books")) if Path("books").is_dir() else []
    if not found:
        print("pubkit: no manifests given and none (*.yaml) in books/", file=sys.stderr)
        return None
    return found


def _site(args) -> int:
    from .site.make import SITE_FORMATS, make_site

    manifests = _manifests(args)
    if manifests is None:
        return EXIT_USAGE
    started = time.perf_counter()
    options = _site_options(args)
    with _progress(False) as progress:
        diagnostics = make_site(manifests, options, progress, formats=tuple(args.format or SITE_FORMATS)).diagnostics
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    if len(diagnostics):
        print(format_summary(diagnostics), file=sys.stderr)
    if (options.folder / "index.html").is_file():
        print(f"pubkit: site in {options.folder}/ ({time.perf_counter() - started:.1f} s); open {options.folder / 'index.html'}")
    failed = diagnostics.has_errors() or (args.strict and len(diagnostics.warnings) > 0)
    return EXIT_FAILED if failed else EXIT_OK


def _serve(args) -> int:
    from .site.serve import serve

    manifests = _manifests(args)
    if manifests is None:
        return EXIT_USAGE
    return serve(args.manifests, manifests, _site_options(args), args.host, args.port)


def _import(args) -> int:
    from .importer.run import ImportOptions, import_book, import_sources

    if bool(args.sources) == bool(args.book):
        print("pubkit import: give the sources to import, or --book with a work's contents page (not both)", file=sys.stderr)
        return EXIT_USAGE
    options = ImportOptions(into=args.into, offline=args.offline, force=args.force, update=args.update)
    if args.book:
        imported, diagnostics = import_book(args.book, options)
    else:
        imported, diagnostics = import_sources(args.sources, options)
    if args.json:
        print(to_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            print(diagnostic, file=sys.stderr)
        for text in imported:
            print(f"imported {text.address} -> {args.into / text.file}")
        if len(diagnostics):
            print(format_summary(diagnostics), file=sys.stderr)
    return EXIT_FAILED if diagnostics.has_errors() else EXIT_OK


def _build(args) -> int:
    started = time.perf_counter()
    manifests = args.manifests
    if not manifests:
        if not Path("books").is_dir():
            print("pubkit: no manifests given and no books/ folder here", file=sys.stderr)
            return EXIT_USAGE
        manifests = find_manifests(Path("books"))
        if not manifests:
            print("pubkit: no manifests (*.yaml) in books/", file=sys.stderr)
            return EXIT_USAGE
    checking = args.command == "check"
    if not checking and args.shard:
        manifests = shard(manifests, *args.shard)
    options = BuildOptions(out_dir=getattr(args, "out", Path("build")), formats=tuple(args.format or DEFAULT_FORMATS),
                           strict=args.strict, epubcheck=getattr(args, "check", False), pods=tuple(args.pod or ()),
                           jobs=1 if checking else args.jobs, cache_dir=getattr(args, "cache", None), check_only=checking)
    quiet = args.json or getattr(args, "quiet", False)
    with _progress(quiet or checking) as progress:
        artifacts, diagnostics = build(manifests, options, progress)

    if args.json:
        print(to_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            print(diagnostic, file=sys.stderr)
        if not quiet:
            for artifact in artifacts:
                print(f"built {artifact.path} ({size_text(artifact.size)}{', from the cache' if artifact.cached else ''})")
            if not checking:
                cached = sum(a.cached for a in artifacts)
                books = len({a.slug for a in artifacts})
                print(f"pubkit: {plural(books, 'book')}, {plural(len(artifacts), 'file')} ({len(artifacts) - cached} made, "
                      f"{cached} from the cache) in {time.perf_counter() - started:.1f} s")
        if len(diagnostics):
            print(format_summary(diagnostics), file=sys.stderr)
    failed = diagnostics.has_errors() or (args.strict and len(diagnostics.warnings) > 0)
    return EXIT_FAILED if failed else EXIT_OK


def _clean(args) -> int:
    folder = args.cache or args.out / ".cache"
    if not folder.exists():
        print(f"pubkit: no cache at {folder}")
        return EXIT_OK
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder)
    print(f"pubkit: removed the cache at {folder} ({size_text(size)})")
    return EXIT_OK


def _progress(silent: bool) -> Progress:
    if silent or not sys.stdout.isatty() or os.environ.get("TERM") == "dumb":
        return Progress()
    from rich.console import Console

    return LiveProgress(Console(file=sys.stdout))


def _jobs(value: str) -> int:
    """A count of 1 or more (jobs, books in a feed's page)."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number, 1 or more, found '{value}'")
    return int(value)


def _base_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value.strip()):
        raise argparse.ArgumentTypeError(f"expected an http(s) address such as https://books.example.org/, found '{value}'")
    return value.strip().rstrip("/")


def _shard(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", value.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, such as 2/4, found '{value}'")
    return int(match[1]), int(match[2])


if __name__ == "__main__":
    sys.exit(main())
