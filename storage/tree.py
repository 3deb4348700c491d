"""The unit tree as stored: parent links read from the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Unit
from tidtam.core.tree import subtree


async def parent_map(session: AsyncSession) -> dict[int, int | None]:
    """Every unit's parent, by id."""
    rows = await session.execute(select(Unit.id, Unit.parent_id))
    return {unit: parent for unit, parent in rows.all()}


async def subtree_ids(session: AsyncSession, root: int) -> set[int]:
    """``root`` and every unit below it."""
    return subtree(await parent_map(session), root)
