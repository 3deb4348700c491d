"""The committee report as a Word document (python-docx) that officers can edit.

Thai official style: TH Sarabun New 16 pt (Word falls back to another Thai font
where it is missing; LibreOffice substitutes a metric-compatible one), headings
numbered by the form's item numbers (``1``, ``1.1``, ``1.1.2``), dates in the
Buddhist era, A4 with the wider left margin.

Word picks the font of Thai text from the *complex script* slot of a run
(``w:rFonts/@w:cs``, size ``w:szCs``), not from the one python-docx's ``font.name``
sets (``w:ascii``/``w:hAnsi``), so both are set on every style used; python-docx
has no property for them, so the attributes are written on the style's ``rPr``.

Tables carry plain numbers (thousands separators, one decimal for percentages)
that the tests read back and compare with the workbook.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.styles.style import BaseStyle
from docx.table import Table

from flows.form import QuestionType
from reports.chart import status_chart
from reports.committee import CommitteeReport, QuestionSummary, TargetLine
from reports.committee_chart import choice_chart
from reports.labels import STATE_TH, numbered
from reports.thai_pdf import thai_datetime
from tidtam.core.thai import format_date_th_long

__all__ = [
    "FONT_NAME",
    "committee_docx",
    "number",
    "percent",
    "target_row",
    "write_committee_docx",
]

FONT_NAME: Final = "TH Sarabun New"
BODY_PT: Final = 16
COMPLETION_HEADERS: Final = (
    ("name", None),
    ("total", "ต้องรายงาน"),
    ("done", "ส่งแล้ว"),
    ("certified", "รับรองแล้ว"),
    ("in_progress", STATE_TH["in_progress"]),
    ("not_started", STATE_TH["not_started"]),
    ("overdue", "เกินกำหนด"),
    ("done_pct", "ร้อยละที่ส่ง"),
)


def number(value: float | int | None) -> str:
    """``1,250`` or ``1,500.5`` (at most two decimals); ``-`` for nothing."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(value: float) -> str:
    return f"{value:.1f}"


def _word(question: QuestionSummary) -> str:
    """What a question's counts count: units (แห่ง), or a repeat group's items (รายการ)."""
    return "รายการ" if question.of_items else "แห่ง"


def counts_line(question: QuestionSummary) -> str:
    """ "ถามหน่วยงาน 314 แห่ง ตอบแล้ว ..." (over items: "มี 120 รายการ ตอบแล้ว ...")."""
    w = _word(question)
    if question.of_items:
        asked = f"มี {number(question.asked)} {w}"
    else:
        asked = f"ถามหน่วยงาน {number(question.asked)} {w}"
    return (
        f"{asked} ตอบแล้ว {number(question.answered)} {w} "
        f"(ร้อยละ {percent(question.answered_pct)}) ตอบว่าไม่มี {number(question.none)} {w} "
        f"ข้าม {number(question.skipped)} {w} ยังไม่ได้ตอบ {number(question.unanswered)} {w}"
    )


def numbers_line(question: QuestionSummary) -> str:
    """A number question's total, mean, lowest and highest; a group's in items."""
    if question.type is QuestionType.REPEAT:
        return (
            f"รวม {number(question.total)} รายการ เฉลี่ย {number(question.mean)} รายการ "
            f"ต่ำสุด {number(question.minimum)} สูงสุด {number(question.maximum)}"
        )
    return (
        f"รวม {number(question.total)} เฉลี่ย {number(question.mean)} "
        f"ต่ำสุด {number(question.minimum)} สูงสุด {number(question.maximum)}"
    )


def count_header(question: QuestionSummary) -> str:
    return f"จำนวน ({_word(question)})"


def answered_header(question: QuestionSummary) -> str:
    return "รายการที่ตอบ" if question.of_items else "หน่วยงานที่ตอบ"


