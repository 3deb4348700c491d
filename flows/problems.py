"""What the walk refuses, and why: problem codes, their messages, the walk's errors.

Problem codes (:class:`flows.events.Invalid` ``code``; :class:`Rejected` ``code``):
those of :class:`flows.values.ValueProblem` (``empty``, ``not_a_number``,
``not_an_integer``, ``below_min``, ``above_max``, ``not_a_date``,
``impossible_date``) and ``too_long`` (``max``), ``choose_button`` (``count``),
``use_buttons``, ``send_file``, ``send_text``, ``required`` (skip of a required
question), ``choose_at_least_one``, ``wrong_type`` (``ext``, ``accept``),
``too_large`` (``size``, ``limit`` in MB), ``empty_file``. :func:`problem_message`
renders them in Thai or English.

Errors (subclasses of :class:`flows.errors.FlowsError`)::

    FlowsError
    └── WalkError              base of the walk's errors
        ├── Rejected           typed text or a file is not a valid answer
        │                      (``code``, ``params``; raised by interpret_text,
        │                      returned by check_file)
        ├── UnknownQuestion    place(): the form has no such question
        └── NotApplicable      place(): the question is not asked of this unit
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final, get_args

from flows.errors import FlowsError
from flows.values import MESSAGES as VALUE_MESSAGES
from flows.values import ProblemCode, ValueProblem

__all__ = [
    "MESSAGES",
    "NotApplicable",
    "Rejected",
    "UnknownQuestion",
    "WalkError",
    "problem_message",
]

# ======================================================================= errors


class WalkError(FlowsError):
    """Base class of the walk's errors."""


class Rejected(WalkError):
    """What was sent is not a valid answer: ``code`` (see the module docstring), ``params``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params: dict[str, object] = params

    def message(self, lang: str = "th") -> str:
        return problem_message(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.message("th")


class UnknownQuestion(WalkError):
    """The form has no question with this id."""


class NotApplicable(WalkError):
    """The question exists but is not asked of this unit with these answers."""


# ===================================================================== messages

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "th": {
        "too_long": "คำตอบยาวเกินไป (ไม่เกิน {max} ตัวอักษร)",
        "choose_button": "กรุณากดปุ่มเพื่อเลือกคำตอบ หรือพิมพ์หมายเลข 1-{count}",
        "use_buttons": "กรุณากดปุ่มเพื่อเลือก แล้วกด ยืนยัน",
        "send_file": "กรุณาส่งไฟล์เอกสารหรือรูปภาพ",
        "send_text": "กรุณาพิมพ์คำตอบเป็นข้อความ",
        "required": "ข้อนี้ต้องตอบ ข้ามไม่ได้",
        "choose_at_least_one": "กรุณาเลือกอย่างน้อย 1 ข้อ แล้วกด ยืนยัน",
        "wrong_type": "ไม่รับไฟล์ชนิดนี้ กรุณาส่งไฟล์ {accept}",
        "too_large": "ไฟล์มีขนาด {size} MB เกินกำหนด {limit} MB",
        "empty_file": "ไฟล์ว่างเปล่า กรุณาส่งใหม่",
    },
    "en": {
        "too_long": "The answer is too long (at most {max} characters).",
        "choose_button": "Please press a button, or type a number 1-{count}.",
        "use_buttons": "Please press the buttons to choose, then Done.",
        "send_file": "Please send a document or a photo.",
        "send_text": "Please type the answer as text.",
        "required": "This question must be answered; it cannot be skipped.",
        "choose_at_least_one": "Please choose at least one, then press Done.",
        "wrong_type": "This type of file is not accepted; please send {accept}.",
        "too_large": "The file is {size} MB, more than the limit of {limit} MB.",
        "empty_file": "The file is empty; please send it again.",
    },
}


class _Shown(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def problem_message(code: str, params: Mapping[str, object], lang: str = "th") -> str:
    """The message for a problem code, Thai or English, with its params filled in."""
    if lang not in MESSAGES:
        lang = "th"
    if code in get_args(ProblemCode):
        return ValueProblem(code, **params).message(lang)  # type: ignore[arg-type]
    template = MESSAGES[lang].get(code, VALUE_MESSAGES[lang][""])
    shown = _Shown(
        {k: f"{v:,}" if isinstance(v, int | Decimal) else str(v) for k, v in params.items()}
    )
    return template.format_map(shown)
