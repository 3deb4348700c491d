"""The sweep: due messages sent once, none skipped, through the stand-in, on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Bot

from bot.ratelimit import Limits
from bot.reminder_sender import TelegramSender, standalone_bot
from reminders.sweep import STALE_CLAIM, sweep
from storage.db import create_engine, session_factory, transaction
from storage.models import Member, ReminderLedger, Round
from storage.units import unit_by_code
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import DriverUser
from tidtam.samples import seed_sample_province

BKK = ZoneInfo("Asia/Bangkok")
TOKEN = "123456:TEST-TOKEN"
DEADLINE = datetime(2024, 3, 31, 23, 59, 59, tzinfo=BKK)


def at(day: int, month: int = 3, hour: int = 9) -> datetime:
    return datetime(2024, month, day, hour, 0, tzinfo=BKK)


async def add_member(
    sessions: async_sessionmaker[AsyncSession], unit_code: str, role: Role, user_id: int
) -> None:
    async with transaction(sessions) as session:
        unit = await unit_by_code(session, unit_code)
        assert unit is not None
        session.add(
            Member(
                telegram_user_id=user_id,
                unit_id=unit.id,
                role=role.value,
                display_name=f"user {user_id}",
            )
        )


def person(standin: FakeTelegram, user_id: int) -> DriverUser:
    user = standin.user(id=user_id, first_name=f"คน{user_id}")
    user.chat.started = True
    return user


@pytest.fixture
async def standin() -> FakeTelegram:
    async with FakeTelegram.start(token=TOKEN) as running:
        yield running  # type: ignore[misc]


@pytest.fixture
async def scenario(
    sessions: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> async_sessionmaker[AsyncSession]:
    async with transaction(sessions) as session:
        await seed_sample_province(session, opens_at=at(1), deadline=DEADLINE)
    await add_member(sessions, "1067010001", Role.REPORTER, 1001)
    await add_member(sessions, "1067010002", Role.REPORTER, 1002)
    await add_member(sessions, "PBN-ESA1", Role.SUPERVISOR, 2001)
    await add_member(sessions, "PBN", Role.OFFICER, 3001)
    for user_id in (1001, 1002, 2001, 3001):
        person(standin, user_id)
    standin.user(id=1002).block()
    return sessions


async def run_sweep(
    sessions: async_sessionmaker[AsyncSession],
    standin: FakeTelegram,
    now: datetime,
    limits: Limits | None = None,
):  # type: ignore[no-untyped-def]
    async with standalone_bot(TOKEN, standin.api_url, standin.file_url, limits=limits) as bot:
        return await sweep(sessions, TelegramSender(bot), now)


def received(standin: FakeTelegram, user_id: int) -> list[str]:
    return [m.text for m in standin.user(id=user_id).messages if m.sender_id != user_id]


async def test_reminders_then_escalations_each_exactly_once(
    scenario: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> None:
    before = await run_sweep(scenario, standin, at(23))
    assert before.sent == 0 and before.by_kind == {}  # nothing is due before D-7 09:00

    first = await run_sweep(scenario, standin, at(24))
    assert first.by_kind["unit"] == 1 and first.unreachable == 1
    [reminder] = received(standin, 1001)
    assert "ยังไม่ได้ตอบ" in reminder and "ยุทธศาสตร์" in reminder
    async with scenario() as session:
        blocked = await session.scalar(select(Member).where(Member.telegram_user_id == 1002))
        assert blocked is not None and blocked.reachable is False

    again = await run_sweep(scenario, standin, at(24))
    assert again.sent == 0 and again.unreachable == 0
    assert len(received(standin, 1001)) == 1

    late = await run_sweep(scenario, standin, at(31, hour=10))  # d-3 and d-1 missed
    assert late.by_kind["unit"] == 1 and late.superseded >= 1
    assert len(received(standin, 1001)) == 2

    quiet = await run_sweep(scenario, standin, at(1, month=4, hour=6))
    assert quiet.sent == 0  # quiet hours until 07:00
    escalation = await run_sweep(scenario, standin, at(1, month=4))
    assert escalation.by_kind["supervisor"] == 1
    [to_supervisor] = received(standin, 2001)
    assert "โรงเรียนอนุบาลเพชรบูรณ์" in to_supervisor
    assert await run_sweep(scenario, standin, at(2, month=4)) is not None
    assert len(received(standin, 2001)) == 1

    officers = await run_sweep(scenario, standin, at(7, month=4))
    assert officers.by_kind["officer"] == 1
    assert len(received(standin, 3001)) >= 1
    assert all(len(received(standin, u)) == n for u, n in ((1001, 2), (2001, 1)))


class DyingBot(Bot):
    """A bot whose process is killed just before its ``dies_at``-th message.

    The kill comes once ``settled()`` says the messages before were recorded: between
    two sends, not in the instant between Telegram accepting one and its row being
    marked (which can repeat that one message, see :mod:`reminders.sweep`).
    """

    def __init__(
        self, *args: object, dies_at: int, settled: Callable[[], Awaitable[bool]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._calls = 0
        self._dies_at = dies_at
        self._settled = settled
        self._victim: asyncio.Task[object] | None = None

    async def send_message(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def, override]
        self._calls += 1
        if self._calls == self._dies_at:
            assert self._victim is not None
            while not await self._settled():  # noqa: ASYNC110 (a database, not an event)
                await asyncio.sleep(0.01)
            self._victim.cancel()  # the kill: nothing after this point runs
            await asyncio.sleep(3600)
        return await super().send_message(*args, **kwargs)  # type: ignore[arg-type]


async def test_a_kill_between_two_sends_neither_repeats_nor_skips(
    sessions: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> None:
    async with transaction(sessions) as session:
        await seed_sample_province(session, opens_at=at(1), deadline=DEADLINE)
    people = list(range(5001, 5021))
    for n, user_id in enumerate(people, start=1):
        await add_member(sessions, f"10670100{n:02d}", Role.REPORTER, user_id)
        person(standin, user_id)

    async def five_marked() -> bool:
        async with sessions() as session:
            marked = await session.scalar(
                select(func.count()).where(ReminderLedger.status == "sent")
            )
        return marked == 5

    bot = DyingBot(
        TOKEN,
        base_url=standin.api_url,
        base_file_url=standin.file_url,
        dies_at=6,
        settled=five_marked,
    )
    async with bot:
        task = asyncio.create_task(sweep(sessions, TelegramSender(bot, in_flight=1), at(24)))
        bot._victim = task  # type: ignore[assignment]
        with pytest.raises(asyncio.CancelledError):
            await task
    assert sum(bool(received(standin, u)) for u in people) == 5

    second = await run_sweep(sessions, standin, at(24))  # the restarted process
    assert second.sent == len(people) - 6  # the sixth is claimed: it waits for its claim to age
    third = await run_sweep(sessions, standin, at(24) + STALE_CLAIM + timedelta(minutes=1))
    assert third.sent == 1
    assert [len(received(standin, u)) for u in people] == [1] * len(people)
    async with sessions() as session:
        statuses = (await session.scalars(select(ReminderLedger.status))).all()
    assert statuses.count("sent") == len(people)


async def test_two_sweepers_at_once_send_each_message_once(
    database_url: str, engine: AsyncEngine, standin: FakeTelegram
) -> None:
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        await seed_sample_province(session, opens_at=at(1), deadline=DEADLINE)
    people = list(range(6001, 6031))
    for n, user_id in enumerate(people, start=1):
        await add_member(sessions, f"10670100{n:02d}", Role.REPORTER, user_id)
        person(standin, user_id)
    other = create_engine(database_url)
    try:
        await asyncio.gather(
            run_sweep(sessions, standin, at(24), Limits(overall=200)),
            run_sweep(session_factory(other), standin, at(24), Limits(overall=200)),
        )
    finally:
        await other.dispose()
    assert [len(received(standin, u)) for u in people] == [1] * len(people)
    async with sessions() as session:
        rows = await session.scalar(select(func.count(ReminderLedger.id)))
        round_ = await session.scalar(select(Round))
    assert rows == len(people) and round_ is not None
