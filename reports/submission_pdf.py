"""The submission as an official PDF (แบบรายงาน): plain data in, PDF bytes out.

:func:`submission_pdf` is pure: it takes a :class:`SubmissionDoc` (everything
already in words: item numbers, question texts, answers as they are to be printed,
names, moments in local time) and lays it out on A4 as a Thai official form:

* the form's title, the province, the round (``ปีงบประมาณ พ.ศ. 2567 ไตรมาสที่ 2``);
* the unit (name, code, agency) and the report's state;
* a table ข้อ / ข้อคำถาม / คำตอบ with a row per strategy and indicator and one per
  applicable question; its heading row is repeated on every page; a very long
  answer continues on the next page, so no row leaves the page;
* who answered last, when it was submitted and by whom, its certification or its
  return (with the reason);
* the head's signature block (``ลงชื่อ .......... ผู้อำนวยการ``, the name line,
  the date line), kept on one page;
* page numbers ``หน้า 1/3`` and the date the PDF was made, in every footer.

:mod:`reports.submission_data` builds the :class:`SubmissionDoc` of a submission.
"""

from __future__ import annotations

from typing import Final

from reports.labels import STATE_TH, numbered
from reports.submission_doc import FileEntry, Heading, ItemEntry, Signed, SubmissionDoc, file_size
from reports.thai_pdf import (
    BODY_PT,
    FONT,
    LINE_MM,
    SMALL_PT,
    GridRow,
    ThaiPDF,
    glued,
    thai_datetime,
)

__all__ = ["file_lines", "record_lines", "submission_pdf"]

COLUMNS: Final = (21.0, 74.0, 70.0)  # mm: ข้อ, ข้อคำถาม, คำตอบ (165 mm between margins)
FILE_COLUMNS: Final = (20.0, 42.0, 20.0, 83.0)  # ข้อ, ชื่อไฟล์, ขนาด, SHA-256
DOTS: Final = "." * 60
SECTION_FILL: Final = (242, 242, 242)


def file_lines(files: tuple[FileEntry, ...]) -> list[str]:
    """The answer to a file question: each file's name and size."""
    return [f"{n}. {entry.name} ({file_size(entry.size)})" for n, entry in enumerate(files, 1)]


def _header(pdf: ThaiPDF, doc: SubmissionDoc) -> None:
    pdf.set_font(FONT, "B", 20)
    pdf.paragraph(doc.form_title, align="C")
    pdf.set_font(FONT, "B", BODY_PT)
    pdf.paragraph(doc.province, align="C")
    pdf.paragraph(doc.period, align="C")
    pdf.ln(2)
    pdf.set_font(FONT, "", BODY_PT)
    pdf.paragraph(f"หน่วยงาน {doc.unit_name} (รหัส {doc.unit_code})")
    pdf.paragraph(f"สังกัด {doc.agency_name}")
    pdf.paragraph(f"สถานะ {doc.state}")
    pdf.ln(2)


def _table(pdf: ThaiPDF, doc: SubmissionDoc) -> None:
    rows: list[GridRow] = []
    for entry in doc.rows:
        if isinstance(entry, Heading):
            fill = SECTION_FILL if entry.level == 1 else None
            title = (numbered(entry.no, entry.title),)
            rows.append(GridRow(title, bold=entry.level == 1, fill=fill, keep_with_next=True))
        else:
            answer = "\n".join(file_lines(entry.files)) if entry.files else entry.answer
            rows.append(GridRow((entry.no, entry.text, answer)))
    pdf.grid(_columns(pdf, doc), ("ข้อ", "ข้อคำถาม", "คำตอบ"), rows)


