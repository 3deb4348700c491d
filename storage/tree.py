"""The unit tree: subtrees and agencies, computed from the parent links."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Unit


async def parent_map(session: AsyncSession) -> dict[int, int | None]:
    rows = await session.execute(select(Unit.id, Unit.parent_id))
    return {unit: parent for unit, parent in rows.all()}


def subtree(parents: dict[int, int | None], root: int) -> set[int]:
    """``root`` and every unit below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit, parent in parents.items():
        children[parent].append(unit)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


async def subtree_ids(session: AsyncSession, root: int) -> set[int]:
    return subtree(await parent_map(session), root)
