"""INSERT ... ON CONFLICT for the two databases tidtam runs on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def insert_statement(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    """An INSERT of the session's dialect, which knows ON CONFLICT."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"no upsert for {dialect}")


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``values``, or update the ``update`` columns of the row with the same ``keys``."""
    statement = insert_statement(session, model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )
    await session.execute(statement)


async def insert_ignore(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    *,
    keys: Sequence[str],
) -> bool:
    """Insert ``values`` unless a row with the same ``keys`` exists; True if inserted."""
    statement = (
        insert_statement(session, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(keys))
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    return bool(result.rowcount)
