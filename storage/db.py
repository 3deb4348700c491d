"""Engines and sessions.

SQLite gets WAL, foreign keys and a busy timeout on every connection, so that the bot
and a command line run side by side; PostgreSQL is used as it is.

Pooled connections are not pinged before use (that is a round trip on every update);
after the database restarted, the first statement on an old connection fails,
SQLAlchemy then discards every pooled connection, and :func:`in_transaction` runs the
work again on a new one. (A bare :func:`transaction` fails that once.)

A transaction waits up to ``POOL_TIMEOUT`` seconds for a free connection: under a burst
(a thousand people answering at once, up to 256 updates in flight) the pool's default
30 s made updates fail with an error reply instead of being handled a little later.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger("tidtam.storage")
T = TypeVar("T")


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


async def in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
) -> T:
    """Run ``work`` in one :func:`transaction`; again on a new connection if the first was dead.

    ``work`` must do nothing outside the database that cannot be done twice: when a
    pooled connection turns out to be gone (the database restarted), the transaction
    did not happen, and ``work`` starts over from the beginning.
    """
    try:
        async with transaction(sessions) as session:
            return await work(session)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("database connection lost (%s); trying again on a new one", error.orig)
    async with transaction(sessions) as session:
        return await work(session)
