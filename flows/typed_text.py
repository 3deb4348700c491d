"""Reading what a member typed as the answer to a question: :func:`interpret_text`.

Numbers and dates are read by :mod:`flows.values`; a choice question takes the
choice's number (``1``, ``๒.``) or its label. What cannot be read raises
:class:`~flows.problems.Rejected` with one of the problem codes listed in
:mod:`flows.problems`.

A choice's label may carry a polite ending (``ดำเนินการแล้วค่ะ``). A text answer
of emoji or punctuation only is refused (``no_words``). A date typed with a
two-digit year, or more than :data:`FAR_DAYS` from today, raises
:class:`NeedsConfirmation`: the walk asks the person to confirm it.

"None" words: ``ไม่มี`` / ``-`` (see :func:`flows.values.is_none_text`) answers a
text question with "none"; to an optional question of any other type it means
skip (the same as the skip button), and to a required number question it is
refused with ``number_for_none`` (type 0); to a choice question it picks the one
choice whose label means "none" (``ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน``), if there is
exactly one.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Final

from flows.answers import NONE, SKIPPED, AnswerValue
from flows.form import Question, QuestionType
from flows.problems import Rejected
from flows.values import (
    ValueProblem,
    is_none_text,
    parse_decimal,
    parse_integer,
    read_date,
)
from tidtam.core.thai import thai_to_arabic_digits

__all__ = ["FAR_DAYS", "MAX_TEXT_LENGTH", "YES_WORDS", "NeedsConfirmation", "interpret_text"]

MAX_TEXT_LENGTH: Final = 4000
FAR_DAYS: Final = 366
"""A date further than this from today is asked to confirm (a typo in the year?)."""

#: What confirms a proposed date (after polite endings are dropped).
YES_WORDS: Final = frozenset({"ใช่", "ถูกต้อง", "ยืนยัน", "ตกลง", "yes", "y", "ok", "correct"})

_POLITE = re.compile(r"\s*(?:นะ)?(?:ครับผม|ครับ|คับ|ค่ะ|คะ|ค่า|จ้ะ|จ้า)\s*$")


class NeedsConfirmation(Rejected):
    """A date read, but one to confirm: ``date`` (a ``datetime.date``), ``reason``
    (``two_digit_year`` or ``far``). :mod:`flows.walk` keeps it as the proposal."""

    def __init__(self, value: dt.date, reason: str) -> None:
        super().__init__("confirm_date", date=value, reason=reason)
        self.value = value


def without_polite(text: str) -> str:
    """``text`` without a trailing polite particle ("ดำเนินการแล้วค่ะ" -> "ดำเนินการแล้ว")."""
    return _POLITE.sub("", text.strip()).strip()


def is_yes(text: str) -> bool:
    """Whether ``text`` confirms (ใช่, ถูกต้องครับ, yes)."""
    return _key(without_polite(text)).rstrip(".!") in YES_WORDS


def _key(text: str) -> str:
    return " ".join(thai_to_arabic_digits(text).casefold().split())


def _choice_from_text(question: Question, text: str) -> AnswerValue:
    choices = question.choices
    key = _key(without_polite(text)).rstrip(".")
    if key.isascii() and key.isdigit() and 1 <= int(key) <= len(choices):
        return AnswerValue(choices[int(key) - 1].id)
    for choice in choices:
        if _key(choice.label) in (_key(text), key):
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
        raise Rejected("below_min", value=value, min=question.min, max=question.max)
    if question.max is not None and value > question.max:
        raise Rejected("above_max", value=value, min=question.min, max=question.max)


def _date(text: str, today: dt.date | None) -> AnswerValue:
    reading = read_date(text, today=today)
    if reading.two_digit_year:
        raise NeedsConfirmation(reading.value, "two_digit_year")
    if abs((reading.value - (today or dt.date.today())).days) > FAR_DAYS:
        raise NeedsConfirmation(reading.value, "far")
    return AnswerValue(reading.value)


def _has_words(text: str) -> bool:
    """Whether ``text`` has a letter or a digit (not only emoji or punctuation)."""
    return any(ch.isalnum() for ch in text)


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
            if not _has_words(stripped):
                raise Rejected("no_words")
            if len(stripped) > MAX_TEXT_LENGTH:
                raise Rejected("too_long", max=MAX_TEXT_LENGTH, length=len(stripped))
            return AnswerValue(stripped)
        if kind is QuestionType.CHOICE:
            return _choice_from_text(question, stripped)
        if skip:
            return SKIPPED
        if kind in (QuestionType.INTEGER, QuestionType.DECIMAL) and is_none_text(stripped):
            raise Rejected("number_for_none")
        if kind is QuestionType.INTEGER:
            number: int | Decimal = parse_integer(stripped)
        elif kind is QuestionType.DECIMAL:
            number = parse_decimal(stripped)
        elif kind is QuestionType.DATE:
            return _date(stripped, today)
        elif kind is QuestionType.MULTI:
            raise Rejected("use_buttons")
        else:
            raise Rejected("send_file")
    except ValueProblem as problem:
        raise Rejected(problem.code, **problem.params) from problem
    _bounded(question, number)
    return AnswerValue(number)
