"""Reminders and replies share one rate limiter: a big fan-out, and a person answering.

The stand-in enforces Telegram's limits, scaled up five times so that thousands of
reminders take seconds; the bot's limiter keeps exactly the same numbers.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application
from bot.context import Deps
from bot.ratelimit import FloodLimiter, Limits
from bot.reminder_sender import TelegramSender
from bot.runner import polling
from bot.scheduling import SENDER_KEY, schedule
from flows.form_loader import load_form_file
from reminders.sweep import sweep
from storage.db import transaction
from storage.files import FileStore
from storage.models import ReminderLedger
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage
from tidtam.fake_telegram.limits import LimitConfig
from tidtam.settings import Settings

from ..reporters import add_school_reporters
from .conftest import SAMPLES, TOKEN, Province
from .scripted import Reporter
from .test_inputs import first_question, registered

FORM = load_form_file(SAMPLES / "form.yaml")
PEOPLE = 3000
TELEGRAM = LimitConfig(global_per_second=150)  # and a burst of 5 then 1 a second per chat
OURS = Limits(overall=150)
BELL = "🔔"  # a unit reminder's first character


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=TOKEN, enforce_limits=True, limits=TELEGRAM) as running:
        yield running


@pytest.fixture
async def limited_bot(province: Province, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The bot as ``tidtam run`` builds it (rate limiter and scheduler), polling."""
    dependencies = Deps(settings, province.sessions, FileStore(settings.files_dir))
    application = build_application(dependencies, limits=OURS)
    schedule(application, interval=timedelta(days=1))  # its first wake-up: after the test
    async with polling(application, poll_timeout=timedelta(seconds=1)) as running:
        yield running


@dataclass
class TimedReporter(Reporter):
    """A reporter who skips the reminders and times every answer the bot gives."""

    waits: list[float] = field(default_factory=list)

    async def next_question(self) -> BotMessage:
        asked = time.monotonic()
        while True:
            message = await self.user.wait_reply(timeout=10)
            if message.text.startswith(BELL) or (message.is_edit and not message.buttons):
                continue
            self.waits.append(time.monotonic() - asked)
            return message


async def add_reporters(province: Province, standin: FakeTelegram) -> datetime:
    """``PEOPLE`` reporters over the schools, chats started; when their reminder is due."""
    async with transaction(province.sessions) as session:
        await add_school_reporters(session, PEOPLE, first_user_id=500_000)
    for n in range(PEOPLE):
        standin.user(id=500_000 + n).chat.started = True
    zone = province.settings.tz
    deadline_day = province.round.deadline.astimezone(zone).date()
    return datetime.combine(deadline_day - timedelta(days=7), datetime.min.time(), zone).replace(
        hour=10
    )  # the d-7 reminder is due


@pytest.mark.slow
async def test_a_fan_out_at_the_limit_while_a_person_answers(
    limited_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    teacher = await registered(standin, province)
    first = await first_question(teacher)
    due_at = await add_reporters(province, standin)
    sender = limited_bot.bot_data[SENDER_KEY]
    assert isinstance(sender, TelegramSender)
    fan_out = asyncio.create_task(sweep(province.sessions, sender, due_at))
    while standin.stats.total_sent < 300:  # noqa: ASYNC110 (under way)
        await asyncio.sleep(0.05)

    reporter = TimedReporter(teacher, FORM)
    end = await reporter.answer_all(first)
    answered_during = not fan_out.done()
    report = await fan_out

    assert "ตอบครบทุกข้อแล้ว" in end.text
    assert answered_during, "the person should have answered while the reminders went out"
    assert len(reporter.waits) >= len(reporter.asked) >= 30
    assert max(reporter.waits) < 2.0, sorted(reporter.waits)[-5:]
    limiter = limited_bot.bot.rate_limiter
    assert isinstance(limiter, FloodLimiter) and limiter.rate_limited == 0
    assert standin.stats.rate_limited == 0
    assert report.sent == PEOPLE + 1 and report.failed == 0  # the teacher is reminded too
    people = range(500_000, 500_000 + PEOPLE)
    reminded = Counter(d.chat_id for d in standin.stats.deliveries if d.chat_id in people)
    assert reminded == dict.fromkeys(people, 1)
    async with province.sessions() as session:
        statuses = Counter((await session.scalars(select(ReminderLedger.status))).all())
    assert statuses == {"sent": PEOPLE + 1}
