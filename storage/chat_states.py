"""Where each person is in the conversation: loaded and saved with every update."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatState


async def load_chat_state(session: AsyncSession, telegram_user_id: int) -> ChatState:
    """The person's state, locked for this transaction where the database can; new if none."""
    state = await session.scalar(
        select(ChatState)
        .where(ChatState.telegram_user_id == telegram_user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if state is None:
        state = ChatState(telegram_user_id=telegram_user_id, mode="idle", data={})
        session.add(state)
    return state


def already_handled(state: ChatState, update_id: int) -> bool:
    """Record ``update_id`` as handled; True if it (or a newer one) was handled before."""
    if state.last_update_id is not None and update_id <= state.last_update_id:
        return True
    state.last_update_id = update_id
    return False
