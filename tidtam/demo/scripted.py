"""Playing a reporter of the sample form: which question a bot message asks, and an answer.

The demo's people, the end-to-end tests and the benchmarks all read the questions the
real bot asks and answer them by type; this knowledge of forms and of the bot's wording
belongs here, with the demo, not in the fake Telegram (which speaks only the Bot API).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n import catalog
from flows.form import Form, Question, QuestionType

__all__ = ["PLACE", "place_of", "question_asked", "typical_answer"]

_NUMBER = r"([0-9]+(?:\.[0-9]+)*)"


def _place_pattern() -> re.Pattern[str]:
    """The place line above every question ("ข้อ 2.1.3 · ตอบแล้ว 12 จาก 30 ข้อที่ต้องตอบ",
    "Item 2.1.3 · 12 of 30 answered"), in any catalogue.

    Built from the catalogues' ``report.place`` so that a change of wording follows;
    read a match with :func:`place_of`.
    """
    shapes = []
    for language in ("th", "en"):
        template = re.escape(catalog(language)["report.place"])
        template = template.replace(re.escape("{number}"), _NUMBER)
        for name in ("answered", "total"):
            template = template.replace(re.escape("{" + name + "}"), r"(\d+)")
        shapes.append(template)
    return re.compile("|".join(f"(?:{shape})" for shape in shapes))


PLACE = _place_pattern()


def place_of(text: str) -> tuple[str, int, int] | None:
    """The item number, the answered count and the total of the place line in ``text``
    (None: no place)."""
    found = PLACE.search(text)
    if found is None:
        return None
    number, answered, total = (g for g in found.groups() if g is not None)
    return number, int(answered), int(total)


def question_asked(form: Form, text: str, *, strict: bool = False) -> Question | None:
    """The question a message asks: the one whose item number its place line shows, and
    whose text stands on a line of its own.

    None if the message shows no place; with ``strict``, ``LookupError`` if it shows
    one but no question of ``form``.
    """
    place = place_of(text)
    if place is None:
        return None
    wrapped = f"\n{text}\n"
    for where in form.questions():
        q = where.question
        if q.no == place[0] and f"\n{q.text}\n" in wrapped:
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
