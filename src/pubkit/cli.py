"""pubkit's command line: parse options, run the build, print diagnostics, return an exit code."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import __version__
from .build import FORMATS, BuildOptions, build, find_manifests
from .diagnostics import format_summary, to_json

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pubkit", description="Build books from Markdown texts and YAML manifests.")
    parser.add_argument("--version", action="version", version=f"pubkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("build", help="build books (every manifest in books/ by default)")
    cmd.add_argument("manifests", nargs="*", type=Path, help="manifest files (default: books/*.yaml)")
    cmd.add_argument("--format", action="append", choices=sorted(FORMATS), help="output format (repeatable; default: all)")
    cmd.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    cmd.add_argument("--check", action="store_true", help="validate each EPUB with EPUBCheck after writing it")
    cmd.add_argument("--pod", action="append", choices=["kdp", "ingram", "lulu"],
                     help="make the print-on-demand package for this vendor (repeatable; default: the manifest's print.pod)")
    cmd.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    cmd.add_argument("--debug", action="store_true", help="show a traceback for internal errors")
    args = parser.parse_args(argv)

    try:
        return _build(args)
    except KeyboardInterrupt:
        print("pubkit: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # an internal error, not the editor's
        if args.debug:
            traceback.print_exc()
        else:
            print(f"pubkit: internal error: {exc!r} (run with --debug for a traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def _build(args) -> int:
    manifests = args.manifests
    if not manifests:
        if not Path("books").is_dir():
            print("pubkit: no manifests given and no books/ folder here", file=sys.stderr)
            return EXIT_USAGE
        manifests = find_manifests(Path("books"))
        if not manifests:
            print("pubkit: no manifests (*.yaml) in books/", file=sys.stderr)
            return EXIT_USAGE
    options = BuildOptions(out_dir=args.out, formats=tuple(args.format or FORMATS), strict=args.strict,
                           epubcheck=args.check, pods=tuple(args.pod or ()))
    artifacts, diagnostics = build(manifests, options)

    if args.json:
        print(to_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            print(diagnostic, file=sys.stderr)
        for artifact in artifacts:
            print(f"built {artifact.path} ({_size(artifact.path.stat().st_size)}, {artifact.seconds:.1f} s)")
        if len(diagnostics):
            print(format_summary(diagnostics), file=sys.stderr)
    failed = diagnostics.has_errors() or (args.strict and len(diagnostics.warnings) > 0)
    return EXIT_FAILED if failed else EXIT_OK


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    return f"{count / 1024:.0f} KiB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MiB"


if __name__ == "__main__":
    sys.exit(main())
