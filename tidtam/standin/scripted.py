"""Playing a reporter at the stand-in: which question a bot message asks, and an answer.

For the tests, the benchmarks and the demo, which all read the questions the real bot
asks and answer them by type.
"""

from __future__ import annotations

import re

from flows.form import Form, Question, QuestionType

# The place line above every question: "ยุทธศาสตร์ 2 · ข้อ 5/23" (or the English one).
PLACE = re.compile(r"(ยุทธศาสตร์|Strategy) (\d+) · (ข้อ|question) (\d+)/(\d+)")


def question_asked(form: Form, text: str, *, strict: bool = False) -> Question | None:
    """The question a message asks: its text stands on a line of its own under a place line.

    None if the message shows no place; with ``strict``, ``LookupError`` if it shows
    one but no question of ``form``.
    """
    if not PLACE.search(text):
        return None
    wrapped = f"\n{text}\n"
    for where in form.questions():
        if f"\n{where.question.text}\n" in wrapped:
            return where.question
    if strict:
        raise LookupError(f"no question of the form in: {text}")
    return None


def typical_answer(question: Question) -> str | tuple[str, ...]:
    """Text to type, or buttons to press (by their text), for a question of any type.

    The first choice (so that follow-up questions are asked), Thai digits with a unit
    word, a Buddhist-era date, HTML-like text; a file question is skipped.
    """
    match question.type:
        case QuestionType.CHOICE:
            return (f"1. {question.choices[0].label}",)
        case QuestionType.MULTI:
            return (f"☐ {question.choices[0].label}", "เสร็จ ✔")
        case QuestionType.TEXT:
            return "โครงการ <ทดสอบ> & กิจกรรม"
        case QuestionType.INTEGER:
            return "๑,๒๕๐ คน"
        case QuestionType.DECIMAL:
            return "12.5"
        case QuestionType.DATE:
            return "15/3/2567"
        case QuestionType.FILE:
            return ("ข้าม ▶",)
    raise AssertionError(question.type)
