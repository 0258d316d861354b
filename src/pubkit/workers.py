"""Where the work runs.

Layouts (WeasyPrint holds the interpreter for seconds at a time) run in a pool of processes, one
layout per process at a time, so memory stays at one book's layout per worker, and this process,
which holds the books, never holds a layout too. Books and their formats are coordinated by
threads, which hand layouts to the pool and join PDFs meanwhile. With one job, one worker lays
out, and everything else runs here in turn: the same work in the same order, which is what the
tests compare ``-j N`` against.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable


class Workers:
    def __init__(self, jobs: int, threads: bool = True):
        """``threads``: coordinate books and formats in threads (worth it while they wait for
        layouts); without, everything but the layouts runs here, in turn."""
        self.jobs = max(1, jobs)
        self.threads = threads and self.jobs > 1
        self._processes = None  # a ProcessPoolExecutor, made on first use
        self._books: ThreadPoolExecutor | None = None
        self._formats: ThreadPoolExecutor | None = None

    def __enter__(self) -> "Workers":
        if self.threads:
            # Fork every worker now, while this process has a single thread (forking beside
            # running threads can copy a lock that is held).
            for future in [self._pool().submit(_ready) for _ in range(self.jobs)]:
                future.result()
            self._books = ThreadPoolExecutor(self.jobs, thread_name_prefix="pubkit-book")
            self._formats = ThreadPoolExecutor(4 * self.jobs, thread_name_prefix="pubkit-format")
        return self

    def __exit__(self, kind, value, traceback) -> None:
        interrupted = kind is not None
        if interrupted and self._processes is not None:
            # A stopped build stops its layouts now, rather than wait for them: Python 3.11's pool
            # has no public way (3.14 adds terminate_workers), hence its private table.
            for process in list(getattr(self._processes, "_processes", {}).values()):
                process.kill()
        for pool in (self._books, self._formats, self._processes):
            if pool is not None:
                pool.shutdown(wait=not interrupted, cancel_futures=interrupted)

    def _pool(self):
        """The processes, made on first use (with one job there is no other thread to fear)."""
        if self._processes is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._processes = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                                  initializer=_start_worker, initargs=(os.getpid(),))
        return self._processes

    def run(self, work: Callable, *args) -> Future:
        """In a worker process: ``work`` and its arguments are pickled."""
        return self._pool().submit(_lean, work, *args)

    def apart(self, work: Callable, *args) -> Future:
        """In a process of its own that ends with the work, so that the layout workers stay light
        (a cover's layout and raster would otherwise stay in one): a worker forks it (a worker has
        one thread, so forking there is safe, and it has WeasyPrint imported already)."""
        return self.run(_in_a_child, work, args)

    def warm(self, load: Callable[[], None]) -> None:
        """Have each worker run ``load`` (an import) now, without waiting, rather than on its first job."""
        for _ in range(self.jobs):
            self._pool().submit(load)

    def map(self, work: Callable, items: Iterable) -> list:
        return [future.result() for future in [self.run(work, item) for item in items]]

    def book(self, work: Callable, *args) -> Future:
        """A book, coordinated in a thread of its own (as many at once as there are jobs)."""
        return self._books.submit(work, *args) if self._books else _done(work, *args)

    def format(self, work: Callable, *args) -> Future:
        """One output of a book, coordinated in a thread of its own; it may wait for layouts,
        never for another thread."""
        return self._formats.submit(work, *args) if self._formats else _done(work, *args)


def _in_a_child(work: Callable, args: tuple):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_report, args=(os.getpid(), sending, work, args))
    child.start()
    sending.close()
    try:
        done, value = receiving.recv()
    except EOFError:
        done, value = False, RuntimeError("the process doing the work ended without a result")
    finally:
        receiving.close()
        child.join()
    if not done:
        raise value
    return value


def _report(parent: int, connection, work: Callable, args: tuple) -> None:
    end_with_parent(parent)
    try:
        connection.send((True, work(*args)))
    except BaseException as exc:
        connection.send((False, exc))
    finally:
        connection.close()


def _done(work: Callable, *args) -> Future:
    """``work`` done here and now, its result or error kept as a thread's would be. A stop (Ctrl-C,
    SIGTERM) is not kept: it goes on up at once, or the loop over the books would go on to the
    next book and stop only after the last."""
    future: Future = Future()
    try:
        future.set_result(work(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


LEAN = 150 * 1024 * 1024  # bytes: a worker larger than this after a job gives memory back


def _lean(work: Callable, *args):
    """Do ``work``, then, if the worker has grown large (a whole book's layout, a cover's raster),
    hand the memory it freed back to the system: glibc keeps it otherwise, and the next job would
    start from the last one's peak."""
    try:
        return work(*args)
    finally:
        if _resident() > LEAN:
            gc.collect()
            try:
                ctypes.CDLL("libc.so.6").malloc_trim(0)
            except (OSError, AttributeError):  # not glibc: freed memory is reused, if not returned
                pass


def _resident() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _ready() -> None:
    return None


def _start_worker(parent: int) -> None:
    """A layout worker leaves Ctrl-C to the build (which stops its workers itself), and ends when
    the build ends, however it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent(parent)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
END_WITH = "PUBKIT_END_WITH"  # in a pubkit command's environment: the process id it must not outlive


def end_with_parent(parent: int, how: int = signal.SIGKILL) -> None:
    """End this process (with the signal ``how``) when the process ``parent`` ends, even when it
    is killed outright (SIGKILL, out of memory) and has no chance to stop its children: on Linux
    the kernel sends the signal (the parent-death signal); elsewhere a thread looks every second.
    A worker left behind would wait on its pipe forever, holding a book's layout in memory."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(how), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):
        threading.Thread(target=_watch_parent, args=(parent, how), daemon=True, name="pubkit-parent").start()
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os.kill(os.getpid(), how)


def _watch_parent(parent: int, how: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), how)
