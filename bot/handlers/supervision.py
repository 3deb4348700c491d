"""Supervisors and officers: /remind, /linkgroup, and keeping group links current."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import deps, user_language
from bot.delivery import send
from bot.i18n import join, t
from bot.reminder_sender import TelegramSender
from bot.replies import Reply
from tidtam.services import supervision as use_case
from tidtam.services.status import Refusal, Refused


def _not_allowed(language: str, refused: Refused) -> Reply:
    roles = join(language, [t(language, f"role.{r}") for r in refused.allowed])
    return Reply(t(language, "error.not_allowed", roles=roles))


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nudge the units in the asker's care that have not submitted (once a day each)."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    sender = TelegramSender(context.bot)  # in the background of the bot's rate limiter
    result = await use_case.remind(dependencies.sessions, sender, user.id, dependencies.now())
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        if result.refusal is Refusal.NO_ROUND:
            replies = [Reply(t(language, "remind.no_round"))]
        else:
            replies = [_not_allowed(language, result)]
    else:
        replies = [
            Reply(
                t(
                    language,
                    "remind.done",
                    units=report.units,
                    people=report.people,
                    already=report.already_today,
                    nobody=report.nobody,
                )
            )
            for report in result.reports
        ]
    await send(context.bot, dependencies, chat.id, replies)


async def link_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Make this group the province group (officers only): it gets the daily digest."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    result = await use_case.link_group(dependencies.sessions, user.id, chat.id, chat.title or "")
    language = user_language(update, result.language, dependencies.settings.language)
    if isinstance(result, Refused):
        reply = _not_allowed(language, result)
    else:
        reply = Reply(t(language, "group.linked", title=result.title))
    await context.bot.send_message(chat.id, reply.text, parse_mode="HTML")


async def group_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep a linked group's id when Telegram turns it into a supergroup."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await use_case.group_migrated(
        deps(context).sessions, message.chat.id, message.migrate_to_chat_id
    )
