"""The relevant answers of every target unit, as a units × questions table (pure).

Only relevant answers count (:func:`flows.walk.relevant_answers`): a question the
unit's kind is not asked, or whose ``when`` is false given the unit's earlier
answers, is *not applicable* and its old answer, if any, is ignored.

:func:`answer_table` builds, for the snapshot's target units (rows) and the form's
questions (columns), a status code and the index of the unit's decoded answer. It
is built column-wise so that it scales to millions of answers:

* each distinct (question, stored JSON) pair is decoded once
  (:func:`flows.answers.decode`); answers repeat a lot (choices, small numbers);
* which questions apply depends only on the unit's kind and its answers to the
  questions that ``when`` expressions read, so :func:`flows.walk.applicable` runs
  once per distinct combination (a handful in practice), not once per unit;
* the rest is numpy indexing.

The table is cached per snapshot (snapshots compare by identity), so the
aggregates and the workbook share one pass over the answers.

Status codes: :data:`NOT_APPLICABLE`, :data:`UNANSWERED` (applicable, no answer yet),
:data:`VALUE`, :data:`NONE` ("ไม่มี" to a text question), :data:`SKIPPED` (an
optional question skipped). Stored answers that cannot be decoded, and answers carried
from an earlier round that the unit has not confirmed, count as no answer.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from flows.answers import AnswerError, AnswerValue, Value, decode
from flows.walk import applicable
from flows.when import references
from reports.round_snapshot import RoundSnapshot

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

Codes = npt.NDArray[np.int8]
Indices = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class AnswerTable:
    """Rows: ``units`` (the snapshot's target units, same order, fresh integer index);
    columns: ``question_ids`` (form order).

    ``status[i, j]`` is unit ``i``'s status for question ``j``; ``index[i, j]`` the
    position in ``answers`` of its relevant answer (-1 where there is none).
    """

    units: pd.DataFrame
    question_ids: tuple[str, ...]
    status: Codes
    index: Indices
    answers: tuple[AnswerValue, ...]

    def column(self, question_id: str) -> int:
        return self.question_ids.index(question_id)

    def status_of(self, question_id: str) -> Codes:
        """The status of every unit for one question."""
        return self.status[:, self.column(question_id)]

    def index_of(self, question_id: str) -> Indices:
        """Positions in ``answers`` for one question (-1: no relevant answer)."""
        return self.index[:, self.column(question_id)]

    def values_of(self, question_id: str) -> list[Value | None]:
        """The typed value of every unit's relevant answer (``None``: none, skipped, absent)."""
        return [None if i < 0 else self.answers[i].value for i in self.index_of(question_id)]

    def responding(self) -> npt.NDArray[np.bool_]:
        """Units with at least one relevant answer (value, none or skipped)."""
        if self.status.size == 0:
            return np.zeros(len(self.units), dtype=bool)
        return np.asarray((self.status >= VALUE).any(axis=1), dtype=bool)


_cache: weakref.WeakKeyDictionary[RoundSnapshot, AnswerTable] = weakref.WeakKeyDictionary()


def answer_table(snapshot: RoundSnapshot) -> AnswerTable:
    """The relevant answers of the snapshot's target units (computed once per snapshot)."""
    table = _cache.get(snapshot)
    if table is None:
        table = _build(snapshot)
        _cache[snapshot] = table
    return table


_STATUS_OF: Final = {(False, False): VALUE, (True, False): NONE, (False, True): SKIPPED}


def _decode_distinct(
    snapshot: RoundSnapshot, columns: Indices, texts: list[Any]
) -> tuple[Indices, list[AnswerValue | None]]:
    """Decode each distinct (question, JSON text) once: (per answer: distinct id, decoded)."""
    questions = [p.question for p in snapshot.form.questions()]
    text_codes, distinct_texts = pd.factorize(pd.Series(texts, dtype=object))
    combined = columns * max(len(distinct_texts), 1) + text_codes
    pair_codes, pairs = pd.factorize(combined)
    decoded: list[AnswerValue | None] = []
    width = max(len(distinct_texts), 1)
    text_of = distinct_texts.tolist()
    loads = json.loads
    for pair in pairs.tolist():
        question = questions[pair // width]
        try:
            answer = decode(question, loads(text_of[pair % width]))
        except (AnswerError, ValueError, TypeError):
            answer = None  # unreadable stored data counts as no answer
        # an answer carried from an earlier round counts once the unit confirms it
        decoded.append(None if answer is None or answer.prefilled else answer)
    return np.asarray(pair_codes, dtype=np.int64), decoded


def _build(snapshot: RoundSnapshot) -> AnswerTable:
    form = snapshot.form
    question_ids = tuple(p.question.id for p in form.questions())
    units = snapshot.targets.reset_index(drop=True)
    n_units, n_questions = len(units), len(question_ids)

    # Answers of target units to questions of the form, as (row, column, text).
    answers = snapshot.answers
    rows = pd.Index(units["id"].astype("int64")).get_indexer(
        pd.Index(answers["unit_id"].astype("int64"))
    )
    columns = pd.Index(question_ids, dtype=object).get_indexer(pd.Index(answers["question_id"]))
    keep = (rows >= 0) & (columns >= 0)
    rows, columns = rows[keep].astype(np.int64), columns[keep].astype(np.int64)
    texts = answers["value"].to_numpy(dtype=object)[keep].tolist()
    pair_codes, decoded = _decode_distinct(snapshot, columns, texts)
    good = np.fromiter((d is not None for d in decoded), dtype=bool, count=len(decoded))
    valid = good[pair_codes] if len(pair_codes) else np.zeros(0, dtype=bool)
    rows, columns, pair_codes = rows[valid], columns[valid], pair_codes[valid]

    given = np.full((n_units, n_questions), -1, dtype=np.int64)
    given[rows, columns] = pair_codes
    distinct = tuple(d if d is not None else AnswerValue("") for d in decoded)

    # Which questions apply: once per (kind, answers to the questions `when` reads).
    read = sorted(
        set().union(
            *(references(p.question.when) for p in form.questions() if p.question.when is not None)
        )
    )
    read_columns = [question_ids.index(q) for q in read if q in question_ids]
    masks: dict[Hashable, int] = {}
    mask_rows: list[npt.NDArray[np.bool_]] = []
    unit_mask = np.zeros(n_units, dtype=np.int64)
    read_given = given[:, read_columns] if read_columns else np.zeros((n_units, 0), np.int64)
    for row, (kind, codes) in enumerate(zip(units["kind"], read_given.tolist(), strict=True)):
        key = (kind, tuple(codes))
        found = masks.get(key)
        if found is None:
            subset = {
                question_ids[c]: distinct[code]
                for c, code in zip(read_columns, codes, strict=True)
                if code >= 0
            }
            asked = {p.question.id for p in applicable(form, kind, subset)}
            mask_rows.append(np.array([q in asked for q in question_ids], dtype=bool))
            found = masks[key] = len(mask_rows) - 1
        unit_mask[row] = found
    applies = (
        np.vstack(mask_rows)[unit_mask] if mask_rows else np.zeros((n_units, n_questions), bool)
    )

    answer_status = np.array(
        [_STATUS_OF[(a.none, a.skipped)] for a in distinct], dtype=np.int8
    ).reshape(-1)
    status = np.where(applies, UNANSWERED, NOT_APPLICABLE).astype(np.int8)
    relevant = applies & (given >= 0)
    if answer_status.size:
        status[relevant] = answer_status[given[relevant]]
    index = np.where(relevant, given, -1)
    return AnswerTable(units, question_ids, status, index, distinct)
