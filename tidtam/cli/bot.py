"""``tidtam run``: the bot, on long polling, with its scheduler inside."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING, Annotated

import typer

from tidtam.cli.common import database, fail, load_settings
from tidtam.settings import Settings

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger("tidtam")


def run_command(
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            help="public HTTPS URL Telegram posts updates to (behind a proxy); "
            "default: long polling",
        ),
    ] = None,
) -> None:
    """Run the bot (long polling, or a webhook with --webhook URL) until interrupted."""
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
    if webhook is not None:
        if not webhook.startswith("https://"):
            fail(f"--webhook: Telegram posts only to an https:// URL, got {webhook!r}")
        if settings.webhook_secret is None:
            fail(
                "TIDTAM_WEBHOOK_SECRET is not set: every copy of the bot must share one secret "
                "(1-256 of A-Z a-z 0-9 _ -), e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )

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
        if webhook is not None:
            assert settings.webhook_secret is not None
            asyncio.get_event_loop().run_until_complete(
                _serve_webhook(application, webhook, settings.webhook_secret.get_secret_value(),
                               settings.webhook_listen, settings.webhook_port,
                               settings.webhook_max_connections)
            )  # fmt: skip
        else:
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


async def _serve_webhook(
    application: Application,  # type: ignore[type-arg]
    url: str,
    secret: str,
    listen: str,
    port: int,
    max_connections: int,
) -> None:
    """Serve the webhook until SIGINT or SIGTERM."""
    from bot.webhook import webhook

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with webhook(
        application,
        url=url,
        secret=secret,
        listen=listen,
        port=port,
        max_connections=max_connections,
    ) as bound:
        log.info("tidtam bot taking updates by webhook on %s:%d", listen, bound)
        await stop.wait()
