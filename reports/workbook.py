"""The export: an Excel workbook, a CSV of the units' answers, a zip of the uploaded files.

:func:`write_workbook` writes four sheets (:data:`SHEETS`, named in Thai like every
header: no English on a Thai screen):

``สรุป`` (summary)
    the round (form, period, deadline, as of), then completion by agency with a
    total row starting at row :data:`SUMMARY_TABLE_ROW` (0-based: the header row),
    then the same by district after one empty row.
``รายหน่วยงาน`` (units)
    one row per target unit: code, name, kind, agency, district, state, overdue,
    when submitted and certified, then one column per question headed
    ``"ข้อ <item number> <question text>"`` (the text cut to :data:`HEADER_TEXT_LIMIT`
    characters). Relevant answers only (:func:`reports.aggregates.unit_answers_wide`).
    Frozen header row and code/name columns, an autofilter.
``รายตัวชี้วัด`` (indicators)
    :func:`reports.aggregates.indicators_table`: per question counts (answered,
    "none", skipped, not applicable), number statistics, and choice rows with
    counts and percentages.
``ไฟล์แนบ`` (attachments)
    the files the answers point to: unit, question, position, file name, size,
    type, SHA-256 and the stored path.

A form with repeat groups adds a sheet per group, named by its word for an item
(``โครงการ``, ``กิจกรรม``): one row per item of every unit, with the unit's code,
name and agency, the item's position in each list (``โครงการที่``, ``กิจกรรมที่``)
and a column per question of the group (:func:`reports.items.item_tables`). On the
units sheet a group's column holds its number of items.

Numbers are written as numbers and dates as Excel dates shown in the Buddhist era
with Thai month names (number format ``[$-107041E]d mmm yyyy``: locale 041E Thai,
calendar 07 Thai Buddhist; Excel and LibreOffice both read it). Times are local
(``tz``, Bangkok by default). The workbook's default font is "TH Sarabun New" 14 pt,
the Thai government's standard font; where it is not installed Excel and LibreOffice
substitute another font, and the Thai text stays readable.

:func:`write_csv` writes the Units sheet as CSV in UTF-8 with a byte-order mark, so
that Excel opens the Thai text correctly; dates there are Thai text
(``15 มี.ค. 2567``). :func:`write_files_zip` zips the answered files as
``<unit code>/<question id>-<n>-<original name>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import pandas as pd
import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.exceptions import FileCreateError  # type: ignore[import-untyped]
from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from flows.form import Question, QuestionType
from reports.aggregates import (
    answered_files,
    completion,
    indicators_table,
    unit_answers_wide,
    unit_status,
)
from reports.cumulative import YTD_SUFFIX, earlier_totals, with_year_to_date
from reports.labels import OVERDUE_TH, PROJECT_STATE_TH, QUESTION_TYPE_TH, STATE_TH, TOTAL_TH
from reports.round_snapshot import RoundSnapshot
from reports.sheetdata import (
    ColumnStyle,
    SplicedSheet,
    reserve_formats,
    sheet_rows,
    splice_sheets,
    style_indices,
)
from reports.targets import achievement
from tidtam.core.csv_cells import csv_cell
from tidtam.core.names import kind_name
from tidtam.core.periods import parse_period
from tidtam.core.thai import format_date_th

__all__ = [
    "ATTACHMENT_HEADERS",
    "BANGKOK",
    "FONT_NAME",
    "HEADER_TEXT_LIMIT",
    "INDICATOR_HEADERS",
    "SHEETS",
    "SUMMARY_HEADERS",
    "SUMMARY_TABLE_ROW",
    "UNIT_HEADERS",
    "ZipResult",
    "question_header",
    "write_csv",
    "write_files_zip",
    "write_workbook",
    "zip_name",
]

BANGKOK: Final = ZoneInfo("Asia/Bangkok")
FONT_NAME: Final = "TH Sarabun New"
FONT_SIZE: Final = 14
DATE_FORMAT: Final = "[$-107041E]d mmm yyyy"
DATETIME_FORMAT: Final = "[$-107041E]d mmm yyyy hh:mm"
HEADER_TEXT_LIMIT: Final = 60
SHEETS: Final = ("สรุป", "รายหน่วยงาน", "รายตัวชี้วัด", "ไฟล์แนบ")
SUMMARY_TABLE_ROW: Final = 6

SUMMARY_HEADERS: Final = {
    "code": "รหัสหน่วยงาน",
    "name": "หน่วยงาน",
    "total": "จำนวนหน่วยงานที่ต้องรายงาน",
    "not_started": STATE_TH["not_started"],
    "in_progress": STATE_TH["in_progress"],
    "returned": STATE_TH["returned"],
    "submitted": STATE_TH["submitted"],
    "certified": STATE_TH["certified"],
    "done": "ส่งแล้วรวม",
    "overdue": OVERDUE_TH,
    "unreachable": "ไม่มีผู้รับแจ้งเตือน",
    "done_pct": "ร้อยละที่ส่งแล้ว",
    "certified_pct": "ร้อยละที่รับรองแล้ว",
    "overdue_pct": "ร้อยละที่เกินกำหนด",
}
UNIT_HEADERS: Final = {
    "code": "รหัสหน่วยงาน",
    "name": "ชื่อหน่วยงาน",
    "kind": "ประเภท",
    "agency_name": "หน่วยงานต้นสังกัด",
    "district": "อำเภอ",
    "state": "สถานะ",
    "overdue": OVERDUE_TH,
    "submitted_at": "วันที่ส่งรายงาน",
    "certified_at": "วันที่รับรองข้อมูล",
}
INDICATOR_HEADERS: Final = {
    "section": "ยุทธศาสตร์",
    "indicator": "ตัวชี้วัด",
    "question_id": "รหัสข้อคำถาม",
    "text": "ข้อคำถาม",
    "type": "ประเภทคำถาม",
    "choice": "ตัวเลือก",
    "count": "จำนวน",
    "percent": "ร้อยละ",
    "units": "หน่วยงานที่ตอบแบบรายงาน",
    "not_applicable": "ไม่เกี่ยวข้องกับหน่วยงาน",
    "asked": "หน่วยงานที่ต้องตอบข้อนี้",
    "answered": "ตอบแล้ว",
    "none": "ตอบว่าไม่มี",
    "skipped": "ข้าม",
    "unanswered": "ยังไม่ได้ตอบ",
    "answered_pct": "ร้อยละที่ตอบแล้ว",
    "sum": "ผลรวม",
    "mean": "ค่าเฉลี่ย",
    "min": "ต่ำสุด",
    "max": "สูงสุด",
    "files": "จำนวนไฟล์",
}
ATTACHMENT_HEADERS: Final = {
    "code": "รหัสหน่วยงาน",
    "name": "ชื่อหน่วยงาน",
    "question_id": "รหัสข้อคำถาม",
    "n": "ลำดับไฟล์",
    "original_name": "ชื่อไฟล์",
    "size": "ขนาด (ไบต์)",
    "mime_type": "ชนิดไฟล์",
    "sha256": "รหัสตรวจสอบไฟล์ (SHA-256)",
    "path": "ที่เก็บไฟล์",
}


def question_header(number: str, text: str, limit: int = HEADER_TEXT_LIMIT) -> str:
    """``"ข้อ 1.1.1 หน่วยงานของท่าน…"``: the item number (as on every screen and in
    the plan document), a space, the text cut to ``limit``."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"ข้อ {number} {text}"


