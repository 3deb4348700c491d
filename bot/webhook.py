"""Updates by webhook: python-telegram-bot's own webhook server (its ``webhooks`` extra).

Telegram POSTs each update to the URL given to ``setWebhook`` with the header
``X-Telegram-Bot-Api-Secret-Token``; python-telegram-bot's server answers a request
without the right token with 403 and does not look at it further. An accepted update
goes into ``Application.update_queue``, the same queue long polling fills, so
per-person order (:class:`bot.ordering.PerPersonOrder`) and everything after it are
unchanged.

Several copies behind one proxy: each update reaches one copy; the person's chat state
row is locked for the update's transaction and records the newest update id handled,
so an update delivered twice (a retry reaching the other copy) is applied once, and
one person's updates are applied one at a time in the order they are handled.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from telegram.ext import Application

from bot.app import ALLOWED_UPDATES

log = logging.getLogger("tidtam.bot")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def webhook_path(url: str) -> str:
    """The path the server answers on: the public URL's path (``/`` if none)."""
    return urlsplit(url).path or "/"


@asynccontextmanager
async def webhook(
    application: Application,  # type: ignore[type-arg]
    *,
    url: str,
    secret: str,
    listen: str = "127.0.0.1",
    port: int = 8080,
    max_connections: int = 40,
) -> AsyncIterator[int]:
    """Serve the webhook and tell Telegram about it; yield the port listened on.

    The webhook is left set when the block ends: another copy may still be serving,
    and Telegram keeps the updates until one answers.
    """
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        updater = application.updater
        assert updater is not None
        await updater.start_webhook(
            listen=listen,
            port=port,
            url_path=webhook_path(url).lstrip("/"),
            webhook_url=url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
            max_connections=max_connections,
        )
        log.info("webhook %s served on %s:%d", url, listen, port)
        try:
            yield port
        finally:
            await updater.stop()
            await application.stop()
    finally:
        try:
            if application.post_stop is not None:  # as run_webhook does after stopping
                await application.post_stop(application)
        finally:
            await application.shutdown()
