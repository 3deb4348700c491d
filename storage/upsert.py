"""INSERT ... ON CONFLICT for the two databases tidtam runs on.

The statements are built once per table and key set and run as Core statements on the
session's connection, with the row as parameters: answering calls :func:`upsert` on
every answer, and building the statement (and its cache key) each time, then taking
the ORM's bulk-insert path, cost more client CPU than the database spent on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def insert_statement(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    """An INSERT of the session's dialect, which knows ON CONFLICT."""
    return _insert(session.get_bind().dialect.name, model)


def _insert(dialect: str, target: Table | type[DeclarativeBase]) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(target)
    if dialect == "sqlite":
        return sqlite.insert(target)
    raise NotImplementedError(f"no upsert for {dialect}")


@cache
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], update: tuple[str, ...]) -> Any:
    statement = _insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )


@cache
def _insert_ignore(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values``, or update the ``update`` columns of the row with the same ``keys``."""
    statement = _upsert(
        session.get_bind().dialect.name,
        cast(Table, model.__table__),
        tuple(keys),
        tuple(update),
    )
    await (await session.connection()).execute(statement, values)


async def insert_ignore(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    *,
    keys: Sequence[str],
) -> bool:
    """Insert ``values`` unless a row with the same ``keys`` exists; True if inserted."""
    statement = _insert_ignore(
        session.get_bind().dialect.name, cast(Table, model.__table__), tuple(keys)
    )
    result = cast(CursorResult[Any], await (await session.connection()).execute(statement, values))
    return bool(result.rowcount)
