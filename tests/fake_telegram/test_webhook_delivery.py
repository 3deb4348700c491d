"""The stand-in delivers updates by webhook, with the secret token, as Telegram does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from tidtam.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-TOKEN"


@asynccontextmanager
async def serving(
    hook: Callable[[web.Request], Awaitable[web.Response]],
) -> AsyncIterator[str]:
    """A bot's webhook endpoint on a free port; yields its URL."""
    server = web.Application()
    server.router.add_post("/hook", hook)
    runner = web.AppRunner(server)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    finally:
        await runner.cleanup()


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=TOKEN) as running:
        yield running


async def test_updates_are_posted_in_order_with_the_secret_and_retried(
    standin: FakeTelegram,
) -> None:
    received: list[tuple[int, str | None]] = []
    fail_first = [True]

    async def hook(request: web.Request) -> web.Response:
        if fail_first[0]:
            fail_first[0] = False
            return web.Response(status=500)  # Telegram tries again
        body = json.loads(await request.read())
        received.append((body["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=200)

    async with serving(hook) as url, Bot(TOKEN, base_url=standin.api_url) as bot:
        assert await bot.set_webhook(url, secret_token="abc_DEF-1")
        assert (await bot.get_webhook_info()).url == url
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        user = standin.user(first_name="สมศรี")
        for text in ("หนึ่ง", "สอง", "สาม"):
            await user.send(text)
        for _ in range(100):
            if len(received) == 3:
                break
            await asyncio.sleep(0.05)
        ids = [update_id for update_id, _ in received]
        assert ids == sorted(ids) and len(ids) == 3
        assert {secret for _, secret in received} == {"abc_DEF-1"}
        assert standin.webhook_deliveries[0][1] == 500
        assert await bot.delete_webhook()
        assert standin.webhook_url == ""
        assert await bot.get_updates(timeout=0) == ()


async def test_many_chats_at_once_but_each_chat_in_order(standin: FakeTelegram) -> None:
    # Telegram posts up to max_connections updates at once, one chat's one at a time
    in_flight: dict[int, int] = {}
    most_at_once = [0]
    seen: dict[int, list[int]] = {}

    async def hook(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        chat = body["message"]["chat"]["id"]
        in_flight[chat] = in_flight.get(chat, 0) + 1
        assert in_flight[chat] == 1, "two updates of one chat at once"
        most_at_once[0] = max(most_at_once[0], sum(in_flight.values()))
        await asyncio.sleep(0.02)  # a slow bot: the next of this chat must wait
        seen.setdefault(chat, []).append(body["update_id"])
        in_flight[chat] -= 1
        return web.Response(status=200)

    async with serving(hook) as url, Bot(TOKEN, base_url=standin.api_url) as bot:
        assert await bot.set_webhook(url, max_connections=5)
        people = [standin.user(first_name=f"ครู{n}") for n in range(8)]
        for round_ in range(3):
            for person in people:
                await person.send(f"ข้อความ {round_}")
        for _ in range(200):
            if sum(len(ids) for ids in seen.values()) == 24:
                break
            await asyncio.sleep(0.02)
        assert sum(len(ids) for ids in seen.values()) == 24
        assert all(ids == sorted(ids) and len(ids) == 3 for ids in seen.values())
        assert 1 < most_at_once[0] <= 5  # at once, within max_connections
        assert standin.world.updates == []


async def test_a_second_copy_setting_the_same_webhook_cuts_nothing_off(
    standin: FakeTelegram,
) -> None:
    received: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        await asyncio.sleep(0.3)  # still being posted when the second copy starts
        received.append(body["update_id"])
        return web.Response(status=200)

    async with serving(hook) as url, Bot(TOKEN, base_url=standin.api_url) as bot:
        assert await bot.set_webhook(url, secret_token="s")
        await standin.user(first_name="สมศรี").send("หนึ่ง")
        await asyncio.sleep(0.1)
        assert await bot.set_webhook(url, secret_token="s")  # the second copy
        await asyncio.sleep(0.8)
        assert len(received) == 1  # posted once, not cut off and posted again
        assert [status for _, status in standin.webhook_deliveries] == [200]
