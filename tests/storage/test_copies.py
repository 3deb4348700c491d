"""A running copy of the bot is known by its advisory lock, exactly, on PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import copies


async def _running(sessions: async_sessionmaker[AsyncSession], copy: str) -> bool | None:
    async with sessions() as session, session.begin():
        return await copies.running(session, copy)


async def test_a_copy_runs_while_it_holds_its_lock(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    lock = await copies.hold(sessions, "copy-a")
    try:
        if lock is None:  # SQLite: one process, nobody to ask
            assert await _running(sessions, "copy-a") is None
            return
        assert await _running(sessions, "copy-a") is True
        assert await _running(sessions, "copy-b") is False  # never started
        assert await _running(sessions, "copy-a") is True  # asking took nothing away
    finally:
        if lock is not None:
            await lock.release()
    assert await _running(sessions, "copy-a") is False


async def test_the_lock_is_taken_again_when_the_database_dropped_its_connection(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    lock = await copies.hold(sessions, "copy-a", watch_every=0.05)
    if lock is None:
        return  # SQLite: nothing to hold
    try:
        first = lock.connection
        assert first is not None
        held_by = await first.scalar(select(func.pg_backend_pid()))
        await first.commit()
        async with sessions() as session, session.begin():
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": held_by})
        for _ in range(200):  # the database restarted under the copy, as it were
            if lock.connection not in (None, first) and await _running(sessions, "copy-a"):
                break
            await asyncio.sleep(0.05)
        assert await _running(sessions, "copy-a") is True
        assert lock.connection is not None
        again = await lock.connection.scalar(select(func.pg_backend_pid()))
        await lock.connection.commit()
        assert again != held_by  # a new connection holds it
    finally:
        await lock.release()
    assert await _running(sessions, "copy-a") is False
