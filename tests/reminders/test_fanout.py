"""A fan-out to 5,000 people through a stand-in that enforces Telegram's limits."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.sender import PacedSender, standalone_bot
from reminders.sweep import SweepReport, sweep
from storage.db import transaction
from storage.models import Member, ReminderLedger, Role, Unit
from tidtam.samples import seed_sample_province
from tidtam.standin import StandIn
from tidtam.standin.limits import LimitConfig

from .test_sweep import DEADLINE, TOKEN, at

PEOPLE = 5000


async def fan_out(
    sessions: async_sessionmaker[AsyncSession], people: int, limits: LimitConfig, per_second: float
) -> tuple[SweepReport, SweepReport, Counter[int], int, int]:
    """Sweep a round whose ``people`` reporters are all due a reminder, twice."""
    async with transaction(sessions) as session:
        await seed_sample_province(session, opens_at=at(1), deadline=DEADLINE)
        schools = (await session.scalars(select(Unit.id).where(Unit.kind == "school"))).all()
        await session.execute(
            insert(Member),
            [
                {
                    "telegram_user_id": 100_000 + n,
                    "unit_id": schools[n % len(schools)],
                    "role": Role.REPORTER.value,
                    "display_name": f"ครู {n}",
                }
                for n in range(people)
            ],
        )
    async with StandIn.start(token=TOKEN, enforce_limits=True, limits=limits) as standin:
        for n in range(people):
            standin.user(id=100_000 + n).chat.started = True
        async with standalone_bot(TOKEN, standin.api_url, standin.file_url) as bot:
            sender = PacedSender(bot, per_second=per_second, in_flight=32)
            report = await sweep(sessions, sender, at(24))
            again = await sweep(sessions, sender, at(24))
        delivered = Counter(standin.stats.sent_per_chat)
        return report, again, delivered, standin.stats.rate_limited, sender.rate_limited


async def test_five_thousand_reminders_none_lost_none_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    report, again, delivered, _, _ = await fan_out(
        sessions, PEOPLE, LimitConfig(global_per_second=150), per_second=140
    )
    assert report.sent == PEOPLE and report.failed == 0
    assert again.sent == 0
    assert len(delivered) == PEOPLE and set(delivered.values()) == {1}
    async with sessions() as session:
        statuses = Counter((await session.scalars(select(ReminderLedger.status))).all())
    assert statuses == {"sent": PEOPLE}


async def test_past_the_limits_429s_are_honoured_and_nothing_is_lost(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    people = 300
    report, again, delivered, refused, retried = await fan_out(
        sessions,
        people,
        LimitConfig(global_per_second=20),
        per_second=60,  # too fast
    )
    assert refused > 0 and retried == refused  # Telegram said 429; each was waited out
    assert report.sent == people and report.failed == 0 and again.sent == 0
    assert len(delivered) == people and set(delivered.values()) == {1}
