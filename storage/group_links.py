"""Province group chats linked to the bot (they get the daily digest)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupLink


async def move_group(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: keep its link under the new id."""
    await session.execute(
        update(GroupLink).where(GroupLink.chat_id == old_chat_id).values(chat_id=new_chat_id)
    )
