"""Budget reporting: projects, totals by agency and lagging units, worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.answers import AnswerValue, encode
from flows.form_loader import load_form
from reminders.policy import Policy
from reports.budget import budget_questions, lagging, projects, totals, unit_totals
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import transaction
from storage.forms import store_form
from storage.models import Unit
from storage.rounds import open_round
from storage.submissions import save_answer, submission_for
from tests.reports.budget_seed import seed_budget_province
from tidtam.core.round_policy import expected_disbursement
from tidtam.core.vocabulary import Certify

D = Decimal


async def test_projects_totals_and_lagging_units_computed_by_hand(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    province = await seed_budget_province(sessions)
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, province.round_id)
    assert snapshot.round.expected_disbursement == D(50)
    found = projects(snapshot)
    assert [(p.code, p.item, p.name, p.status) for p in found] == [
        ("ESA1", (1,), "นิเทศ", "ongoing"),
        ("S1", (1,), "อ่านออก", "ongoing"),
        ("S1", (2,), "ห้องสมุด", "done"),
        ("S1", (3,), "ทัศนศึกษา", "cancelled"),
        ("S2", (1,), "ลูกเสือ", "done"),
        ("S2", (2,), "สนามกีฬา", "cancelled"),
        ("S3", (1,), "ซ่อมอาคาร", "not_started"),
        ("S3", (2,), "คอมพิวเตอร์", "ongoing"),
    ]
    first = found[1]
    assert (first.allocated, first.spent, first.left, first.percent) == (
        D(100_000),
        D(10_000),
        D(90_000),
        D("10.0"),
    )
    unfinished = found[-1]  # spent not answered yet: listed, not counted
    assert (unfinished.allocated, unfinished.spent, unfinished.left, unfinished.counted) == (
        D(40_000),
        None,
        None,
        False,
    )
    assert not found[3].counted and found[3].percent == D(0)  # cancelled: not counted

    agencies, province_total = totals(snapshot, found)
    esa1, esa2 = agencies
    assert (esa1.unit_id, esa1.projects, esa1.states, esa1.counted) == (
        province.unit_ids["ESA1"],
        6,
        (0, 2, 2, 2),
        4,
    )
    assert (esa1.allocated, esa1.spent, esa1.left, esa1.percent) == (
        D(360_000),
        D(165_999),
        D(194_001),
        D("46.1"),
    )
    assert (esa2.projects, esa2.states, esa2.counted, esa2.allocated, esa2.percent) == (
        2,
        (1, 1, 0, 0),
        1,
        D(0),
        None,
    )
    assert province_total.unit_id == province.unit_ids["PROV"]
    assert (province_total.projects, province_total.states, province_total.counted) == (
        8,
        (1, 3, 2, 2),
        5,
    )
    assert (province_total.allocated, province_total.spent, province_total.percent) == (
        D(360_000),
        D(165_999),
        D("46.1"),
    )

    by_unit = {u.name: u for u in unit_totals(found)}
    s1 = by_unit["โรงเรียนบ้านหนึ่ง"]
    assert (s1.allocated, s1.spent, s1.percent) == (D(150_000), D(60_000), D("40.0"))
    late = lagging(found, D(50))
    # ESA1 shows 50.0 % but disbursed 49.9995 %: below 50, it lags (compared unrounded)
    assert [(u.unit_id, u.percent) for u in late] == [
        (province.unit_ids["ESA1"], D("50.0")),
        (province.unit_ids["S1"], D("40.0")),
    ]
    # S2 would lag at 6 % if its cancelled 90,000 counted; S3 has nothing allocated
    assert [u.unit_id for u in lagging(found, D(60))] == [
        province.unit_ids["ESA1"],
        province.unit_ids["S1"],
    ]
    assert [u.unit_id for u in lagging(found, D("60.1"))][-1] == province.unit_ids["S2"]
    assert lagging(found, D(0)) == []


async def test_a_supervisor_root_keeps_its_subtree_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    province = await seed_budget_province(sessions)
    esa1 = province.unit_ids["ESA1"]
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, province.round_id, subtree_of=esa1)
    found = projects(snapshot, esa1)
    assert {p.code for p in found} == {"ESA1", "S1", "S2"}
    agencies, total = totals(snapshot, found, esa1)
    assert [a.unit_id for a in agencies] == [esa1]
    assert (total.unit_id, total.allocated, total.spent) == (esa1, D(360_000), D(165_999))
    async with sessions() as session:
        whole = await load_round_snapshot(session, province.round_id)
    assert {p.code for p in projects(whole, province.unit_ids["ESA2"])} == {"S3"}


UNIT_BUDGET = """\
form: unit-budget
title: งบประมาณของหน่วยงาน
sections:
  - id: s1
    title: งบประมาณ
    indicators:
      - id: s1i1
        title: การเบิกจ่าย
        questions:
          - id: state
            type: choice
            text: สถานะการดำเนินงาน
            budget: status
            choices:
              - {id: ongoing, label: อยู่ระหว่างดำเนินการ}
              - {id: done, label: แล้วเสร็จ}
          - id: money
            type: integer
            text: งบประมาณที่ได้รับ (บาท)
            budget: allocated
          - id: paid
            type: integer
            text: เบิกจ่ายแล้ว (บาท)
            budget: spent