def target_row(line: TargetLine) -> list[str]:
    """A row of the achieved-against-target table: group, achieved, target, %, verdict."""
    verdict = "-" if line.met is None else "บรรลุ" if line.met else "ไม่บรรลุ"
    shown = "-" if line.percent is None else percent(line.percent)
    return [line.group, number(line.achieved), number(line.target), shown, verdict]


def _thai_font(style: BaseStyle, size: int, *, bold: bool | None = None) -> None:
    """The style's font for Latin *and* Thai (complex script) text."""
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT_NAME
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT_NAME)
    for tag in ("w:szCs", "w:bCs", "w:lang"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    size_cs = OxmlElement("w:szCs")
    size_cs.set(qn("w:val"), str(size * 2))
    rpr.append(size_cs)
    if bold:
        rpr.append(OxmlElement("w:bCs"))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:bidi"), "th-TH")
    rpr.append(lang)


def _styles(document: DocumentObject) -> None:
    styles = document.styles
    _thai_font(styles["Normal"], BODY_PT)
    for level, size in ((0, 24), (1, 20), (2, 18), (3, 16)):
        name = "Title" if level == 0 else f"Heading {level}"
        _thai_font(styles[name], size, bold=True)
        styles[name].font.color.rgb = None
    _thai_font(styles["Table Grid"], 14)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)


def _table(document: DocumentObject, headers: list[str], rows: list[list[str]]) -> Table:
    """A grid table; numbers right-aligned; the header row repeats on every page."""
    table: Table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    all_rows = list(table.rows)
    for cell, text in zip(all_rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row, values in zip(all_rows[1:], rows, strict=True):
        cells = row.cells
        for column, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if column > 0 and _numeric(text):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _page_break(document: DocumentObject) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _numeric(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "").replace("-", "").isdigit()


def _cover(document: DocumentObject, report: CommitteeReport) -> None:
    for _ in range(4):
        document.add_paragraph()
    for text, style in (
        (report.title, "Title"),
        (report.form_title, "Heading 1"),
        (report.scope_name, "Heading 1"),
        (report.period, "Heading 1"),
    ):
        paragraph = document.add_paragraph(text, style=style)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph()
    for text in (
        f"ข้อมูล ณ {thai_datetime(report.made_at)}",
        f"กำหนดส่ง {format_date_th_long(report.deadline.date())}",
    ):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_break(document)


def _completion(document: DocumentObject, report: CommitteeReport) -> None:
    document.add_heading("1 ความครบถ้วนของการรายงาน", level=1)
    total = report.completion.iloc[-1]
    document.add_paragraph(
        f"หน่วยงานที่ต้องรายงาน {number(int(total['total']))} แห่ง ส่งรายงานแล้ว "
        f"{number(int(total['done']))} แห่ง (ร้อยละ {percent(float(total['done_pct']))}) "
        f"รับรองข้อมูลแล้ว {number(int(total['certified']))} แห่ง เกินกำหนด "
        f"{number(int(total['overdue']))} แห่ง สรุปผลในส่วนที่ 2 นับจากหน่วยงานที่ตอบแล้ว "
        f"{number(report.responding)} แห่ง"
    )
    headers = [report.group_label if key == "name" else str(t) for key, t in COMPLETION_HEADERS]
    rows = []
    for row in report.completion.to_dict("records"):
        values = []
        for key, _ in COMPLETION_HEADERS:
            if key == "in_progress":
                values.append(number(int(row["in_progress"]) + int(row["returned"])))
            elif key == "done_pct":
                values.append(percent(float(row[key])))
            elif key == "name":
                values.append(str(row["name"]))
            else:
                values.append(number(int(row[key])))
        rows.append(values)
    _table(document, headers, rows)
    groups = report.completion.iloc[:-1]
    if len(groups):
        png = status_chart(groups, "สถานะการรายงาน")
        document.add_paragraph()
        document.add_picture(io.BytesIO(png), width=Cm(16))


def _question(
    document: DocumentObject, question: QuestionSummary, label: str, level: int = 3
) -> None:
    document.add_heading(f"{question.no} {question.text}", level=level)
    document.add_paragraph(counts_line(question))
    if question.choices:
        _table(
            document,
            ["ตัวเลือก", count_header(question), "ร้อยละ"],
            [[c.label, number(c.count), percent(c.percent)] for c in question.choices],
        )
        if any(c.count for c in question.choices):
            document.add_picture(io.BytesIO(choice_chart(question)), width=Cm(14))
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.REPEAT):
        document.add_paragraph(numbers_line(question))
        if question.by_group:
            _table(
                document,
                [label, answered_header(question), "รวม", "เฉลี่ย"],
                [
                    [g.group, number(g.units), number(g.total), number(g.mean)]
                    for g in question.by_group
                ],
            )
        if question.targets:
            document.add_paragraph("ผลการดำเนินงานเทียบค่าเป้าหมาย")
            _table(
                document,
                [label, "ผลการดำเนินงาน", "ค่าเป้าหมาย", "ร้อยละของเป้าหมาย", "ผล"],
                [target_row(t) for t in question.targets],
            )
    if question.type is QuestionType.TEXT and question.texts:
        _table(
            document,
            ["คำตอบ", count_header(question)],
            [[t.text, number(t.count)] for t in question.texts],
        )
        if question.more_texts:
            document.add_paragraph(f"และคำตอบอื่นอีก {number(question.more_texts)} รายการ")
    if question.type is QuestionType.FILE:
        document.add_paragraph(f"ไฟล์ที่ส่ง {number(question.files)} ไฟล์")
    for item in question.items:  # a repeat group's questions, over all its items
        _question(document, item, label, min(level + 1, 9))


