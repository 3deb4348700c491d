"""The committee report over repeat groups: items counted, their questions summarised
across every item of every unit (checked by hand), and the same in Word and PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.answers import NONE, AnswerValue, Items, encode
from flows.form_loader import load_form_file
from reports.committee import CommitteeReport, QuestionSummary, committee_report
from reports.committee_docx import write_committee_docx
from reports.committee_pdf import committee_pdf
from reports.snapshot import load_round_snapshot
from storage.db import transaction
from storage.submissions import save_answer, submission_for
from storage.units import unit_by_code
from tests.provinces import open_sample_round
from tests.reports.pdfcheck import bases, page_texts
from tidtam.samples import PROJECTS_FILE

FORM = load_form_file(PROJECTS_FILE)
A = AnswerValue


def project(
    name: str, status: str, allocated: int, spent: int, people: list[int]
) -> dict[str, AnswerValue]:
    answers = {
        "name": A(name),
        "owner": A("กลุ่มนโยบายและแผน"),
        "objective": A("พัฒนาคุณภาพ"),
        "status": A(status),
        "allocated": A(Decimal(allocated)),
        "spent": A(Decimal(spent)),
        "problems": NONE,
        "suggestions": NONE,
    }
    if people:
        answers["activities"] = A(Items(tuple(f"i{n}" for n in range(1, len(people) + 1)), True))
        for n, count in enumerate(people, start=1):
            answers[f"activities/i{n}/act_name"] = A(f"กิจกรรม {n}")
            answers[f"activities/i{n}/act_people"] = A(count)
    return answers


UNITS = {
    "1067010001": [project("ส่งเสริมการอ่าน", "ongoing", 50000, 20000, [35, 120])],
    "1067010002": [
        project("ส่งเสริมการอ่าน", "done", 30000, 30000, [40]),
        project("ห้องเรียนคุณภาพ", "not_started", 100000, 0, []),
    ],
}


async def seeded(sessions: async_sessionmaker[AsyncSession]) -> int:
    now = datetime.now(UTC)
    opened = await open_sample_round(sessions, form_file=PROJECTS_FILE, period="2569-Q1")
    async with transaction(sessions) as session:
        for code, projects in UNITS.items():
            unit = await unit_by_code(session, code)
            assert unit is not None
            submission = await submission_for(session, opened.id, unit.id)
            given: dict[str, AnswerValue] = {
                "projects": A(Items(tuple(f"i{n}" for n in range(1, len(projects) + 1)), True))
            }
            for n, answers in enumerate(projects, start=1):
                given |= {f"projects/i{n}/{key}": value for key, value in answers.items()}
            for key, value in given.items():
                data = encode(FORM.question(key), value)
                await save_answer(session, submission, key, data, actor=None, now=now)
        return opened.id


async def report_of(sessions: async_sessionmaker[AsyncSession]) -> CommitteeReport:
    round_id = await seeded(sessions)
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, round_id)
    return committee_report(snapshot, scope_name="จังหวัดเพชรบูรณ์", tz=ZoneInfo("Asia/Bangkok"))


def by_no(summary: QuestionSummary) -> dict[str, QuestionSummary]:
    found = {summary.no: summary}
    for item in summary.items:
        found |= by_no(item)
    return found


async def test_items_are_counted_and_summarised_across_units(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    report = await report_of(sessions)
    group = report.sections[0].indicators[0].questions[0]
    assert group.type.value == "repeat" and not group.of_items
    assert (group.answered, group.total, group.minimum, group.maximum) == (2, 3.0, 1.0, 2.0)
    found = by_no(group)
    names = found["1.1.1.1"]
    assert names.of_items and names.asked == 3
    assert [(t.text, t.count) for t in names.texts] == [("ส่งเสริมการอ่าน", 2), ("ห้องเรียนคุณภาพ", 1)]
    status = {c.label: c.count for c in found["1.1.1.4"].choices}
    assert status == {
        "ยังไม่เริ่มดำเนินการ": 1,
        "อยู่ระหว่างดำเนินการ": 1,
        "ดำเนินการแล้วเสร็จ": 1,
        "ยกเลิกโครงการ": 0,
    }
    assert found["1.1.1.5"].total == 180000 and found["1.1.1.6"].total == 50000
    activities = found["1.1.1.9"]  # asked of the two projects under way or done
    assert activities.total == 3
    assert found["1.1.1.9.4"].total == 195 and found["1.1.1.9.4"].asked == 3

    path = tmp_path / "committee.docx"
    write_committee_docx(report, path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "มี 3 รายการ ตอบแล้ว 3 รายการ" in text
    assert "รวม 3 รายการ เฉลี่ย 1.5 รายการ ต่ำสุด 1 สูงสุด 2" in text
    pdf_text = "\n".join(page_texts(committee_pdf(report)))
    assert bases("รวม 195 เฉลี่ย 65") in bases(pdf_text)
