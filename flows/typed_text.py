"""Reading what a member typed as the answer to a question: :func:`interpret_text`.

Numbers and dates are read by :mod:`flows.values`; a choice question takes the
choice's number (``1``, ``๒.``) or its label. What cannot be read raises
:class:`~flows.problems.Rejected` with one of the problem codes listed in
:mod:`flows.problems`.

"None" words: ``ไม่มี`` / ``-`` (see :func:`flows.values.is_none_text`) answers a
text question with "none"; to an optional question of any other type it means
skip (the same as the skip button); to a choice question it picks the one
choice whose label means "none" (``ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน``), if there is
exactly one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from flows.answers import NONE, SKIPPED, AnswerValue
from flows.form import Question, QuestionType
from flows.problems import Rejected
from flows.values import ValueProblem, is_none_text, parse_date, parse_decimal, parse_integer
from tidtam.core.thai import thai_to_arabic_digits

__all__ = ["MAX_TEXT_LENGTH", "interpret_text"]

MAX_TEXT_LENGTH: Final = 4000


def _key(text: str) -> str:
    return " ".join(thai_to_arabic_digits(text).casefold().split())


def _choice_from_text(question: Question, text: str) -> AnswerValue:
    choices = question.choices
    key = _key(text).rstrip(".")
    if key.isascii() and key.isdigit() and 1 <= int(key) <= len(choices):
        return AnswerValue(choices[int(key) - 1].id)
    for choice in choices:
        if _key(choice.label) == _key(text):
            return AnswerValue(choice.id)
    if is_none_text(text):
        nones = [c for c in choices if is_none_text(c.label)]
        if len(nones) == 1:
            return AnswerValue(nones[0].id)
        if not question.required:
            return SKIPPED
    raise Rejected("choose_button", count=len(choices))


def _bounded(question: Question, value: int | Decimal) -> None:
    if question.min is not None and value < question.min:
        raise Rejected("below_min", min=question.min, max=question.max)
    if question.max is not None and value > question.max:
        raise Rejected("above_max", min=question.min, max=question.max)


def interpret_text(question: Question, text: str, *, today: dt.date | None = None) -> AnswerValue:
    """Read typed ``text`` as an answer to ``question``; raise :class:`Rejected` if it is not.

    ``today`` (default: the system date) completes dates typed without a year.
    See the module docstring for "none" words, :mod:`flows.problems` for the problem codes.
    """
    stripped = text.strip()
    skip = not question.required and is_none_text(stripped)
    kind = question.type
    try:
        if kind is QuestionType.TEXT:
            if not stripped:
                raise Rejected("empty")
            if is_none_text(stripped):
                return NONE
            if len(stripped) > MAX_TEXT_LENGTH:
                raise Rejected("too_long", max=MAX_TEXT_LENGTH, length=len(stripped))
            return AnswerValue(stripped)
        if kind is QuestionType.CHOICE:
            return _choice_from_text(question, stripped)
        if skip:
            return SKIPPED
        if kind is QuestionType.INTEGER:
            number: int | Decimal = parse_integer(stripped)
        elif kind is QuestionType.DECIMAL:
            number = parse_decimal(stripped)
        elif kind is QuestionType.DATE:
            return AnswerValue(parse_date(stripped, today=today))
        elif kind is QuestionType.MULTI:
            raise Rejected("use_buttons")
        else:
            raise Rejected("send_file")
    except ValueProblem as problem:
        raise Rejected(problem.code, **problem.params) from problem
    _bounded(question, number)
    return AnswerValue(number)
