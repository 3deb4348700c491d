"""The python-telegram-bot Application of tidtam: handlers, commands, long polling."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import KEY, Deps, install
from bot.handlers import (
    answering,
    certify,
    documents,
    invite,
    members,
    registration,
    reports,
    supervision,
)
from bot.handlers.errors import on_error
from bot.http import AiohttpRequest
from bot.i18n import t
from bot.ordering import PerPersonOrder
from bot.ratelimit import FloodLimiter, Limits
from bot.rendering import stop_worker, use_workers
from tidtam.services import answering as answering_service

log = logging.getLogger("tidtam.bot")

# Updates handled at once. Measured at 1,000 people answering (think time 10 s): 256
# gave reply p50 / p99 33 / 216 ms at 7.0 ms of CPU per update, 64 gave 40 / 238 ms
# at 7.4, and 16 gave 85 / 556 ms at 8.1: more updates at once share the event loop's
# wake-ups and the round trips better.
MAX_CONCURRENT_UPDATES = 256

PRIVATE_COMMANDS = (
    "start",
    "help",
    "report",
    "review",
    "submit",
    "cancel",
    "status",
    "overdue",
    "lagging",
    "export",
    "remind",
    "pending",
    "pdf",
    "summary",
    "language",
    "members",
    "invite",
)


def build_application(
    dependencies: Deps,
    *,
    rate_limit: bool = True,
    limits: Limits | None = None,
    concurrent_updates: int = MAX_CONCURRENT_UPDATES,
) -> Application:  # type: ignore[type-arg]
    """The Application, configured from the settings, with every handler registered.

    ``rate_limit``: keep Telegram's flood ``limits`` (:class:`bot.ratelimit.Limits`).
    ``concurrent_updates``: how many updates are handled at once (benchmarks vary it).
    """
    settings = dependencies.settings
    use_workers(settings.document_workers)
    if settings.bot_token is None:
        raise ValueError("TIDTAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .concurrent_updates(PerPersonOrder(concurrent_updates))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .request(
            AiohttpRequest(256, connect_timeout=10, read_timeout=30, write_timeout=60)
        )  # aiohttp: a fraction of httpx's CPU per call (bench/bench_http.py)
        .get_updates_request(AiohttpRequest(1, read_timeout=40))
    )
    if rate_limit:  # replies first; reminders pass it Priority.BACKGROUND
        builder = builder.rate_limiter(FloodLimiter(limits))  # type: ignore[arg-type]
    application = builder.build()
    install(application, dependencies)
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", registration.start, filters=private))
    application.add_handler(CommandHandler("help", registration.help_command, filters=private))
    application.add_handler(
        CommandHandler("language", registration.language_command, filters=private)
    )
    application.add_handler(CommandHandler("report", answering.report, filters=private))
    application.add_handler(CommandHandler("review", answering.review, filters=private))
    application.add_handler(CommandHandler("submit", answering.submit, filters=private))
    application.add_handler(CommandHandler("cancel", answering.cancel, filters=private))
    application.add_handler(CommandHandler("pending", certify.pending, filters=private))
    application.add_handler(CommandHandler("remind", supervision.remind, filters=private))
    application.add_handler(CommandHandler("status", reports.status, filters=private))
    application.add_handler(CommandHandler("overdue", reports.overdue, filters=private))
    application.add_handler(CommandHandler("lagging", reports.lagging, filters=private))
    application.add_handler(CommandHandler("export", reports.export, filters=private))
    application.add_handler(CommandHandler("pdf", documents.pdf, filters=private))
    application.add_handler(CommandHandler("summary", documents.summary, filters=private))
    application.add_handler(
        CommandHandler("linkgroup", supervision.link_group, filters=filters.ChatType.GROUPS)
    )
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, supervision.group_migrated)
    )
    application.add_handler(CommandHandler("members", members.members_command, filters=private))
    application.add_handler(CallbackQueryHandler(members.on_press, pattern=members.PATTERN))
    application.add_handler(CommandHandler("invite", invite.invite_command, filters=private))
    application.add_handler(CallbackQueryHandler(invite.on_press, pattern=invite.PATTERN))
    application.add_handler(CallbackQueryHandler(answering.on_press))
    application.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, answering.on_text)
    )
    application.add_handler(
        MessageHandler(private & (filters.Document.ALL | filters.PHOTO), answering.on_file)
    )
    application.add_handler(MessageHandler(private & filters.COMMAND, registration.unknown_command))
    application.add_error_handler(on_error)
    return application


COPY_LOCK = "tidtam.copy_lock"  # bot_data: this copy's lock (storage.copies), while it runs


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Announce this copy of the bot; register the command menu, in Thai and in English."""
    dependencies = application.bot_data[KEY]
    application.bot_data[COPY_LOCK] = await answering_service.hold_copy(dependencies.services())
    for language in ("th", "en"):
        commands = [BotCommand(c, t(language, f"commands.{c}")) for c in PRIVATE_COMMANDS]
        await application.bot.set_my_commands(
            commands,
            scope=BotCommandScopeAllPrivateChats(),
            language_code=None if language == "th" else language,
        )


async def _post_stop(application: Application) -> None:  # type: ignore[type-arg]
    """Record the replies that went out; tell the other copies that this one stopped
    (it owes no reply any more); stop the document worker."""
    await application.bot_data[KEY].deliveries.close()
    lock = application.bot_data.pop(COPY_LOCK, None)
    if lock is not None:
        await lock.release()
    await asyncio.to_thread(stop_worker)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
