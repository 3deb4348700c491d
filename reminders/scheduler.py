"""Wire the sweep into the bot: APScheduler (python-telegram-bot's JobQueue) only wakes it.

What is due is computed from the database at each wake-up, so the interval only sets
how late a message can be; a restart or a missed wake-up loses nothing.

Replies go first: reminders leave the Application's rate-limited bot alone and go
through a bot of their own (:func:`reminders.sender.standalone_bot`, same token and
server) at the :class:`reminders.sender.PacedSender`'s pace, and every update the
bot receives makes room for its reply (:meth:`PacedSender.make_room`). So a 429 on a
reminder pauses only the reminders, and the Application's ``AIORateLimiter`` does
not queue replies behind them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.context import Deps
from reminders.sender import PacedSender, standalone_bot
from reminders.sweep import sweep

log = logging.getLogger("tidtam.reminders")

INTERVAL = timedelta(minutes=5)
SENDER_KEY = "tidtam.sender"
ROOM_GROUP = -100  # before every other handler group; handles nothing, only counts


async def _wake(context: ContextTypes.DEFAULT_TYPE) -> None:
    dependencies = context.bot_data["tidtam"]
    sender = context.bot_data[SENDER_KEY]
    assert isinstance(dependencies, Deps) and isinstance(sender, PacedSender)
    report = await sweep(dependencies.sessions, sender, dependencies.now())
    if report.sent or report.unreachable or report.failed:
        log.info("reminder sweep: %s", report.summary())


def reminder_sender(application: Application) -> PacedSender:  # type: ignore[type-arg]
    """The PacedSender for reminders: a bot of its own, closed when the Application stops."""
    dependencies = application.bot_data["tidtam"]
    assert isinstance(dependencies, Deps)
    settings = dependencies.settings
    bot = standalone_bot(
        application.bot.token, settings.telegram_api_url, settings.telegram_file_url
    )
    sender = PacedSender(bot)
    earlier = application.post_stop

    async def close(app: Application) -> None:  # type: ignore[type-arg]
        if earlier is not None:
            await earlier(app)
        await bot.shutdown()

    application.post_stop = close
    return sender


def schedule(application: Application, interval: timedelta = INTERVAL) -> None:  # type: ignore[type-arg]
    """Run the sweep every ``interval``, the first one shortly after start."""
    sender = reminder_sender(application)
    application.bot_data[SENDER_KEY] = sender

    async def make_room(update: object, _: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and update.effective_chat is not None:
            sender.make_room()

    application.add_handler(TypeHandler(Update, make_room), group=ROOM_GROUP)
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is needed"
    application.job_queue.run_repeating(
        _wake,
        interval=interval,
        first=timedelta(seconds=15),
        name="reminder-sweep",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
