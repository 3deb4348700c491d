"""Every button and command argument is checked against what it claims.

A round chosen by a button must be open and ask the person's unit; ids that do not
exist or do not fit an integer are answered like a stale button, never with a
database error; /status shows the newest round open now, never one scheduled later.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from telegram.ext import Application

from bot.i18n import t
from storage.db import transaction
from storage.models import Member, Round, Submission
from storage.rounds import open_round
from tidtam.core.vocabulary import Certify, Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import DriverUser
from tidtam.fake_telegram.views import CallbackPress

from .conftest import Province
from .test_inputs import registered


async def other_round(
    province: Province, *, opens_in: timedelta, period: str, kinds: list[str] | None = None
) -> int:
    now = datetime.now(UTC)
    async with transaction(province.sessions) as session:
        form = (await session.scalars(select(Round))).first()
        assert form is not None
        await session.refresh(form, ["form_version"])
        round_ = await open_round(
            session,
            form=form.form_version,
            period=period,
            opens_at=now + opens_in,
            deadline=now + opens_in + timedelta(days=30),
            kinds=kinds,
            certify=Certify.HEAD,
        )
        return round_.id


async def forge(standin: FakeTelegram, user: DriverUser, data: str) -> CallbackPress:
    """Press a button with ``data`` on the person's last message from the bot."""
    last = user.last_message
    assert last is not None
    stored = user.chat.messages[last.message_id]
    press = CallbackPress(standin.world.press(user.user, user.chat, stored, data))
    for _ in range(200):
        if press.answered:
            return press
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot never answered the press {data!r}")


async def test_a_forged_round_button_writes_nothing(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    later = await other_round(province, opens_in=timedelta(days=10), period="2570-Q3")
    elsewhere = await other_round(
        province, opens_in=-timedelta(days=1), period="2570-Q2", kinds=["province"]
    )
    teacher = await registered(standin, province)
    async with province.sessions() as session:
        member_id = await session.scalar(
            select(Member.id).where(Member.telegram_user_id == teacher.id)
        )
    for data in (
        f"r.{member_id}.{later}",  # not open yet
        f"r.{member_id}.{elsewhere}",  # open, but not for schools
        f"r.{member_id}.99999999999",  # does not fit an integer
        f"r.{member_id}.²",
        "c.99999999999.a",
        "c.12345.a",  # no such submission
        "s.12345.u",
        "q.12345.0.p",
        "q.-1.0.p",
    ):
        press = await forge(standin, teacher, data)
        note = press.answer_text or ""
        stale = t("th", "report.stale").rstrip(":")
        assert note in (stale, t("th", "certify.gone")), (data, note)  # stale, or gone
    async with province.sessions() as session:
        made = await session.scalar(select(func.count()).select_from(Submission))
    assert made == 0
    await teacher.expect_no_reply()  # no error message either


async def test_status_arguments_that_name_no_round(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    later = await other_round(province, opens_in=timedelta(days=10), period="2570-Q3")
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    for command in ("/status ²", "/status 99999999999", f"/status {later}", "/overdue ๓"):
        await officer.send(command)
        reply = (await officer.wait_reply(timeout=20)).text
        assert reply.startswith("ขออภัย ไม่พบรอบการรายงาน"), (command, reply)


async def test_the_default_round_is_one_open_now(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    await other_round(province, opens_in=timedelta(days=10), period="2570-Q3")
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    await officer.send("/status")
    await officer.wait_reply(timeout=20)  # the chart
    text = (await officer.wait_reply(timeout=20)).text
    assert "ปีงบประมาณ พ.ศ. 2567" in text and "2570" not in text
    await officer.send("/overdue")
    late = (await officer.wait_reply(timeout=20)).text
    assert "ยังไม่ส่งรายงาน" in late
