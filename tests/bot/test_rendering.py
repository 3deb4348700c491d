"""Documents are drawn in a worker process, which is replaced if it dies."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from bot.rendering import in_worker


async def test_documents_are_drawn_in_another_process_and_a_dead_worker_is_replaced() -> None:
    worker = await in_worker(os.getpid)
    assert worker != os.getpid()
    assert await in_worker(os.getpid) == worker  # one worker, reused
    with pytest.raises(BrokenProcessPool):
        await in_worker(os._exit, 3)  # it dies (and so does the one that replaces it)
    replacement = await in_worker(os.getpid)
    assert replacement not in (worker, os.getpid())


def _draw_in_a_daemon(result: Any) -> None:
    import asyncio

    result.put(asyncio.run(in_worker(os.getpid)))


def test_a_daemonic_process_draws_in_a_thread() -> None:
    # Python forbids a daemonic process to start children: the worker is not used there
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    daemon = context.Process(target=_draw_in_a_daemon, args=(result,), daemon=True)
    daemon.start()
    drawn_by = result.get(timeout=60)
    daemon.join(30)
    assert drawn_by == daemon.pid  # drawn in the daemon itself, not refused


def _start_a_worker_and_wait(result: Any) -> None:
    import asyncio
    import time

    result.put(asyncio.run(in_worker(os.getpid)))
    time.sleep(60)  # killed before this ends


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0  # not a zombie


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_the_worker_does_not_outlive_a_killed_bot() -> None:
    context = multiprocessing.get_context("spawn")
    result = context.Queue()
    bot = context.Process(target=_start_a_worker_and_wait, args=(result,))
    bot.start()
    worker = result.get(timeout=60)
    assert _alive(worker)
    os.kill(bot.pid or 0, signal.SIGKILL)  # no exit handler runs: the worker is orphaned
    bot.join(10)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)