# ------------------------------------------------------------------ cells


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _local(value: object, tz: ZoneInfo) -> dt.datetime | None:
    """An aware timestamp as a naive local datetime (Excel has no zones)."""
    if _missing(value) or not isinstance(value, dt.datetime):
        return None
    return value.astimezone(tz).replace(tzinfo=None, microsecond=0)


class _Writer:
    """Typed cell writing with the workbook's formats."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": FONT_SIZE + 4})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})
        self.number = book.add_format({"num_format": "#,##0.##"})
        self.integer = book.add_format({"num_format": "#,##0"})
        self.percent = book.add_format({"num_format": "0.0"})

    def cell(self, sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None) -> None:
        if _missing(value):
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value, fmt or self.datetime)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, fmt or self.date)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def headers(self, sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
        for col, text in enumerate(headers):
            sheet.write_string(row, col, text, self.header)

    def table(
        self,
        sheet: Worksheet,
        row: int,
        frame: pd.DataFrame,
        formats: dict[str, Format] | None = None,
        bold_last: bool = False,
    ) -> int:
        """Write ``frame``'s rows from ``row`` on; the next free row."""
        formats = formats or {}
        columns = [(frame[c].tolist(), formats.get(str(c))) for c in frame.columns]
        for i in range(len(frame)):
            last = bold_last and i == len(frame) - 1
            for col, (values, fmt) in enumerate(columns):
                self.cell(sheet, row + i, col, values[i], self.bold if last else fmt)
        return row + len(frame)


