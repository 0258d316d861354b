"""Getting pages and images: from the web (the only place pubkit uses the network), or from disk.

Requests are polite and bounded: an honest User-Agent, a timeout, a size limit, a few retries
for failures that may pass, and a pause between two requests to the same host.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlparse

from .. import __version__
from ..sizes import size_text

USER_AGENT = f"pubkit/{__version__} (book import; https://pypi.org/project/pubkit/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")


class ImportFailure(Exception):
    """A source that cannot be imported: a code (I0xx) and what was expected and found."""

    def __init__(self, code: str, message: str, gone: bool = False):
        """``gone``: the page is not there (no such file, HTTP 404 or 410), as a moved page is."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.gone = gone


@dataclass(frozen=True)
class Page:
    address: str  # the URL, or the file's path as given
    data: bytes
    media_type: str  # e.g. text/html
    charset: str | None  # as the server declared it

    @property
    def is_web(self) -> bool:
        return self.address.startswith(("http://", "https://"))


@dataclass
class Fetcher:
    offline: bool = False
    timeout: float = 20.0  # seconds per request
    max_bytes: int = 20_000_000
    retries: int = 2  # after the first try, for timeouts and 5xx answers
    delay: float = 1.0  # seconds between two requests to the same host
    _last: dict[str, float] = field(default_factory=dict)

    def get(self, address: str, html: bool = True) -> Page:
        if address.startswith(("http://", "https://")):
            return self._download(address, html)
        if address.startswith("data:"):
            return self._inline(address, html)
        if "://" in address:
            raise ImportFailure("I001", f"expected an http(s) address, a saved HTML file or a folder, found '{address}'")
        return self._read(Path(address), html)

    def _read(self, path: Path, html: bool) -> Page:
        if not path.is_file():
            raise ImportFailure("I001", f"expected a saved page or an address, found no file '{path}'", gone=True)
        size = path.stat().st_size
        if size > self.max_bytes:
            raise ImportFailure("I004", f"expected a page of at most {size_text(self.max_bytes)}, found {size_text(size)}")
        data = path.read_bytes()
        kind = "text/html" if path.suffix.lower() in (".htm", ".html", ".xhtml", ".shtml") else _sniff(data)
        if html and kind not in HTML_TYPES:
            raise ImportFailure("I003", f"expected an HTML page, found a file of type {kind}")
        return Page(str(path), data, kind, None)

    def _inline(self, address: str, html: bool) -> Page:
        """What a data: address holds (an image written into the page itself): no network, urllib
        decodes it."""
        try:
            with urllib.request.urlopen(address) as response:
                data, kind = response.read(self.max_bytes + 1), response.headers.get_content_type()
        except (ValueError, urllib.error.URLError) as exc:
            raise ImportFailure("I001", f"expected a data: address holding its bytes, found a damaged one ({exc})") from None
        if len(data) > self.max_bytes:
            raise ImportFailure("I004", f"expected at most {size_text(self.max_bytes)}, found more")
        if html and kind not in HTML_TYPES:
            raise ImportFailure("I003", f"expected an HTML page, found {kind}")
        return Page(address, data, kind, None)

    def _download(self, url: str, html: bool) -> Page:
        if self.offline:
            raise ImportFailure("I005", "expected a saved file with --offline, found an address (the network is not used)")
        host = urlparse(url).netloc
        for attempt in range(self.retries + 1):
            wait = self._last.get(host, 0) + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    headers: Message = response.headers
                    declared = headers.get("Content-Length")
                    if declared and declared.isdigit() and int(declared) > self.max_bytes:
                        raise ImportFailure("I004", f"expected a page of at most {size_text(self.max_bytes)}, "
                                                    f"found {size_text(int(declared))}")
                    data = response.read(self.max_bytes + 1)
                    if len(data) > self.max_bytes:
                        raise ImportFailure("I004", f"expected a page of at most {size_text(self.max_bytes)}, found more")
                    kind = headers.get_content_type()
                    if html and kind not in HTML_TYPES:
                        raise ImportFailure("I003", f"expected an HTML page, found {kind}")
                    return Page(response.geturl(), data, kind, headers.get_content_charset())
            except urllib.error.HTTPError as exc:
                if exc.code < 500 or attempt == self.retries:
                    raise ImportFailure("I002", f"expected the page, found HTTP {exc.code} {exc.reason}",
                                        gone=exc.code in (404, 410)) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt == self.retries:
                    what = "no answer in time" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else str(reason)
                    raise ImportFailure("I002", f"expected the page, found {what} (after {self.retries + 1} tries)") from None
            finally:
                self._last[host] = time.monotonic()
            time.sleep(min(4.0, 0.5 * 2 ** attempt))
        raise AssertionError("unreachable")


def _sniff(data: bytes) -> str:
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head or b"<body" in head:
        return "text/html"
    return "application/octet-stream"
