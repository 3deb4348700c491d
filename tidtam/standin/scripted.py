"""Playing a reporter at the stand-in: which question a bot message asks, and an answer.

For the tests, the benchmarks and the demo, which all read the questions the real bot
asks and answer them by type.
"""

from __future__ import annotations

import datetime as dt
import re

from flows.form import Form, Question, QuestionType

# The place line above every question: "ข้อ 2.1.3 · ตอบแล้ว 12 จาก 30 ข้อที่ต้องตอบ"
# (or the English one, "Item 2.1.3 · 12 of 30 answered"); group 2 is the item number.
PLACE = re.compile(r"^(ข้อ|Item) ([0-9]+(?:\.[0-9]+)*) · ", re.MULTILINE)


def question_asked(form: Form, text: str, *, strict: bool = False) -> Question | None:
    """The question a message asks: the one whose item number its place line shows, and
    whose text (after the number) stands on a line of its own.

    None if the message shows no place; with ``strict``, ``LookupError`` if it shows
    one but no question of ``form``.
    """
    place = PLACE.search(text)
    if place is None:
        return None
    wrapped = f"\n{text}\n"
    for where in form.questions():
        q = where.question
        if q.no == place.group(2) and f"\n{q.text}\n" in wrapped:
            return q
    if strict:
        raise LookupError(f"no question of the form in: {text}")
    return None


def typical_answer(question: Question) -> str | tuple[str, ...]:
    """Text to type, or buttons to press (by their text), for a question of any type.

    The first choice (so that follow-up questions are asked), Thai digits with a unit
    word, today's date in the Buddhist era (a date far from today is asked to be
    confirmed), HTML-like text; a file question is skipped.
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
            today = dt.date.today()
            return f"{today.day}/{today.month}/{today.year + 543}"
        case QuestionType.FILE:
            return ("ข้าม ▶",)
    raise AssertionError(question.type)