# ------------------------------------------------------------------ sheets


def _summary(book: xlsxwriter.Workbook, w: _Writer, snapshot: RoundSnapshot, tz: ZoneInfo) -> None:
    sheet = book.add_worksheet(SHEETS[0])
    info = snapshot.round
    period = parse_period(info.period)
    deadline = info.deadline.astimezone(tz)
    now = snapshot.now.astimezone(tz)
    sheet.write_string(0, 0, f"สรุปผลการรายงาน: {snapshot.form.title}", w.title)
    lines = [
        f"รอบการรายงานที่ {info.id}: {period.thai()} ({period.thai_range()})",
        f"แบบรายงาน {info.form_code} ฉบับที่ {info.form_version}",
        f"กำหนดส่ง {format_date_th(deadline.date())} เวลา {deadline:%H:%M} น.",
        f"ข้อมูล ณ {format_date_th(now.date())} เวลา {now:%H:%M} น.",
    ]
    for row, line in enumerate(lines, start=1):
        sheet.write_string(row, 0, line)
    pct = {c: w.percent for c in ("done_pct", "certified_pct", "overdue_pct")}
    row = SUMMARY_TABLE_ROW
    for by in ("agency", "district"):
        frame = completion(snapshot, by, total=True)[list(SUMMARY_HEADERS)]
        headers = list(SUMMARY_HEADERS.values())
        if by == "district":
            headers[:2] = ["อำเภอ", ""]
            frame = frame.assign(name="")
        w.headers(sheet, row, headers)
        row = w.table(sheet, row + 1, frame, pct, bold_last=True) + 1
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 45)
    sheet.set_column(2, len(SUMMARY_HEADERS) - 1, 12)


def _units_frame(snapshot: RoundSnapshot, tz: ZoneInfo) -> pd.DataFrame:
    """The Units sheet's data: unit columns (Thai values) then the answers."""
    status = unit_status(snapshot)
    frame = pd.DataFrame(
        {
            "code": status["code"].astype(str),
            "name": status["name"],
            "kind": status["kind"].map(kind_name),
            "agency_name": status["agency_name"],
            "district": status["district"],
            "state": status["state"].map(STATE_TH),
            "overdue": status["overdue"].map({True: OVERDUE_TH, False: ""}),
            "submitted_at": [_local(v, tz) for v in status["submitted_at"]],
            "certified_at": [_local(v, tz) for v in status["certified_at"]],
        }
    )
    answers = unit_answers_wide(snapshot).reset_index(drop=True)
    cumulative = [p.question.id for p in snapshot.form.questions() if p.question.cumulative]
    if cumulative:
        before = earlier_totals(snapshot)
        units = status["unit_id"].astype("int64").tolist()
        for qid in cumulative:
            column = [
                with_year_to_date(current, before.get((unit, qid)))
                for unit, current in zip(units, answers[qid].tolist(), strict=True)
            ]
            at = list(answers.columns).index(qid) + 1
            answers.insert(at, qid + YTD_SUFFIX, pd.Series(column, dtype=object))
    return pd.concat([frame, answers], axis=1)


def _unit_headers(snapshot: RoundSnapshot) -> list[str]:
    return [
        *UNIT_HEADERS.values(),
        *(h for p in snapshot.form.questions() for h in _question_headers(p.question)),
    ]


@dataclass(frozen=True, slots=True)
class _Pending:
    """A big sheet's rows (units, a group's items), written after XlsxWriter closes the
    workbook."""

    part: str
    frame: pd.DataFrame
    formats: list[Any]  # integer, number, date, datetime: style indices after close()
    integer_columns: list[bool]

    def styles(self) -> list[ColumnStyle]:
        integer, number, date, datetime_ = style_indices(self.formats)
        return [
            ColumnStyle(number=integer if whole else number, date=date, datetime=datetime_)
            for whole in self.integer_columns
        ]


