"""End-to-end fixtures: the real Application talking HTTP to the Bot API stand-in.

A test gets a province (the sample units and form, a round open), the stand-in with
its people (``standin.user(...)``), and the bot polling it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.app import build_application
from bot.context import Deps
from bot.runner import polling
from storage.db import transaction
from storage.files import FileStore
from storage.invites import create_invites
from storage.models import Round
from storage.units import unit_by_code
from tests.provinces import open_sample_round
from tidtam.core.vocabulary import Certify, Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.settings import Settings

TOKEN = "123456:TEST-TOKEN"
SAMPLES = Path(__file__).resolve().parents[2] / "tidtam" / "samples"


@dataclass
class Province:
    sessions: async_sessionmaker[AsyncSession]
    round: Round
    settings: Settings

    async def invite(self, unit_code: str, role: Role = Role.REPORTER) -> str:
        async with transaction(self.sessions) as session:
            unit = await unit_by_code(session, unit_code)
            assert unit is not None, unit_code
            [issued] = await create_invites(
                session, [unit], role, now=datetime.now(UTC), valid_for=timedelta(days=60)
            )
        return issued.code


async def seed_province(
    sessions: async_sessionmaker[AsyncSession], *, certify: Certify = Certify.HEAD
) -> Round:
    """The sample province and form, and a round open for esa offices and schools."""
    return await open_sample_round(sessions, certify=certify)


@asynccontextmanager
async def bot_on(province: Province, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The real bot polling the stand-in, on ``province``'s database."""
    dependencies = Deps(settings, province.sessions, FileStore(settings.files_dir))
    application = build_application(dependencies, rate_limit=False)
    async with polling(application, poll_timeout=timedelta(seconds=1)) as running:
        yield running


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=TOKEN) as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, standin: FakeTelegram) -> Settings:
    return Settings(
        bot_token=SecretStr(TOKEN),
        bot_username="tidtam_test_bot",
        data_dir=tmp_path / "data",
        telegram_api_url=standin.api_url,
        telegram_file_url=standin.file_url,
    )


@pytest.fixture
async def province(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> Province:
    return Province(sessions, await seed_province(sessions), settings)


StartBot = Callable[[], Awaitable[Application]]  # type: ignore[type-arg]


@pytest.fixture
async def bot(
    province: Province, settings: Settings, standin: FakeTelegram
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The bot, polling the stand-in, on the province's database."""
    async with bot_on(province, settings) as running:
        yield running
    assert standin.unknown_methods == []