def _columns(pdf: ThaiPDF, doc: SubmissionDoc) -> tuple[float, float, float]:
    """:data:`COLUMNS`, the number column widened for long item numbers ("1.1.1.9.4" of
    a repeat group's question), so that a number is never broken across lines."""
    pdf.set_font(FONT, "", BODY_PT)
    longest = max(
        (pdf.get_string_width(e.no) for e in doc.rows if isinstance(e, ItemEntry)), default=0.0
    )
    number, question, answer = COLUMNS
    room = 2 * 1.5 + 2 * pdf.c_margin + 1.0  # what ThaiPDF.grid keeps around a cell's text
    extra = max(0.0, longest + room - number)
    return number + extra, question - extra / 2, answer - extra / 2


def _attachments(pdf: ThaiPDF, doc: SubmissionDoc) -> None:
    """Every file given, with its SHA-256 to check a copy against (small type)."""
    files = [
        (entry.no, n, f)
        for entry in doc.rows
        if isinstance(entry, ItemEntry)
        for n, f in enumerate(entry.files, start=1)
    ]
    if not files:
        return
    pdf.ln(4)
    pdf.set_font(FONT, "B", BODY_PT)
    pdf.paragraph("รายการไฟล์แนบ")
    rows = [
        GridRow((f"{no} ({n})", entry.name, file_size(entry.size), entry.sha256 or "ไม่มีข้อมูล"))
        for no, n, entry in files
    ]
    pdf.grid(FILE_COLUMNS, ("ข้อ", "ชื่อไฟล์", "ขนาด", "SHA-256"), rows, size_pt=SMALL_PT)


def _by(signed: Signed) -> str:
    return f" {glued('โดย ' + signed.by)}" if signed.by else ""


def record_lines(doc: SubmissionDoc) -> list[str]:
    """Who answered last, who submitted, certified or returned the report, and when."""
    lines: list[str] = []
    if doc.last_answer is not None:
        lines.append(f"ตอบข้อคำถามล่าสุดเมื่อ {thai_datetime(doc.last_answer.at)}{_by(doc.last_answer)}")
    if doc.submitted is not None:
        lines.append(f"ส่งรายงานเมื่อ {thai_datetime(doc.submitted.at)}{_by(doc.submitted)}")
    if doc.certified is not None:
        lines.append(f"รับรองข้อมูลเมื่อ {thai_datetime(doc.certified.at)}{_by(doc.certified)}")
    elif doc.returned_reason is not None:
        when = (
            ""
            if doc.returned is None
            else f"เมื่อ {thai_datetime(doc.returned.at)}{_by(doc.returned)} "
        )
        returned = STATE_TH["returned"]
        lines.append(f"{returned}{' ' if when else ''}{when}เหตุผล: {doc.returned_reason}")
    return lines


def _record(pdf: ThaiPDF, doc: SubmissionDoc) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "", BODY_PT)
    for line in record_lines(doc):
        pdf.paragraph(line)


def _signature(pdf: ThaiPDF) -> None:
    block = 5 * LINE_MM + 10
    if pdf.get_y() + block > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(10)
    width = 110.0
    pdf.paragraph("ขอรับรองว่าข้อมูลข้างต้นถูกต้องตามความเป็นจริง", width=140, align="R")
    pdf.ln(LINE_MM)
    pdf.paragraph(f"ลงชื่อ {DOTS[:40]} ผู้อำนวยการ", width=width, align="R")
    pdf.paragraph(f"( {DOTS[:44]} )", width=width - 22, align="R")
    pdf.paragraph(f"วันที่ {DOTS[:10]} เดือน {DOTS[:18]} พ.ศ. {DOTS[:10]}", width=width, align="R")


def submission_pdf(doc: SubmissionDoc) -> bytes:
    """The PDF of one submission (see the module docstring)."""
    pdf = ThaiPDF(f"จัดทำเมื่อ {thai_datetime(doc.generated_at)} โดยระบบติดตาม (tidtam)")
    pdf.set_title(f"{doc.form_title} {doc.unit_name} {doc.period}")
    pdf.set_creator("tidtam")
    pdf.add_page()
    _header(pdf, doc)
    _table(pdf, doc)
    _attachments(pdf, doc)
    _record(pdf, doc)
    _signature(pdf)
    return bytes(pdf.output())
