"""Documents are drawn in a worker process, which is replaced if it dies."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.rendering import WORKER_NICENESS, in_worker


async def test_documents_are_drawn_in_another_process_and_a_dead_worker_is_replaced() -> None:
    worker = await in_worker(os.getpid)
    assert worker != os.getpid()
    assert await in_worker(os.getpid) == worker  # one worker, reused
    with pytest.raises(BrokenProcessPool):
        await in_worker(os._exit, 3)  # it dies (and so does the one that replaces it)
    replacement = await in_worker(os.getpid)
    assert replacement not in (worker, os.getpid())


async def test_the_worker_yields_the_cpu_to_the_bot() -> None:
    own = os.nice(0)
    assert await in_worker(os.nice, 0) == min(19, own + WORKER_NICENESS)


# The tests below run in a fresh interpreter: a multiprocessing child must be able
# to find its target, and this test module is not importable by name from one.
DAEMON = """
import asyncio, multiprocessing, os
from bot.rendering import in_worker

def draw(result):
    result.put(asyncio.run(in_worker(os.getpid)))

if __name__ == "__main__":
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    daemon = context.Process(target=draw, args=(result,), daemon=True)
    daemon.start()
    print(daemon.pid, result.get(timeout=60))
    daemon.join(30)
"""

KILLED = """
import asyncio, multiprocessing, os, signal, time
from bot.rendering import in_worker

def bot(result):
    result.put(asyncio.run(in_worker(os.getpid)))
    time.sleep(60)  # killed before this ends

def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return "State:\tZ" not in open(f"/proc/{pid}/status").read()  # not a zombie

if __name__ == "__main__":
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=bot, args=(result,))
    child.start()
    worker = result.get(timeout=60)
    print(alive(worker))
    os.kill(child.pid, signal.SIGKILL)  # no exit handler runs: the worker is orphaned
    child.join(10)
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    print(alive(worker))
"""


STOPPED = """
import asyncio, multiprocessing, os, time
from bot.rendering import in_worker, stop_worker

def bot():
    asyncio.run(in_worker(os.getpid))
    stop_worker()  # as the bot does when it stops

if __name__ == "__main__":
    child = multiprocessing.get_context("spawn").Process(target=bot)
    child.start()
    child.join(30)
    print(child.exitcode)
    if child.is_alive():
        child.kill()
"""


def _run(script: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "script.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.split()


def test_a_daemonic_process_draws_in_a_thread(tmp_path: Path) -> None:
    # Python forbids a daemonic process to start children: the worker is not used there
    daemon, drawn_by = _run(DAEMON, tmp_path)
    assert drawn_by == daemon  # drawn in the daemon itself, not refused


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_the_worker_does_not_outlive_a_killed_bot(tmp_path: Path) -> None:
    assert _run(KILLED, tmp_path) == ["True", "False"]  # alive, then gone with the bot


def test_a_bot_in_a_child_process_ends_once_it_stops_its_worker(tmp_path: Path) -> None:
    # a multiprocessing child joins its own children at exit before the executor's exit
    # handler would stop the worker: unless the bot stops it, the child never ends
    assert _run(STOPPED, tmp_path) == ["0"]


LIGHT = """
import sys
from reports.submission_doc import render
import reports.submission_pdf
print(*sorted(m for m in ("matplotlib", "pandas", "docx", "openpyxl") if m in sys.modules))
print("done")
"""


def test_the_worker_draws_a_pdf_without_the_chart_and_table_libraries(tmp_path: Path) -> None:
    # each worker holds what it imported for its life: matplotlib and pandas were 60 MB
    assert _run(LIGHT, tmp_path) == ["done"]
