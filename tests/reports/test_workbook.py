"""The workbook, CSV and files zip of the tiny round, read back and compared with the answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from reports.snapshot import RoundSnapshot, load_round_snapshot
from reports.workbook import (
    DATE_FORMAT,
    FONT_NAME,
    SHEETS,
    SUMMARY_TABLE_ROW,
    question_header,
    write_csv,
    write_files_zip,
    write_workbook,
    zip_name,
)
from tests.reports.conftest import FILES, Tiny

UNIT_FIXED = [
    "รหัสหน่วยงาน",
    "ชื่อหน่วยงาน",
    "ประเภท",
    "หน่วยงานต้นสังกัด",
    "อำเภอ",
    "สถานะ",
    "เกินกำหนด",
    "วันที่ส่งรายงาน",
    "วันที่รับรองข้อมูล",
]


async def snapshot_of(tiny: Tiny) -> RoundSnapshot:
    async with tiny.sessions() as session:
        return await load_round_snapshot(session, tiny.round_id)


@pytest.fixture
async def workbook(tiny: Tiny, tmp_path: Path) -> Path:
    path = tmp_path / "round.xlsx"
    write_workbook(await snapshot_of(tiny), path, files_root=tiny.files_root)
    return path


def test_question_header() -> None:
    assert question_header("1.1.1", "สั้น") == "ข้อ 1.1.1 สั้น"
    long = question_header("2", "ก" * 100, limit=10)
    assert long == "ข้อ 2 " + "ก" * 9 + "…"


def test_zip_name_replaces_unsafe_characters() -> None:
    assert zip_name("1067010001", "s1i1_report", 2, "ผลงาน.pdf") == (
        "1067010001/s1i1_report-2-ผลงาน.pdf"
    )
    assert zip_name("A/B", "q", 1, "../../etc/passwd") == "A_B/q-1-_.._etc_passwd"
    assert zip_name("A", "q", 1, "") == "A/q-1-file"


async def test_sheets_and_units_read_back(tiny: Tiny, workbook: Path) -> None:
    sheets = pd.read_excel(workbook, sheet_name=None)
    assert list(sheets) == list(SHEETS)
    units = sheets["รายหน่วยงาน"]
    headers = UNIT_FIXED + [
        question_header(p.question.no, p.question.text) for p in tiny.form.questions()
    ]
    assert list(units.columns) == headers
    assert "ข้อ 1.1.1 หน่วยงานของท่านดำเนินการตามตัวชี้วัดนี้หรือไม่" in headers
    rows = units.set_index("รหัสหน่วยงาน")
    assert list(rows.index) == ["ESA1", "S1", "S2", "ESA2", "S3", "S4"]

    def cell(code: str, question_id: str) -> Any:
        return rows.loc[
            code,
            question_header(
                tiny.form.question(question_id).no, tiny.form.question(question_id).text
            ),
        ]

    assert rows.loc["S1", "สถานะ"] == "ส่งแล้ว รอรับรองข้อมูล"
    assert rows.loc["S1", "ประเภท"] == "สถานศึกษา"  # a kind by its Thai name, not "school"
    assert rows.loc["S2", "สถานะ"] == "รับรองข้อมูลแล้ว"
    assert rows.loc["ESA1", "สถานะ"] == "ส่งกลับให้แก้ไข"
    assert rows.loc["S4", "สถานะ"] == "ยังไม่เริ่ม"
    assert rows.loc["S3", "หน่วยงานต้นสังกัด"] == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 2"
    assert cell("S1", "done") == "ดำเนินการแล้ว"
    assert cell("S2", "done") == "ยังไม่ดำเนินการ"
    assert cell("S1", "students") == 120
    assert cell("S3", "students") == 30
    assert cell("ESA1", "students") == 0
    assert pd.isna(cell("S2", "students"))  # answered 99 before "no": left out
    assert cell("S1", "budget") == 1500.5
    assert pd.isna(cell("S3", "budget"))  # skipped
    assert cell("S1", "project") == "โครงการ ก"
    assert cell("S2", "project") == "ไม่มี"
    assert cell("S1", "threats") == "ยาเสพติด, ภัยไซเบอร์"
    assert pd.Timestamp(cell("S1", "held")).date() == dt.date(2024, 3, 15)
    assert cell("ESA1", "report") == "a.pdf, b.jpg"
    assert rows.loc["S4"].iloc[6:].isna().all()
    assert isinstance(rows.loc["S1", "วันที่ส่งรายงาน"], pd.Timestamp)


async def test_numbers_are_numbers_dates_are_dates_font_and_layout(workbook: Path) -> None:
    book = load_workbook(workbook)
    sheet = book["รายหน่วยงาน"]
    header = [c.value for c in sheet[1]]
    students = header.index("ข้อ 1.1.2 จำนวนนักเรียนที่เข้าร่วม (คน)") + 1
    held = header.index("ข้อ 1.1.6 วันที่จัดกิจกรรม") + 1
    s1 = 3  # ESA1 is row 2
    assert sheet.cell(s1, 1).value == "S1"
    assert sheet.cell(s1, students).data_type == "n"
    assert sheet.cell(s1, students).value == 120
    assert sheet.cell(s1, held).is_date
    assert sheet.cell(s1, held).number_format == DATE_FORMAT
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.cell(s1, 1).font.name == FONT_NAME


async def test_summary_and_indicators(workbook: Path) -> None:
    summary = pd.read_excel(workbook, sheet_name="สรุป", header=SUMMARY_TABLE_ROW, nrows=3)
    assert summary["รหัสหน่วยงาน"].fillna("").tolist() == ["ESA1", "ESA2", ""]
    assert summary["จำนวนหน่วยงานที่ต้องรายงาน"].tolist() == [3, 3, 6]
    assert summary["ส่งแล้วรวม"].tolist() == [2, 0, 2]
    assert summary["ร้อยละที่ส่งแล้ว"].tolist() == [66.7, 0.0, 33.3]
    indicators = pd.read_excel(workbook, sheet_name="รายตัวชี้วัด")
    question_rows = indicators[indicators["ตัวเลือก"].isna()].set_index("รหัสข้อคำถาม")
    assert question_rows.loc["students", "ผลรวม"] == 150
    assert question_rows.loc["students", "ค่าเฉลี่ย"] == 50
    assert question_rows.loc["project", "ตอบว่าไม่มี"] == 2
    assert question_rows.loc["report", "ไม่เกี่ยวข้องกับหน่วยงาน"] == 3
    assert question_rows.loc["budget", "ข้าม"] == 1
    choices = indicators[indicators["ตัวเลือก"].notna()]
    got = {
        (q, c): (n, p)
        for q, c, n, p in choices[["รหัสข้อคำถาม", "ตัวเลือก", "จำนวน", "ร้อยละ"]].to_numpy()
    }
    assert got[("done", "ดำเนินการแล้ว")] == (3, 75.0)
    assert got[("threats", "ยาเสพติด")] == (2, 100.0)
    assert got[("threats", "อื่น ๆ")] == (0, 0.0)


def test_attachments_sheet(tiny: Tiny, workbook: Path) -> None:
    attachments = pd.read_excel(workbook, sheet_name="ไฟล์แนบ")
    assert attachments["ชื่อไฟล์"].tolist() == list(FILES)
    assert attachments["รหัสหน่วยงาน"].tolist() == ["ESA1", "ESA1"]
    assert attachments["ขนาด (ไบต์)"].tolist() == [len(b) for b in FILES.values()]
    for path in attachments["ที่เก็บไฟล์"]:
        assert Path(path).read_bytes() in FILES.values()


async def test_csv_has_a_bom_and_the_units(tiny: Tiny, tmp_path: Path) -> None:
    path = tmp_path / "round.csv"
    write_csv(await snapshot_of(tiny), path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:9] == UNIT_FIXED
    by_code = {row[0]: row for row in rows[1:]}
    header = rows[0]
    assert by_code["S1"][header.index("ข้อ 1.1.6 วันที่จัดกิจกรรม")] == "15 มี.ค. 2567"
    assert by_code["S1"][header.index("ข้อ 1.1.2 จำนวนนักเรียนที่เข้าร่วม (คน)")] == "120"
    assert by_code["S2"][header.index("ข้อ 1.1.4 ชื่อโครงการ")] == "ไม่มี"
    assert by_code["S2"][header.index("ข้อ 1.1.2 จำนวนนักเรียนที่เข้าร่วม (คน)")] == ""


async def test_files_zip(tiny: Tiny, tmp_path: Path) -> None:
    snapshot = await snapshot_of(tiny)
    path = tmp_path / "files.zip"
    result = write_files_zip(snapshot, tiny.files_root, path)
    assert (result.written, result.missing) == (2, ())
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["ESA1/report-1-a.pdf", "ESA1/report-2-b.jpg"]
        assert archive.read("ESA1/report-1-a.pdf") == FILES["a.pdf"]
    result = write_files_zip(snapshot, tmp_path / "elsewhere", tmp_path / "none.zip")
    assert result.written == 0
    assert result.missing == ("ESA1/report-1-a.pdf", "ESA1/report-2-b.jpg")
