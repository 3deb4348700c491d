"""Engines and sessions.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and every
transaction takes the write lock when it begins, so that the bot and a command line
run side by side and concurrent updates queue for the lock instead of failing;
PostgreSQL is used as it is.

Pooled connections are not pinged before use (that is a round trip on every update);
after the database restarted, the first statement on an old connection fails,
SQLAlchemy then discards every pooled connection, and :func:`in_transaction` runs the
work again on a new one. (A bare :func:`transaction` fails that once.)

A transaction waits up to ``POOL_TIMEOUT`` seconds for a free connection: under a burst
(a thousand people answering at once, up to 256 updates in flight) the pool's default
30 s made updates fail with an error reply instead of being handled a little later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import QueuePool

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
    dbapi_connection.isolation_level = None  # the driver's own BEGIN; see _begin_immediate


def _begin_immediate(connection: Any) -> None:
    """Start every SQLite transaction with the write lock (SQLAlchemy's documented recipe).

    A transaction that reads and then writes cannot wait for the lock: if another
    writer committed after its read, SQLite refuses at once ("database is locked"),
    whatever the busy timeout. Taking the lock at BEGIN makes writers queue there,
    within the busy timeout, instead. Readers in WAL mode are not held up.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


POOL_TIMEOUT = 300.0
# PostgreSQL connections kept open. SQLAlchemy's default of 5 (and 10 more that are
# closed as soon as they are returned) made the bot open about 7 new connections a
# second under 1,000 people answering: a new server process and handshake each time
# (415 in a minute; with 20 kept, about 10).
POOL_SIZE = 20
# And no more than those: SQLAlchemy's default lets 10 more be opened under a burst and
# closes each as soon as it is returned. Opening them is what hurt: at 1,000 people,
# every burst of 8-10 new connections at once (a server process, a handshake and the
# driver's type set-up each) stalled every reply for 0.3-0.7 s, and a stalled bot
# meets the next burst. An update now waits its turn for one of the 20; handlers never
# hold two at a time, so the wait always ends.
MAX_OVERFLOW = 0


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
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", MAX_OVERFLOW)
    return create_async_engine(url, **kwargs)


async def open_pool(engine: AsyncEngine) -> int:
    """Open the PostgreSQL pool's connections now; return how many are open.

    The pool otherwise opens them as the first updates need them: after a restart in
    the middle of a round, the first burst would open all of them at once and every
    reply would wait for it (each is a server process, a handshake and the driver's
    type set-up). Call it on the loop that will use them. SQLite: nothing to do.
    """
    if engine.dialect.name != "postgresql":
        return 0
    wanted = engine.pool.size() if isinstance(engine.pool, QueuePool) else POOL_SIZE
    opened = await asyncio.gather(
        *(engine.connect().start() for _ in range(wanted)), return_exceptions=True
    )
    for connection in opened:
        if isinstance(connection, AsyncConnection):
            await connection.close()  # back into the pool, still open
    for failure in opened:
        if isinstance(failure, BaseException):
            raise failure
    return len(opened)


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