def _units(
    book: xlsxwriter.Workbook, w: _Writer, snapshot: RoundSnapshot, tz: ZoneInfo
) -> _Pending:
    sheet = book.add_worksheet(SHEETS[1])
    frame = _units_frame(snapshot, tz)
    headers = _unit_headers(snapshot)
    w.headers(sheet, 0, headers)
    formats = [w.integer, w.number, w.date, w.datetime]
    reserve_formats(sheet, formats)
    types = {p.question.id: p.question.type for p in snapshot.form.questions()}
    whole = (QuestionType.INTEGER, QuestionType.REPEAT)
    integer_columns = [types.get(str(c).removesuffix(YTD_SUFFIX)) in whole for c in frame.columns]
    sheet.set_row(0, 60)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(len(frame), 1), len(headers) - 1)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 36)
    sheet.set_column(4, 8, 14)
    sheet.set_column(9, len(headers) - 1, 20)
    return _Pending(f"xl/worksheets/sheet{sheet.index + 1}.xml", frame, formats, integer_columns)


def _indicators(book: xlsxwriter.Workbook, w: _Writer, snapshot: RoundSnapshot) -> None:
    sheet = book.add_worksheet(SHEETS[2])
    table = indicators_table(snapshot)
    form = snapshot.form
    sections = {s.id: s.title for s in form.sections}
    indicators = {i.id: i.title for s in form.sections for i in s.indicators}
    frame = pd.DataFrame(
        {
            "section": table["section_id"].map(sections),
            "indicator": table["indicator_id"].map(indicators),
            "question_id": table["question_id"],
            "text": table["text"],
            "type": [QUESTION_TYPE_TH[QuestionType(t)] if t else "" for t in table["type"]],
            **{c: table[c] for c in list(INDICATOR_HEADERS)[5:]},
        }
    )
    w.headers(sheet, 0, list(INDICATOR_HEADERS.values()))
    pct = {"percent": w.percent, "answered_pct": w.percent, "mean": w.number, "sum": w.number}
    w.table(sheet, 1, frame, pct)
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 4)
    sheet.autofilter(0, 0, max(len(frame), 1), len(INDICATOR_HEADERS) - 1)
    sheet.set_column(0, 1, 30)
    sheet.set_column(2, 2, 16)
    sheet.set_column(3, 3, 45)
    sheet.set_column(4, 5, 20)
    sheet.set_column(6, len(INDICATOR_HEADERS) - 1, 11)


def _attachments(
    book: xlsxwriter.Workbook, w: _Writer, snapshot: RoundSnapshot, files_root: Path | None
) -> None:
    sheet = book.add_worksheet(SHEETS[3])
    files = answered_files(snapshot)
    keys = files["storage_key"].tolist()
    paths = [
        None if _missing(k) else str(files_root / str(k)) if files_root else str(k) for k in keys
    ]
    frame = files[[c for c in ATTACHMENT_HEADERS if c != "path"]].copy()
    frame["path"] = pd.Series(paths, index=frame.index, dtype=object)
    w.headers(sheet, 0, list(ATTACHMENT_HEADERS.values()))
    w.table(sheet, 1, frame, {"size": w.integer})
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), len(ATTACHMENT_HEADERS) - 1)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 4, 30)
    sheet.set_column(5, 6, 14)
    sheet.set_column(7, 8, 40)


