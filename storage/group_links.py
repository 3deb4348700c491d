"""Group links: the Telegram group of a unit (the province group gets the digest)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import GroupLink


async def link_group(
    session: AsyncSession, chat_id: int, *, unit_id: int, title: str, linked_by: int
) -> bool:
    """Link the group to the unit unless it is linked already; True if linked now."""
    link = await session.scalar(select(GroupLink).where(GroupLink.chat_id == chat_id))
    if link is None:
        session.add(GroupLink(chat_id=chat_id, unit_id=unit_id, title=title, linked_by=linked_by))
    audit.record(session, "group.link", actor=linked_by, unit_id=unit_id, chat=chat_id)
    return link is None


async def move_group(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: keep its link under the new id."""
    await session.execute(
        update(GroupLink).where(GroupLink.chat_id == old_chat_id).values(chat_id=new_chat_id)
    )
