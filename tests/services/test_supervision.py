"""/remind and the province group as use cases: refusals, nudges once a day, links."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.reminder_sender import TelegramSender, standalone_bot
from reminders.sending import Sender
from storage.db import transaction
from storage.models import GroupLink
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.services.status import Refusal, Refused
from tidtam.services.supervision import (
    OVERSEEING,
    GroupLinked,
    Reminded,
    group_migrated,
    link_group,
    remind,
)

from .conftest import NOW, Province

TOKEN = "123456:SERVICES-TEST"
SCHOOL = "1067010001"
OTHER_ESA_SCHOOL = "1067020001"


@pytest.fixture
async def sender() -> AsyncIterator[tuple[FakeTelegram, Sender]]:
    async with (
        FakeTelegram.start(token=TOKEN) as fake,
        standalone_bot(TOKEN, fake.api_url, fake.file_url) as bot,
    ):
        yield fake, TelegramSender(bot)


async def test_remind_nudges_the_subtree_once_a_day(
    province: Province, sender: tuple[FakeTelegram, Sender]
) -> None:
    fake, send = sender
    supervisor = await province.person(2, "PBN-ESA1", Role.SUPERVISOR)
    for user_id, unit in ((3, SCHOOL), (4, OTHER_ESA_SCHOOL)):
        fake.user(id=user_id).chat.started = True
        await province.person(user_id, unit)
    first = await remind(province.sessions, send, supervisor, NOW)
    assert isinstance(first, Reminded) and len(first.reports) == 1
    assert first.reports[0].units == 1 and first.reports[0].people == 1  # not ESA 2's school
    assert first.units > 1  # the schools below the supervisor's office
    again = await remind(province.sessions, send, supervisor, NOW + timedelta(hours=1))
    assert isinstance(again, Reminded)
    assert again.reports[0].units == 0 and again.reports[0].already_today == 1


async def test_remind_refusals(province: Province, sender: tuple[FakeTelegram, Sender]) -> None:
    _, send = sender
    reporter = await province.person(3, SCHOOL)
    refused = await remind(province.sessions, send, reporter, NOW)
    assert isinstance(refused, Refused) and refused.refusal is Refusal.NOT_ALLOWED
    assert refused.allowed == OVERSEEING
    supervisor = await province.person(2, "PBN-ESA1", Role.SUPERVISOR)
    early = await remind(province.sessions, send, supervisor, NOW - timedelta(days=2))
    assert isinstance(early, Refused) and early.refusal is Refusal.NO_ROUND


async def test_only_an_officer_links_the_group(province: Province) -> None:
    reporter = await province.person(3, SCHOOL)
    officer = await province.person(1, "PBN", Role.OFFICER)
    refused = await link_group(province.sessions, reporter, -100, "กลุ่ม")
    assert isinstance(refused, Refused) and refused.allowed == (Role.OFFICER,)
    linked = await link_group(province.sessions, officer, -100, "กลุ่มจังหวัด")
    assert isinstance(linked, GroupLinked) and linked.new and linked.title == "กลุ่มจังหวัด"
    again = await link_group(province.sessions, officer, -100, "กลุ่มจังหวัด")
    assert isinstance(again, GroupLinked) and not again.new
    await group_migrated(province.sessions, -100, -100200)
    async with transaction(province.sessions) as session:
        chats = (await session.scalars(select(GroupLink.chat_id))).all()
    assert list(chats) == [-100200]
