"""/lagging through the stand-in: the units whose budget disbursement lags, in scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from flows.answers import NONE, AnswerValue, encode
from flows.form_loader import load_form_file
from storage.db import transaction
from storage.models import Round
from storage.rounds import round_by_id
from storage.submissions import save_answer, submission_for
from storage.units import unit_by_code
from tests.provinces import open_sample_round
from tests.reports.budget_seed import project_answers
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.samples import PROJECTS_FILE
from tidtam.settings import Settings

from .conftest import Province, bot_on
from .scripted import wait_for
from .test_inputs import registered

LATE_SCHOOL, GOOD_SCHOOL, OTHER_AGENCY_SCHOOL = "1067010001", "1067010002", "1067020001"


@pytest.fixture
async def projects(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> Province:
    opened = await open_sample_round(sessions, form_file=PROJECTS_FILE, period="2568-Q1")
    async with transaction(sessions) as session:
        stored = await session.get(Round, opened.id)
        assert stored is not None
        stored.policy = {**stored.policy, "expected_disbursement": "25"}
        opened = stored
    return Province(sessions, opened, settings)


@pytest.fixture
async def projects_bot(projects: Province, settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with bot_on(projects, settings) as running:
        yield running


async def seed_projects(projects: Province) -> None:
    """Three schools' projects, stored as the walk stores them (spent of allocated):

    the late school 20,000 of 100,000 (20 %, below 25 %), the good one 30,000 of
    100,000 (30 %), a school of another agency 1,000 of 50,000 (2 %)."""
    now = datetime.now(UTC)
    form = load_form_file(PROJECTS_FILE)
    given = {
        LATE_SCHOOL: [("ส่งเสริมการอ่าน", "ongoing", 100_000, 20_000)],
        GOOD_SCHOOL: [("ห้องเรียนคุณภาพ", "ongoing", 100_000, 30_000)],
        OTHER_AGENCY_SCHOOL: [("ลูกเสือ", "ongoing", 50_000, 1_000)],
    }
    async with transaction(projects.sessions) as session:
        for code, listed in given.items():
            unit = await unit_by_code(session, code)
            assert unit is not None
            submission = await submission_for(session, projects.round.id, unit.id)
            for key, value in project_answers(listed).items():
                answer = NONE if value is None else AnswerValue(value)
                data = encode(form.question(key), answer)
                await save_answer(session, submission, key, data, actor=None, now=now)


async def test_supervisors_and_officers_see_the_lagging_units_of_their_scope(
    projects_bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    projects: Province,
) -> None:
    await seed_projects(projects)
    supervisor = await registered(standin, projects, unit="PBN-ESA1", role=Role.SUPERVISOR)
    officer = await registered(standin, projects, unit="PBN", role=Role.OFFICER)
    clerk = await registered(standin, projects, unit=LATE_SCHOOL)

    await supervisor.send("/lagging")
    text = (await wait_for(supervisor, "การเบิกจ่ายงบประมาณ", timeout=20)).text
    assert "เพชรบูรณ์ เขต 1 · ปีงบประมาณ พ.ศ. 2568 ไตรมาสที่ 1\nภาพรวม: " in text
    assert "ได้รับจัดสรร 200,000 บาท · เบิกจ่ายแล้ว 50,000 บาท (ร้อยละ 25.0)" in text
    assert "หน่วยงานที่รายงานงบประมาณ 2 แห่ง" in text
    assert "หน่วยงานที่เบิกจ่ายต่ำกว่าเป้าหมาย (ร้อยละ 25): 1 จาก 2 แห่ง" in text
    assert "• โรงเรียนอนุบาลเพชรบูรณ์ — เบิกจ่ายร้อยละ 20.0 (20,000 จาก 100,000 บาท)" in text
    assert "โรงเรียนบ้านไร่น้อย" not in text  # 30 %: on track
    assert "โรงเรียนอนุบาลหล่มสัก" not in text  # another agency's school

    await officer.send("/lagging")
    text = (await wait_for(officer, "การเบิกจ่ายงบประมาณ", timeout=20)).text
    assert "2 จาก 3 แห่ง" in text
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 2 (1)" in text
    assert "• โรงเรียนอนุบาลหล่มสัก — เบิกจ่ายร้อยละ 2.0 (1,000 จาก 50,000 บาท)" in text

    await clerk.send("/lagging")
    refused = (await clerk.wait_reply(timeout=20)).text
    assert "สำหรับ" in refused and "ผู้กำกับติดตาม" in refused

    await supervisor.send("/help")
    assert "/lagging" in (await wait_for(supervisor, "คำสั่งที่ใช้ได้")).text

    async with transaction(projects.sessions) as session:  # no expectation set
        opened = await round_by_id(session, projects.round.id)
        assert opened is not None
        opened.policy = {}
    await supervisor.send("/lagging")
    text = (await wait_for(supervisor, "การเบิกจ่ายงบประมาณ", timeout=20)).text
    assert "ไม่ได้กำหนดร้อยละการเบิกจ่ายที่คาดหวังไว้" in text
    assert "โรงเรียนอนุบาลเพชรบูรณ์" not in text
