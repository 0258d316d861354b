"""Where the work runs.

Layouts (WeasyPrint holds the interpreter for seconds at a time) run in a pool of processes, one
layout per process at a time, so memory stays at one book's layout per worker. Books and their
formats are coordinated by threads, which hand layouts to the pool and join PDFs meanwhile.
With one job everything runs here, in turn: the same work in the same order, which is what the
tests compare ``-j N`` against.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Callable, Iterable


class Workers:
    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self._processes: ProcessPoolExecutor | None = None
        self._books: ThreadPoolExecutor | None = None
        self._formats: ThreadPoolExecutor | None = None

    def __enter__(self) -> "Workers":
        if self.jobs > 1:
            # Fork every worker now, while this process has a single thread (forking beside
            # running threads can copy a lock that is held), and leave Ctrl-C to this process.
            self._processes = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                                  initializer=_ignore_interrupts)
            for future in [self._processes.submit(_ready) for _ in range(self.jobs)]:
                future.result()
            self._books = ThreadPoolExecutor(self.jobs, thread_name_prefix="pubkit-book")
            self._formats = ThreadPoolExecutor(4 * self.jobs, thread_name_prefix="pubkit-format")
        return self

    def __exit__(self, kind, value, traceback) -> None:
        interrupted = kind is not None
        for pool in (self._books, self._formats, self._processes):
            if pool is not None:
                pool.shutdown(wait=not interrupted, cancel_futures=interrupted)

    def run(self, work: Callable, *args) -> Future:
        """In a worker process (``work`` and its arguments are pickled), or here with one job."""
        return self._processes.submit(work, *args) if self._processes else _done(work, *args)

    def map(self, work: Callable, items: Iterable) -> list:
        return [future.result() for future in [self.run(work, item) for item in items]]

    def book(self, work: Callable, *args) -> Future:
        """A book, coordinated in a thread of its own (as many at once as there are jobs)."""
        return self._books.submit(work, *args) if self._books else _done(work, *args)

    def format(self, work: Callable, *args) -> Future:
        """One output of a book, coordinated in a thread of its own; it may wait for layouts,
        never for another thread."""
        return self._formats.submit(work, *args) if self._formats else _done(work, *args)


def _done(work: Callable, *args) -> Future:
    future: Future = Future()
    try:
        future.set_result(work(*args))
    except BaseException as exc:
        future.set_exception(exc)
    return future


def _ready() -> None:
    return None


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