def _results(document: DocumentObject, report: CommitteeReport) -> None:
    _page_break(document)
    document.add_heading("2 ผลการดำเนินงานตามยุทธศาสตร์และตัวชี้วัด", level=1)
    for section in report.sections:
        document.add_heading(numbered(section.no, section.title), level=1)
        for indicator in section.indicators:
            document.add_heading(numbered(indicator.no, indicator.title), level=2)
            for question in indicator.questions:
                _question(document, question, report.group_label)


def _appendix(document: DocumentObject, report: CommitteeReport) -> None:
    _page_break(document)
    document.add_heading("ภาคผนวก หน่วยงานที่ยังไม่ส่งรายงาน", level=1)
    if not report.missing:
        document.add_paragraph("ทุกหน่วยงานส่งรายงานแล้ว")
        return
    for agency, units in report.missing:
        document.add_heading(f"{agency} ({number(len(units))} แห่ง)", level=2)
        _table(
            document,
            ["รหัส", "หน่วยงาน", "สถานะ"],
            [[u.code, u.name, u.state + (" (เกินกำหนด)" if u.overdue else "")] for u in units],
        )


def _repeat_headers(document: DocumentObject) -> None:
    """Mark every table's first row as a header row, repeated on each page (``w:tblHeader``).

    python-docx has no property for it: the row properties are written in the XML.
    """
    for table in document.element.body.iter(qn("w:tbl")):
        first = table.find(qn("w:tr"))
        if first is None:
            continue
        properties = first.find(qn("w:trPr"))
        if properties is None:
            properties = OxmlElement("w:trPr")
            first.insert(0, properties)
        if properties.find(qn("w:tblHeader")) is None:
            properties.append(OxmlElement("w:tblHeader"))


def committee_docx(report: CommitteeReport) -> DocumentObject:
    """The Word document of a committee report (see the module docstring)."""
    document = Document()
    _styles(document)
    properties = document.core_properties
    properties.title = f"{report.title} {report.scope_name} {report.period}"
    properties.author = "tidtam"
    _cover(document, report)
    _completion(document, report)
    _results(document, report)
    _appendix(document, report)
    _repeat_headers(document)
    return document


def write_committee_docx(report: CommitteeReport, path: Path) -> None:
    committee_docx(report).save(str(path))
