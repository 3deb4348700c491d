"""Run the Application: in the foreground (``tidtam run``) or as a context (tests, demo)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES
from storage.db import open_pool

log = logging.getLogger("tidtam.bot")


def use_fast_event_loop() -> None:
    """Make uvloop's loop the current one, for ``Application.run_polling`` to run on.

    The bot spends much of its CPU in the event loop (every database round trip and
    Bot API call goes through it); uvloop does that work in C. Where uvloop is not
    installed (Windows), the standard loop is used.
    """
    try:
        import uvloop
    except ImportError:  # pragma: no cover - not on Linux or macOS
        log.info("uvloop is not installed; using asyncio's own event loop")
        return
    asyncio.set_event_loop(uvloop.new_event_loop())


def freeze_startup_objects() -> None:
    """Leave everything created so far out of the garbage collector's full collections.

    Modules, classes, SQLAlchemy's mappers, the parsed settings: a long-running bot
    never frees them, yet each full collection walked all of them, stopping every
    update for ~180 ms (1,000 people answering: 10 such pauses a minute). After
    ``gc.freeze()`` they take ~12 ms (at most 49). Call it once, just before serving.
    """
    gc.collect()
    gc.freeze()


def open_pool_first(application: Application, engine: AsyncEngine) -> None:  # type: ignore[type-arg]
    """Have the database pool's connections opened before the first update is taken.

    (:func:`storage.db.open_pool`, run on the Application's loop before its own
    ``post_init``.)
    """
    then = application.post_init

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        opened = await open_pool(engine)
        if opened:
            log.info("%d database connections open", opened)
        if then is not None:
            await then(app)

    application.post_init = post_init


@asynccontextmanager
async def polling(
    application: Application,  # type: ignore[type-arg]
    *,
    poll_timeout: timedelta = timedelta(seconds=10),
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Initialise, start and poll; stop and shut down cleanly when the block ends."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0,
            timeout=poll_timeout,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        try:
            if application.post_stop is not None:  # as run_polling does after stopping
                await application.post_stop(application)
        finally:
            await application.shutdown()
