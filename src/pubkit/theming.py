"""Themes: folders of templates, stylesheets and fonts, found by name and chained by ``extends``.

A template is looked up in the theme, then in the themes it extends. A theme's template can extend
the one it replaces by naming it with a ``!`` prefix: ``{% extends "!classic/section.html" %}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup, escape

from .diagnostics import Diagnostic, Location, did_you_mean, error, relative_path
from .model import direction
from .parsing.yamlpos import FAST_LOADER
from .printing.geometry import Margins
from .words import Words, load_words, roman

BUNDLED_THEMES = Path(__file__).parent / "themes"  # in an installed wheel
SOURCE_THEMES = Path(__file__).resolve().parents[2] / "themes"  # in a source checkout
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
WHOLE_FONT_LIMIT = 4_000_000  # bytes: a print PDF embeds larger fonts as subsets of the glyphs used


@dataclass(frozen=True)
class Font:
    family: str
    path: Path
    weight: int
    style: str  # normal | italic
    script: str | None = None  # ISO 15924 ("Arab", "Hani"): set only for a text with this script (fonts.py)
    languages: tuple[str, ...] = ()  # languages whose text this font sets first (Nastaliq for "ur")

    @property
    def media_type(self) -> str:
        return FONT_TYPES[self.path.suffix.lower()]


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]  # this theme first, then what it extends
    options: dict
    fonts: tuple[Font, ...]
    stylesheets: dict[str, tuple[Path, ...]]  # format -> files, in cascade order
    environment: jinja2.Environment
    print_margins: Margins  # the type area on paper, in inches
    print_bleed: bool  # pages print to the edge
    print_in_pieces: bool = False  # the print edition may be laid out section by section (edition.py)
    font_stack: tuple[str, ...] = ()  # families in order, when a text needs script fonts (fonts.for_text)

    def stylesheet_paths(self, fmt: str) -> tuple[Path, ...]:
        return self.stylesheets.get(fmt, ())

    @property
    def font_stems(self) -> tuple[str, ...]:
        """Name stems of the theme's fonts, to recognise them inside a PDF: the file's ("CharisSIL")
        and the family's (WeasyPrint names a CFF font by its family, "Noto-Serif-SC")."""
        return tuple(dict.fromkeys(stem for font in self.fonts
                                   for stem in (font.path.stem.split("-")[0], font.family.replace(" ", "-"))))

    @property
    def fonts_fit_whole(self) -> bool:
        """May a print PDF embed every font whole, as printers prefer? Not one of 24 MB (Chinese):
        each piece of the layout and the cover would carry it; subsets are accepted too."""
        return all(font.path.stat().st_size <= WHOLE_FONT_LIMIT for font in self.fonts if font.path.is_file())

    def file(self, name: str) -> Path | None:
        """A file of the theme (e.g. css/cover.css), from the first theme in the chain that has it."""
        return _find(name, list(self.folders))

    def words(self, language: str) -> tuple[Words | None, list[Diagnostic]]:
        """The words this theme generates, in ``language`` (locales/<tag>.yaml, English as fallback)."""
        return load_words(self.folders, language)


def theme_search_path(project: Path) -> list[Path]:
    """Where themes are found: the project's own themes/ first, then pubkit's."""
    candidates = [project / "themes", project.parent / "themes", BUNDLED_THEMES, SOURCE_THEMES]
    seen: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in seen:
            seen.append(folder.resolve())
    return seen