"""


async def test_a_budget_outside_groups_is_one_project_per_unit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    form = load_form(UNIT_BUDGET)
    budget = budget_questions(form)
    assert budget is not None and budget.groups == () and budget.project is None
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        ids: dict[str, int] = {}
        for code, parent in (("P", None), ("A", "P"), ("B", "P"), ("C", "P")):
            unit = Unit(code=code, name=f"หน่วย {code}", kind="esa", parent_id=ids.get(parent or ""))
            session.add(unit)
            await session.flush()
            ids[code] = unit.id
        version = await store_form(session, form, UNIT_BUDGET)
        round_ = await open_round(
            session,
            form=version,
            period="2569",
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=5),
            kinds=["esa"],
            certify=Certify.NONE,
            policy={"expected_disbursement": "25.5"},
        )
        given = {"A": {"state": "ongoing", "money": 1000, "paid": 250}, "B": {"state": "done"}}
        for code, answers in given.items():
            submission = await submission_for(session, round_.id, ids[code])
            for key, value in answers.items():
                data = encode(form.question(key), AnswerValue(value))
                await save_answer(session, submission, key, data, actor=None, now=now)
        round_id = round_.id
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, round_id)
    found = projects(snapshot)
    assert [(p.code, p.item, p.status, p.allocated, p.spent) for p in found] == [
        ("A", (), "ongoing", D(1000), D(250)),
        ("B", (), "done", None, None),  # C answered nothing: no project
    ]
    expected = snapshot.round.expected_disbursement
    assert expected == D("25.5")
    assert [u.unit_id for u in lagging(found, expected)] == [ids["A"]]  # 25.0 < 25.5


async def test_the_workbook_has_a_budget_sheet(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    province = await seed_budget_province(sessions)
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, province.round_id)
    path = tmp_path / "round.xlsx"
    write_workbook(snapshot, path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames.index("งบประมาณ") < book.sheetnames.index("โครงการ")
    rows = list(book["งบประมาณ"].iter_rows(values_only=True))
    assert rows[1][0] == "ร้อยละการเบิกจ่ายที่คาดหวัง ณ สิ้นรอบ: 50"
    header = rows[4]
    assert header[:3] == ("หน่วยงานต้นสังกัด", "จำนวนโครงการ", "ยังไม่เริ่มดำเนินการ")
    agency = dict(zip(header, rows[5], strict=True))
    assert agency["หน่วยงานต้นสังกัด"] == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1"
    assert agency["งบประมาณที่ได้รับจัดสรร (บาท)"] == 360_000
    assert agency["เบิกจ่ายแล้ว (บาท)"] == 165_999
    assert agency["ร้อยละการเบิกจ่าย"] == 46.1
    assert agency["หน่วยงานที่เบิกจ่ายต่ำกว่าเป้าหมาย"] == 2
    total = dict(zip(header, rows[7], strict=True))
    assert (total["หน่วยงานต้นสังกัด"], total["จำนวนโครงการ"], total["ยกเลิก"]) == ("รวม", 8, 2)
    project_header = rows[9]
    assert project_header[3:6] == ("โครงการที่", "ชื่อโครงการ", "สถานะ")
    listed = [dict(zip(project_header, row, strict=True)) for row in rows[10:]]
    assert len(listed) == 8
    assert listed[3]["ชื่อโครงการ"] == "ทัศนศึกษา" and listed[3]["สถานะ"] == "ยกเลิกโครงการ"
    assert listed[-1]["งบประมาณที่ได้รับจัดสรร (บาท)"] == 40_000
    assert listed[-1]["คงเหลือ (บาท)"] is None


def test_the_expected_disbursement_is_read_from_the_round_policy() -> None:
    assert expected_disbursement({"expected_disbursement": "50"}) == D(50)
    assert expected_disbursement({"expected_disbursement": 12.5}) == D("12.5")
    assert expected_disbursement({}) is None and expected_disbursement(None) is None
    for bad in ("120", "-1", "ครึ่ง", True, "nan"):
        assert expected_disbursement({"expected_disbursement": bad}) is None
    # the reminders read the same column and pass over the round's own keys
    policy = Policy.from_dict(
        {"expected_disbursement": "50", "prefill_from": 3, "unit_time": "10:00"}
    )
    assert policy.unit_time.hour == 10
