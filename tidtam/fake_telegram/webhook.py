"""Delivery by webhook: after ``setWebhook`` the updates are POSTed to the bot, as Telegram does.

One at a time and in order, with the header ``X-Telegram-Bot-Api-Secret-Token`` when a
secret was set; an answer other than 2xx (or no answer) is retried after a pause.
Every attempt is kept in :attr:`Webhook.deliveries` as (update id, HTTP status; 0 when
the bot could not be reached).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field

from aiohttp import ClientError, ClientSession

from tidtam.fake_telegram.world import World

__all__ = ["SECRET_HEADER", "Webhook"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
RETRY_PAUSE = 0.2


@dataclass
class Webhook:
    """The webhook set by the bot, if any, and what was delivered to it."""

    url: str = ""
    secret: str | None = None
    deliveries: list[tuple[int, int]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    async def set(self, world: World, url: str, secret: str | None) -> None:
        """Deliver the world's updates to ``url`` from now on ("" stops)."""
        await self.stop()
        self.url, self.secret = url, secret
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
        async with ClientSession() as client:
            while not world.closing:
                if not world.updates:
                    await world.signal.wait(1.0)
                    continue
                update = world.updates[0]
                try:
                    async with client.post(
                        self.url, data=json.dumps(update.to_json()), headers=headers
                    ) as response:
                        status = response.status
                except ClientError:
                    status = 0
                self.deliveries.append((update.update_id, status))
                if 200 <= status < 300:
                    world.confirm(update.update_id + 1)
                else:
                    await asyncio.sleep(RETRY_PAUSE)
