"""A form built in KoboToolbox's form builder, downloaded as a workbook, loaded with
``tidtam forms load`` and answered on Telegram end to end: a Thai reporter and a member
who reads English.

The workbook is written the way KoboToolbox exports one (its ``XlsExportableMixin``):
``begin_group``/``begin_repeat`` spellings, ``label::Thai (th)`` and ``label::English (en)``
columns, ``$kuid`` and ``$autoname``, ``required`` as ``true``/``false`` (or a real TRUE
cell), a list name of its own making, a settings sheet with its ``version`` text
("3 (2026-11-20 09:15:42)") and the ``__version__`` calculate row it adds at the end of
the survey, outside every group. What an officer adds before loading: ``id_string`` (the
form's code) and tidtam's ``item`` column on the repeat group.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application
from typer.testing import CliRunner

from storage.models import Answer, FormVersion, Round, Submission
from tidtam.core.periods import period_containing
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage, DriverUser
from tidtam.settings import Settings

from ..flows.xlsform_books import book
from .conftest import SAMPLES, Province, bot_on
from .scripted import wait_for

SCHOOL = "1067010001"
OTHER_SCHOOL = "1067010002"
K = None  # an empty cell

SURVEY = (
    ("type", "$kuid", "$autoname", "name", "label::Thai (th)", "label::English (en)",
     "hint::Thai (th)", "hint::English (en)", "required", "relevant", "constraint",
     "constraint_message::Thai (th)", "constraint_message::English (en)", "calculation",
     "appearance", "item", "item::English (en)", "min", "max"),
    ("start", "kd1", "start", "start", K, K, K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("end", "kd2", "end", "end", K, K, K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("begin_group", "kd3", "s1", "s1", "ยุทธศาสตร์ที่ 1 การพัฒนาคุณภาพผู้เรียน",
     "Strategy 1: learners", K, K, K, K, K, K, K, K, "field-list", K, K, K, K),
    ("begin_group", "kd4", "s1i1", "s1i1", "นักเรียนอ่านออกเขียนได้",
     "Pupils read and write", K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("select_one kx5vy12", "kd5", "done", "done", "ดำเนินโครงการส่งเสริมการอ่านหรือไม่",
     "Did you run a reading programme?", K, K, True, K, K, K, K, K, K, K, K, K, K),
    ("integer", "kd6", "pupils", "pupils", "จำนวนนักเรียนทั้งหมด (คน)", "Pupils in all",
     "นับนักเรียนทุกชั้น", "Count every grade", "true", K, ". >= 1",
     "จำนวนนักเรียนต้องมากกว่า 0", "There must be at least one pupil", K, K, K, K, K, K),
    ("integer", "kd7", "readers", "readers", "จำนวนนักเรียนที่อ่านออกเขียนได้ (คน)",
     "Pupils who read and write", K, K, "true", "${done} = 'yes'", ". <= ${pupils}",
     "ต้องไม่เกินจำนวนนักเรียนทั้งหมด", "No more than the pupils in all", K, K, K, K, K, K),
    ("calculate", "kd8", "share", "share", "ร้อยละของนักเรียนที่อ่านออกเขียนได้",
     "Percent who read and write", K, K, K, "${done} = 'yes'", K, K, K,
     "${readers} div ${pupils} * 100", K, K, K, K, K),
    ("begin_repeat", "kd9", "activities", "activities", "กิจกรรมส่งเสริมการอ่าน",
     "Reading activities", K, K, K, "${done} = 'yes'", K, K, K, K, K, "กิจกรรม", "activity",
     1, 10),
    ("text", "kd10", "act_name", "act_name", "ชื่อกิจกรรม", "Name of the activity", K, K,
     "true", K, K, K, K, K, K, K, K, K, K),
    ("date", "kd11", "act_date", "act_date", "วันที่จัดกิจกรรม", "Date held", K, K, "false",
     K, K, K, K, K, K, K, K, K, K),
    ("select_multiple ab7cd34", "kd12", "who", "who", "กลุ่มเป้าหมาย", "Who took part", K, K,
     "true", K, K, K, K, K, "minimal", K, K, K, K),
    ("end_repeat", "kd13", K, K, K, K, K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("note", "kd14", "n1", "n1", "หากไม่มีปัญหา พิมพ์ ไม่มี", "If there were none, type none",
     K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("text", "kd15", "problems", "problems", "ปัญหาอุปสรรค", "Problems met", K, K, "false", K,
     K, K, K, K, "multiline", K, K, K, K),
    ("end_group", "kd16", K, K, K, K, K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("end_group", "kd17", K, K, K, K, K, K, K, K, K, K, K, K, K, K, K, K, K),
    ("calculate", K, K, "__version__", K, K, K, K, K, K, K, K, K, "'vY3pHFp4B8NvQoxHUGGrzm'",
     K, K, K, K, K),
)  # fmt: skip
CHOICES = (
    ("list_name", "$kuid", "$autovalue", "name", "label::Thai (th)", "label::English (en)"),
    ("kx5vy12", "c1", "yes", "yes", "ดำเนินการแล้ว", "Yes"),
    ("kx5vy12", "c2", "no", "no", "ยังไม่ดำเนินการ", "Not yet"),
    ("ab7cd34", "c3", "pupils", "pupils", "นักเรียน", "Pupils"),
    ("ab7cd34", "c4", "parents", "parents", "ผู้ปกครอง", "Parents"),
    ("ab7cd34", "c5", "community", "community", "ชุมชน", K),
)
SETTINGS = (
    ("id_string", "style", "default_language", "form_title", "version"),
    ("pb-reading", "pages", "Thai (th)", "แบบติดตามการส่งเสริมการอ่าน",
     "3 (2026-11-20 09:15:42)"),
)  # fmt: skip


def tidtam(database_url: str, data_dir: Path, *args: str | Path) -> str:
    """Run the command line in this process; its output (it must succeed)."""
    from tidtam.cli import app

    env = {"TIDTAM_DATA_DIR": str(data_dir), "TIDTAM_DATABASE_URL": database_url}
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return result.stdout


@pytest.fixture
async def kobo(
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    settings: Settings,
    tmp_path: Path,
) -> Province:
    """The sample units, the Kobo workbook loaded and a round open, all by the command line."""
    workbook = tmp_path / "reading.xlsx"
    workbook.write_bytes(book(SURVEY, CHOICES, SETTINGS))
    today = date.today()
    period = period_containing(today, quarterly=False)

    def commands() -> str:
        data = tmp_path / "cli-data"
        tidtam(database_url, data, "units", "import", SAMPLES / "units.csv")
        loaded = tidtam(database_url, data, "forms", "load", workbook)
        tidtam(
            database_url, data, "rounds", "open", "--form", "pb-reading", "--period",
            str(period), "--deadline", (today + timedelta(days=20)).isoformat(),
            "--kinds", "esa,school",
        )  # fmt: skip
        return loaded

    loaded = await asyncio.to_thread(commands)
    # Kobo's version text is its own count: tidtam numbered the form itself
    assert "loaded form pb-reading version 1: 1 sections, 1 indicators, 6 questions" in loaded
    async with sessions() as session:
        opened = await session.scalar(select(Round))
        stored = await session.scalar(select(FormVersion))
    assert opened is not None and stored is not None
    assert "__version__" not in stored.source and "kx5vy12" not in stored.source
    return Province(sessions, opened, settings)


@pytest.fixture
async def kobo_bot(
    kobo: Province, settings: Settings, standin: FakeTelegram
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with bot_on(kobo, settings) as running:
        yield running
    assert standin.unknown_methods == []


def buttons(message: BotMessage) -> list[str]:
    return [label for row in message.buttons for label, _ in row]


async def asked(user: DriverUser, text: str) -> BotMessage:
    """The next new message with ``text`` (edits of pressed questions skipped)."""
    while True:
        message = await wait_for(user, text)
        if not message.is_edit:
            return message


async def start(province: Province, user: DriverUser, unit: str) -> None:
    code = await province.invite(unit)
    await user.send(f"/start {code}")
    await user.wait_reply()
    await user.send("/report")


async def test_a_thai_reporter_answers_the_kobo_form_and_submits(
    kobo_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    kobo: Province,
) -> None:
    clerk = standin.user(first_name="สมใจ", language_code="th")
    await start(kobo, clerk, SCHOOL)
    await wait_for(clerk, "แบบติดตามการส่งเสริมการอ่าน")  # the intro: form_title
    done = await asked(clerk, "ดำเนินโครงการส่งเสริมการอ่านหรือไม่")
    assert "ยุทธศาสตร์ที่ 1 การพัฒนาคุณภาพผู้เรียน" in done.text
    assert buttons(done)[:2] == ["1. ดำเนินการแล้ว", "2. ยังไม่ดำเนินการ"]
    assert "ข้าม ▶" not in buttons(done)  # required: a real TRUE cell
    await clerk.click("1. ดำเนินการแล้ว", done)
    pupils = await asked(clerk, "จำนวนนักเรียนทั้งหมด (คน)")
    assert "นับนักเรียนทุกชั้น" in pupils.text and "ข้าม ▶" not in buttons(pupils)
    await clerk.send("0")
    refused = await asked(clerk, "จำนวนนักเรียนต้องมากกว่า 0")  # the constraint_message
    assert "There must be" not in refused.text
    await clerk.send("120")
    await asked(clerk, "จำนวนนักเรียนที่อ่านออกเขียนได้ (คน)")
    await clerk.send("130")
    await asked(clerk, "ต้องไม่เกินจำนวนนักเรียนทั้งหมด")  # . <= ${pupils}
    await clerk.send("96")
    group = await asked(clerk, "กิจกรรมส่งเสริมการอ่าน")
    # the calculate row, computed and said: 96 of 120 pupils
    said = "\n".join(m.text for m in clerk.messages)
    assert "คำนวณให้ ข้อ 1.1.4 ร้อยละของนักเรียนที่อ่านออกเขียนได้: 80" in said
    assert buttons(group)[:2] == ["➕ เพิ่มกิจกรรม", "เสร็จ ✔"]
    await clerk.click("เสร็จ ✔", group)
    await asked(clerk, "ต้องรายงานอย่างน้อย 1 กิจกรรม")  # min 1
    await clerk.click("➕ เพิ่มกิจกรรม", group)
    name = await asked(clerk, "ชื่อกิจกรรม")
    assert "(กิจกรรมที่ 1)" in name.text
    await clerk.send("ค่ายรักการอ่าน")
    when = await asked(clerk, "วันที่จัดกิจกรรม")
    assert "ข้าม ▶" in buttons(when)  # required false
    await clerk.send("15/11/2569")
    who = await asked(clerk, "กลุ่มเป้าหมาย")
    assert buttons(who)[:3] == ["☐ นักเรียน", "☐ ผู้ปกครอง", "☐ ชุมชน"]
    await clerk.click("☐ นักเรียน", who)
    await clerk.click("☐ ผู้ปกครอง", who)
    await clerk.click("เสร็จ ✔", who)
    listed = await asked(clerk, ": ค่ายรักการอ่าน")
    await clerk.click("เสร็จ ✔", listed)
    problems = await asked(clerk, "ปัญหาอุปสรรค")
    assert "หากไม่มีปัญหา พิมพ์ ไม่มี" in problems.text  # the note, as its help
    await clerk.send("ไม่มี")
    review = await asked(clerk, 'กด "ส่งรายงาน" เมื่อพร้อม')
    await clerk.click("ส่งรายงาน", review)
    await wait_for(clerk, "ต้องการส่งรายงาน")
    await clerk.click("ยืนยันส่งรายงาน")
    await wait_for(clerk, "เรียบร้อยแล้ว")

    async with kobo.sessions() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None and submission.state == "submitted"
        rows = {a.question_id: a.value for a in await session.scalars(select(Answer))}
    assert rows["done"] == {"v": "yes"}
    assert rows["pupils"] == {"v": 120} and rows["readers"] == {"v": 96}
    assert rows["share"] == {"v": "80.00"}
    assert rows["activities"] == {"v": {"items": ["i1"], "closed": True}}
    assert rows["activities/i1/act_name"] == {"v": "ค่ายรักการอ่าน"}
    assert rows["activities/i1/who"] == {"v": ["pupils", "parents"]}


async def test_a_member_who_reads_english_sees_the_english_labels(
    kobo_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    kobo: Province,
) -> None:
    reader = standin.user(first_name="John", language_code="en")
    await start(kobo, reader, OTHER_SCHOOL)
    done = await asked(reader, "Did you run a reading programme?")
    assert "Strategy 1: learners" in done.text and "Pupils read and write" in done.text
    assert "ดำเนินโครงการ" not in done.text and "ยุทธศาสตร์" not in done.text
    assert buttons(done)[:2] == ["1. Yes", "2. Not yet"]
    await reader.click("1. Yes", done)
    pupils = await asked(reader, "Pupils in all")
    assert "Count every grade" in pupils.text
    await reader.send("40")
    await asked(reader, "Pupils who read and write")
    await reader.send("30")
    group = await asked(reader, "Reading activities")
    said = "\n".join(m.text for m in reader.messages)
    assert "Percent who read and write: 75" in said
    await reader.click("➕ Add activity", group)
    name = await asked(reader, "Name of the activity")
    assert "(activity 1)" in name.text
    await reader.send("Reading camp")
    await asked(reader, "Date held")
    await reader.send("2026-11-15")
    who = await asked(reader, "Who took part")
    assert buttons(who)[:3] == ["☐ Pupils", "☐ Parents", "☐ ชุมชน"]  # no English: Thai

    # an officer who reads English asks for the indicator against its targets
    officer = standin.user(first_name="Jane", language_code="en")
    code = await kobo.invite("PBN", Role.OFFICER)
    await officer.send(f"/start {code}")
    await officer.wait_reply()
    await officer.send("/status 1.1")
    figures = (await wait_for(officer, "Achieved against target", timeout=20)).text
    assert "Indicator 1.1 Pupils read and write" in figures
    assert "Item 1.1.2 Pupils in all" in figures
    assert "Item 1.1.3 Pupils who read and write" in figures
    assert "นักเรียน" not in figures
