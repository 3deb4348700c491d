"""INSERT ... ON CONFLICT for the two databases tidtam runs on.

:func:`insert_ignore` builds its statement once per table and key set and runs it as a
Core statement on the session's connection, with the row as parameters (building it
each time, and the ORM's bulk-insert path, cost more client CPU than the database).
Answers have their own statements: :mod:`storage.answer_writes`.
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
    raise NotImplementedError(f"no INSERT ... ON CONFLICT for {dialect}")


@cache
def _insert_ignore(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


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
