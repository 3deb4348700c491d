"""Figures year to date: a cumulative number's quarters add up, per unit and per item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.answers import AnswerValue, Items, encode
from flows.form_loader import load_form
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import transaction
from storage.forms import store_form
from storage.models import Round
from storage.rounds import open_round
from storage.submissions import save_answer, submission_for
from storage.units import unit_by_code
from tidtam.core.unitsfile import scan_units_file
from tidtam.core.vocabulary import Certify
from tidtam.samples import UNITS_FILE
from tidtam.services.units import import_scan

FORM_TEXT = """\
form: quarters
title: รายงานรายไตรมาส
sections:
  - id: s1
    title: ยุทธศาสตร์ที่ 1
    indicators:
      - id: i1
        title: ตัวชี้วัดที่ 1.1
        questions:
          - {id: reached, type: integer, text: นักเรียนที่ได้รับการพัฒนาในไตรมาสนี้ (คน), cumulative: true}
          - id: projects
            type: repeat
            text: โครงการ
            item: โครงการ
            questions:
              - {id: name, type: text, text: ชื่อโครงการ}
              - {id: spent_q, type: decimal, text: เบิกจ่ายในไตรมาสนี้ (บาท), cumulative: true}
"""
FORM = load_form(FORM_TEXT)
SCHOOL = "1067010001"


async def quarter(
    session: AsyncSession, version: object, period: str, answers: dict[str, object]
) -> Round:
    now = datetime.now(UTC)
    opened = await open_round(
        session,
        form=version,  # type: ignore[arg-type]
        period=period,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=20),
        kinds=("esa", "school"),
        certify=Certify.HEAD,
    )
    unit = await unit_by_code(session, SCHOOL)
    assert unit is not None
    submission = await submission_for(session, opened.id, unit.id)
    for key, value in answers.items():
        data = encode(FORM.question(key), AnswerValue(value))  # type: ignore[arg-type]
        await save_answer(session, submission, key, data, actor=None, now=now)
    return opened


async def test_the_workbook_shows_the_quarter_and_the_year_so_far(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with transaction(sessions) as session:
        await import_scan(session, scan_units_file(UNITS_FILE))
        version = await store_form(session, FORM, FORM_TEXT)
        first = await quarter(
            session,
            version,
            "2569-Q1",
            {
                "reached": 100,
                "projects": Items(("i1", "i2"), closed=True),
                "projects/i1/name": "ก",
                "projects/i1/spent_q": Decimal(1000),
                "projects/i2/name": "ข",
                "projects/i2/spent_q": Decimal(500),
            },
        )
        other = await quarter(session, version, "2568-Q4", {"reached": 9999})  # another year
        assert other.id != first.id
        second = await quarter(
            session,
            version,
            "2569-Q2",
            {
                "reached": 40,
                "projects": Items(("i1", "i3"), closed=True),
                "projects/i1/name": "ก",
                "projects/i1/spent_q": Decimal("250.50"),
                "projects/i3/name": "ค",  # new this quarter, nothing spent yet
            },
        )
        second_id = second.id
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, second_id)
    path = tmp_path / "q2.xlsx"
    write_workbook(snapshot, path)
    book = openpyxl.load_workbook(path, read_only=True)
    units = list(book["รายหน่วยงาน"].iter_rows(values_only=True))
    header = units[0]
    row = next(r for r in units[1:] if r[0] == SCHOOL)
    at = header.index("ข้อ 1.1.1 นักเรียนที่ได้รับการพัฒนาในไตรมาสนี้ (คน)")
    assert header[at + 1].endswith("(สะสมตั้งแต่ต้นปีงบประมาณ)")
    assert (row[at], row[at + 1]) == (40, 140)  # Q1 of 2568-Q4 is another fiscal year
    [head, *items] = list(book["โครงการ"].iter_rows(values_only=True))
    spent = head.index("ข้อ 1.1.2.2 เบิกจ่ายในไตรมาสนี้ (บาท)")
    by_item = {r[3]: (r[spent], r[spent + 1]) for r in items}
    assert by_item == {1: (250.5, 1250.5), 2: (None, None)}  # the new project: nothing yet