def _items(book: xlsxwriter.Workbook, w: _Writer, snapshot: RoundSnapshot) -> list[_Pending]:
    """A sheet per repeat group: a row per item (module docstring); the rows are
    written after the workbook is closed, as the units sheet's are."""
    from reports.items import item_tables

    used = set(SHEETS) | {TARGET_SHEET, BUDGET_SHEET}
    pending: list[_Pending] = []
    for table in item_tables(snapshot):
        group = table.group
        name = _sheet_name(group.item or group.id, used)
        used.add(name)
        sheet = book.add_worksheet(name)
        frame = table.frame
        headers = [
            UNIT_HEADERS["code"],
            UNIT_HEADERS["name"],
            UNIT_HEADERS["agency_name"],
            *(f"{g.item}ที่" for g in table.groups),
            *(h for q in group.questions for h in _question_headers(q)),
        ]
        w.headers(sheet, 0, headers)
        formats = [w.integer, w.number, w.date, w.datetime]
        reserve_formats(sheet, formats)
        whole = {
            q.id for q in group.questions if q.type in (QuestionType.INTEGER, QuestionType.REPEAT)
        }
        integer_columns = [
            str(c).removesuffix(YTD_SUFFIX) in whole or str(c).startswith("#item_")
            for c in frame.columns
        ]
        sheet.set_row(0, 60)
        sheet.freeze_panes(1, 3 + len(table.groups))
        sheet.autofilter(0, 0, max(len(frame), 1), len(headers) - 1)
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 2, 30)
        sheet.set_column(3, 2 + len(table.groups), 10)
        sheet.set_column(3 + len(table.groups), len(headers) - 1, 20)
        part = f"xl/worksheets/sheet{sheet.index + 1}.xml"
        pending.append(_Pending(part, frame, formats, integer_columns))
    return pending


def _question_headers(question: Question) -> tuple[str, ...]:
    """A question's column header, and its year-to-date column's for a cumulative one."""
    header = question_header(question.no, question.text)
    if not question.cumulative:
        return (header,)
    return header, question_header(question.no, question.text, YTD_HEADER_LIMIT) + YTD_TH


def _sheet_name(wanted: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, not used yet."""
    base = re.sub(r"[\[\]:*?/\\]", " ", wanted).strip()[:28] or "รายการ"
    name, n = base, 2
    while name in used:
        name, n = f"{base} {n}", n + 1
    return name


YTD_TH: Final = " (สะสมตั้งแต่ต้นปีงบประมาณ)"
"""Added to a cumulative question's header for its year-to-date column."""
YTD_HEADER_LIMIT: Final = 40


TARGET_SHEET: Final = "ค่าเป้าหมาย"
TARGET_HEADERS: Final = (
    "ข้อ",
    "คำถาม",
    "หน่วยงาน",
    "ผลการดำเนินงาน",
    "ค่าเป้าหมาย",
    "ร้อยละของค่าเป้าหมาย",
    "บรรลุเป้าหมาย",
    "หน่วยงานที่ตอบ",
    "หน่วยงานที่ต้องรายงาน",
)


def _targets(
    book: xlsxwriter.Workbook,
    w: _Writer,
    snapshot: RoundSnapshot,
    targets: Mapping[tuple[int, str], Decimal],
) -> None:
    """Achieved against target for every number question that has a target anywhere."""
    with_target = {q for _, q in targets} | {
        p.question.id for p in snapshot.form.questions() if p.question.target is not None
    }
    questions = [p.question for p in snapshot.form.questions() if p.question.id in with_target]
    if not questions:
        return
    sheet = book.add_worksheet(TARGET_SHEET)
    w.headers(sheet, 0, TARGET_HEADERS)
    row = 1
    for question in questions:
        agencies, total = achievement(snapshot, question.id, targets)
        for figures in (*agencies, total):
            last = figures is total
            values: list[object] = [
                question.no,
                question.text,
                "รวม" if last else figures.name,
                float(figures.achieved),
                None if figures.target is None else float(figures.target),
                None if figures.percent is None else float(figures.percent),
                None if figures.met is None else ("บรรลุ" if figures.met else "ไม่บรรลุ"),
                figures.reported,
                figures.units,
            ]
            formats = [None, None, None, w.number, w.number, w.percent, None, w.integer, w.integer]
            for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                w.cell(sheet, row, col, value, w.bold if last and col == 2 else fmt)
            row += 1
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 40)
    sheet.set_column(3, 8, 14)


BUDGET_SHEET: Final = "งบประมาณ"
BUDGET_HEADERS: Final = (
    "จำนวนโครงการ",
    *PROJECT_STATE_TH.values(),
    "งบประมาณที่ได้รับจัดสรร (บาท)",
    "เบิกจ่ายแล้ว (บาท)",
    "คงเหลือ (บาท)",
    "ร้อยละการเบิกจ่าย",
)


