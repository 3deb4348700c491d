"""The relevant answers of every target unit, one column per question (pure).

Only relevant answers count (:func:`flows.walk.relevant_answers`): a question the
unit's kind is not asked, or whose ``when`` is false given the unit's earlier
answers, is *not applicable* and its old answer, if any, is ignored.

:func:`answer_table` decodes each unit's stored answers once and records, per
question, a status code for every target unit and the typed value
(:class:`flows.answers.AnswerValue` ``value``) where there is one. Which questions
apply depends only on the unit's kind and its answers to the questions that ``when``
expressions read, so that is computed once per distinct combination (a handful in
practice), not once per unit. The table is cached per snapshot (snapshots compare by
identity), so the aggregates and the workbook share one pass over the answers.

Status codes: :data:`NOT_APPLICABLE`, :data:`UNANSWERED` (applicable, no answer yet),
:data:`VALUE`, :data:`NONE` ("ไม่มี" to a text question), :data:`SKIPPED` (an
optional question skipped).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from flows.answers import AnswerError, AnswerValue, Value, decode, when_value
from flows.form import Question
from flows.walk import applicable
from flows.when import references
from reports.snapshot import RoundSnapshot

__all__ = [
    "NONE",
    "NOT_APPLICABLE",
    "SKIPPED",
    "UNANSWERED",
    "VALUE",
    "AnswerTable",
    "answer_table",
]

NOT_APPLICABLE: Final = 0
UNANSWERED: Final = 1
VALUE: Final = 2
NONE: Final = 3
SKIPPED: Final = 4

_DECODE_CACHE_LIMIT: Final = 200_000


@dataclass(frozen=True, slots=True)
class AnswerTable:
    """Per question: ``status[qid][i]`` and ``values[qid][i]`` for target unit ``i``.

    ``units`` is the snapshot's target units (same order, fresh integer index);
    ``values`` holds the typed value where the status is :data:`VALUE`, else ``None``.
    """

    units: pd.DataFrame
    status: dict[str, npt.NDArray[np.int8]]
    values: dict[str, list[Value | None]]

    def responding(self) -> npt.NDArray[np.bool_]:
        """Units with at least one relevant answer (value, none or skipped)."""
        mask = np.zeros(len(self.units), dtype=bool)
        for codes in self.status.values():
            mask |= codes >= VALUE
        return mask


_cache: weakref.WeakKeyDictionary[RoundSnapshot, AnswerTable] = weakref.WeakKeyDictionary()


def answer_table(snapshot: RoundSnapshot) -> AnswerTable:
    """The relevant answers of the snapshot's target units (computed once per snapshot)."""
    table = _cache.get(snapshot)
    if table is None:
        table = _build(snapshot)
        _cache[snapshot] = table
    return table


class _Decoder:
    """``decode(question, json.loads(text))`` with a bounded cache (answers repeat)."""

    def __init__(self, questions: dict[str, Question]) -> None:
        self.questions = questions
        self.cache: dict[tuple[str, str], AnswerValue | None] = {}

    def __call__(self, question_id: str, text: str) -> AnswerValue | None:
        key = (question_id, text)
        try:
            return self.cache[key]
        except KeyError:
            pass
        question = self.questions.get(question_id)
        answer: AnswerValue | None = None
        if question is not None:
            try:
                answer = decode(question, json.loads(text))
            except (AnswerError, ValueError, TypeError):
                answer = None  # unreadable stored data counts as no answer
        if len(self.cache) >= _DECODE_CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = answer
        return answer


def _spans(unit_ids: npt.NDArray[np.int64]) -> dict[int, tuple[int, int]]:
    """unit id → (start, stop) of its rows in ``unit_ids``, which is sorted."""
    if len(unit_ids) == 0:
        return {}
    boundaries = np.flatnonzero(np.diff(unit_ids)) + 1
    starts = np.concatenate(([0], boundaries))
    stops = np.concatenate((boundaries, [len(unit_ids)]))
    return {
        int(unit_ids[start]): (int(start), int(stop))
        for start, stop in zip(starts, stops, strict=True)
    }


def _build(snapshot: RoundSnapshot) -> AnswerTable:
    form = snapshot.form
    places = list(form.questions())
    question_ids = [p.question.id for p in places]
    decoder = _Decoder({p.question.id: p.question for p in places})
    read = sorted(
        set().union(*(references(p.question.when) for p in places if p.question.when is not None))
    )
    units = snapshot.targets.reset_index(drop=True)
    count = len(units)
    status = {qid: np.zeros(count, dtype=np.int8) for qid in question_ids}
    values: dict[str, list[Value | None]] = {qid: [None] * count for qid in question_ids}

    answers = snapshot.answers
    answer_units = answers["unit_id"].to_numpy(dtype=np.int64)
    order = np.argsort(answer_units, kind="stable")
    answers = answers.iloc[order]
    spans = _spans(answer_units[order])
    answer_qids = answers["question_id"].tolist()
    answer_texts = answers["value"].tolist()

    applies: dict[Hashable, frozenset[str]] = {}
    for row, (unit_id, kind) in enumerate(zip(units["id"], units["kind"], strict=True)):
        given: dict[str, AnswerValue] = {}
        span = spans.get(int(unit_id))
        if span is not None:
            for i in range(*span):
                answer = decoder(answer_qids[i], answer_texts[i])
                if answer is not None:
                    given[answer_qids[i]] = answer
        key = (kind, tuple((qid, when_value(given[qid])) for qid in read if qid in given))
        asked = applies.get(key)
        if asked is None:
            subset = {qid: given[qid] for qid in read if qid in given}
            asked = frozenset(p.question.id for p in applicable(form, kind, subset))
            applies[key] = asked
        for qid in asked:
            answer = given.get(qid)
            if answer is None:
                status[qid][row] = UNANSWERED
            elif answer.none:
                status[qid][row] = NONE
            elif answer.skipped:
                status[qid][row] = SKIPPED
            else:
                status[qid][row] = VALUE
                values[qid][row] = answer.value
    return AnswerTable(units, status, values)
