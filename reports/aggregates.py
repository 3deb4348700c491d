"""Aggregates of a round's answers (pure: pandas and flows, no SQL, no Telegram).

Everything here counts **relevant answers only** (:mod:`reports.relevant`): an
answer to a question the unit is not asked (its kind, or a false ``when``) is left
out. The units counted are the *responding* target units (at least one relevant
answer); ``done_only=True`` counts only units that submitted or were certified.

:func:`question_aggregates`: one row per question, in form order:

``section_id, indicator_id, question_id, text, type`` and

* ``units``: responding units counted; ``not_applicable``: of those, units the
  question is not asked of; ``asked`` = ``units - not_applicable``;
* ``answered`` (a value or "none"), ``none`` ("ไม่มี" to a text question),
  ``skipped`` (optional and skipped), ``unanswered`` (asked, nothing yet);
  ``answered_pct`` = ``answered / asked`` in percent;
* numbers (integer and decimal questions, else NaN): ``sum, mean, min, max``;
* ``files``: the number of files given (file questions, else 0).

:func:`choice_aggregates` (tidy, long): one row per (choice or multi question,
choice): ``question_id, choice_id, label, count, percent``, where ``percent`` is
of the units that answered the question with a value (for multi questions the
percentages may add up to more than 100).

:func:`indicators_table` puts both together for the workbook: each question's row
followed by its choices' rows (``choice`` filled, ``count`` and ``percent``).

:func:`unit_answers_wide`: one row per target unit, one column per question id
(the rows line up with :func:`unit_status`).
:func:`texts`: the text answers of one question. :func:`answered_files`: the files
the relevant answers point to. :func:`completion` and :func:`unit_status` are
re-exported from :mod:`reports.completion`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

import numpy as np
import pandas as pd

from flows.answers import AnswerValue, FileRef, Items, Value
from flows.form import CHOICE_TYPES, NUMBER_TYPES, Question, QuestionPlace, QuestionType
from reports.completion import DONE_STATES, completion, unit_status
from reports.labels import NONE_TH
from reports.relevant import (
    NONE,
    NOT_APPLICABLE,
    SKIPPED,
    UNANSWERED,
    VALUE,
    AnswerTable,
    answer_table,
)
from reports.round_snapshot import RoundSnapshot

__all__ = [
    "CHOICE_COLUMNS",
    "FILE_COLUMNS",
    "QUESTION_COLUMNS",
    "answered_files",
    "choice_aggregates",
    "completion",
    "indicators_table",
    "question_aggregates",
    "texts",
    "unit_answers_wide",
    "unit_status",
]

QUESTION_COLUMNS: Final = (
    "section_id",
    "indicator_id",
    "question_id",
    "text",
    "type",
    "units",
    "not_applicable",
    "asked",
    "answered",
    "none",
    "skipped",
    "unanswered",
    "answered_pct",
    "sum",
    "mean",
    "min",
    "max",
    "files",
)
CHOICE_COLUMNS: Final = ("question_id", "choice_id", "label", "count", "percent")


def _selected(snapshot: RoundSnapshot, done_only: bool) -> np.ndarray[Any, np.dtype[np.bool_]]:
    table = answer_table(snapshot)
    mask = table.responding()
    if done_only:
        status = unit_status(snapshot)
        mask &= status["state"].isin(DONE_STATES).to_numpy()
    return mask


def _number(value: Value | None) -> float:
    return float(value) if isinstance(value, int | Decimal) else float("nan")


def _question_row(
    place: QuestionPlace, table: AnswerTable, mask: np.ndarray[Any, np.dtype[np.bool_]]
) -> dict[str, object]:
    question = place.question
    codes = table.status_of(question.id)
    counts = np.bincount(codes[mask], minlength=5)
    units = int(mask.sum())
    asked = units - int(counts[NOT_APPLICABLE])
    answered = int(counts[VALUE] + counts[NONE])
    row: dict[str, object] = {
        "section_id": place.section.id,
        "indicator_id": place.indicator.id,
        "question_id": question.id,
        "text": question.text,
        "type": question.type.value,
        "units": units,
        "not_applicable": int(counts[NOT_APPLICABLE]),
        "asked": asked,
        "answered": answered,
        "none": int(counts[NONE]),
        "skipped": int(counts[SKIPPED]),
        "unanswered": int(counts[UNANSWERED]),
        "answered_pct": round(answered * 100 / asked, 1) if asked else 0.0,
        "sum": float("nan"),
        "mean": float("nan"),
        "min": float("nan"),
        "max": float("nan"),
        "files": 0,
    }
    given = [table.answers[i].value for i in table.index_of(question.id)[mask & (codes == VALUE)]]
    if question.type is QuestionType.REPEAT:  # a group's figures are its numbers of items
        given = [len(v.ids) for v in given if isinstance(v, Items)]
    if (question.type in NUMBER_TYPES or question.type is QuestionType.REPEAT) and given:
        numbers = np.array([_number(v) for v in given], dtype=float)
        row |= {
            "sum": float(numbers.sum()),
            "mean": float(numbers.mean()),
            "min": float(numbers.min()),
            "max": float(numbers.max()),
        }
    if question.type is QuestionType.FILE:
        row["files"] = sum(len(v) for v in given if isinstance(v, tuple))
    return row


def question_aggregates(snapshot: RoundSnapshot, *, done_only: bool = False) -> pd.DataFrame:
    """One row per question with counts and number statistics (module docstring)."""
    table = answer_table(snapshot)
    mask = _selected(snapshot, done_only)
    rows = [_question_row(place, table, mask) for place in snapshot.form.questions()]
    return pd.DataFrame(rows, columns=list(QUESTION_COLUMNS))


def _choice_rows(
    question: Question, table: AnswerTable, mask: np.ndarray[Any, np.dtype[np.bool_]]
) -> list[dict[str, object]]:
    counts = dict.fromkeys((c.id for c in question.choices), 0)
    chosen = table.index_of(question.id)[mask & (table.status_of(question.id) == VALUE)]
    answered = len(chosen)
    distinct, times = np.unique(chosen, return_counts=True)
    for i, n in zip(distinct.tolist(), times.tolist(), strict=True):
        value = table.answers[i].value
        picked = (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ()
        for choice_id in picked:
            if isinstance(choice_id, str) and choice_id in counts:
                counts[choice_id] += n
    return [
        {
            "question_id": question.id,
            "choice_id": choice.id,
            "label": choice.label,
            "count": counts[choice.id],
            "percent": round(counts[choice.id] * 100 / answered, 1) if answered else 0.0,
        }
        for choice in question.choices
    ]


def choice_aggregates(snapshot: RoundSnapshot, *, done_only: bool = False) -> pd.DataFrame:
    """One row per choice of every choice and multi question (module docstring)."""
    table = answer_table(snapshot)
    mask = _selected(snapshot, done_only)
    rows = [
        row
        for place in snapshot.form.questions()
        if place.question.type in CHOICE_TYPES
        for row in _choice_rows(place.question, table, mask)
    ]
    return pd.DataFrame(rows, columns=list(CHOICE_COLUMNS))


def indicators_table(snapshot: RoundSnapshot, *, done_only: bool = False) -> pd.DataFrame:
    """Question rows each followed by its choice rows: the workbook's Indicators sheet.

    Columns: those of :func:`question_aggregates` with ``choice`` (label, empty on
    question rows), ``count`` and ``percent`` (on choice rows) after ``type``.
    """
    questions = question_aggregates(snapshot, done_only=done_only)
    choices = choice_aggregates(snapshot, done_only=done_only)
    by_question = {qid: group for qid, group in choices.groupby("question_id", sort=False)}
    columns = [*QUESTION_COLUMNS[:5], "choice", "count", "percent", *QUESTION_COLUMNS[5:]]
    rows: list[dict[str, object]] = []
    for record in questions.to_dict("records"):
        question = {str(key): value for key, value in record.items()}
        rows.append({**question, "choice": "", "count": np.nan, "percent": np.nan})
        group = by_question.get(question["question_id"])
        if group is None:
            continue
        for choice in group.to_dict("records"):
            rows.append(
                {
                    "section_id": question["section_id"],
                    "indicator_id": question["indicator_id"],
                    "question_id": question["question_id"],
                    "text": "",
                    "type": "",
                    "choice": choice["label"],
                    "count": choice["count"],
                    "percent": choice["percent"],
                }
            )
    return pd.DataFrame(rows, columns=columns)


def texts(snapshot: RoundSnapshot, question_id: str) -> list[tuple[str, str]]:
    """``(unit code, text)`` of every relevant text answer to ``question_id`` ("none" left out).

    ``KeyError`` if the form has no such question, ``ValueError`` if it is not a
    text question.
    """
    question = snapshot.form.question(question_id)
    if question.type is not QuestionType.TEXT:
        raise ValueError(f"{question_id} is a {question.type.value} question, not text")
    table = answer_table(snapshot)
    codes = table.status_of(question_id)
    return [
        (str(code), str(value))
        for code, status, value in zip(
            table.units["code"], codes, table.values_of(question_id), strict=True
        )
        if status == VALUE
    ]


def _cell(question: Question, status: int, value: Value | None) -> object:
    """The value of one answer in the wide table (module docstring of :func:`unit_answers_wide`)."""
    if status == NONE:
        return NONE_TH
    if status != VALUE or value is None:
        return None
    match question.type:
        case QuestionType.CHOICE if isinstance(value, str):
            return _label(question, value)
        case QuestionType.MULTI if isinstance(value, tuple):
            return ", ".join(_label(question, str(v)) for v in value)
        case QuestionType.FILE if isinstance(value, tuple):
            return ", ".join(f.name for f in value if isinstance(f, FileRef))
        case QuestionType.INTEGER if isinstance(value, int):
            return value
        case QuestionType.DECIMAL if isinstance(value, Decimal):
            return float(value)
        case QuestionType.DATE if isinstance(value, dt.date):
            return value
        case QuestionType.REPEAT if isinstance(value, Items):
            return len(value.ids)
    return str(value)


def answer_cell(question: Question, answer: AnswerValue) -> object:
    """One answer as a table cell: typed as in :func:`unit_answers_wide` ("ไม่มี" for none,
    empty for skipped, a group's number of items)."""
    status = NONE if answer.none else SKIPPED if answer.skipped else VALUE
    return _cell(question, status, answer.value)


def _cells(question: Question, table: AnswerTable) -> list[object]:
    """The wide table's column for one question: each distinct answer converted once."""
    index = table.index_of(question.id)
    distinct, inverse = np.unique(index, return_inverse=True)
    converted: list[object] = []
    for i in distinct.tolist():
        if i < 0:
            converted.append(None)
            continue
        answer = table.answers[i]
        status = NONE if answer.none else SKIPPED if answer.skipped else VALUE
        converted.append(_cell(question, status, answer.value))
    lookup = np.empty(len(converted), dtype=object)
    lookup[:] = converted
    result: list[object] = lookup[inverse.reshape(-1)].tolist()
    return result


def _label(question: Question, choice_id: str) -> str:
    try:
        return question.choice(choice_id).label
    except KeyError:
        return choice_id


def unit_answers_wide(snapshot: RoundSnapshot) -> pd.DataFrame:
    """One row per target unit (index: unit code, the snapshot's order), one column per
    question id (form order).

    The rows line up with :func:`unit_status` (same units, same order), which has the
    unit's name, agency, district and state. Cells hold relevant answers only, typed:
    integers (``Int64``), decimals (``float``), dates (``datetime.date``), a choice's
    label, a multi's labels joined by ", ", file names joined by ", ", "ไม่มี" for
    none; empty (``None`` / ``<NA>`` / NaN) where the question was not applicable,
    not answered or skipped.
    """
    table = answer_table(snapshot)
    index = pd.Index(table.units["code"].astype(str), name="code")
    columns: dict[str, pd.Series[Any]] = {}
    for place in snapshot.form.questions():
        question = place.question
        cells = _cells(question, table)
        if question.type in (QuestionType.INTEGER, QuestionType.REPEAT):
            columns[question.id] = pd.Series(cells, index=index, dtype="Int64")
        elif question.type is QuestionType.DECIMAL:
            columns[question.id] = pd.Series(cells, index=index, dtype="float64")
        else:
            columns[question.id] = pd.Series(cells, index=index, dtype=object)
    order = [p.question.id for p in snapshot.form.questions()]
    return pd.DataFrame(columns, index=index, columns=order)


FILE_COLUMNS: Final = (
    "unit_id",
    "code",
    "name",
    "question_id",
    "n",
    "attachment_id",
    "original_name",
    "size",
    "mime_type",
    "sha256",
    "storage_key",
)


def answered_files(snapshot: RoundSnapshot) -> pd.DataFrame:
    """The files relevant file answers point to, in unit and form order.

    Columns: ``unit_id, code, name, question_id, n`` (1-based position in the
    answer), ``attachment_id, original_name, size, mime_type, sha256,
    storage_key`` (``size`` and later are missing if the attachment row is gone).
    """
    table = answer_table(snapshot)
    rows: list[dict[str, object]] = []
    file_questions = [
        p.question.id for p in snapshot.form.questions() if p.question.type is QuestionType.FILE
    ]
    unit_ids = [int(u) for u in table.units["id"]]
    unit_codes = table.units["code"].tolist()
    unit_names = table.units["name"].tolist()
    for question_id in file_questions:
        for row in np.flatnonzero(table.status_of(question_id) == VALUE).tolist():
            unit_id = unit_ids[row]
            value = table.answers[int(table.index_of(question_id)[row])].value
            for n, ref in enumerate(value if isinstance(value, tuple) else (), start=1):
                if isinstance(ref, FileRef):
                    rows.append(
                        {
                            "row": row,
                            "unit_id": unit_id,
                            "code": unit_codes[row],
                            "name": unit_names[row],
                            "question_id": question_id,
                            "n": n,
                            "attachment_id": ref.attachment_id,
                            "original_name": ref.name,
                        }
                    )
    position = {q: i for i, q in enumerate(file_questions)}
    rows.sort(key=lambda r: (r["row"], position[str(r["question_id"])], r["n"]))
    files = pd.DataFrame(rows, columns=list(FILE_COLUMNS[:7]))
    stored = snapshot.attachments[
        ["attachment_id", "size", "mime_type", "sha256", "storage_key"]
    ].astype({"attachment_id": "int64"})
    files = files.astype({"attachment_id": "int64"}).merge(stored, on="attachment_id", how="left")
    return files[list(FILE_COLUMNS)]