def load_theme(name: str, search_path: list[Path], where: Location, overrides: Path | None = None,
               compiled: Path | None = None) -> tuple[Theme | None, list[Diagnostic]]:
    """The theme ``name`` and those it extends; ``overrides``, a book's own folder (templates/, css/,
    an optional theme.yaml for options), comes first when it exists. ``compiled``: a folder where
    compiled templates are kept (Jinja's bytecode cache, keyed by each template's source)."""
    chain: list[tuple[Path, dict]] = []
    if overrides is not None and overrides.is_dir():
        try:
            own = yaml.load(Loader=FAST_LOADER, stream=(overrides / "theme.yaml").read_text(encoding="utf-8")) if (overrides / "theme.yaml").is_file() else {}
        except yaml.YAMLError as exc:
            return None, [error("H003", f"invalid theme.yaml: {exc}", Location(relative_path(overrides / "theme.yaml")))]
        chain.append((overrides, {k: v for k, v in (own or {}).items() if k != "extends"}))
    current: str | None = name
    while current:
        folder = next((p / current for p in search_path if (p / current / "theme.yaml").is_file()), None)
        if folder is None:
            known = sorted({p.name for base in search_path for p in base.iterdir() if (p / "theme.yaml").is_file()})
            return None, [error("H001", f"theme '{current}' not found{did_you_mean(current, known)}; "
                                        f"known themes: {', '.join(known) or 'none'}", where)]
        if any(folder == f for f, _ in chain):
            return None, [error("H002", f"theme '{current}' extends itself through {', '.join(f.name for f, _ in chain)}", where)]
        try:
            data = yaml.load(Loader=FAST_LOADER, stream=(folder / "theme.yaml").read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            return None, [error("H003", f"invalid theme.yaml: {exc}", Location(relative_path(folder / "theme.yaml")))]
        chain.append((folder, data))
        current = data.get("extends")

    options: dict = {}
    paper: dict = {}
    fonts: list[Font] = []
    stylesheets: dict[str, tuple[Path, ...]] = {}
    problems: list[Diagnostic] = []
    for folder, data in reversed(chain):  # the base first, so the child overrides
        options.update(data.get("options") or {})
        paper.update(data.get("print") or {})
        if "fonts" in data:
            fonts = []
            for spec in data["fonts"] or []:
                path = folder / spec["file"]
                # a script's font may be one fetched at setup (fetch.yaml): missing, it is an error
                # only for a book that needs it (fonts.for_text)
                if not path.is_file() and not spec.get("script"):
                    problems.append(error("H004", f"font file '{spec['file']}' does not exist", Location(relative_path(folder / "theme.yaml"))))
                    continue
                fonts.append(Font(spec["family"], path, int(spec.get("weight", 400)), spec.get("style", "normal"),
                                  spec.get("script"), tuple(spec.get("languages") or ())))
        for fmt, files in (data.get("stylesheets") or {}).items():
            found = [_find(file, [f for f, _ in chain]) for file in files]
            for file, path in zip(files, found):
                if path is None:
                    problems.append(error("H005", f"stylesheet '{file}' for {fmt} is in no theme of the chain "
                                                  f"({', '.join(f.name for f, _ in chain)})",
                                          Location(relative_path(folder / "theme.yaml"))))
            stylesheets[fmt] = tuple(p for p in found if p)
    folders = tuple(f for f, _ in chain)
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(f / "templates") for f in folders]),
        jinja2.PrefixLoader({f"!{f.name}": jinja2.FileSystemLoader(str(f / "templates")) for f in folders if f != overrides},
                            delimiter="/"),
    ])
    environment = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xhtml", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(compiled) if compiled else None,
    )
    environment.filters.update(names=join_names, roman=roman, credit=credit, css_string=css_string, fill=fill,
                               breakable=breakable, direction=direction)
    margins = {"top": 0.75, "bottom": 0.75, "outside": 0.6, "inside": 0.75, **(paper.get("margins") or {})}
    if problems:
        return None, problems
    return Theme(name, folders, options, tuple(fonts), stylesheets, environment,
                 Margins(**{k: float(v) for k, v in margins.items()}), bool(paper.get("bleed")),
                 bool(paper.get("in_pieces"))), []


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache:
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def _find(name: str, folders: list[Path]) -> Path | None:
    """A stylesheet named in a theme comes from the first theme in the chain that has it."""
    return next((folder / name for folder in folders if (folder / name).is_file()), None)


# --- template filters ---------------------------------------------------------------------------
# Filters that produce words take them from the template's ``words`` (the book's language).


@jinja2.pass_context
def join_names(context, names) -> str:
    """['A'] -> 'A'; ['A', 'B'] -> 'A and B'; ['A', 'B', 'C'] -> 'A, B and C' (in the book's language)."""
    names, words = list(names), context["words"]
    if len(names) <= 1:
        return "".join(names)
    return words["list_separator"].join(names[:-1]) + f" {words['and']} " + names[-1]


@jinja2.pass_context
def credit(context, marc: str) -> str:
    """'Edited by' for an editor's MARC code, in the book's language."""
    credits = context["words"]["credits"]
    return credits.get(marc, credits["ctb"])


@jinja2.pass_context
def fill(context, phrase: str, **values) -> Markup:
    """A phrase of the book's words with its {placeholders} filled: the phrase and plain values are
    escaped, values that are markup already (a link made in the template) are kept. Numbers and
    dates are written in the language's digits (Persian ۱۹۲۳)."""
    words = context.get("words")
    if isinstance(words, Words):
        values = {key: words.digits(value) if isinstance(value, int) or key in ("date", "year") else value
                  for key, value in values.items()}
    return Markup(escape(phrase)).format(**values)


URL_BREAKS = re.compile(r"(?<=[/.\-_?&=#])(?=.)")


def breakable(url: str) -> Markup:
    """An address that may break across lines after / . - _ ? & = # (never hyphenated)."""
    scheme, _, rest = str(url).partition("://")
    if not rest:
        scheme, rest = "", str(url)
    parts = URL_BREAKS.split(rest)
    return Markup(escape(f"{scheme}://" if scheme else "")) + Markup("<wbr />").join(escape(p) for p in parts)


def css_string(words: str) -> str:
    """A CSS string literal: quoted, with quotes, backslashes and line breaks escaped."""
    escaped = str(words).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'
