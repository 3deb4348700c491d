"""A question's ``check:`` rules: what its answer must keep, given earlier answers.

A rule is a ``when`` expression (:mod:`flows.when`, parsed, never ``eval``-ed) over
the question's own answer and earlier ones. A bare identifier on the right that
names a question stands for that question's answer, so ``spent <= allocated``
compares two answers. A rule is judged only when every question it reads has an
answer (a "none" answer counts, and reads as nothing: ``titles != ""`` is false
for it); otherwise it holds, because nothing contradicts it yet.

:func:`broken_check` is asked when an answer is given (the walk refuses it with
the ``check`` problem) and :func:`broken_checks` at submit, over every applicable
answer, since an edit of an earlier answer can break a later rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from flows.answers import AnswerValue, when_value
from flows.form import Check, Form, QuestionPlace
from flows.when import (
    And,
    Compare,
    Expr,
    Literal,
    Not,
    Number,
    Or,
    Text,
    Word,
    evaluate,
    iter_comparisons,
    references,
)

__all__ = ["broken_check", "broken_checks"]


def _literal(value: object) -> Literal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Number(Decimal(value))
    if isinstance(value, dt.date):
        return Text(value.isoformat())
    if isinstance(value, str):
        return Text(value)
    return None


def _bind(expr: Expr, form: Form, seen: Mapping[str, object]) -> Expr:
    """``expr`` with question ids on the right replaced by their answers."""
    match expr:
        case Compare(value=Word(value=name)) if name in form:
            bound = _literal(seen.get(name))
            return replace(expr, value=bound) if bound is not None else expr
        case Not(operand):
            return Not(_bind(operand, form, seen))
        case And(left, right):
            return And(_bind(left, form, seen), _bind(right, form, seen))
        case Or(left, right):
            return Or(_bind(left, form, seen), _bind(right, form, seen))
    return expr


def _right(expr: Expr, form: Form) -> set[str]:
    """The questions named on the right of a comparison."""
    return {
        lit.value
        for _, _, lit in iter_comparisons(expr)
        if isinstance(lit, Word) and lit.value in form
    }


def _holds(check: Check, form: Form, answers: Mapping[str, AnswerValue]) -> bool:
    right = _right(check.rule, form)
    reads = set(references(check.rule)) | right
    if any(name not in answers for name in reads):
        return True
    seen = {name: when_value(answers[name]) for name in reads}
    if any(seen[name] is None for name in right):
        return True  # nothing to compare with
    return evaluate(_bind(check.rule, form, seen), seen)


def broken_check(form: Form, question_id: str, answers: Mapping[str, AnswerValue]) -> Check | None:
    """The first rule of the question that ``answers`` (its own included) break, if any.

    A skipped answer breaks nothing."""
    own = answers.get(question_id)
    if own is not None and own.skipped:
        return None
    for check in form.question(question_id).checks:
        if not _holds(check, form, answers):
            return check
    return None


def broken_checks(
    form: Form, places: Iterable[QuestionPlace], answers: Mapping[str, AnswerValue]
) -> list[tuple[str, Check]]:
    """``(question id, rule)`` for every answered applicable question whose rule is broken.

    ``answers`` should be the relevant ones (those of applicable questions).
    """
    broken: list[tuple[str, Check]] = []
    for where in places:
        qid = where.question.id
        if qid in answers:
            check = broken_check(form, qid, answers)
            if check is not None:
                broken.append((qid, check))
    return broken
