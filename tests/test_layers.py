"""The package's layer order (README, "Layout of the code"): every import runs to its own layer or
a lower one, lazy imports inside functions and TYPE_CHECKING imports included; no module is
loaded by a string; classes and functions stay readable in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A name stands for the module or the package of that name; a module not named
# here fails the test, so that a new one is placed on purpose.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("pubkit", "pubkit.diagnostics", "pubkit.roles", "pubkit.formats", "pubkit.sizes", "pubkit.files",
                "pubkit.cache", "pubkit.fingerprint", "pubkit.workers", "pubkit.progress", "pubkit.printing",
                "pubkit.parsing", "pubkit.checks")),
    ("inputs", ("pubkit.words", "pubkit.model", "pubkit.theming", "pubkit.fonts", "pubkit.texts", "pubkit.config")),
    ("the book", ("pubkit.markdown", "pubkit.xrefs", "pubkit.notes", "pubkit.provenance", "pubkit.assemble")),
    ("render", ("pubkit.render",)),
    ("writers", ("pubkit.writers",)),
    ("editions", ("pubkit.paged", "pubkit.outputs", "pubkit.services")),
    ("build", ("pubkit.build", "pubkit.bookcache")),
    ("site and import", ("pubkit.site", "pubkit.importer")),
    ("command line", ("pubkit.cli", "pubkit.__main__")),
]
MAX_CLASS, MAX_FUNCTION = 200, 80  # lines


def layer_of(module: str) -> int:
    """The layer of a module: that of the longest name in LAYERS it is, or lies inside."""
    best, found = -1, None
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            inside = module == name or (name != "pubkit" and module.startswith(name + "."))
            if inside and len(name) > best:
                best, found = len(name), index
    if found is None:
        raise AssertionError(f"{module} has no layer: add it to LAYERS here and to the README's source map")
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(module: str, source: str, package: bool) -> list[tuple[str, int]]:
    """Every pubkit module this source imports, anywhere in it, with the line."""
    here = module.split(".") if package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.split(".")[0] == "pubkit"]
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            target = ".".join(base + (node.module.split(".") if node.module else []))
            if target.split(".")[0] != "pubkit":
                continue
            for alias in node.names:  # `from .writers import pdf` imports the module writers.pdf
                submodule = f"{target}.{alias.name}"
                is_module = any((SOURCE / submodule.replace(".", "/")).with_suffix(suffix).exists() or
                                (SOURCE / submodule.replace(".", "/")).is_dir() for suffix in (".py",))
                found.append((submodule if is_module else target, node.lineno))
    return found


def upward_imports(module: str, source: str, package: bool = False) -> list[str]:
    own = layer_of(module)
    return [f"{module} line {line} imports {target} ({LAYERS[layer_of(target)][0]}, above {LAYERS[own][0]})"
            for target, line in imported(module, source, package) if layer_of(target) > own]


def modules() -> list[tuple[str, Path]]:
    return [(module_name(path), path) for path in sorted((SOURCE / "pubkit").rglob("*.py"))]


def test_every_import_runs_down_the_layers():
    problems = []
    for module, path in modules():
        problems += upward_imports(module, path.read_text(encoding="utf-8"), path.name == "__init__.py")
    assert problems == []


def test_an_upward_import_is_found():
    """The check itself: a writer that reaches for the build, lazily, is refused."""
    writer = "def epub_bytes(rendered):\n    from ..build import BuildOptions\n    return BuildOptions\n"
    assert upward_imports("pubkit.writers.epub", writer) == [
        "pubkit.writers.epub line 2 imports pubkit.build (build, above writers)"]
    assert upward_imports("pubkit.writers.epub", "from ..render import Rendered\n") == []
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..site import make\n"
    assert upward_imports("pubkit.markdown", typing_only, package=True) == [
        "pubkit.markdown line 3 imports pubkit.site.make (site and import, above the book)"]


def test_every_module_has_a_layer():
    for module, _ in modules():
        layer_of(module)
    with pytest.raises(AssertionError, match="has no layer"):
        layer_of("pubkit_other.thing")


def test_no_module_is_loaded_by_a_string():
    """A dependency named in a string is invisible to the layer check (and to a reader)."""
    for module, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                assert "importlib" not in names, f"{module} line {node.lineno} imports importlib"
            if isinstance(node, ast.Name) and node.id == "__import__":
                raise AssertionError(f"{module} line {node.lineno} calls __import__")


def test_classes_and_functions_stay_short():
    long = []
    for module, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                limit = MAX_CLASS if isinstance(node, ast.ClassDef) else MAX_FUNCTION
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    long.append(f"{module}.{node.name}: {lines} lines (at most {limit})")
    assert long == []
