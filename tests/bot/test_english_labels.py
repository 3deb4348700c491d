"""A form with English words: a member who reads English sees the questions in English,
a Thai member sees them in Thai, on Telegram end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from storage.db import transaction
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage, DriverUser
from tidtam.samples import seed_sample_province
from tidtam.settings import Settings

from .conftest import Province, bot_on
from .scripted import wait_for

SCHOOL = "1067010001"
OTHER_SCHOOL = "1067010002"

#: English on some words only: what has none is shown in Thai to everyone.
FORM = """\
form: t-bilingual
title: แบบติดตามสองภาษา
title_en: A bilingual form
sections:
  - id: s1
    title: ยุทธศาสตร์การอ่าน
    title_en: The reading strategy
    indicators:
      - id: s1i1
        title: นักเรียนอ่านออกเขียนได้
        title_en: Pupils read and write
        questions:
          - id: done
            type: choice
            text: หน่วยงานของท่านดำเนินการแล้วหรือไม่
            text_en: Has your office done it?
            help: ตอบตามสภาพจริง
            help_en: Answer as things are
            choices:
              - {id: yes, label: ดำเนินการแล้ว, label_en: Done}
              - {id: no, label: ยังไม่ดำเนินการ, label_en: Not yet}
              - {id: na, label: ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน}
          - id: acts
            type: repeat
            text: กิจกรรมที่ดำเนินการ
            text_en: Activities held
            item: กิจกรรม
            item_en: activity
            questions:
              - id: act_name
                type: text
                text: ชื่อกิจกรรม
                text_en: Name of the activity
"""


@pytest.fixture
async def bilingual(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tmp_path: Path
) -> Province:
    form_file = tmp_path / "bilingual.yaml"
    form_file.write_text(FORM, encoding="utf-8")
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        opened = await seed_sample_province(
            session,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=20),
            form_file=form_file,
        )
    return Province(sessions, opened, settings)


@pytest.fixture
async def bilingual_bot(bilingual: Province, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with bot_on(bilingual, settings) as running:
        yield running


def buttons(message: BotMessage) -> list[str]:
    return [label for row in message.buttons for label, _ in row]


async def start_report(province: Province, user: DriverUser, unit: str) -> None:
    code = await province.invite(unit)
    await user.send(f"/start {code}")
    await user.wait_reply()
    await user.send("/report")


async def test_an_english_reader_sees_the_english_words(
    bilingual_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    bilingual: Province,
) -> None:
    reader = standin.user(first_name="John", language_code="en")
    await start_report(bilingual, reader, SCHOOL)
    intro = await wait_for(reader, "A bilingual form")  # the form's title_en
    assert "แบบติดตามสองภาษา" not in intro.text
    first = await wait_for(reader, "Has your office done it?")
    assert "The reading strategy" in first.text and "Pupils read and write" in first.text
    assert "Answer as things are" in first.text
    assert "หน่วยงานของท่าน" not in first.text and "ยุทธศาสตร์การอ่าน" not in first.text
    # a choice without English keeps its Thai label
    assert buttons(first)[:3] == ["1. Done", "2. Not yet", "3. ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน"]
    await reader.click("1. Done", first)
    group = await wait_for(reader, "Activities held")
    assert buttons(group)[0] == "➕ Add activity"
    await reader.click("➕ Add activity", group)
    item = await wait_for(reader, "Name of the activity")
    assert "(activity 1)" in item.text


async def test_a_thai_reader_sees_the_thai_words(
    bilingual_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    bilingual: Province,
) -> None:
    reader = standin.user(first_name="สมศรี", language_code="th")
    await start_report(bilingual, reader, OTHER_SCHOOL)
    intro = await wait_for(reader, "แบบติดตามสองภาษา")
    assert "A bilingual form" not in intro.text
    first = await wait_for(reader, "หน่วยงานของท่านดำเนินการแล้วหรือไม่")
    assert "ยุทธศาสตร์การอ่าน" in first.text and "ตอบตามสภาพจริง" in first.text
    assert "Has your office" not in first.text
    assert buttons(first)[:2] == ["1. ดำเนินการแล้ว", "2. ยังไม่ดำเนินการ"]
    await reader.click("1. ดำเนินการแล้ว", first)
    group = await wait_for(reader, "กิจกรรมที่ดำเนินการ")
    assert buttons(group)[0] == "➕ เพิ่มกิจกรรม"
