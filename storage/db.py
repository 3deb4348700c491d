"""Engines and sessions.

SQLite gets WAL, foreign keys and a busy timeout on every connection, so that the bot
and a command line run side by side; PostgreSQL is used as it is.

A transaction waits up to ``POOL_TIMEOUT`` seconds for a free connection: under a burst
(a thousand people answering at once, up to 256 updates in flight) the pool's default
30 s made updates fail with an error reply instead of being handled a little later.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


POOL_TIMEOUT = 300.0


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine for ``url``; for SQLite, create its folder too."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block ends, roll back if it raises."""
    async with sessions() as session, session.begin():
        yield session