def _budget(book: xlsxwriter.Workbook, w: _Writer, snapshot: RoundSnapshot) -> None:
    """Budget by agency (then the total), then a row per project (reports/budget.py)."""
    from reports.budget import budget_questions, projects, totals, unit_totals

    budget = budget_questions(snapshot.form)
    if budget is None:
        return
    found = projects(snapshot)
    agencies, total = totals(snapshot, found)
    expected = snapshot.round.expected_disbursement
    sheet = book.add_worksheet(BUDGET_SHEET)
    sheet.write_string(0, 0, f"รายงานงบประมาณ: {snapshot.form.title}", w.title)
    sheet.write_string(
        1,
        0,
        "ร้อยละการเบิกจ่ายที่คาดหวัง ณ สิ้นรอบ: " + ("ไม่ได้กำหนด" if expected is None else f"{expected:f}"),
    )
    sheet.write_string(
        2, 0, "ยอดรวมไม่นับโครงการที่ยกเลิก และโครงการที่ยังไม่ได้ตอบงบประมาณที่ได้รับจัดสรรหรือที่เบิกจ่าย"
    )
    late = {u.unit_id for u in unit_totals(found) if expected is not None and u.lags(expected)}
    agency_of = {p.unit_id: p.agency_id for p in found}
    w.headers(sheet, 4, ["หน่วยงานต้นสังกัด", *BUDGET_HEADERS, "หน่วยงานที่เบิกจ่ายต่ำกว่าเป้าหมาย"])
    row = 5
    money = [w.integer] * 5 + [w.number] * 3 + [w.percent, w.integer]
    for figures in (*agencies, total):
        last = figures is total
        lagging = sum(1 for u in late if last or agency_of[u] == figures.unit_id)
        values: list[object] = [
            TOTAL_TH if last else figures.name,
            figures.projects,
            *figures.states,
            float(figures.allocated),
            float(figures.spent),
            float(figures.left),
            None if figures.percent is None else float(figures.percent),
            None if expected is None else lagging,
        ]
        for col, (value, fmt) in enumerate(zip(values, [None, *money], strict=True)):
            w.cell(sheet, row, col, value, w.bold if last and col == 0 else fmt)
        row += 1
    row += 1
    labels = {} if budget.status is None else {c.id: c.label for c in budget.status.choices}
    headers = [
        UNIT_HEADERS["code"],
        UNIT_HEADERS["name"],
        UNIT_HEADERS["agency_name"],
        *(f"{g.item}ที่" for g in budget.groups),
        "ชื่อโครงการ",
        "สถานะ",
        *BUDGET_HEADERS[-4:],
    ]
    w.headers(sheet, row, headers)
    formats = [None] * (3 + len(budget.groups) + 2) + [w.number] * 3 + [w.percent]
    for project in found:
        row += 1
        state = project.status
        values = [
            project.code,
            project.unit_name,
            project.agency_name,
            *project.item,
            project.name,
            None if state is None else labels.get(state, PROJECT_STATE_TH[state]),
            *(None if v is None else float(v) for v in (project.allocated, project.spent)),
            None if project.left is None else float(project.left),
            None if project.percent is None else float(project.percent),
        ]
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            w.cell(sheet, row, col, value, fmt)
    sheet.set_row(4, 45)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 2, 30)
    sheet.set_column(3, len(headers), 14)


def write_workbook(
    snapshot: RoundSnapshot,
    path: Path,
    *,
    files_root: Path | None = None,
    tz: ZoneInfo = BANGKOK,
    targets: Mapping[tuple[int, str], Decimal] | None = None,
) -> None:
    """Write the workbook (module docstring) to ``path``.

    ``files_root``: the file store's folder, to show full stored paths (without it,
    the storage keys). The snapshot needs its answers loaded. ``targets``: the stored
    targets of the round's form and period; with them, or with targets in the form,
    a sheet ค่าเป้าหมาย shows achieved against target.
    """
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE},
        },
    )
    book.set_properties({"title": snapshot.form.title, "comments": "tidtam export"})
    w = _Writer(book)
    try:
        _summary(book, w, snapshot, tz)
        units = _units(book, w, snapshot, tz)
        _indicators(book, w, snapshot)
        _attachments(book, w, snapshot, files_root)
        _targets(book, w, snapshot, targets or {})
        _budget(book, w, snapshot)
        groups = _items(book, w, snapshot)
    finally:
        try:
            book.close()
        except FileCreateError as error:  # XlsxWriter wraps the OSError; callers expect it
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise OSError(str(error)) from None
    splice_sheets(
        Path(path),
        {
            pending.part: SplicedSheet(
                sheet_rows(
                    [pending.frame[c].tolist() for c in pending.frame.columns],
                    pending.styles(),
                    first_row=1,
                ),
                last_row=len(pending.frame),
                last_col=len(pending.frame.columns) - 1,
            )
            for pending in (units, *groups)
        },
    )


