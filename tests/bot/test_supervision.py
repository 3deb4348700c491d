"""Supervisors nudge their units; officers link the province group, which gets the digest."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from telegram import Bot
from telegram.ext import Application

from bot.reminder_sender import TelegramSender
from reminders.sweep import sweep
from storage.models import GroupLink
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram

from .conftest import TOKEN, Province
from .scripted import wait_for
from .test_inputs import registered


async def test_supervisor_reminds_its_units_once_a_day(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    teacher = await registered(standin, province, unit="1067010001")
    elsewhere = await registered(standin, province, unit="1067020001")  # under ESA 2
    await teacher.send("/remind")
    assert "สำหรับ" in (await teacher.wait_reply()).text  # reporters may not
    await supervisor.send("/remind")
    summary = await wait_for(supervisor, "แจ้งเตือนแล้ว")
    assert "แจ้งเตือนแล้ว 1 หน่วยงาน (1 คน)" in summary.text
    assert "ยังไม่ได้ตอบ" in (await teacher.wait_reply()).text
    await elsewhere.expect_no_reply(within=0.3)
    await supervisor.send("/remind")
    again = await wait_for(supervisor, "แจ้งเตือนแล้ว")
    assert "แจ้งเตือนแล้ว 0 หน่วยงาน" in again.text and "วันนี้แจ้งไปแล้ว 1" in again.text
    await teacher.expect_no_reply(within=0.3)


async def test_officer_links_the_group_which_gets_the_digest(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    teacher = await registered(standin, province, unit="1067010001")
    group = standin.group(title="ศธจ.เพชรบูรณ์ ติดตามแผน")
    await group.send(teacher, "/linkgroup")
    assert "สำหรับ" in (await group.wait_reply()).text
    await group.send(officer, "/linkgroup")
    assert "กลุ่มของจังหวัด" in (await group.wait_reply()).text

    new_id = group.migrate_to_supergroup()
    zone = province.settings.tz
    opened = province.round.opens_at.astimezone(zone)
    digest_time = datetime.combine(opened.date() + timedelta(days=1), time(8, 31), zone)
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as plain:
        report = await sweep(province.sessions, TelegramSender(plain), digest_time)
        assert report.by_kind["digest"] == 1
        again = await sweep(
            province.sessions, TelegramSender(plain), digest_time + timedelta(hours=1)
        )
        assert again.by_kind["digest"] == 0
    digest = await group.wait_reply()
    assert "▓" in digest.text or "░" in digest.text
    assert "ครู" not in digest.text  # no personal data
    async with province.sessions() as session:
        link = await session.scalar(select(GroupLink))
    assert link is not None and link.chat_id == new_id
