"""What a simulated unit answers: the whole walk of the form decided from a seed.

Pure. :func:`intended_answers` walks the form for a unit of some kind the way the bot
would ask it (conditions and kinds applied) and picks a plausible answer to each
question, so that a unit always answers the same way for the same seed.
:func:`typed` says how a person gives that answer on the phone (text to type, or
buttons to press); a file question is answered with a small PDF
(:data:`SAMPLE_PDF`) and stands as :data:`~flows.answers.SKIPPED` in the walk,
since a stored file answer needs the bot's attachment id.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from flows import walk
from flows.answers import NONE, SKIPPED, AnswerValue
from flows.form import Form, Question, QuestionType

__all__ = ["SAMPLE_PDF", "Intended", "Typed", "intended_answers", "typed"]

SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROJECTS = (
    "โครงการส่งเสริมการอ่าน",
    "โครงการโรงเรียนปลอดภัย",
    "กิจกรรมลูกเสือต้านยาเสพติด",
    "โครงการอาหารกลางวัน",
    "โครงการพัฒนาครูด้านดิจิทัล",
    "กิจกรรมค่ายวิทยาศาสตร์",
    "โครงการส่งเสริมอาชีพ",
)


@dataclass(frozen=True, slots=True)
class Intended:
    """One answer in walk order; ``upload``: a file question, answered with a PDF."""

    question: Question
    answer: AnswerValue
    upload: bool = False


@dataclass(frozen=True, slots=True)
class Typed:
    """How to give an answer: ``text`` to type, or ``buttons`` to press in order."""

    text: str | None = None
    buttons: tuple[str, ...] = ()
    upload: bool = False


def _bounds(question: Question, low: int, high: int) -> tuple[int, int]:
    lo = int(question.min) if question.min is not None else low
    hi = int(question.max) if question.max is not None else max(high, lo)
    return lo, max(lo, min(hi, max(high, lo)))


def _choose(question: Question, rng: random.Random, today: dt.date) -> Intended:
    kind = question.type
    if kind is QuestionType.CHOICE:
        weights = [6.0, 2.5] + [1.0] * (len(question.choices) - 2)
        choice = rng.choices(question.choices, weights[: len(question.choices)])[0]
        return Intended(question, AnswerValue(choice.id))
    if kind is QuestionType.MULTI:
        picked = [c.id for c in question.choices if rng.random() < 0.45 and not c.exclusive]
        picked = picked or [question.choices[0].id]
        return Intended(question, AnswerValue(tuple(picked)))
    if kind is QuestionType.TEXT:
        if rng.random() < 0.1 and not question.checks:  # a rule may ask for a real answer
            return Intended(question, NONE)
        return Intended(question, AnswerValue(rng.choice(PROJECTS)))
    if kind is QuestionType.INTEGER:
        low, high = _bounds(question, 0, 400)
        return Intended(question, AnswerValue(rng.randint(low, high)))
    if kind is QuestionType.DECIMAL:
        low, high = _bounds(question, 0, 100)
        return Intended(question, AnswerValue(Decimal(f"{rng.uniform(low, high):.1f}")))
    if kind is QuestionType.DATE:
        return Intended(question, AnswerValue(today - dt.timedelta(days=rng.randint(5, 200))))
    return Intended(question, SKIPPED, upload=True)


def intended_answers(form: Form, kind: str, seed: int, today: dt.date) -> list[Intended]:
    """Every answer a unit of ``kind`` gives, in the order the bot asks them."""
    rng = random.Random(seed)
    answers: dict[str, AnswerValue] = {}
    result: list[Intended] = []
    while (place := walk.first_unanswered(form, kind, answers)) is not None:
        intended = _choose(place.question, rng, today)
        answers[place.question.id] = intended.answer
        result.append(intended)
    return result


def typed(intended: Intended) -> Typed:
    """How a person gives ``intended`` through the bot (button texts as the bot shows them)."""
    question, answer = intended.question, intended.answer
    if intended.upload:
        return Typed(upload=True)
    if answer.none:
        return Typed(text="ไม่มี")
    value = answer.value
    kind = question.type
    if kind is QuestionType.CHOICE:
        index = next(i for i, c in enumerate(question.choices) if c.id == value)
        return Typed(buttons=(f"{index + 1}. {question.choices[index].label}",))
    if kind is QuestionType.MULTI:
        assert isinstance(value, tuple)
        labels = [c.label for c in question.choices if c.id in value]
        return Typed(buttons=tuple(f"☐ {label}" for label in labels))
    if kind is QuestionType.DATE:
        assert isinstance(value, dt.date)
        return Typed(text=f"{value.day}/{value.month}/{value.year + 543}")
    if kind is QuestionType.INTEGER:
        return Typed(text=f"{value:,}")
    return Typed(text=str(value))
