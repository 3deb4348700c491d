"""``tidtam run``: the bot, on long polling, with its scheduler inside."""

from __future__ import annotations

import asyncio
import logging

import typer

from tidtam.cli.common import database, fail, load_settings

log = logging.getLogger("tidtam")


def run_command() -> None:
    """Run the bot (long polling) until interrupted."""
    # Imported here: the rest of the command line starts without the bot's weight.
    from telegram.error import InvalidToken

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
    configure_logging(settings)

    async def check() -> None:
        async with database(settings):
            pass

    asyncio.run(check())
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
        fail("Telegram refused the token (TIDTAM_BOT_TOKEN): check it with @BotFather")
    typer.echo("tidtam bot stopped")
