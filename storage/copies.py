"""Which copies of the bot are running: each holds a PostgreSQL advisory lock for its life.

Several copies may serve one bot behind one webhook address. A copy that owes a person
a reply (it applied their update and has not yet recorded the reply delivered) may be
slow, or dead. Asking PostgreSQL tells the two apart exactly: a copy takes a
session-level advisory lock named after it when it starts and keeps its connection;
if the process dies, the server ends that session and the lock is free. No timing is
involved, so a copy that is only busy (a burst of answers) is never taken for dead.
SQLite serves one process: there the question has no answer (``None``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

__all__ = ["CopyLock", "copy_key", "hold", "running"]

log = logging.getLogger("tidtam.storage")


def copy_key(copy: str) -> int:
    """The advisory lock's key (a signed 64-bit number) for the copy named ``copy``."""
    return int.from_bytes(hashlib.sha256(b"tidtam-copy:" + copy.encode()).digest()[:8], "big",
                          signed=True)  # fmt: skip


class CopyLock:
    """The lock a running copy holds on a connection of its own; :meth:`release` at the end.

    The connection is looked at every ``watch_every`` seconds: if the database dropped
    it (a restart), the lock went with it, and it is taken again on a new connection.
    Until then other copies take this one for stopped: at worst a person is told that a
    reply may have been lost and is shown the question now asked; nothing is lost.
    """

    def __init__(self, engine: AsyncEngine, key: int, watch_every: float) -> None:
        self.engine = engine
        self.key = key
        self.watch_every = watch_every
        self.connection: AsyncConnection | None = None
        self._watch: asyncio.Task[None] | None = None

    async def take(self) -> None:
        connection = await self.engine.connect()  # kept out of the pool for the copy's life
        try:
            await connection.execute(select(func.pg_advisory_lock(self.key)))
            await connection.commit()  # the lock is the session's: it outlives the transaction
        except BaseException:
            await connection.close()
            raise
        self.connection = connection
        if self._watch is None:
            self._watch = asyncio.create_task(self._watching())

    async def _watching(self) -> None:
        while True:
            await asyncio.sleep(self.watch_every)
            try:
                if self.connection is None:
                    raise ConnectionError("no connection")
                await self.connection.execute(select(1))
                await self.connection.commit()
            except (DBAPIError, OSError, ConnectionError):
                log.warning("this copy's lock connection was lost; taking the lock again")
                await self._drop()
                with contextlib.suppress(DBAPIError, OSError):
                    await self.take()

    async def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError, OSError):
                await connection.invalidate()  # never back into the pool

    async def release(self) -> None:
        """Stop watching and give the lock back (a dropped connection has given it already)."""
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        connection = self.connection
        if connection is None:
            return
        try:
            await connection.execute(select(func.pg_advisory_unlock(self.key)))
            await connection.commit()
            self.connection = None
            await connection.close()
        except (DBAPIError, OSError):
            await self._drop()


async def hold(
    sessions: async_sessionmaker[AsyncSession], copy: str, *, watch_every: float = 10.0
) -> CopyLock | None:
    """Announce that ``copy`` runs, until :meth:`CopyLock.release` (None on SQLite)."""
    async with sessions() as probe:
        engine = probe.bind
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "postgresql":
        return None
    lock = CopyLock(engine, copy_key(copy), watch_every)
    await lock.take()
    return lock


async def running(session: AsyncSession, copy: str) -> bool | None:
    """Whether the copy named ``copy`` is running now (None: cannot tell, on SQLite).

    Trying the copy's lock for this transaction only: taken means nobody holds it (the
    copy is gone), and it is given back at commit.
    """
    if session.get_bind().dialect.name != "postgresql":
        return None
    taken = await session.scalar(select(func.pg_try_advisory_xact_lock(copy_key(copy))))
    return not taken
