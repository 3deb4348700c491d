"""A submission's PDF lists a repeat group's items under the group, each headed by its
number and name, with item numbers never broken across lines."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flows.answers import NONE, AnswerValue, Items
from flows.form_loader import load_form_file
from reports.submission_data import SubmissionFacts, UnitFacts, build_doc
from reports.submission_doc import Heading, ItemEntry
from reports.submission_pdf import submission_pdf
from tests.reports.pdfcheck import bases, page_texts
from tidtam.samples import PROJECTS_FILE

FORM = load_form_file(PROJECTS_FILE)
A = AnswerValue


def facts() -> SubmissionFacts:
    answers = {
        "projects": A(Items(("i1", "i3"), closed=True)),
        "projects/i1/name": A("ส่งเสริมการอ่าน"),
        "projects/i1/owner": A("กลุ่มส่งเสริมการจัดการศึกษา"),
        "projects/i1/objective": A("อ่านออกเขียนได้"),
        "projects/i1/status": A("ongoing"),
        "projects/i1/allocated": A(Decimal(50000)),
        "projects/i1/spent": A(Decimal(20000)),
        "projects/i1/left": A(Decimal("30000.00")),
        "projects/i1/disbursed": A(Decimal("40.00")),
        "projects/i1/activities": A(Items(("i2",), closed=True)),
        "projects/i1/activities/i2/act_name": A("ค่ายรักการอ่าน"),
        "projects/i1/activities/i2/act_date": A(dt.date(2026, 11, 20)),
        "projects/i1/activities/i2/act_place": A("โรงเรียน"),
        "projects/i1/activities/i2/act_people": A(120),
        "projects/i1/activities/i2/act_result": A("ยืมหนังสือเพิ่มขึ้น"),
        "projects/i1/problems": NONE,
        "projects/i1/suggestions": NONE,
        "projects/i2/name": A("โครงการที่ลบออกแล้ว"),  # removed: not listed, not printed
        "projects/i3/name": A("ห้องเรียนคุณภาพ"),
        "projects/i3/status": A("not_started"),
        "overall": A("ดำเนินการตามแผน"),
    }
    unit = UnitFacts(1, "1067010001", "โรงเรียนอนุบาลเพชรบูรณ์", "school", "สพป.", "เพชรบูรณ์")
    return SubmissionFacts(unit, "submitted", answers, {}, None, {})


def test_items_are_headed_under_their_group_and_removed_ones_left_out() -> None:
    doc = build_doc(FORM, "2569-Q1", facts(), tz=ZoneInfo("Asia/Bangkok"), now=datetime.now(UTC))
    rows = [(r.no, r.title) if isinstance(r, Heading) else (r.no, r.answer) for r in doc.rows]
    at = rows.index(("1.1.1", "2 รายการ"))
    assert rows[at + 1] == ("", "โครงการที่ 1: ส่งเสริมการอ่าน")
    assert ("", "กิจกรรมที่ 1: ค่ายรักการอ่าน") in rows
    assert ("1.1.1.9.4", "120") in rows
    assert ("", "โครงการที่ 2: ห้องเรียนคุณภาพ") in rows
    texts = [r.answer for r in doc.rows if isinstance(r, ItemEntry)]
    assert "โครงการที่ลบออกแล้ว" not in texts


def test_long_item_numbers_stay_on_one_line() -> None:
    doc = build_doc(FORM, "2569-Q1", facts(), tz=ZoneInfo("Asia/Bangkok"), now=datetime.now(UTC))
    text = "\n".join(page_texts(submission_pdf(doc)))
    assert "1.1.1.9.4 " in text and "1.1.1.11 " in text  # whole, then the question
    assert bases("โครงการที่ 2: ห้องเรียนคุณภาพ") in bases(text)