# ------------------------------------------------------------------ CSV


def _csv_value(value: object) -> object:
    """A cell of the CSV: dates as Thai text, text never read as a formula."""
    if _missing(value):
        return ""
    if isinstance(value, dt.datetime):
        return f"{format_date_th(value.date())} {value:%H:%M}"
    if isinstance(value, dt.date):
        return format_date_th(value)
    return csv_cell(value)


def write_csv(snapshot: RoundSnapshot, path: Path, *, tz: ZoneInfo = BANGKOK) -> None:
    """The Units sheet as CSV, UTF-8 with a byte-order mark; dates as Thai BE text.

    Text that a spreadsheet would run as a formula is neutralised
    (:mod:`tidtam.core.csv_cells`); numbers stay numbers.
    """
    frame = _units_frame(snapshot, tz)
    columns = [frame[c].tolist() for c in frame.columns]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_cell(header) for header in _unit_headers(snapshot)])
        for i in range(len(frame)):
            writer.writerow([_csv_value(values[i]) for values in columns])


# ------------------------------------------------------------------ files


@dataclass(frozen=True, slots=True)
class ZipResult:
    """What :func:`write_files_zip` did: files added, and the names it could not find."""

    written: int
    missing: tuple[str, ...]


_UNSAFE: Final = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def _safe(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip().lstrip(".")
    return cleaned or "file"


#: Longest zip entry name, in UTF-8 bytes: what common file systems take for a name.
MAX_ZIP_NAME_BYTES: Final = 255


def _fit(name: str, room: int) -> str:
    """``name`` cut to ``room`` UTF-8 bytes, its extension kept, no mark left alone."""
    if len(name.encode("utf-8")) <= room:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > 16:
        stem, extension = name, ""
    tail = f".{extension}" if extension else ""
    budget = room - len(tail.encode("utf-8"))
    cut = stem.encode("utf-8")[: max(budget, 0)].decode("utf-8", errors="ignore")
    while cut and unicodedata.category(stem[len(cut)]) == "Mn":
        cut = cut[:-1]  # never split a Thai vowel or tone mark from its consonant
    return (cut or "file") + tail


def zip_name(unit_code: str, question_id: str, n: int, original_name: str) -> str:
    """``<unit code>/<question id>-<n>-<original name>``, with unsafe characters replaced,
    at most :data:`MAX_ZIP_NAME_BYTES` bytes (the original name is shortened)."""
    prefix = f"{_safe(unit_code)}/{_safe(question_id)}-{n}-"
    return prefix + _fit(_safe(original_name), MAX_ZIP_NAME_BYTES - len(prefix.encode("utf-8")))


def write_files_zip(
    snapshot: RoundSnapshot,
    files_root: Path,
    path: Path,
    *,
    read: Callable[[Path], bytes] | None = None,
) -> ZipResult:
    """Zip the files the relevant answers point to (names: :func:`zip_name`).

    Files missing from the store are left out and named in the result.
    """
    files = answered_files(snapshot)
    written = 0
    missing: list[str] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row in files.to_dict("records"):
            name = zip_name(
                str(row["code"]), str(row["question_id"]), int(row["n"]), str(row["original_name"])
            )
            key: Any = row["storage_key"]
            source = None if _missing(key) or ".." in str(key) else files_root / str(key)
            if source is None or not source.is_file():
                missing.append(name)
                continue
            archive.writestr(name, read(source) if read else source.read_bytes())
            written += 1
    return ZipResult(written, tuple(missing))
