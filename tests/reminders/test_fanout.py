"""A fan-out to thousands (`tidtam reminders run`) through a stand-in with Telegram's limits."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ratelimit import FloodLimiter, Limits
from bot.reminder_sender import TelegramSender, standalone_bot
from reminders.sweep import SweepReport, sweep
from storage.db import transaction
from storage.models import ReminderLedger
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.limits import LimitConfig
from tidtam.samples import seed_sample_province

from ..reporters import add_school_reporters
from .test_sweep import DEADLINE, TOKEN, at

PEOPLE = 2000


async def add_reporters(sessions: async_sessionmaker[AsyncSession], people: int) -> None:
    """The sample province, and ``people`` reporters spread over its schools."""
    async with transaction(sessions) as session:
        await seed_sample_province(session, opens_at=at(1), deadline=DEADLINE)
        await add_school_reporters(session, people, first_user_id=100_000)


async def fan_out(
    sessions: async_sessionmaker[AsyncSession], people: int, telegram: LimitConfig, ours: Limits
) -> tuple[SweepReport, SweepReport, Counter[int], int, int]:
    """Sweep a round whose ``people`` reporters are all due a reminder, twice."""
    await add_reporters(sessions, people)
    async with FakeTelegram.start(token=TOKEN, enforce_limits=True, limits=telegram) as standin:
        for n in range(people):
            standin.user(id=100_000 + n).chat.started = True
        async with standalone_bot(TOKEN, standin.api_url, standin.file_url, limits=ours) as bot:
            sender = TelegramSender(bot)
            report = await sweep(sessions, sender, at(24))
            again = await sweep(sessions, sender, at(24))
        assert isinstance(bot.rate_limiter, FloodLimiter)
        delivered = Counter(standin.stats.sent_per_chat)
        return report, again, delivered, standin.stats.rate_limited, bot.rate_limiter.rate_limited


@pytest.mark.slow
async def test_two_thousand_reminders_at_the_limit_no_429_none_lost_none_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Telegram's limits five times over, and the limiter keeps exactly the same number.
    report, again, delivered, refused, _ = await fan_out(
        sessions, PEOPLE, LimitConfig(global_per_second=150), Limits(overall=150)
    )
    assert refused == 0
    assert report.sent == PEOPLE and report.failed == 0
    assert again.sent == 0
    assert len(delivered) == PEOPLE and set(delivered.values()) == {1}
    async with sessions() as session:
        statuses = Counter((await session.scalars(select(ReminderLedger.status))).all())
    assert statuses == {"sent": PEOPLE}


async def test_past_the_limits_429s_are_honoured_and_nothing_is_lost(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    people = 150
    report, again, delivered, refused, retried = await fan_out(
        sessions,
        people,
        LimitConfig(global_per_second=20),
        Limits(overall=25),  # the limiter believes Telegram allows more than it does
    )
    assert refused > 0 and retried == refused  # Telegram said 429; each was waited out
    assert report.sent + again.sent == people
    assert len(delivered) == people and set(delivered.values()) == {1}
