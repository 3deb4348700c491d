"""bot.http.AiohttpRequest: PTB's Bot over aiohttp, against the stand-in over HTTP."""

from __future__ import annotations

import asyncio
import gc
import socket
import time
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.http import AiohttpRequest
from tests.bot.conftest import TOKEN
from tests.bot.test_inputs import png
from tidtam.fake_telegram import FakeTelegram


def aiohttp_bot(standin: FakeTelegram, *, read_timeout: float = 5.0) -> Bot:
    return Bot(
        TOKEN,
        base_url=standin.api_url,
        base_file_url=standin.file_url,
        request=AiohttpRequest(8, read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(1, read_timeout=read_timeout),
    )


@pytest.fixture
async def client(standin: FakeTelegram) -> AsyncIterator[Bot]:
    async with aiohttp_bot(standin) as bot:
        yield bot


async def test_send_message_arrives(standin: FakeTelegram, client: Bot) -> None:
    person = standin.user(id=2001)
    await person.send("/start")
    sent = await client.send_message(person.id, "<b>ยุทธศาสตร์</b> ข้อ 1/2", parse_mode="HTML")
    reply = await person.wait_reply()
    assert reply.text == "ยุทธศาสตร์ ข้อ 1/2"
    assert sent.message_id == reply.message_id
    assert sent.text == "ยุทธศาสตร์ ข้อ 1/2"
    [call] = standin.calls_to("sendMessage")
    assert call.params["chat_id"] == "2001"
    assert call.params["parse_mode"] == "HTML"


async def test_document_upload_and_download_are_intact(standin: FakeTelegram, client: Bot) -> None:
    person = standin.user(id=2002)
    await person.send("/start")
    data = bytes(range(256)) * 4000  # every byte value, about 1 MB
    name = 'รายงาน "ไตรมาส" 2.xlsx'
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sent = await client.send_document(
        person.id, data, filename=name, caption="สรุปผล", write_timeout=30
    )
    assert sent.document is not None
    stored = standin.world.files[sent.document.file_id]
    assert stored.data == data
    assert stored.file_name == "รายงาน %22ไตรมาส%22 2.xlsx"  # quotes escaped as httpx does
    assert stored.mime_type == mime
    assert sent.caption == "สรุปผล"
    file = await client.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == data


async def test_photo_upload_and_download_are_intact(standin: FakeTelegram, client: Bot) -> None:
    person = standin.user(id=2003)
    await person.send("/start")
    image = png(40, 30)
    sent = await client.send_photo(person.id, image, caption="ภาพกิจกรรม")
    [size] = sent.photo
    assert (size.width, size.height) == (40, 30)
    assert standin.world.files[size.file_id].data == image
    file = await client.get_file(size.file_id)
    assert bytes(await file.download_as_bytearray()) == image


async def test_429_becomes_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after warns otherwise
    async with FakeTelegram.start(token=TOKEN, enforce_limits=True) as standin:
        person = standin.user(id=2004)
        await person.send("/start")
        async with aiohttp_bot(standin) as bot:
            burst = standin.limiter.config.private_burst
            for number in range(burst):
                await bot.send_message(person.id, f"ข้อความ {number}")
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(person.id, "อีกหนึ่ง")
    retry_after = refused.value.retry_after
    assert isinstance(retry_after, timedelta)
    assert retry_after >= timedelta(seconds=1)
    assert standin.stats.rate_limited == 1


@pytest.fixture
async def silent_url() -> AsyncIterator[str]:
    """A base URL whose server reads requests and never answers."""

    async def never(request: web.Request) -> web.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", never)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    await runner.cleanup()


async def test_read_timeout_becomes_timed_out(silent_url: str) -> None:
    async with AiohttpRequest(2, read_timeout=0.3) as request:
        bot = Bot(TOKEN, base_url=silent_url, request=request)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.get_me()
        assert time.monotonic() - started < 3
    async with AiohttpRequest(2, read_timeout=30) as request:
        bot = Bot(TOKEN, base_url=silent_url, request=request)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(1, "สวัสดี", read_timeout=0.3)  # the call's own timeout
        assert time.monotonic() - started < 3


async def test_connection_refused_is_network_error_without_the_token() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest(2, connect_timeout=2) as request:
        bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
        with pytest.raises(NetworkError) as failed:
            await bot.get_me()
    assert not isinstance(failed.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in failed.value.message
    assert TOKEN.split(":")[1] not in failed.value.message


async def test_long_polling_outlasts_the_read_timeout(standin: FakeTelegram) -> None:
    async with aiohttp_bot(standin, read_timeout=0.5) as bot:
        started = time.monotonic()
        polling = timedelta(seconds=1.5)  # on top of the read timeout, 0.5 s
        assert await bot.get_updates(timeout=polling) == ()
        assert time.monotonic() - started >= 1.4

        person = standin.user(id=2005)

        async def write_later() -> None:
            await asyncio.sleep(0.5)
            await person.send("สวัสดีครับ")

        writing = asyncio.create_task(write_later())
        started = time.monotonic()
        [update] = await bot.get_updates(timeout=10)
        await writing
        assert 0.4 <= time.monotonic() - started < 5
        assert update.message is not None
        assert update.message.text == "สวัสดีครับ"


async def test_shutdown_closes_the_session(standin: FakeTelegram) -> None:
    bot = aiohttp_bot(standin)
    async with bot:
        await bot.get_me()
    with pytest.raises(NetworkError, match="not initialized"):
        await bot.get_me()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del bot
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_a_shut_down_request_opens_again(standin: FakeTelegram) -> None:
    request = AiohttpRequest(2)
    bot = Bot(TOKEN, base_url=standin.api_url, request=request)
    for _ in range(2):  # as the Application does on a restart
        async with bot:
            assert (await bot.get_me()).username == standin.bot_user.username


async def test_the_application_uses_it(
    standin: FakeTelegram,
    bot: Application,  # type: ignore[type-arg]
) -> None:
    assert isinstance(bot.bot.request, AiohttpRequest)
    person = standin.user(id=2006, first_name="สมชาย")
    await person.send("/help")
    assert (await person.wait_reply()).text
