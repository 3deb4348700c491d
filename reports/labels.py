"""Thai words of the reports: states, column headers, group names (docs/design.md §10).

State names come from :data:`tidtam.core.vocabulary.STATE_NAMES`, as the bot's, so
that a state reads the same in a message, in the chart and in the workbook.
"""

from __future__ import annotations

from typing import Final

from flows.form import QuestionType
from tidtam.core import names as core_names
from tidtam.core.vocabulary import STATE_NAMES

STATE_TH: Final[dict[str, str]] = {state.value: name for state, name in STATE_NAMES["th"].items()}
"""A submission state's Thai name (from :data:`tidtam.core.vocabulary.STATE_NAMES`)."""


def numbered(no: str, title: str) -> str:
    """``"2.1 <title>"``, unless the title already names its number ("ยุทธศาสตร์ที่ 1 ...",
    "ตัวชี้วัดที่ 1.2 ..."): Thai does not write "1 ยุทธศาสตร์ที่ 1"."""
    if title.startswith(("ยุทธศาสตร์", "ตัวชี้วัด")):
        return title
    return f"{no} {title}"


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
    QuestionType.REPEAT: "รายการ (จำนวนรายการ)",
}

ABBREVIATIONS = core_names.ABBREVIATIONS
short_name = core_names.short_name

PROJECT_STATE_TH: Final[dict[str, str]] = {
    "not_started": "ยังไม่เริ่มดำเนินการ",
    "ongoing": "อยู่ระหว่างดำเนินการ",
    "done": "ดำเนินการแล้วเสร็จ",
    "cancelled": "ยกเลิก",
}
"""A project's state (:data:`flows.form.PROJECT_STATES`) in Thai, for the budget sheet."""
