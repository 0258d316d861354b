"""`pubkit serve`: the site on this machine for editors, rebuilt as books, texts and themes change.

A change is made visible in two steps: the web edition and the site's pages first (a second or
so: the cache converts only the edited text), then the EPUB and PDFs in the background. Open
pages reload through a WebSocket after each step. A book with errors keeps its last good pages:
its errors are shown at the top of every page until they are mended, as well as in the terminal.
Only files inside the site folder are served.

Each rebuild is a `pubkit site` process of its own: the build forks its layout workers, and a
process that forks must not have other threads running (this one has the server's), or a child
can inherit a lock that is held and never released.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from ..diagnostics import plural
from ..workers import END_WITH
from .make import SITE_FORMATS, SiteOptions, make_site

DOWNLOADS = tuple(f for f in SITE_FORMATS if f != "web")
RELOAD_PATH = "/__pubkit__/reload"
RELOAD_SCRIPT = f"""<script>
(function () {{
  var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "{RELOAD_PATH}");
  socket.onmessage = function () {{ location.reload(); }};
}})();
</script>
""".encode()
ERROR_LINE = re.compile(r": error\[[A-Z]\d{3}\]: |^pubkit: internal error")  # as pubkit prints them
STOPPED_LINE = re.compile(r"^pubkit: stopped \(")  # cli.py's line for a build stopped by a signal


class SiteServer:
    """The site folder over HTTP with live reload, and the rebuilds that keep it current."""

    def __init__(self, manifests: list[Path], options: SiteOptions, watched: list[Path]):
        """``manifests``: the books the editor named; none: every books/*.yaml at each rebuild,
        so that a book added while the server runs appears, and a book removed goes."""
        self.manifests = manifests
        self.options = options
        self.watched = watched
        self.clients: set = set()
        self.stale = False  # the downloads are behind the texts
        self.background: asyncio.Task | None = None
        self.running: set[asyncio.subprocess.Process] = set()
        self.errors: dict[tuple[str, ...], list[str]] = {}  # by the formats of the pass that reported them

    async def rebuild(self, formats: tuple[str, ...]) -> bool:
        """Build these formats and assemble the site, in a `pubkit site` process; its diagnostics
        go to this terminal, and its errors to the pages. Whether the site was assembled."""
        # the rebuild ends with this server, even one killed outright (END_WITH)
        process = await asyncio.create_subprocess_exec(*self.command(formats), stdout=subprocess.DEVNULL,
                                                       stderr=subprocess.PIPE, limit=2**24,  # a line may be long
                                                       env={**os.environ, END_WITH: str(os.getpid())})
        self.running.add(process)
        errors = []
        try:
            async for line in process.stderr:
                text = line.decode("utf-8", "replace")
                if not STOPPED_LINE.match(text):  # a rebuild this server stopped is no news to the editor
                    sys.stderr.write(text)
                if ERROR_LINE.search(text):
                    errors.append(text.rstrip("\n"))
            code = await process.wait()
        finally:
            self.running.discard(process)
        if code in (128 + signal.SIGTERM, -signal.SIGTERM):
            return False  # stopped for a newer save, or with the server: its errors say nothing new
        self.errors[formats] = errors
        return code in (0, 1)

    def banner(self) -> bytes:
        """What the open pages show above the content while a book has errors."""
        errors = list(dict.fromkeys(line for lines in self.errors.values() for line in lines))
        if not errors:
            return b""
        return (
            '<div role="alert" id="pubkit-errors" style="position:sticky;top:0;z-index:10;margin:0;padding:.75rem 1rem;'
            'background:#fff4f2;color:#6b0d00;border-bottom:2px solid #b3261e;font:14px/1.4 system-ui,sans-serif">'
            f"<p style=\"margin:0 0 .4rem;text-indent:0;text-align:left;font-weight:bold\">pubkit: {plural(len(errors), 'error')}: this page shows "
            f"the last good build until {'it is' if len(errors) == 1 else 'they are'} mended</p>"
            '<pre style="margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace">'
            + html.escape("\n".join(errors)) + "</pre></div>"
        ).encode()

    def command(self, formats: tuple[str, ...]) -> list[str]:
        o = self.options
        command = [sys.executable, "-m", "pubkit", "site", *map(str, self.manifests), "--out", str(o.out_dir),
                   "-j", str(o.jobs), "--lang", o.language, "--theme", o.theme, "--feed-page-size", str(o.feed_page),
                   *(f"--format={f}" for f in formats)]
        for flag, value in (("--base-url", o.base_url), ("--title", o.title), ("--cache", o.cache_dir)):
            if value:
                command += [flag, str(value)]
        return command + (["--strict"] if o.strict else [])

    def app(self):
        from starlette.applications import Starlette
        from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
        from starlette.routing import Route, WebSocketRoute

        root = self.options.folder.resolve()

        async def page(request):
            target = _inside(root, request.path_params["path"])
            if target is None:
                return PlainTextResponse("Not found", status_code=404)
            if target.is_dir():
                if not request.url.path.endswith("/"):
                    return RedirectResponse(request.url.path + "/", status_code=307)
                target = target / "index.html"
            if not target.is_file():
                return PlainTextResponse("Not found", status_code=404)
            if target.suffix == ".html":  # the reload script, for open pages only: never written to the site
                return Response(self._with_extras(target.read_bytes()), media_type="text/html")
            return FileResponse(target)

        async def reload(socket):
            await socket.accept()
            self.clients.add(socket)
            try:
                while True:
                    await socket.receive_text()
            except Exception:  # the page went away
                pass
            finally:
                self.clients.discard(socket)

        return Starlette(routes=[WebSocketRoute(RELOAD_PATH, reload), Route("/{path:path}", page)],
                         lifespan=self._lifespan)

    def _with_extras(self, page: bytes) -> bytes:
        """The page with the reload script, and the errors' banner if there are errors."""
        at = page.rfind(b"</body>")
        if at >= 0:
            page = page[:at] + RELOAD_SCRIPT + page[at:]
        body = re.search(rb"<body[^>]*>", page)
        banner = self.banner()
        return page[:body.end()] + banner + page[body.end():] if body and banner else page

    async def notify(self) -> None:
        for socket in list(self.clients):
            try:
                await socket.send_text("reload")
            except Exception:
                self.clients.discard(socket)

    def _lifespan(self, app):
        server = self

        class Lifespan:
            async def __aenter__(self):
                self.stop = asyncio.Event()
                self.task = asyncio.create_task(server.watch(self.stop))

            async def __aexit__(self, *exc):
                self.stop.set()
                self.task.cancel()
                running = list(server.running)
                for process in running:  # a rebuild under way stops with the server (and ends its workers)
                    process.terminate()
                for process in running:
                    try:
                        await asyncio.wait_for(process.wait(), 10)
                    except asyncio.TimeoutError:
                        process.kill()
                try:
                    await self.task
                except asyncio.CancelledError:
                    pass

        return Lifespan()

    async def watch(self, stop: asyncio.Event) -> None:
        """Rebuild on every change: the web edition and pages first, then the downloads behind
        them, in the background (the web edition never waits for a PDF). A save stops the
        rebuilds still under way, and what they started: they were making what it changed."""
        from watchfiles import awatch

        current: asyncio.Task | None = None
        async for _ in awatch(*self.watched, stop_event=stop, step=50, debounce=150):
            for process in list(self.running):  # a newer save: what they are making is out of date
                process.terminate()
            if current is not None:
                await current
            current = asyncio.create_task(self._web())

    async def _web(self) -> None:
        if await self.rebuild(("web",)):
            await self.notify()
        self.stale = True
        if self.background is None or self.background.done():
            self.background = asyncio.create_task(self._downloads())

    async def _downloads(self) -> None:
        while self.stale:  # edits made meanwhile are caught up with by the next round
            self.stale = False
            if await self.rebuild(DOWNLOADS):
                await self.notify()


def _inside(root: Path, path: str) -> Path | None:
    """The file ``path`` names inside ``root``, or None for anything that would leave it
    ('..', absolute paths, links out of the folder, NUL)."""
    if "\x00" in path:
        return None
    target = (root / path.lstrip("/")).resolve()
    return target if target == root or target.is_relative_to(root) else None


def serve(named: list[Path], found: list[Path], options: SiteOptions, host: str, port: int) -> int:
    """``named``: the manifests the editor gave, if any; ``found``: the books to build first."""
    import uvicorn

    folders = {m.resolve().parent for m in found} | {p.resolve() for p in (Path("themes"),) if p.is_dir()}
    if not named:
        folders.add(Path("books").resolve())
    server = SiteServer(named, options, sorted(folders))
    print("pubkit: building the site ...", file=sys.stderr)
    diagnostics = make_site(found, options).diagnostics  # here: no server thread runs yet
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    errors = [str(d) for d in diagnostics if ERROR_LINE.search(str(d))]
    server.errors = {("web",): errors, DOWNLOADS: errors}  # each pass, when it runs again, says its own
    print(f"pubkit: serving {options.folder}/ at http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    uvicorn.run(server.app(), host=host, port=port, log_level="warning")
    return 0
