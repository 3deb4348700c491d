"""Replies gone out, recorded a batch at a time instead of one transaction each.

Every answering update ends with its reply sent and then recorded as delivered
(:func:`storage.chat_states.mark_delivered`): the chat state owes the reply until then,
so that after a crash the person's next message is told (see
:mod:`tidtam.services.answering`). One transaction per reply cost as much CPU as a
third of the answer itself. A copy of the bot therefore notes each reply here and
writes the notes of everybody together, one statement executed for the whole batch,
a short moment later (:data:`BATCH_WAIT`).

Nothing is decided on a note not yet written: the person's next update in this copy
(:meth:`DeliveryMarks.claim`) applies it to the state it loads and writes it with its
own transaction, and waits for a batch under way that holds it. A batch never writes
the note of a person whose update is being handled, so the two cannot cross. What a
crash loses is at most the notes of the last moment: those people's next message is
answered as after a reply that never went out (the question shown again), which is the
safe side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.chat_states import Delivered, mark_delivered_many
from storage.db import in_transaction
from storage.models import ChatState

log = logging.getLogger("tidtam.services")

#: How long notes gather before a batch is written, seconds. At 250 replies a second
#: that makes batches of about a dozen; a lone reply waits this long, unseen by anyone.
BATCH_WAIT = 0.05
#: After a batch failed (the database away), how long before it is tried again.
RETRY_WAIT = 1.0


@dataclass(frozen=True, slots=True)
class Mark:
    """What one person's latest reply left to record: the update it answered (its owed
    reply is cleared if still that one) and the message that now carries live buttons."""

    update_id: int | None
    buttons: int | None

    def then(self, newer: Mark) -> Mark:
        """This mark followed by ``newer``: the newest update, the newest buttons."""
        return Mark(
            newer.update_id if newer.update_id is not None else self.update_id,
            newer.buttons if newer.buttons is not None else self.buttons,
        )

    def apply(self, state: ChatState) -> None:
        """Record this mark on ``state`` as loaded (written with the caller's transaction)."""
        if self.update_id is not None and state.owed_update_id == self.update_id:
            state.owed_update_id = state.owed_by = state.owed_since = None
        if self.buttons is not None:
            state.buttons_message_id = self.buttons


class DeliveryMarks:
    """The marks of one copy of the bot, noted as replies go out and written in batches."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._pending: dict[int, Mark] = {}
        # who is in a batch being written, and the event its end sets
        self._writing: dict[int, asyncio.Event] = {}
        self._claimed: Counter[int] = Counter()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def note(self, person: int, update_id: int | None, buttons: int | None) -> None:
        """The reply to ``update_id`` reached ``person``; ``buttons``: its message with buttons."""
        if update_id is None and buttons is None:
            return
        mark = Mark(update_id, buttons)
        earlier = self._pending.get(person)
        self._pending[person] = mark if earlier is None else earlier.then(mark)
        if self._task is None and not self._stopping.is_set():
            self._task = asyncio.get_running_loop().create_task(self._write_batches())

    async def claim(self, person: int) -> Mark | None:
        """Hold ``person``'s note out of the batches while their update is handled.

        Returns the note not yet written, to apply to the state the update loads
        (:meth:`Mark.apply`); a batch under way that holds it is waited for first.
        Pair with :meth:`release`.
        """
        self._claimed[person] += 1
        try:
            while (written := self._writing.get(person)) is not None:
                await written.wait()
        except BaseException:  # cancelled while waiting: no release will follow
            self.release(person, None)
            raise
        return self._pending.get(person)

    def release(self, person: int, applied: Mark | None) -> None:
        """The update of ``person`` ended; ``applied``: the note its transaction wrote."""
        if applied is not None and self._pending.get(person) is applied:
            del self._pending[person]
        self._claimed[person] -= 1
        if self._claimed[person] <= 0:
            del self._claimed[person]

    @property
    def waiting(self) -> int:
        """Notes not written yet (for tests and the log at stop)."""
        return len(self._pending) + len(self._writing)

    async def _write_batches(self) -> None:
        try:
            while self._pending:
                await self._pause(BATCH_WAIT)
                if not await self.write_now():
                    if self._stopping.is_set():
                        return
                    await self._pause(RETRY_WAIT)
        finally:
            self._task = None

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the bot is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def write_now(self) -> bool:
        """Write every note not held by an update under way; False if the database failed
        (the notes are kept for the next batch)."""
        batch = {p: m for p, m in self._pending.items() if p not in self._claimed}
        if not batch:
            return True
        written = asyncio.Event()
        for person in batch:
            del self._pending[person]
            self._writing[person] = written
        rows = [Delivered(p, m.update_id, m.buttons) for p, m in sorted(batch.items())]

        async def once(session: AsyncSession) -> None:
            await mark_delivered_many(session, rows)

        try:
            await in_transaction(self._sessions, once)
            return True
        except Exception:
            log.warning(
                "could not record %d replies as delivered; trying again", len(rows), exc_info=True
            )
            for person, mark in batch.items():  # a newer note follows the failed one
                newer = self._pending.get(person)
                self._pending[person] = mark if newer is None else mark.then(newer)
            return False
        finally:
            for person in batch:
                if self._writing.get(person) is written:
                    del self._writing[person]
            written.set()

    async def close(self) -> None:
        """Write what is noted (the bot is stopping: no update is handled any more)."""
        self._stopping.set()
        self._claimed.clear()
        if self._task is not None:
            await self._task
        for written in set(self._writing.values()):  # a batch someone else began
            await written.wait()
        if self._pending and not await self.write_now():
            log.error("%d replies not recorded as delivered at stop", len(self._pending))
