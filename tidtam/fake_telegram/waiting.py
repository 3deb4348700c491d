"""Waiting for the fake world to change, without polling.

Every mutation of the world is synchronous; long polls (the bot's ``getUpdates``) and
people waiting for a reply wait on a :class:`Signal` that the mutation fires.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["Signal"]


class Signal:
    """Wakes every coroutine waiting in :meth:`wait`; :meth:`fire` is synchronous."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        """Wake all current waiters."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, within: float) -> None:
        """Return at the next :meth:`fire` or after ``within`` seconds, whichever is first."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a
            # cancellation that comes as the waiter is woken (a benchmark then never
            # stopped its simulated people).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, within)):
                    await waiter
        finally:
            self._waiters.discard(waiter)
