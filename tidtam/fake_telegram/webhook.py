"""Delivery by webhook: after ``setWebhook`` the updates are POSTed to the bot, as Telegram does.

Up to ``max_connections`` requests at once (``setWebhook``'s parameter, 40 by default,
as Telegram), but one person's updates one at a time and in order: the next update
of a chat is posted only when the bot has answered the one before (Telegram's Bot API
server keeps a queue per chat in the same way). Each request carries the header
``X-Telegram-Bot-Api-Secret-Token`` when a secret was set; an answer other than 2xx
(or no answer) is retried after a pause, before anything later of the same chat.
Every attempt is kept in :attr:`Webhook.deliveries` as (update id, HTTP status; 0 when
the bot could not be reached).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import ClientError, ClientSession, TCPConnector

from tidtam.fake_telegram.objects import Update
from tidtam.fake_telegram.waiting import Signal
from tidtam.fake_telegram.world import World

__all__ = ["DEFAULT_CONNECTIONS", "SECRET_HEADER", "Webhook", "queue_of"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
RETRY_PAUSE = 0.2
DEFAULT_CONNECTIONS = 40


def queue_of(update: Update) -> int:
    """Which ordered queue an update waits in: its chat's (else its sender's)."""
    payload = update.payload
    message = payload.get("message") if update.kind == "callback_query" else payload
    chat = message.get("chat") if isinstance(message, dict) else None
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    sender = payload.get("from")
    return int(sender["id"]) if isinstance(sender, dict) and "id" in sender else 0


@dataclass
class Webhook:
    """The webhook set by the bot, if any, and what was delivered to it."""

    url: str = ""
    secret: str | None = None
    max_connections: int = DEFAULT_CONNECTIONS
    deliveries: list[tuple[int, int]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    _freed: Signal = field(default_factory=Signal)

    async def set(
        self, world: World, url: str, secret: str | None, max_connections: int | None = None
    ) -> None:
        """Deliver the world's updates to ``url`` from now on ("" stops).

        The same URL and secret again (a second copy of the bot starting) changes
        nothing under way: what is being posted is not cut off and posted twice.
        """
        connections = max_connections or DEFAULT_CONNECTIONS
        if url and (url, secret) == (self.url, self.secret) and self.task is not None:
            self.max_connections = connections
            return
        await self.stop()
        self.url, self.secret = url, secret
        self.max_connections = connections
        if url:
            self.task = asyncio.create_task(self._deliver(world))

    async def stop(self) -> None:
        self.url = ""
        task, self.task = self.task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver(self, world: World) -> None:
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
        busy: set[int] = set()  # queues with an update in flight
        posting: set[asyncio.Task[None]] = set()
        connector = TCPConnector(limit=self.max_connections)
        async with ClientSession(connector=connector) as client:
            try:
                while not world.closing:
                    for update in world.updates:
                        if len(posting) >= self.max_connections:
                            break
                        queue = queue_of(update)
                        if queue in busy:
                            continue
                        busy.add(queue)
                        task = asyncio.create_task(self._post(client, world, update, headers))
                        posting.add(task)
                        task.add_done_callback(_freeing(busy, posting, queue, self._freed))
                    await _either(world.signal, self._freed, 1.0)
            finally:
                for task in posting:
                    task.cancel()
                await asyncio.gather(*posting, return_exceptions=True)

    async def _post(
        self, client: ClientSession, world: World, update: Update, headers: dict[str, str]
    ) -> None:
        try:
            async with client.post(
                self.url, data=json.dumps(update.to_json()), headers=headers
            ) as response:
                status = response.status
        except ClientError:
            status = 0
        self.deliveries.append((update.update_id, status))
        if 200 <= status < 300:
            world.delivered(update.update_id)
        else:
            await asyncio.sleep(RETRY_PAUSE)


def _freeing(
    busy: set[int], posting: set[asyncio.Task[None]], queue: int, freed: Signal
) -> Callable[[asyncio.Task[None]], None]:
    """What to do when a post ends: its queue may send its next update."""

    def free(task: asyncio.Task[None]) -> None:
        busy.discard(queue)
        posting.discard(task)
        freed.fire()

    return free


async def _either(first: Signal, second: Signal, within: float) -> None:
    """Return when either signal fires, or after ``within`` seconds."""
    waits = [asyncio.ensure_future(first.wait(within)), asyncio.ensure_future(second.wait(within))]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
