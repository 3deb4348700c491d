"""The committee report as a PDF (fpdf2), from the same data as the Word version.

Same content and order as :mod:`reports.committee_docx`: cover, completeness with
the chart, results per strategy, indicator and question, appendix of the units that
did not submit. Text is shaped and broken between Thai words as in every tidtam PDF
(:mod:`reports.thai_pdf`); tables repeat their heading row on each page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final

from flows.form import QuestionType
from reports.chart import status_chart
from reports.committee import CommitteeReport, QuestionSummary
from reports.committee_chart import choice_chart
from reports.committee_docx import (
    COMPLETION_HEADERS,
    answered_header,
    count_header,
    counts_line,
    number,
    numbers_line,
    percent,
    target_row,
)
from reports.thai_pdf import BODY_PT, FONT, GridRow, ThaiPDF, thai_datetime
from tidtam.core.names import short_name
from tidtam.core.thai import format_date_th_long

__all__ = ["committee_pdf"]

PADDING = 1.2
#: Where a narrow column's header may break inside what the word breaker keeps whole.
PDF_HEADER_BREAKS: Final = {"เกินกำหนด": "เกิน\nกำหนด", "ร้อยละที่ส่ง": "ร้อยละ\nที่ส่ง"}
TABLE_PT = 14


def _table(
    pdf: ThaiPDF, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    """A table at 14 pt across the text width (``widths`` are relative); numbers right."""
    scale = pdf.text_width / sum(widths)
    grid_rows = [
        GridRow(
            tuple(values),
            align=tuple(
                "R" if n > 0 and v.replace(",", "").replace(".", "").isdigit() else "L"
                for n, v in enumerate(values)
            ),
        )
        for values in rows
    ]
    pdf.grid([w * scale for w in widths], headers, grid_rows, size_pt=TABLE_PT, padding=PADDING)
    pdf.ln(2)


def _heading(pdf: ThaiPDF, text: str, size: int) -> None:
    if pdf.get_y() > pdf.h - pdf.b_margin - 30:  # keep a heading with what follows
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.paragraph(text)
    pdf.ln(1.2)  # room for the stacked marks of a next line ("ทั้งหมด", "ยั้ง")
    pdf.set_font(FONT, "", BODY_PT)


def _image(pdf: ThaiPDF, png: bytes, width: float) -> None:
    pdf.image(io.BytesIO(png), w=width, x=pdf.l_margin)
    pdf.ln(2)


def _cover(pdf: ThaiPDF, report: CommitteeReport) -> None:
    pdf.add_page()
    pdf.ln(50)
    pdf.set_font(FONT, "B", 26)
    pdf.paragraph(report.title, align="C")
    pdf.set_font(FONT, "B", 20)
    for text in (report.form_title, report.scope_name, report.period):
        pdf.paragraph(text, align="C")
    pdf.ln(10)
    pdf.set_font(FONT, "", BODY_PT)
    pdf.paragraph(f"ข้อมูล ณ {thai_datetime(report.made_at)}", align="C")
    pdf.paragraph(f"กำหนดส่ง {format_date_th_long(report.deadline.date())}", align="C")


def _completion(pdf: ThaiPDF, report: CommitteeReport) -> None:
    pdf.add_page()
    _heading(pdf, "1 ความครบถ้วนของการรายงาน", 20)
    total = report.completion.iloc[-1]
    pdf.paragraph(
        f"หน่วยงานที่ต้องรายงาน {number(int(total['total']))} แห่ง ส่งรายงานแล้ว "
        f"{number(int(total['done']))} แห่ง (ร้อยละ {percent(float(total['done_pct']))}) "
        f"รับรองข้อมูลแล้ว {number(int(total['certified']))} แห่ง เกินกำหนด "
        f"{number(int(total['overdue']))} แห่ง สรุปผลในส่วนที่ 2 นับจากหน่วยงานที่ตอบแล้ว "
        f"{number(report.responding)} แห่ง"
    )
    headers = [
        report.group_label if key == "name" else PDF_HEADER_BREAKS.get(str(t), str(t))
        for key, t in COMPLETION_HEADERS
    ]
    rows = []
    for row in report.completion.to_dict("records"):
        rows.append(
            [
                short_name(str(row["name"])),
                number(int(row["total"])),
                number(int(row["done"])),
                number(int(row["certified"])),
                number(int(row["in_progress"]) + int(row["returned"])),
                number(int(row["not_started"])),
                number(int(row["overdue"])),
                percent(float(row["done_pct"])),
            ]
        )
    _table(pdf, headers, rows, (42, 18, 16, 17, 22, 16, 17, 17))
    groups = report.completion.iloc[:-1]
    if len(groups):
        _image(pdf, status_chart(groups, "สถานะการรายงาน"), pdf.text_width)


def _question(pdf: ThaiPDF, question: QuestionSummary, label: str) -> None:
    _heading(pdf, f"{question.no} {question.text}", BODY_PT)
    pdf.paragraph(counts_line(question))
    if question.choices:
        rows = [[c.label, number(c.count), percent(c.percent)] for c in question.choices]
        _table(pdf, ["ตัวเลือก", count_header(question), "ร้อยละ"], rows, (60, 20, 20))
        if any(c.count for c in question.choices):
            _image(pdf, choice_chart(question), 120)
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.REPEAT):
        pdf.paragraph(numbers_line(question))
        if question.by_group:
            rows = [
                [g.group, number(g.units), number(g.total), number(g.mean)]
                for g in question.by_group
            ]
            _table(pdf, [label, answered_header(question), "รวม", "เฉลี่ย"], rows, (44, 14, 22, 20))
        if question.targets:
            pdf.paragraph("ผลการดำเนินงานเทียบค่าเป้าหมาย")
            rows = [target_row(t) for t in question.targets]
            headers = [label, "ผลการดำเนินงาน", "ค่าเป้าหมาย", "ร้อยละของเป้าหมาย", "ผล"]
            _table(pdf, headers, rows, (40, 15, 15, 15, 15))
    if question.type is QuestionType.TEXT and question.texts:
        rows = [[t.text, number(t.count)] for t in question.texts]
        _table(pdf, ["คำตอบ", count_header(question)], rows, (82, 18))
        if question.more_texts:
            pdf.paragraph(f"และคำตอบอื่นอีก {number(question.more_texts)} รายการ")
    if question.type is QuestionType.FILE:
        pdf.paragraph(f"ไฟล์ที่ส่ง {number(question.files)} ไฟล์")
    for item in question.items:  # a repeat group's questions, over all its items
        _question(pdf, item, label)


def committee_pdf(report: CommitteeReport) -> bytes:
    """The committee report as PDF bytes."""
    pdf = ThaiPDF(f"{report.scope_name} · {report.period}")
    pdf.set_title(f"{report.title} {report.scope_name} {report.period}")
    pdf.set_creator("tidtam")
    _cover(pdf, report)
    _completion(pdf, report)
    pdf.add_page()
    _heading(pdf, "2 ผลการดำเนินงานตามยุทธศาสตร์และตัวชี้วัด", 20)
    for section in report.sections:
        _heading(pdf, f"{section.no} {section.title}", 18)
        for indicator in section.indicators:
            _heading(pdf, f"{indicator.no} {indicator.title}", BODY_PT + 1)
            for question in indicator.questions:
                _question(pdf, question, report.group_label)
    pdf.add_page()
    _heading(pdf, "ภาคผนวก หน่วยงานที่ยังไม่ส่งรายงาน", 20)
    if not report.missing:
        pdf.paragraph("ทุกหน่วยงานส่งรายงานแล้ว")
    for agency, units in report.missing:
        _heading(pdf, f"{agency} ({number(len(units))} แห่ง)", BODY_PT)
        rows = [[u.code, u.name, u.state + (" (เกินกำหนด)" if u.overdue else "")] for u in units]
        _table(pdf, ["รหัส", "หน่วยงาน", "สถานะ"], rows, (20, 50, 30))
    return bytes(pdf.output())
