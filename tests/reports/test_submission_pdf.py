"""The submission PDF read back: its text, its glyphs, its pages, its margins."""

from __future__ import annotations

import warnings
from datetime import datetime

import pytest

from reports.submission_doc import FileEntry, Heading, ItemEntry, Signed, SubmissionDoc
from reports.submission_pdf import record_lines, submission_pdf
from tests.reports.pdfcheck import (
    bases,
    font_code_points,
    marks,
    objects_outside,
    page_count,
    page_texts,
)

LONG = (
    "โครงการส่งเสริมคุณธรรมนำความรู้สู่ชุมชนอย่างยั่งยืน ร่วมกับองค์การบริหารส่วนตำบล"
    "และวัดในพื้นที่ ผู้ปกครองให้ความร่วมมือเป็นอย่างดี นักเรียนได้เรียนรู้ภูมิปัญญาท้องถิ่น"
)
SHA = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"


def _items(count: int) -> tuple[Heading | ItemEntry, ...]:
    rows: list[Heading | ItemEntry] = [
        Heading("1", "ยุทธศาสตร์ที่ 1 พัฒนาการจัดการศึกษาเพื่อความมั่นคง", 1),
        Heading("1.1", "ตัวชี้วัดที่ 1 ร้อยละของสถานศึกษาที่จัดกิจกรรมส่งเสริมคุณธรรม", 2),
    ]
    answers = ["ดำเนินการแล้ว", "1,250", "1,500.50", "15 มีนาคม 2567", "ไม่มี", LONG]
    for n in range(1, count + 1):
        rows.append(ItemEntry(f"1.1.{n}", f"ข้อคำถามที่ {n} ผลการดำเนินงานของหน่วยงาน", answers[n % 6]))
    rows.append(
        ItemEntry(
            f"1.1.{count + 1}",
            "เอกสารผลการดำเนินงาน",
            "รายงาน.pdf",
            (FileEntry("รายงานผลการดำเนินงาน.pdf", 1_234_567, SHA),),
        )
    )
    return tuple(rows)


def _doc(count: int = 8, **changes: object) -> SubmissionDoc:
    fields: dict[str, object] = {
        "province": "สำนักงานศึกษาธิการจังหวัดเพชรบูรณ์",
        "form_title": "แบบรายงานผลการดำเนินงานตามแผนพัฒนาการศึกษา",
        "period": "ปีงบประมาณ พ.ศ. 2567 ไตรมาสที่ 2",
        "unit_name": "โรงเรียนบ้านน้ำก้อ",
        "unit_code": "PBN-S001",
        "agency_name": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 1",
        "state": "รับรองข้อมูลแล้ว",
        "rows": _items(count),
        "generated_at": datetime(2024, 4, 2, 9, 30),
        "last_answer": Signed("นางสาวสมศรี ใจดี", datetime(2024, 3, 20, 14, 5)),
        "submitted": Signed("นางสาวสมศรี ใจดี", datetime(2024, 3, 20, 14, 6)),
        "certified": Signed("นายสมชาย รักเรียน", datetime(2024, 3, 21, 8, 0)),
    }
    fields.update(changes)
    return SubmissionDoc(**fields)  # type: ignore[arg-type]


def _drawn(doc: SubmissionDoc) -> list[str]:
    """Texts the document must show."""
    texts = [doc.province, doc.form_title, doc.period, doc.unit_name, doc.unit_code]
    texts += [doc.agency_name, doc.state, *record_lines(doc)]
    for row in doc.rows:
        if isinstance(row, Heading):
            texts += [row.no, row.title]
        else:
            texts += [row.no, row.text]
            texts += [f.name for f in row.files] + [f.sha256 or "" for f in row.files]
            if not row.files:
                texts.append(row.answer)
    return texts


def test_the_text_read_back_is_the_answers_given() -> None:
    doc = _doc()
    pages = page_texts(submission_pdf(doc))
    text = "".join(pages)
    found = bases(text)
    for expected in _drawn(doc):
        assert bases(expected.replace("\u00a0", " ")) in found, expected
    # Every vowel and tone mark drawn is in the text (marks compared as counts).
    wanted = sum((marks(t) for t in _drawn(doc)), start=marks(""))
    assert not wanted - marks(text)
    for needle in ("1,250", "1,500.50", "15มีนาคม2567", "ไม่มี", "SHA-256", "1.2MB"):
        assert bases(needle) in bases(text)
    assert bases(f"หน้า 1/{len(pages)}") in bases(pages[0])
    assert bases(f"หน้า {len(pages)}/{len(pages)}") in bases(pages[-1])
    assert bases("จัดทำเมื่อ 2 เมษายน 2567 เวลา 09:30 น.") in bases(pages[0])
    assert bases("ลงชื่อ") in bases(pages[-1])
    assert bases("ผู้อำนวยการ") in bases(pages[-1])


def test_a_returned_report_shows_the_reason_and_no_certification() -> None:
    doc = _doc(
        certified=None,
        submitted=None,
        returned=Signed("นายสมชาย รักเรียน", datetime(2024, 3, 22, 10, 0)),
        returned_reason="จำนวนนักเรียนไม่ตรงกับข้อมูล DMC",
        state="ส่งกลับให้แก้ไข",
    )
    text = bases("".join(page_texts(submission_pdf(doc))))
    assert bases("ส่งกลับให้แก้ไข เมื่อ 22 มีนาคม 2567") in text
    assert bases("เหตุผล: จำนวนนักเรียนไม่ตรงกับข้อมูล DMC") in text
    assert bases("รับรองข้อมูลเมื่อ") not in text


def test_every_character_has_a_glyph_and_none_is_missing() -> None:
    doc = _doc()
    used = {ord(c) for t in _drawn(doc) for c in t}
    thai = set(range(0x0E01, 0x0E3B)) | set(range(0x0E3F, 0x0E5C))
    assert (used | thai) - {0x20} <= font_code_points()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        submission_pdf(doc)
    assert [str(w.message) for w in caught] == []


def test_the_page_count_grows_with_the_answers() -> None:
    counts = [page_count(submission_pdf(_doc(n))) for n in (2, 20, 60)]
    assert counts[0] < counts[1] < counts[2]


def test_a_long_table_repeats_its_heading_on_every_page() -> None:
    pages = page_texts(submission_pdf(_doc(60)))
    assert len(pages) >= 3
    with_table = [p for p in pages if bases("ข้อคำถามที่") in bases(p)]
    assert len(with_table) >= 3
    for page in with_table:
        assert bases("ข้อ ข้อคำถาม คำตอบ") in bases(page)


@pytest.mark.parametrize("count", [3, 40])
def test_nothing_is_drawn_beyond_the_margins(count: int) -> None:
    data = submission_pdf(_doc(count, rows=(*_items(count), ItemEntry("9.9.9", "ยาว", LONG * 30))))
    assert objects_outside(data, left=25, right=20, top=12, bottom=8) == []
