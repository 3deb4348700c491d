"""The one error handler: log with context, tell the person to try again, never crash."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.context import deps, user_language
from bot.i18n import t

log = logging.getLogger("tidtam.bot")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with the update that caused it and apologise to the person."""
    error = context.error
    where = _describe(update)
    if isinstance(error, Forbidden):
        log.info("cannot write to %s: %s", where, error)
        return
    if isinstance(error, RetryAfter | NetworkError):
        log.warning("Telegram refused or timed out for %s: %s", where, error)
    else:
        log.error("error while handling %s", where, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = user_language(update, None, deps(context).settings.language)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(language, "error.try_again"), show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, t(language, "error.try_again"))
    except TelegramError as second:
        log.warning("could not apologise to %s: %s", where, second)


def _describe(update: object) -> str:
    if not isinstance(update, Update):
        return repr(update)
    user = update.effective_user
    kind = "callback" if update.callback_query else "message"
    return f"update {update.update_id} ({kind} from user {user.id if user else '?'})"
