"""Documents are drawn in a worker process of their own, not in the bot's.

Drawing a submission PDF costs about a tenth of a second of CPU (HarfBuzz shaping Thai,
fontTools subsetting the font). In a thread it holds the interpreter's lock most of
that time, and every answer waits behind it: in the demo, half of the bot's CPU went to
the PDFs sent on submit and on certification, and the answers slowed with it. In a
process it runs on another core, and fpdf2, fontTools and PyThaiNLP live in that
process's memory, not the bot's.

One worker for the whole bot process (every Application in it), started with the first
document and reused; a worker that died is replaced on the next document, and one
stopped with the bot (:func:`stop_worker`) is started again by the next. A daemonic
process may not start one (Python forbids it): there the document is drawn in a
thread, as before.

The worker runs at a lower priority (``nice`` +10): when the CPU is short, answers go
first and a PDF, sent in a task of its own, arrives a little later. More than one
worker (``TIDTAM_DOCUMENT_WORKERS``, :func:`use_workers`) drains a queue of documents
faster on a machine with idle cores, each holding about 150 MB.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["WORKER_NICENESS", "exit_with_parent", "in_worker", "stop_worker", "use_workers"]

T = TypeVar("T")

#: How much lower than the bot the document worker runs (added to its nice value).
WORKER_NICENESS = 10


def exit_with_parent(parent: int, every: float = 1.0) -> None:
    """End this process soon after ``parent`` ends (however it ended).

    A worker is told to stop when its parent exits normally, but not when the parent is
    killed, nor when the parent is itself a multiprocessing child (those leave with
    ``os._exit``, without exit handlers): the worker would live on, orphaned.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _start_worker(parent: int) -> None:
    """In a new worker: leave with the bot, and yield the CPU to it."""
    exit_with_parent(parent)
    os.nice(WORKER_NICENESS)


class _Worker:
    """The lazily started process pool (one process unless told otherwise)."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.processes = 1

    def get(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # spawn: a fresh interpreter, not a fork of the bot's event loop and threads
            self.pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self.pool

    def lost(self, pool: ProcessPoolExecutor) -> None:
        if self.pool is pool:
            self.pool = None
            pool.shutdown(wait=False, cancel_futures=True)


_WORKER = _Worker()


def use_workers(processes: int) -> None:
    """Draw documents in ``processes`` worker processes from the next one started."""
    _WORKER.processes = max(1, processes)


def stop_worker() -> None:
    """Stop the document worker once the documents it was given are drawn.

    The bot calls it when it stops. Left to the interpreter's exit, the worker would
    be stopped by concurrent.futures' exit handler, which runs after multiprocessing's:
    a bot that is itself a multiprocessing child (the demo's) first waits for its
    children to end, and the worker, never told to, would keep it waiting for ever.
    """
    pool, _WORKER.pool = _WORKER.pool, None
    if pool is not None:
        pool.shutdown(wait=True)


async def in_worker(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in the document worker; again in a new one if the worker died.

    ``function`` must be importable by name from a module that is light to import (the
    worker imports it), and take and return plain, picklable data.
    """
    call = functools.partial(function, *args)
    if multiprocessing.current_process().daemon:  # may not start processes: a thread
        return await asyncio.to_thread(call)
    loop = asyncio.get_running_loop()
    pool = _WORKER.get()
    try:
        return await loop.run_in_executor(pool, call)
    except BrokenProcessPool:
        _WORKER.lost(pool)
        return await loop.run_in_executor(_WORKER.get(), call)
