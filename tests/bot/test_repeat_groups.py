"""A unit reports its projects and their activities on Telegram: repeat groups, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from flows.answers import NONE, AnswerValue, Items, encode
from flows.form_loader import load_form_file
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import transaction
from storage.models import Answer, Submission
from storage.rounds import open_round, round_by_id
from storage.submissions import save_answer, submission_for
from storage.units import unit_by_code
from tests.provinces import open_sample_round
from tidtam.core.vocabulary import Certify
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage, DriverUser
from tidtam.samples import PROJECTS_FILE
from tidtam.services import rounds
from tidtam.settings import Settings

from .conftest import Province, bot_on
from .scripted import wait_for

SCHOOL = "1067010001"


@pytest.fixture
async def projects(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> Province:
    opened = await open_sample_round(sessions, form_file=PROJECTS_FILE, period="2568-Q1")
    return Province(sessions, opened, settings)


@pytest.fixture
async def projects_bot(projects: Province, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with bot_on(projects, settings) as running:
        yield running


async def asked(user: DriverUser, text: str) -> BotMessage:
    """The next new message with ``text`` (notes and edits in between skipped: a pressed
    question is edited to show its answer, and may still hold the text)."""
    while True:
        message = await wait_for(user, text)
        if not message.is_edit:
            return message


async def answer(user: DriverUser, typed: str, then: str) -> BotMessage:
    """Type an answer; the next message with ``then`` (the next question)."""
    await user.send(typed)
    return await wait_for(user, then)


async def test_two_projects_with_three_activities_are_reported_and_stored(
    projects_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    projects: Province,
    tmp_path: Path,
) -> None:
    code = await projects.invite(SCHOOL)
    clerk = standin.user(first_name="สมใจ")
    await clerk.send(f"/start {code}")
    await clerk.wait_reply()
    await clerk.send("/report")
    group = await asked(clerk, "ยังไม่มีโครงการในรายการ")
    assert [b for row in group.buttons for b, _ in row][:2] == ["➕ เพิ่มโครงการ", "เสร็จ ✔"]
    await clerk.click("เสร็จ ✔", group)  # at least one project
    refused = await asked(clerk, "ต้องรายงานอย่างน้อย 1 โครงการ")
    assert "เพิ่มโครงการ" in refused.text

    await clerk.click("➕ เพิ่มโครงการ", group)
    first = await asked(clerk, "ชื่อโครงการ")
    assert "(โครงการที่ 1)" in first.text
    await answer(clerk, "ส่งเสริมการอ่าน", "กลุ่มงาน/ผู้รับผิดชอบ")
    await answer(clerk, "กลุ่มส่งเสริมการจัดการศึกษา", "วัตถุประสงค์")
    status = await answer(clerk, "ให้นักเรียนอ่านออกเขียนได้", "สถานะของโครงการ")
    await clerk.click("2. อยู่ระหว่างดำเนินการ", status)
    await asked(clerk, "งบประมาณที่ได้รับจัดสรร")
    await answer(clerk, "50,000", "งบประมาณที่เบิกจ่ายแล้ว")
    await answer(clerk, "60000", "ต้องไม่เกินงบประมาณที่ได้รับจัดสรร")  # the item's own check
    listed = await answer(clerk, "20,000", "กิจกรรมของโครงการที่ดำเนินการแล้ว")
    assert "คำนวณให้ ข้อ 1.1.1.7 (โครงการที่ 1) งบประมาณคงเหลือ (บาท): 30,000" in listed.text
    for name, people in (("อบรมครูภาษาไทย", "35"), ("ค่ายรักการอ่าน", "120")):
        await clerk.click("➕ เพิ่มกิจกรรม", listed)
        act = await asked(clerk, "ชื่อกิจกรรม")
        assert "(โครงการที่ 1 › กิจกรรมที่" in act.text
        await answer(clerk, name, "วันที่ดำเนินกิจกรรม")
        await answer(clerk, "15/11/2569", "สถานที่")
        await answer(clerk, "โรงเรียน", "จำนวนกลุ่มเป้าหมาย")
        await answer(clerk, people, "ผลการดำเนินงานของกิจกรรม")
        photo = await answer(clerk, "ครูนำไปใช้ในห้องเรียน", "ภาพกิจกรรม")
        await clerk.click("ข้าม ▶", photo)
        listed = await asked(clerk, f": {name}")
    await clerk.click("เสร็จ ✔", listed)
    await asked(clerk, "ปัญหาอุปสรรค")
    await answer(clerk, "ไม่มี", "ข้อเสนอแนะ")
    again = await answer(clerk, "ไม่มี", "1. โครงการที่ 1: ส่งเสริมการอ่าน")

    await clerk.click("➕ เพิ่มโครงการ", again)
    await asked(clerk, "ชื่อโครงการ")
    await answer(clerk, "ห้องเรียนคุณภาพ", "กลุ่มงาน/ผู้รับผิดชอบ")
    await answer(clerk, "กลุ่มนิเทศ", "วัตถุประสงค์")
    status = await answer(clerk, "ยกระดับผลสัมฤทธิ์", "สถานะของโครงการ")
    await clerk.click("3. ดำเนินการแล้วเสร็จ", status)
    await asked(clerk, "งบประมาณที่ได้รับจัดสรร")
    await answer(clerk, "100000", "งบประมาณที่เบิกจ่ายแล้ว")
    listed = await answer(clerk, "100000", "กิจกรรมของโครงการ")
    await clerk.click("➕ เพิ่มกิจกรรม", listed)
    await asked(clerk, "ชื่อกิจกรรม")
    await answer(clerk, "นิเทศติดตาม", "วันที่ดำเนินกิจกรรม")
    await answer(clerk, "1/12/2569", "สถานที่")
    await answer(clerk, "สพป.", "จำนวนกลุ่มเป้าหมาย")
    await answer(clerk, "12", "ผลการดำเนินงานของกิจกรรม")
    photo = await answer(clerk, "ครบทุกโรงเรียน", "ภาพกิจกรรม")
    await clerk.click("ข้าม ▶", photo)
    await clerk.click("เสร็จ ✔", await asked(clerk, ": นิเทศติดตาม"))
    await asked(clerk, "ปัญหาอุปสรรค")
    await answer(clerk, "งบประมาณโอนล่าช้า", "ข้อเสนอแนะ")
    both = await answer(clerk, "ควรโอนงบประมาณภายในไตรมาสแรก", "2. โครงการที่ 2: ห้องเรียนคุณภาพ")
    await clerk.click("เสร็จ ✔", both)
    await asked(clerk, "สรุปผลการดำเนินงานโครงการในภาพรวม")
    await answer(clerk, "ดำเนินการตามแผน", "จำนวนนักเรียนที่ได้รับการพัฒนาจากโครงการ")
    review = await answer(clerk, "150", 'กด "ส่งรายงาน" เมื่อพร้อม')
    text = "\n".join(m.text for m in clerk.messages)
    assert "1.1.1.1 (โครงการที่ 2) ชื่อโครงการ" in text
    assert "1.1.1.9.1 (โครงการที่ 1 › กิจกรรมที่ 2) ชื่อกิจกรรม" in text
    buttons = [b for m in clerk.messages for row in m.buttons for b, _ in row]
    assert "🗑 ลบโครงการที่ 2" in buttons and "แก้ข้อ 1.1.1.1 (2)" in buttons

    await clerk.click("ส่งรายงาน", review)
    await wait_for(clerk, "ต้องการส่งรายงาน")
    await clerk.click("ยืนยันส่งรายงาน")
    await wait_for(clerk, "เรียบร้อยแล้ว")

    async with projects.sessions() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None and submission.state == "submitted"
        rows = {a.question_id: a.value for a in await session.scalars(select(Answer))}
    assert rows["projects"] == {"v": {"items": ["i1", "i2"], "closed": True}}
    assert rows["projects/i1/activities"] == {"v": {"items": ["i1", "i2"], "closed": True}}
    assert rows["projects/i1/activities/i2/act_people"] == {"v": 120}
    assert rows["projects/i2/activities/i1/act_name"] == {"v": "นิเทศติดตาม"}
    assert rows["projects/i1/left"] == {"v": "30000.00"}
    assert rows["projects/i2/disbursed"] == {"v": "100.00"}

    # the workbook: a sheet per group, one row per item, read back against what was given
    async with projects.sessions() as session:
        snapshot = await load_round_snapshot(session, projects.round.id)
    book_path = tmp_path / "round.xlsx"
    write_workbook(snapshot, book_path)
    book = openpyxl.load_workbook(book_path, read_only=True)
    project_rows = list(book["โครงการ"].iter_rows(values_only=True))
    header = project_rows[0]
    assert header[:4] == ("รหัสหน่วยงาน", "ชื่อหน่วยงาน", "หน่วยงานต้นสังกัด", "โครงการที่")
    by_item = {row[3]: dict(zip(header, row, strict=True)) for row in project_rows[1:]}
    assert set(by_item) == {1, 2} and by_item[1]["รหัสหน่วยงาน"] == SCHOOL
    assert by_item[1]["ข้อ 1.1.1.1 ชื่อโครงการ"] == "ส่งเสริมการอ่าน"
    assert by_item[2]["ข้อ 1.1.1.5 งบประมาณที่ได้รับจัดสรร (บาท)"] == 100000
    assert by_item[1]["ข้อ 1.1.1.7 งบประมาณคงเหลือ (บาท)"] == 30000
    assert by_item[1]["ข้อ 1.1.1.9 กิจกรรมของโครงการที่ดำเนินการแล้ว"] == 2
    activity_rows = list(book["กิจกรรม"].iter_rows(values_only=True))
    assert activity_rows[0][3:5] == ("โครงการที่", "กิจกรรมที่")
    people = {
        (r[3], r[4]): r[activity_rows[0].index("ข้อ 1.1.1.9.4 จำนวนกลุ่มเป้าหมายที่เข้าร่วม (คน)")]
        for r in activity_rows[1:]
    }
    assert people == {(1, 1): 35, (1, 2): 120, (2, 1): 12}
    # the units sheet counts the projects; the indicators sheet counts items and totals
    units = list(book["รายหน่วยงาน"].iter_rows(values_only=True))
    column = units[0].index("ข้อ 1.1.1 โครงการตามแผนปฏิบัติการที่หน่วยงานดำเนินการในไตรมาสนี้")
    assert [row[column] for row in units[1:] if row[0] == SCHOOL] == [2]


async def seed_first_quarter(projects: Province) -> None:
    """The school's first quarter as stored: one project with one activity, certified."""
    now = datetime.now(UTC)
    form = load_form_file(PROJECTS_FILE)
    given = {
        "projects": Items(("i1",), closed=True),
        "projects/i1/name": "ส่งเสริมการอ่าน",
        "projects/i1/owner": "กลุ่มส่งเสริมการจัดการศึกษา",
        "projects/i1/objective": "อ่านออกเขียนได้",
        "projects/i1/status": "ongoing",
        "projects/i1/allocated": Decimal(50000),
        "projects/i1/spent": Decimal(20000),
        "projects/i1/left": Decimal("30000.00"),
        "projects/i1/disbursed": Decimal("40.00"),
        "projects/i1/activities": Items(("i1",), closed=True),
        "projects/i1/activities/i1/act_name": "อบรมครูภาษาไทย",
        "projects/i1/activities/i1/act_date": date(2026, 11, 15),
        "projects/i1/activities/i1/act_place": "โรงเรียน",
        "projects/i1/activities/i1/act_people": 35,
        "projects/i1/activities/i1/act_result": "ครูนำไปใช้",
        "projects/i1/problems": None,
        "projects/i1/suggestions": None,
        "overall": "ตามแผน",
    }
    async with transaction(projects.sessions) as session:
        unit = await unit_by_code(session, SCHOOL)
        assert unit is not None
        submission = await submission_for(session, projects.round.id, unit.id)
        for key, value in given.items():
            answer = NONE if value is None else AnswerValue(value)
            data = encode(form.question(key), answer)
            await save_answer(session, submission, key, data, actor=None, now=now)


