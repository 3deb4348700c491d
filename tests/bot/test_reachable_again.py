"""A person who blocked the bot is reachable again as soon as they write to it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from telegram import Bot
from telegram.ext import Application

from bot.reminder_sender import TelegramSender
from reminders.policy import UnitFacts
from reminders.sweep import SweepReport, sweep
from reminders.world import build_world
from storage.db import transaction
from storage.members import mark_unreachable
from storage.models import Member, Round
from storage.reminder_queries import load_reminder_rows
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram

from .conftest import TOKEN, Province
from .scripted import wait_for
from .test_inputs import registered

SCHOOL = "1067010001"  # under PBN-ESA1


async def swept(standin: FakeTelegram, province: Province, at: datetime) -> SweepReport:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as plain:
        return await sweep(province.sessions, TelegramSender(plain), at)


async def school_as_the_policy_sees_it(province: Province) -> UnitFacts:
    async with transaction(province.sessions) as session:
        round_ = await session.scalar(select(Round).where(Round.id == province.round.id))
        assert round_ is not None
        await session.refresh(round_, ["form_version"])
        world = build_world(await load_reminder_rows(session, round_))
    [school] = [u for u in world.units if u.code == SCHOOL]
    return school


async def reachable(province: Province, user_id: int) -> list[bool]:
    async with province.sessions() as session:
        found = await session.scalars(
            select(Member.reachable).where(Member.telegram_user_id == user_id)
        )
        return list(found.all())


async def test_blocked_then_writing_again_counts_as_reachable_in_the_next_escalation(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    teacher = await registered(standin, province, unit=SCHOOL)
    zone = province.settings.tz
    deadline_day = (province.round.deadline - timedelta(microseconds=1)).astimezone(zone).date()

    teacher.block()
    week_before = datetime.combine(deadline_day - timedelta(days=7), time(10), zone)
    reminded = await swept(standin, province, week_before)
    assert reminded.unreachable == 1 and reminded.sent == 0
    assert await reachable(province, teacher.id) == [False]
    assert not (await school_as_the_policy_sees_it(province)).reachable

    teacher.unblock()
    await teacher.send("/report")
    await wait_for(teacher, "ตอบแล้ว")
    assert await reachable(province, teacher.id) == [True]
    assert (await school_as_the_policy_sees_it(province)).reachable

    day_after = datetime.combine(deadline_day + timedelta(days=1), time(10), zone)
    escalated = await swept(standin, province, day_after)
    assert escalated.by_kind["supervisor"] == 1
    to_supervisor = await wait_for(supervisor, "แจ้งหน่วยงานต้นสังกัด")
    [line] = [x for x in to_supervisor.text.splitlines() if f"({SCHOOL})" in x]
    assert line.endswith("— ยังไม่เริ่ม") and "ติดต่อไม่ได้" not in line


async def test_restarting_or_any_command_after_a_block_counts_as_writing(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    teacher = await registered(standin, province, unit=SCHOOL)
    async with transaction(province.sessions) as session:  # as a sweep leaves it
        member = await session.scalar(select(Member).where(Member.telegram_user_id == teacher.id))
        assert member is not None
        member.reachable = False
    await teacher.send("/start")  # Telegram's "Restart" button after unblocking
    assert "ลงทะเบียน" in (await teacher.wait_reply()).text
    assert await reachable(province, teacher.id) == [True]
    async with transaction(province.sessions) as session:
        member = await session.scalar(select(Member).where(Member.telegram_user_id == teacher.id))
        assert member is not None
        member.reachable = False
    await teacher.send("/help")
    await teacher.wait_reply()
    assert await reachable(province, teacher.id) == [True]
    async with transaction(province.sessions) as session:
        await mark_unreachable(session, [teacher.id], datetime.now(UTC))
    await teacher.send("/pending")
    await teacher.wait_reply()
    assert await reachable(province, teacher.id) == [True]
