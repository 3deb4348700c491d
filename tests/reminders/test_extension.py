"""Extending a deadline mid-round, through the sweep and the stand-in, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import AuditEvent, Round
from tests.reminders import test_sweep
from tests.reminders.test_sweep import BKK, at, received, run_sweep
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.samples import seed_sample_province
from tidtam.services import rounds

NEW_DEADLINE = datetime(2024, 4, 7, 23, 59, 59, tzinfo=BKK)


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=test_sweep.TOKEN) as running:
        yield running


@pytest.fixture
async def scenario(
    sessions: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> async_sessionmaker[AsyncSession]:
    """The sweep tests' province: reporters 1001 (reachable) and 1002 (blocked the bot),
    supervisor 2001 of their agency, officer 3001; deadline 31 Mar 2024."""
    async with transaction(sessions) as session:
        await seed_sample_province(session, opens_at=at(1), deadline=test_sweep.DEADLINE)
    for code, role, user_id in (
        ("1067010001", Role.REPORTER, 1001),
        ("1067010002", Role.REPORTER, 1002),
        ("PBN-ESA1", Role.SUPERVISOR, 2001),
        ("PBN", Role.OFFICER, 3001),
    ):
        await test_sweep.add_member(sessions, code, role, user_id)
        test_sweep.person(standin, user_id)
    standin.user(id=1002).block()
    return sessions


async def _round_id(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        round_ = await session.scalar(select(Round))
        assert round_ is not None
        return round_.id


async def test_extend_after_the_first_reminder(
    scenario: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> None:
    first = await run_sweep(scenario, standin, at(24))
    assert first.by_kind["unit"] == 1
    round_id = await _round_id(scenario)

    change = await rounds.extend(scenario, round_id, NEW_DEADLINE, now=at(25, hour=10))
    assert change.outcome is rounds.Outcome.DONE and change.extensions == 1

    notice = await run_sweep(scenario, standin, at(25, hour=11))
    assert notice.by_kind == {"extension": 1}  # 1002 blocked the bot, 1001 is told
    [_, told] = received(standin, 1001)
    assert "ขยายกำหนดส่ง" in told and "7 เม.ย. 2567" in told
    assert (await run_sweep(scenario, standin, at(25, hour=12))).sent == 0  # told once

    # The new d-7 (31 Mar) is the step already sent: never repeated.
    assert (await run_sweep(scenario, standin, at(31))).sent == 0
    # The old escalation day passes without escalation: nothing is overdue.
    assert (await run_sweep(scenario, standin, at(1, month=4))).sent == 0
    assert received(standin, 2001) == []
    d3 = await run_sweep(scenario, standin, at(4, month=4))
    assert d3.by_kind == {"unit": 1}
    assert "7 เม.ย. 2567" in received(standin, 1001)[-1]
    # The escalation moved to the day after the new deadline.
    moved = await run_sweep(scenario, standin, at(8, month=4))
    assert moved.by_kind["supervisor"] == 1
    assert len(received(standin, 2001)) == 1
    async with scenario() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert "rounds.extend" in actions


async def test_extend_after_the_escalation_escalates_again_after_the_new_deadline(
    scenario: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> None:
    await run_sweep(scenario, standin, at(24))
    assert (await run_sweep(scenario, standin, at(1, month=4))).by_kind["supervisor"] == 1
    round_id = await _round_id(scenario)
    await rounds.extend(scenario, round_id, NEW_DEADLINE, now=at(1, month=4, hour=12))
    told = await run_sweep(scenario, standin, at(1, month=4, hour=13))
    assert told.by_kind == {"extension": 1}
    # Reminders superseded by the old deadline apply again under the new one.
    assert (await run_sweep(scenario, standin, at(4, month=4))).by_kind == {"unit": 1}
    assert (await run_sweep(scenario, standin, at(8, month=4))).by_kind["supervisor"] == 1
    assert len(received(standin, 2001)) == 2


async def test_a_closed_round_sends_nothing_until_reopened(
    scenario: async_sessionmaker[AsyncSession], standin: FakeTelegram
) -> None:
    round_id = await _round_id(scenario)
    closed = await rounds.close(scenario, round_id, now=at(20))
    assert closed.outcome is rounds.Outcome.DONE
    assert (await run_sweep(scenario, standin, at(24))).sent == 0
    assert (await rounds.reopen(scenario, round_id)).outcome is rounds.Outcome.DONE
    assert (await run_sweep(scenario, standin, at(24, hour=10))).by_kind["unit"] == 1
