"""Updates by webhook: a small aiohttp server in front of the Application's update queue.

Telegram POSTs each update to the URL given to ``setWebhook`` with the header
``X-Telegram-Bot-Api-Secret-Token``; a request without the right token gets 403 and is
not looked at further (compared in constant time). An accepted update goes into
``Application.update_queue``, the same queue long polling fills, so per-person order
(:class:`bot.ordering.PerPersonOrder`) and everything after it are unchanged.

(python-telegram-bot's own webhook server needs its ``webhooks`` extra, tornado,
which tidtam does not install; aiohttp is already used for the Bot API calls.)

Several copies behind one proxy: each update reaches one copy; the person's chat state
row is locked for the update's transaction and records the newest update id handled,
so an update delivered twice (a retry reaching the other copy) is applied once, and
one person's updates are applied one at a time in the order they are handled.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES

log = logging.getLogger("tidtam.bot")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def webhook_path(url: str) -> str:
    """The path the server answers on: the public URL's path (``/`` if none)."""
    return urlsplit(url).path or "/"


def _handler(
    application: Application,  # type: ignore[type-arg]
    secret: str,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    expected = secret.encode()

    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403)
        try:
            data = await request.json(loads=json.loads)
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        await application.update_queue.put(update)
        return web.Response(status=200)

    return receive


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
        server = web.Application(client_max_size=1024 * 1024)
        server.router.add_post(webhook_path(url), _handler(application, secret))
        runner = web.AppRunner(server, handle_signals=False, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, listen, port)
            await site.start()
            bound = int(runner.addresses[0][1])
            await application.bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                max_connections=max_connections,
            )
            log.info("webhook %s served on %s:%d", url, listen, bound)
            try:
                yield bound
            finally:
                await application.stop()
        finally:
            await runner.cleanup()
    finally:
        await application.shutdown()
