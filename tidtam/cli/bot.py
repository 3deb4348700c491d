"""``tidtam run``: the bot, on long polling, with its scheduler inside."""

from __future__ import annotations

import asyncio
import logging

import typer

from tidtam.cli.common import database, fail, load_settings
from tidtam.settings import Settings

log = logging.getLogger("tidtam")


def run_command() -> None:
    """Run the bot (long polling) until interrupted."""
    # Imported here: the rest of the command line starts without the bot's weight.
    from telegram.error import InvalidToken, NetworkError

    from bot.app import ALLOWED_UPDATES, build_application
    from bot.context import Deps
    from bot.runner import freeze_startup_objects, open_pool_first, use_fast_event_loop
    from bot.scheduling import schedule
    from storage.db import create_engine, session_factory
    from storage.files import FileStore
    from tidtam.logs import configure_logging

    settings = load_settings()
    if settings.bot_token is None:
        fail("TIDTAM_BOT_TOKEN is not set: get a token from @BotFather (or try `tidtam demo`)")

    async def check() -> None:
        async with database(settings):
            pass
        await reach_telegram(settings)

    asyncio.run(check())  # before logging is set up: a refusal is one line
    configure_logging(settings)
    engine = create_engine(settings.effective_database_url)
    dependencies = Deps(settings, session_factory(engine), FileStore(settings.files_dir))
    application = build_application(dependencies)
    schedule(application)

    async def dispose(_: object) -> None:
        await engine.dispose()

    application.post_shutdown = dispose
    open_pool_first(application, engine)
    log.info("tidtam bot starting (database %s)", engine.url.render_as_string(hide_password=True))
    use_fast_event_loop()
    freeze_startup_objects()
    try:
        application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
    except InvalidToken:
        fail(REFUSED)
    except NetworkError as error:  # Telegram went away between the check and the start
        fail(unreachable(settings, error))
    typer.echo("tidtam bot stopped")


REFUSED = "Telegram refused the token (TIDTAM_BOT_TOKEN): check it with @BotFather"


def unreachable(settings: Settings, error: Exception) -> str:
    """One line saying that the Bot API did not answer; never the token."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    reason = str(error).replace(token, "<token>") if token else str(error)
    return (
        f"cannot reach the Telegram Bot API at {settings.telegram_api_url} ({reason}); "
        "check TIDTAM_TELEGRAM_API_URL and the network"
    )


async def reach_telegram(settings: Settings) -> None:
    """Ask the Bot API who the bot is; fail with one line if it does not answer."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError

    from bot.http import AiohttpRequest

    assert settings.bot_token is not None
    bot = Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        request=AiohttpRequest(1, connect_timeout=10, read_timeout=10),
    )
    try:
        async with bot:  # initialising a Bot asks getMe
            pass
    except InvalidToken:
        fail(REFUSED)
    except NetworkError as error:
        fail(unreachable(settings, error))
