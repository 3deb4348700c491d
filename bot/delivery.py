"""Send what a handler said, and remember who could not be reached."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot

from bot.context import Deps
from bot.replies import Said, deliver
from storage.db import transaction
from storage.members import mark_unreachable


async def send(
    bot: Bot,
    dependencies: Deps,
    chat_id: int,
    said: Sequence[Said],
    *,
    with_buttons: list[int] | None = None,
) -> None:
    """Deliver ``said``; people who blocked the bot are marked unreachable.

    The ids of the messages to ``chat_id`` that carry buttons go to ``with_buttons``.
    """
    blocked = await deliver(bot, chat_id, said, with_buttons=with_buttons)
    if blocked:
        async with transaction(dependencies.sessions) as session:
            await mark_unreachable(session, blocked, dependencies.now())
