"""A submission's document from the database: applicable questions, answers in words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from reports.submission_data import UnitFacts, unit_facts
from reports.submission_doc import Heading, ItemEntry
from reports.submission_pdf import submission_pdf
from reports.submission_snapshot import load_submission_docs
from tests.reports.conftest import Tiny
from tests.reports.pdfcheck import bases, page_texts

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2024, 4, 2, 2, 30, tzinfo=UTC)


class _Row(NamedTuple):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


_TREE = [
    _Row(1, "P", "จังหวัด", "province", None),
    _Row(2, "A", "เขต 1", "esa", 1),
    _Row(3, "S", "โรงเรียน", "school", 2),
    _Row(4, "T", "โรงเรียนอื่น", "school", 2),
]


def test_the_facts_of_the_units_asked_for_are_those_of_the_whole_tree() -> None:
    whole = unit_facts(_TREE)
    assert whole[3] == UnitFacts(3, "S", "โรงเรียน", "school", "เขต 1", "จังหวัด")
    assert unit_facts(_TREE, wanted={3, 99}) == {3: whole[3]}  # 99: no such unit
    assert unit_facts(_TREE, wanted=()) == {}


def _answers(rows: tuple[Heading | ItemEntry, ...]) -> dict[str, str]:
    return {r.no: r.answer for r in rows if isinstance(r, ItemEntry)}


async def test_a_round_prints_its_submitted_and_certified_units(tiny: Tiny) -> None:
    async with tiny.sessions() as session:
        docs = await load_submission_docs(session, tiny.round_id, tz=BANGKOK, now=NOW)
    assert [d.unit_code for d in docs] == ["S1", "S2"]
    s1, s2 = docs
    assert s1.province == "สำนักงานศึกษาธิการจังหวัดทดสอบ"
    assert s1.agency_name == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1"
    assert s1.period == "ปีงบประมาณ พ.ศ. 2567"
    assert s1.state == "ส่งแล้ว รอรับรองข้อมูล"
    assert s1.rows[:2] == (
        Heading("1", "ยุทธศาสตร์ที่ 1 ความมั่นคง", 1),
        Heading("1.1", "ตัวชี้วัดที่ 1 กิจกรรม", 2),
    )
    assert _answers(s1.rows) == {
        "1.1.1": "ดำเนินการแล้ว",
        "1.1.2": "120",
        "1.1.3": "1,500.50",
        "1.1.4": "โครงการ ก",
        "1.1.5": "ยาเสพติด, ภัยไซเบอร์",
        "1.1.6": "15 มีนาคม 2567",
    }  # "report" is asked of ESAs only
    # S2 said "no": students and budget are not asked any more, even though stored.
    assert _answers(s2.rows) == {
        "1.1.1": "ยังไม่ดำเนินการ",
        "1.1.4": "ไม่มี",
        "1.1.5": "ยาเสพติด",
        "1.1.6": "ยังไม่ได้ตอบ",
    }
    assert s2.state == "รับรองข้อมูลแล้ว"
    assert s2.certified is not None and s2.submitted is not None
    assert s2.generated_at == NOW.astimezone(BANGKOK)
    assert s1.certified is None


async def test_given_units_get_their_document_whatever_their_state(tiny: Tiny) -> None:
    async with tiny.sessions() as session:
        docs = await load_submission_docs(
            session, tiny.round_id, unit_ids=[tiny.unit_ids["ESA1"]], tz=BANGKOK, now=NOW
        )
    [esa1] = docs
    assert esa1.state == "ส่งกลับให้แก้ไข"
    assert esa1.returned_reason == "-"
    files = [r for r in esa1.rows if isinstance(r, ItemEntry) and r.files]
    assert [(f.name, f.size) for f in files[0].files] == [
        ("a.pdf", len(b"%PDF-1.4 tiny report")),
        ("b.jpg", len(b"\xff\xd8\xff tiny photo")),
    ]
    assert all(f.sha256 is not None and len(f.sha256) == 64 for f in files[0].files)
    text = bases("".join(page_texts(submission_pdf(esa1))))
    assert bases("a.pdf") in text and bases(files[0].files[0].sha256 or "") in text
    async with tiny.sessions() as session:
        none = await load_submission_docs(
            session, tiny.round_id, unit_ids=[tiny.unit_ids["S4"]], tz=BANGKOK, now=NOW
        )
    assert none == []
