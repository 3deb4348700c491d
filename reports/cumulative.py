"""Figures year to date: a ``cumulative`` number's quarters added up (pure).

A ``cumulative`` question asks for a figure of the period alone (spent this quarter);
the fiscal year's figure so far is this quarter's plus the earlier quarters' of the
same unit and the same answer key (a repeat group's item keeps its id from quarter to
quarter when the round continues from the last one). The earlier quarters' answers
come with the snapshot (:attr:`reports.round_snapshot.RoundSnapshot.earlier`); "ไม่มี"
and skipped answers add nothing.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Final

from flows.answers import AnswerError, decode
from flows.form import Form, Question
from reports.round_snapshot import RoundSnapshot

__all__ = ["YTD_SUFFIX", "earlier_totals", "with_year_to_date"]

YTD_SUFFIX: Final = "#ytd"
"""A table column of the year-to-date figure: the question's id and this (an id never has
``#``)."""


def _cumulative(form: Form) -> dict[str, Question]:
    found: dict[str, Question] = {}

    def walk(questions: tuple[Question, ...]) -> None:
        for q in questions:
            if q.cumulative:
                found[q.id] = q
            walk(q.questions)

    walk(tuple(p.question for p in form.questions()))
    return found


def earlier_totals(snapshot: RoundSnapshot) -> dict[tuple[int, str], Decimal]:
    """(unit id, answer key) → the sum of the earlier quarters' figures of the year."""
    earlier = snapshot.earlier
    if earlier.empty:
        return {}
    questions = _cumulative(snapshot.form)
    totals: dict[tuple[int, str], Decimal] = {}
    rows = zip(
        earlier["unit_id"].astype("int64").tolist(),
        earlier["question_id"].astype(str).tolist(),
        earlier["value"].tolist(),
        strict=True,
    )
    for unit_id, key, text in rows:
        question = questions.get(key.rsplit("/", 1)[-1])
        if question is None:
            continue
        try:
            answer = decode(question, json.loads(text))
        except (AnswerError, ValueError, TypeError):
            continue
        if answer.prefilled or not isinstance(answer.value, int | Decimal):
            continue
        totals[(unit_id, key)] = totals.get((unit_id, key), Decimal(0)) + Decimal(answer.value)
    return totals


def with_year_to_date(current: object, earlier: Decimal | None) -> float | int | None:
    """This quarter's figure (a table cell: a number, "ไม่มี" or empty) plus the earlier
    quarters' total; empty when neither has a number."""
    number = current if isinstance(current, int | float) and not isinstance(current, bool) else None
    if isinstance(number, float) and not math.isfinite(number):
        number = None  # a table's empty number
    if number is None and earlier is None:
        return None
    total = Decimal(str(number or 0)) + (earlier or Decimal(0))
    return int(total) if total == total.to_integral_value() else float(total)
