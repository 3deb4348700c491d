"""Thai words of the reports: states, column headers, group names (docs/design.md §10).

The same words as the bot's locale (``state.*``) so that a state reads the same in a
message, in the chart and in the workbook.
"""

from __future__ import annotations

from typing import Final

from flows.form import QuestionType

STATE_TH: Final[dict[str, str]] = {
    "not_started": "ยังไม่เริ่ม",
    "in_progress": "กำลังทำ",
    "returned": "ส่งกลับให้แก้ไข",
    "submitted": "ส่งรายงานแล้ว",
    "certified": "รับรองข้อมูลแล้ว",
}
"""A submission state's Thai name."""

STATE_WORDS: Final[dict[str, str]] = {
    "not_started": "ยังไม่เริ่ม",
    "in_progress": "กำลังดำเนินการ",
    "submitted": "ส่งแล้ว รอรับรองข้อมูล",
    "returned": "ส่งกลับให้แก้ไข",
    "certified": "รับรองข้อมูลแล้ว",
}
"""A state in the glossary's words (docs/design.md §10), as the documents print it."""

OVERDUE_TH: Final = "เกินกำหนด"
NONE_TH: Final = "ไม่มี"
TOTAL_TH: Final = "รวม"
NO_DISTRICT_TH: Final = "ไม่ระบุอำเภอ"
OTHERS_TH: Final = "อื่น ๆ อีก {count} หน่วยงาน"

QUESTION_TYPE_TH: Final[dict[QuestionType, str]] = {
    QuestionType.CHOICE: "เลือกตอบ 1 ข้อ",
    QuestionType.MULTI: "เลือกได้หลายข้อ",
    QuestionType.TEXT: "ข้อความ",
    QuestionType.INTEGER: "จำนวนเต็ม",
    QuestionType.DECIMAL: "ตัวเลข",
    QuestionType.DATE: "วันที่",
    QuestionType.FILE: "ไฟล์",
}

ABBREVIATIONS: Final = (
    ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา", "สพป."),
    ("สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา", "สพม."),
    ("สำนักงานศึกษาธิการจังหวัด", "ศธจ."),
    ("สำนักงานอาชีวศึกษาจังหวัด", "อศจ."),
    ("สำนักงานส่งเสริมการเรียนรู้ประจำจังหวัด", "สกร.จังหวัด"),
    ("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด", "สถ.จ."),
    ("กลุ่มส่งเสริมการศึกษาเอกชน", "กลุ่มเอกชน"),
    ("มหาวิทยาลัยราชภัฏ", "มรภ."),
)
"""Usual short forms of long agency names, for charts and short messages."""


def short_name(name: str, limit: int = 40) -> str:
    """A unit's name for a chart label: usual abbreviations, then cut in the middle.

    ``สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 1`` → ``สพป.เพชรบูรณ์ เขต 1``;
    a name still longer than ``limit`` keeps its start and end around "…", so that
    names differing only at the end ("เขต 1", "เขต 2") stay apart.
    """
    text = " ".join(name.split())
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    tail = limit - 1 - head
    return text[:head].rstrip() + "…" + text[-tail:].lstrip()
