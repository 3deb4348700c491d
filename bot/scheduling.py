"""Wire the sweep into the bot: APScheduler (python-telegram-bot's JobQueue) only wakes it.

What is due is computed from the database at each wake-up, so the interval only sets
how late a message can be; a restart or a missed wake-up loses nothing.

Reminders go through the Application's own bot, marked background for its rate
limiter (:class:`bot.ratelimit.FloodLimiter`): the limiter counts replies and
reminders in one window as Telegram does, lets replies go first and gives reminders
the places left.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.context import Deps
from bot.reminder_sender import TelegramSender
from reminders.sweep import sweep

log = logging.getLogger("tidtam.reminders")

INTERVAL = timedelta(minutes=5)
SENDER_KEY = "tidtam.sender"


async def _wake(context: ContextTypes.DEFAULT_TYPE) -> None:
    dependencies = context.bot_data["tidtam"]
    sender = context.bot_data[SENDER_KEY]
    assert isinstance(dependencies, Deps) and isinstance(sender, TelegramSender)
    report = await sweep(dependencies.sessions, sender, dependencies.now())
    if report.sent or report.unreachable or report.failed:
        log.info("reminder sweep: %s", report.summary())


def schedule(application: Application, interval: timedelta = INTERVAL) -> None:  # type: ignore[type-arg]
    """Run the sweep every ``interval``, the first one shortly after start."""
    application.bot_data[SENDER_KEY] = TelegramSender(application.bot)
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is needed"
    application.job_queue.run_repeating(
        _wake,
        interval=interval,
        first=timedelta(seconds=15),
        name="reminder-sweep",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
