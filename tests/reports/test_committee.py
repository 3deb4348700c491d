"""The committee report read back with python-docx: the same counts as the workbook."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from reports.committee import committee_report
from reports.committee_docx import FONT_NAME, write_committee_docx
from reports.snapshot import load_round_snapshot
from reports.workbook import SUMMARY_TABLE_ROW, write_workbook
from tests.reports.conftest import Tiny

BANGKOK = ZoneInfo("Asia/Bangkok")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.fixture
async def written(tiny: Tiny, tmp_path: Path) -> tuple[Path, Path]:
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id)
    workbook = tmp_path / "round.xlsx"
    write_workbook(snapshot, workbook, files_root=tiny.files_root)
    report = committee_report(snapshot, scope_name="จังหวัดทดสอบ", tz=BANGKOK)
    docx = tmp_path / "summary.docx"
    write_committee_docx(report, docx)
    return workbook, docx


def _by_question(path: Path) -> tuple[list[Table], dict[str, list[Paragraph | Table]]]:
    """The tables before the first question, and what follows each question heading."""
    document = Document(str(path))
    before: list[Table] = []
    found: dict[str, list[Paragraph | Table]] = {}
    current: list[Paragraph | Table] | None = None
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph) and block.style is not None:
            style = block.style.name or ""
            if style == "Heading 3":
                current = found.setdefault(block.text.split(" ")[0], [])
                continue
            if style.startswith("Heading") and "ภาคผนวก" in block.text:
                current = found.setdefault("appendix", [])
                continue
        if current is not None:
            current.append(block)
        elif isinstance(block, Table):
            before.append(block)
    return before, found


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_completeness_equals_the_workbook_summary(written: tuple[Path, Path]) -> None:
    workbook, docx = written
    summary = pd.read_excel(workbook, sheet_name="สรุป", header=SUMMARY_TABLE_ROW, nrows=3)
    [completeness] = _by_question(docx)[0]
    rows = _rows(completeness)
    assert rows[0][:3] == ["หน่วยงานต้นสังกัด", "ต้องรายงาน", "ส่งแล้ว"]
    assert [_number(r[1]) for r in rows[1:]] == summary["จำนวนหน่วยงานที่ต้องรายงาน"].tolist()
    assert [_number(r[2]) for r in rows[1:]] == summary["ส่งแล้วรวม"].tolist()
    assert [_number(r[-1]) for r in rows[1:]] == summary["ร้อยละที่ส่งแล้ว"].tolist()


def test_each_question_equals_the_workbook_indicators(
    tiny: Tiny, written: tuple[Path, Path]
) -> None:
    workbook, docx = written
    indicators = pd.read_excel(workbook, sheet_name="รายตัวชี้วัด")
    questions = indicators[indicators["ตัวเลือก"].isna()].set_index("รหัสข้อคำถาม")
    choices = indicators[indicators["ตัวเลือก"].notna()]
    _, found = _by_question(docx)
    checked_numbers = checked_choices = 0
    for place in tiny.form.questions():
        question = place.question
        blocks = found[question.no]
        row = questions.loc[question.id]
        counts = [int(n) for n in re.findall(r"[\d,]+(?= แห่ง)", blocks[0].text)]  # type: ignore[union-attr]
        assert counts[:2] == [row["หน่วยงานที่ต้องตอบข้อนี้"], row["ตอบแล้ว"]], question.id
        assert counts[2:] == [row["ตอบว่าไม่มี"], row["ข้าม"], row["ยังไม่ได้ตอบ"]]
        if question.choices:
            table = next(b for b in blocks if isinstance(b, Table))
            shown = {r[0]: (_number(r[1]), _number(r[2])) for r in _rows(table)[1:]}
            expected = {
                c: (float(n), float(p))
                for q, c, n, p in choices[["รหัสข้อคำถาม", "ตัวเลือก", "จำนวน", "ร้อยละ"]].to_numpy()
                if q == question.id
            }
            assert shown == expected
            checked_choices += 1
        if question.type.value in ("integer", "decimal") and row["ตอบแล้ว"]:
            line = next(b.text for b in blocks if isinstance(b, Paragraph) and "รวม" in b.text)
            total, mean = (_number(x) for x in re.findall(r"(?:รวม|เฉลี่ย) ([\d,.]+)", line))
            assert total == pytest.approx(row["ผลรวม"])
            assert mean == pytest.approx(row["ค่าเฉลี่ย"])
            checked_numbers += 1
    assert checked_numbers == 2 and checked_choices == 2


def test_texts_are_grouped_and_missing_units_listed(tiny: Tiny, written: tuple[Path, Path]) -> None:
    _, docx = written
    _, found = _by_question(docx)
    project = tiny.form.question("project").no
    table = next(b for b in found[project] if isinstance(b, Table))
    assert _rows(table)[1:] == [["โครงการ ก", "1"], ["โครงการ ข", "1"]]
    appendix = [b for b in found["appendix"] if isinstance(b, Table)]
    codes = sorted(r[0] for t in appendix for r in _rows(t)[1:])
    assert codes == ["ESA1", "ESA2", "S3", "S4"]


def test_thai_text_uses_the_thai_font_in_every_slot(written: tuple[Path, Path]) -> None:
    document = Document(str(written[1]))
    for name in ("Normal", "Heading 1", "Heading 3", "Table Grid"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:cs")) == FONT_NAME
        assert fonts.get(qn("w:ascii")) == FONT_NAME
    normal = document.styles["Normal"].element.rPr
    assert normal.find(qn("w:szCs")).get(qn("w:val")) == "32"  # 16 pt
    first_rows = document.element.body.findall(f"{qn('w:tbl')}/{qn('w:tr')}[1]/{qn('w:trPr')}")
    assert first_rows and all(r.find(qn("w:tblHeader")) is not None for r in first_rows)


async def test_a_supervisor_report_groups_by_child_unit(tiny: Tiny) -> None:
    esa1 = tiny.unit_ids["ESA1"]
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id, subtree_of=esa1)
    report = committee_report(
        snapshot, scope_name="เขต 1", by="unit", root_unit_id=esa1, tz=BANGKOK
    )
    assert report.group_label == "หน่วยงาน"
    students = next(
        q for s in report.sections for i in s.indicators for q in i.questions if q.no == "1.1.2"
    )
    assert {(g.group, g.units, g.total) for g in students.by_group} == {
        ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1", 1, 0.0),
        ("โรงเรียนบ้านหนึ่ง", 1, 120.0),
    }
    assert [code for _, units in report.missing for code in (u.code for u in units)] == ["ESA1"]
