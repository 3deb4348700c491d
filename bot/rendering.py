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

__all__ = ["exit_with_parent", "in_worker", "stop_worker"]

T = TypeVar("T")


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


class _Worker:
    """The lazily started process pool (one process)."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # spawn: a fresh interpreter, not a fork of the bot's event loop and threads
            self.pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self.pool

    def lost(self, pool: ProcessPoolExecutor) -> None:
        if self.pool is pool:
            self.pool = None
            pool.shutdown(wait=False, cancel_futures=True)


_WORKER = _Worker()


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
