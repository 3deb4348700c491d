"""Documents are drawn in a worker process, which is replaced if it dies."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

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