async def test_the_next_quarter_starts_from_the_last_one_and_a_jump_is_confirmed(
    projects_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    projects: Province,
    tmp_path: Path,
) -> None:
    await seed_first_quarter(projects)
    now = datetime.now(UTC)
    async with transaction(projects.sessions) as session:
        first = await round_by_id(session, projects.round.id)
        assert first is not None
        second = await open_round(
            session,
            form=first.form_version,
            period="2569-Q2",
            opens_at=now - timedelta(hours=1),
            deadline=now + timedelta(days=30),
            kinds=("esa", "school"),
            certify=Certify.HEAD,
        )
        carried = await rounds.prefill_from(session, second, first.id, now=now)
        second_id = second.id
    assert carried.submissions == 1 and carried.answers == 16  # no calc values, no files
    async with transaction(projects.sessions) as session:
        first = await round_by_id(session, projects.round.id)
        assert first is not None
        first.closed_at = now  # only the new quarter is open

    code = await projects.invite(SCHOOL)
    clerk = standin.user(first_name="สมใจ")
    await clerk.send(f"/start {code}")
    await clerk.wait_reply()
    await clerk.send("/report")
    name = await asked(clerk, "คำตอบรอบก่อน: ส่งเสริมการอ่าน")
    assert "(โครงการที่ 1)" in name.text
    await clerk.click("✔ ยังเป็นเหมือนเดิม", name)
    owner = await asked(clerk, "คำตอบรอบก่อน: กลุ่มส่งเสริมการจัดการศึกษา")
    await clerk.click("✔ ยังเป็นเหมือนเดิม", owner)
    objective = await asked(clerk, "วัตถุประสงค์ของโครงการ")
    await clerk.click("✔ ยังเป็นเหมือนเดิม", objective)
    status = await asked(clerk, "สถานะของโครงการ")
    await clerk.click("3. ดำเนินการแล้วเสร็จ", status)
    await asked(clerk, "คำตอบรอบก่อน: 50,000")
    jumped = await answer(clerk, "80,000", "ต่างจากคำตอบรอบก่อน (50,000) ถึงร้อยละ 60")
    assert 'พิมพ์ "ใช่"' in jumped.text
    spent = await answer(clerk, "ใช่", "งบประมาณที่เบิกจ่ายแล้ว")
    assert "คำตอบรอบก่อน: 20,000" in spent.text
    await answer(clerk, "64,000", "ต่างจากคำตอบรอบก่อน (20,000) ถึงร้อยละ 220")
    activity = await answer(clerk, "64000", "คำตอบรอบก่อน: อบรมครูภาษาไทย")  # the same again
    assert "คำนวณให้ ข้อ 1.1.1.7 (โครงการที่ 1) งบประมาณคงเหลือ (บาท): 16,000" in activity.text
    assert "(โครงการที่ 1 › กิจกรรมที่ 1)" in activity.text
    await clerk.click("✔ ยังเป็นเหมือนเดิม")
    for carried_text in ("15 พ.ย. 2569", "โรงเรียน", "35", "ครูนำไปใช้"):
        question = await asked(clerk, f"คำตอบรอบก่อน: {carried_text}")
        await clerk.click("✔ ยังเป็นเหมือนเดิม", question)
    await clerk.click("ข้าม ▶", await asked(clerk, "ภาพกิจกรรม"))  # photos are new each time
    listed = await asked(clerk, "รายการกิจกรรมนี้มาจากรอบก่อน")
    assert "1. กิจกรรมที่ 1: อบรมครูภาษาไทย" in listed.text
    await clerk.click("เสร็จ ✔", listed)
    for _ in ("problems", "suggestions"):
        await clerk.click("✔ ยังเป็นเหมือนเดิม", await asked(clerk, "คำตอบรอบก่อน: ไม่มี"))
    await clerk.click("เสร็จ ✔", await asked(clerk, "รายการโครงการนี้มาจากรอบก่อน"))
    await clerk.click("✔ ยังเป็นเหมือนเดิม", await asked(clerk, "คำตอบรอบก่อน: ตามแผน"))
    reached = await asked(clerk, "จำนวนนักเรียนที่ได้รับการพัฒนาจากโครงการ")
    assert "คำตอบรอบก่อน" not in reached.text  # a quarter's own figure is not carried
    review = await answer(clerk, "90", 'กด "ส่งรายงาน" เมื่อพร้อม')
    await clerk.click("ส่งรายงาน", review)
    await clerk.click("ยืนยันส่งรายงาน", await wait_for(clerk, "ต้องการส่งรายงาน"))
    await wait_for(clerk, "เรียบร้อยแล้ว")

    async with projects.sessions() as session:
        rows = {
            a.question_id: a.value
            for a in await session.scalars(
                select(Answer)
                .join(Submission, Submission.id == Answer.submission_id)
                .where(Submission.round_id == second_id)
            )
        }
        snapshot = await load_round_snapshot(session, second_id)
    assert not [key for key, value in rows.items() if value.get("prefilled")]
    assert rows["projects/i1/allocated"] == {"v": "80000"}
    assert rows["projects/i1/left"] == {"v": "16000.00"}
    assert rows["projects/i1/status"] == {"v": "done"}
    book_path = tmp_path / "q2.xlsx"
    write_workbook(snapshot, book_path)
    book = openpyxl.load_workbook(book_path, read_only=True)
    [header, row] = list(book["โครงการ"].iter_rows(values_only=True))
    project = dict(zip(header, row, strict=True))
    assert project["ข้อ 1.1.1.5 งบประมาณที่ได้รับจัดสรร (บาท)"] == 80000
    assert project["ข้อ 1.1.1.6 งบประมาณที่เบิกจ่ายแล้วสะสมถึงสิ้นไตรมาส (บาท)"] == 64000
    assert project["ข้อ 1.1.1.8 ร้อยละการเบิกจ่ายงบประมาณ"] == 80
