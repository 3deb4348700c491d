"""Updates by webhook, from the stand-in: the secret token, and two copies of the bot."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.app import build_application
from bot.context import Deps
from bot.webhook import SECRET_HEADER, webhook
from flows.form_loader import load_form_file
from storage.db import create_engine, session_factory
from storage.files import FileStore
from storage.models import Answer, AuditEvent, Member
from tidtam.fake_telegram import FakeTelegram
from tidtam.settings import Settings

from .conftest import SAMPLES, TOKEN, Province
from .scripted import Reporter, wait_for
from .test_inputs import first_question

FORM = load_form_file(SAMPLES / "form.yaml")
SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(standin: FakeTelegram, tmp_path: Path) -> Settings:
    return Settings(
        bot_token=SecretStr(TOKEN),
        bot_username="tidtam_test_bot",
        data_dir=tmp_path / "data",
        telegram_api_url=standin.api_url,
        telegram_file_url=standin.file_url,
        webhook_secret=SecretStr(SECRET),
    )


@asynccontextmanager
async def webhook_copy(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, url: str, port: int
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """One copy of the bot taking updates by webhook on ``port``."""
    dependencies = Deps(settings, sessions, FileStore(settings.files_dir))
    application = build_application(dependencies, rate_limit=False)
    async with webhook(application, url=url, secret=SECRET, port=port):
        yield application


async def test_a_wrong_secret_token_is_refused(
    province: Province, standin: FakeTelegram, tmp_path: Path
) -> None:
    settings = webhook_settings(standin, tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with webhook_copy(province.sessions, settings, url, port):
        assert standin.webhook_url == url and standin.webhook_secret == SECRET
        teacher = standin.user(first_name="สมศรี")
        await teacher.send(f"/start {await province.invite('1067010001')}")
        assert "ลงทะเบียนเรียบร้อย" in (await teacher.wait_reply()).text
        assert all(status == 200 for _, status in standin.webhook_deliveries)

        forged = {
            "update_id": 999_999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 4242, "type": "private"},
                "from": {"id": 4242, "is_bot": False, "first_name": "ปลอม"},
                "text": f"/start {await province.invite('1067010002')}",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        async with aiohttp.ClientSession() as client:
            as_json = {"Content-Type": "application/json"}
            for token in ({SECRET_HEADER: "wrong"}, {}, {SECRET_HEADER: SECRET + "x"}):
                headers = {**token, **as_json}
                async with client.post(url, data=json.dumps(forged), headers=headers) as answer:
                    assert answer.status == 403
            headers = {SECRET_HEADER: SECRET, **as_json}
            async with client.post(url, data="{not json", headers=headers) as bad:
                assert bad.status >= 400  # python-telegram-bot's server: never taken
        await teacher.send("/help")
        await wait_for(teacher, "คำสั่ง")  # the real updates still flow
        async with province.sessions() as session:
            forger = await session.scalar(select(Member).where(Member.telegram_user_id == 4242))
        assert forger is None
    assert standin.unknown_methods == []


class Proxy:
    """A reverse proxy that hands each request to the next copy in turn.

    ``duplicate``: also hand it to the other copy (a retry that reached both copies).
    """

    def __init__(self, targets: list[str]) -> None:
        self.targets = targets
        self.turn = 0
        self.duplicate = False
        self.handled = [0] * len(targets)

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {
            name: request.headers.get(name, "") for name in (SECRET_HEADER, "Content-Type")
        }
        first = self.turn % len(self.targets)
        self.turn += 1
        order = [first, (first + 1) % len(self.targets)] if self.duplicate else [first]
        status = 502
        async with aiohttp.ClientSession() as client:
            for index in order:
                async with client.post(self.targets[index], data=body, headers=headers) as r:
                    status = r.status if index == first else status
                    self.handled[index] += 1
        return web.Response(status=status)


async def test_two_webhook_copies_take_one_persons_updates_in_turn(
    province: Province, standin: FakeTelegram, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two processes of the bot share a PostgreSQL database")
    settings = webhook_settings(standin, tmp_path)
    ports = [free_port(), free_port()]
    targets = [f"http://127.0.0.1:{p}/telegram" for p in ports]
    proxy = Proxy(targets)
    server = web.Application()
    server.router.add_post("/telegram", proxy.forward)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    proxy_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", proxy_port).start()
    public = f"http://127.0.0.1:{proxy_port}/telegram"
    other_engine = create_engine(database_url)  # the second copy: its own pool, like a process
    try:
        async with AsyncExitStack() as copies:
            await copies.enter_async_context(
                webhook_copy(province.sessions, settings, public, ports[0])
            )
            await copies.enter_async_context(
                webhook_copy(session_factory(other_engine), settings, public, ports[1])
            )
            teacher = standin.user(first_name="สมศรี")
            await teacher.send(f"/start {await province.invite('1067010001')}")
            assert "ลงทะเบียนเรียบร้อย" in (await teacher.wait_reply()).text
            proxy.duplicate = True  # from now on every update reaches both copies
            reporter = Reporter(teacher, FORM)
            end = await reporter.answer_all(await first_question(teacher))
            assert "ตอบครบทุกข้อแล้ว" in end.text
    finally:
        await other_engine.dispose()
        await runner.cleanup()
    assert proxy.handled[0] > 5 and proxy.handled[1] > 5  # both copies took updates
    async with province.sessions() as session:
        answers = await session.scalar(select(func.count(Answer.id)))
        saves = await session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "answer.save")
        )
    assert (answers, saves) == (len(reporter.asked), len(reporter.asked)), reporter.asked
    assert standin.unknown_methods == []
