"""Playing a reporter of the sample form: which question a bot message asks, and an answer.

The demo's people, the end-to-end tests and the benchmarks all read the questions the
real bot asks and answer them by type; this knowledge of forms and of the bot's wording
belongs here, with the demo, not in the fake Telegram (which speaks only the Bot API).
"""

from __future__ import annotations

import re

from bot.i18n import catalog
from flows.form import Form, Question, QuestionType

__all__ = ["PLACE", "place_of", "question_asked", "typical_answer"]


def _place_pattern() -> re.Pattern[str]:
    """The place line above every question ("ยุทธศาสตร์ 2 · ข้อ 5/23"), in any catalogue.

    Built from the catalogues' ``report.place`` so that a change of wording follows;
    read a match with :func:`place_of`.
    """
    shapes = []
    for language in ("th", "en"):
        template = re.escape(catalog(language)["report.place"])
        for name in ("section", "number", "total"):
            template = template.replace(re.escape("{" + name + "}"), r"(\d+)")
        shapes.append(template)
    return re.compile("|".join(f"(?:{shape})" for shape in shapes))


PLACE = _place_pattern()


def place_of(text: str) -> tuple[int, int, int] | None:
    """Section, question number and total of the place line in ``text`` (None: no place)."""
    found = PLACE.search(text)
    if found is None:
        return None
    section, number, total = (int(g) for g in found.groups() if g is not None)
    return section, number, total


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
