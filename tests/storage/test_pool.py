"""The bot opens its PostgreSQL connections at start, not in its first burst of updates."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from storage.db import POOL_SIZE, open_pool


async def test_open_pool_opens_every_pooled_connection(engine: AsyncEngine) -> None:
    opened = await open_pool(engine)
    if engine.dialect.name == "sqlite":
        assert opened == 0
        return
    assert opened == POOL_SIZE
    assert isinstance(engine.pool, QueuePool)
    assert engine.pool.checkedin() == POOL_SIZE  # open, and back in the pool
    assert engine.pool.overflow() == 0  # as many as the pool keeps, none beyond
    async with engine.connect() as connection:  # a pooled one, in working order
        assert await connection.scalar(text("SELECT 1")) == 1
    assert engine.pool.checkedin() == POOL_SIZE
