"""The committee report (รายงานผลการติดตาม) as plain data, from a round snapshot (pure).

:func:`committee_report` gathers what the provincial education committee reads,
from the same aggregates as the workbook (:mod:`reports.aggregates`, relevant
answers of responding target units), so that the report and the workbook agree:

* completeness by agency (officer, whole round) or by child unit (supervisor), with
  the status chart of :mod:`reports.chart`;
* per strategy and indicator, per question: how many units were asked and answered,
  "ไม่มี", skipped; for choice questions the count and percentage of each choice; for
  numbers the total, mean, lowest and highest, and the total and mean per group; for
  text (project names, problems, suggestions) the distinct answers, grouped after
  collapsing white space, each with how many units gave it; for files how many;
  for a repeat group (projects, activities) how many items the units listed (total,
  mean, lowest, highest, by group), then each of the group's questions summarised
  over all items the same way (``of_items``: counted in items, not units), so that
  the project names, their budgets and their statuses are read across the province;
* the units that did not submit, by group.

:mod:`reports.committee_docx` writes it as a Word document, :mod:`reports.committee_pdf`
as a PDF.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Final, Literal

import numpy as np
import pandas as pd

from flows.answers import AnswerValue, FileRef, Items
from flows.form import Question, QuestionType
from reports.aggregates import choice_aggregates, completion, question_aggregates, unit_status
from reports.items import ItemTable, item_tables
from reports.labels import STATE_TH
from reports.relevant import VALUE, answer_table
from reports.round_snapshot import RoundSnapshot, unit_parents
from reports.targets import Achievement, achievement
from tidtam.core.periods import PeriodError, parse_period

__all__ = [
    "MAX_TEXTS",
    "ChoiceCount",
    "CommitteeReport",
    "GroupNumber",
    "IndicatorSummary",
    "MissingUnit",
    "QuestionSummary",
    "SectionSummary",
    "TextCount",
    "committee_report",
]

MAX_TEXTS: Final = 40
"""Distinct text answers listed per question (the most frequent); the rest are counted."""

REPORT_TITLE: Final = "รายงานผลการติดตามการดำเนินงานตามแผนพัฒนาการศึกษา"


@dataclass(frozen=True, slots=True)
class ChoiceCount:
    label: str
    count: int
    percent: float


@dataclass(frozen=True, slots=True)
class GroupNumber:
    """A number question's answers in one group (agency or child unit)."""

    group: str
    units: int
    total: float
    mean: float


@dataclass(frozen=True, slots=True)
class TargetLine:
    """Achieved against target for one group (the last line of a question: the total)."""

    group: str
    achieved: float
    target: float | None
    percent: float | None
    met: bool | None


@dataclass(frozen=True, slots=True)
class TextCount:
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    no: str
    text: str
    type: QuestionType
    asked: int
    answered: int
    none: int
    skipped: int
    unanswered: int
    answered_pct: float
    choices: tuple[ChoiceCount, ...] = ()
    total: float | None = None
    mean: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    by_group: tuple[GroupNumber, ...] = ()
    texts: tuple[TextCount, ...] = ()
    more_texts: int = 0  # distinct texts left out of ``texts``
    files: int = 0
    targets: tuple[TargetLine, ...] = ()  # a number question with a target anywhere
    items: tuple[QuestionSummary, ...] = ()  # a repeat group's questions, over its items
    of_items: bool = False  # counted in items of a repeat group (not in units)


@dataclass(frozen=True, slots=True)
class IndicatorSummary:
    no: str
    title: str
    questions: tuple[QuestionSummary, ...]


@dataclass(frozen=True, slots=True)
class SectionSummary:
    no: str
    title: str
    indicators: tuple[IndicatorSummary, ...]


@dataclass(frozen=True, slots=True)
class MissingUnit:
    code: str
    name: str
    state: str
    overdue: bool


@dataclass(frozen=True)
class CommitteeReport:
    """Everything the committee report shows (see the module docstring)."""

    title: str
    form_title: str
    scope_name: str
    period: str
    made_at: datetime
    deadline: datetime
    group_label: str  # "หน่วยงานต้นสังกัด" or "หน่วยงาน"
    completion: pd.DataFrame  # reports.completion.completion with the total row
    responding: int
    sections: tuple[SectionSummary, ...]
    missing: tuple[tuple[str, tuple[MissingUnit, ...]], ...]


def _nan_none(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _clean(text: str) -> str:
    return " ".join(text.split())


def _groups(snapshot: RoundSnapshot, by: Literal["agency", "unit"], root: int | None) -> list[str]:
    """The group name of every row of the answer table (its target units)."""
    units = answer_table(snapshot).units
    if by == "agency" or root is None:
        return [str(n) for n in units["agency_name"]]
    parents = unit_parents(snapshot.units)
    names = dict(zip(snapshot.units["id"].tolist(), snapshot.units["name"].tolist(), strict=True))
    out: list[str] = []
    for unit in units["id"].astype("int64").tolist():
        current = unit  # climb to the child of the root (the root is a group of its own)
        while current != root and (parent := parents.get(current)) is not None:
            if parent == root or parent not in names:
                break
            current = parent
        out.append(str(names[current]))
    return out


def _numbers_by_group(
    values: list[object], ok: np.ndarray, groups: list[str]
) -> tuple[GroupNumber, ...]:
    sums: dict[str, float] = {}
    counts: Counter[str] = Counter()
    for value, good, group in zip(values, ok.tolist(), groups, strict=True):
        if good:
            sums[group] = sums.get(group, 0.0) + float(value)  # type: ignore[arg-type]
            counts[group] += 1
    return tuple(
        GroupNumber(group, counts[group], sums[group], sums[group] / counts[group])
        for group in sorted(sums)
    )


def _texts(values: list[object], ok: np.ndarray) -> tuple[tuple[TextCount, ...], int]:
    counts: Counter[str] = Counter(
        _clean(str(v)) for v, good in zip(values, ok.tolist(), strict=True) if good
    )
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = tuple(TextCount(text, count) for text, count in ordered[:MAX_TEXTS])
    return shown, max(0, len(ordered) - MAX_TEXTS)


def _item_summaries(
    chain: tuple[Question, ...], tables: Mapping[tuple[str, ...], ItemTable]
) -> tuple[QuestionSummary, ...]:
    """Each question of the innermost group of ``chain``, over all its items."""
    table = tables.get(tuple(g.id for g in chain))
    if table is None:
        return ()
    groups = [str(a) for a in table.frame["#agency"].tolist()]
    return tuple(
        _item_summary(q, [row.get(q.id) for row in table.answers], groups, (*chain, q), tables)
        for q in chain[-1].questions
    )


def _item_summary(
    question: Question,
    answers: list[AnswerValue | None],
    groups: list[str],
    chain: tuple[Question, ...],
    tables: Mapping[tuple[str, ...], ItemTable],
) -> QuestionSummary:
    """One question of a repeat group summarised over every item (counts are items)."""
    given = [a for a in answers if a is not None]
    values = [a.value for a in given if not a.empty]
    ok = np.array([a is not None and not a.empty for a in answers], dtype=bool)
    extra: dict[str, object] = {}
    kind = question.type
    if kind in (QuestionType.CHOICE, QuestionType.MULTI):
        chosen: Counter[str] = Counter()
        for value in values:
            chosen.update([value] if isinstance(value, str) else list(value))  # type: ignore[arg-type]
        extra["choices"] = tuple(
            ChoiceCount(c.label, chosen[c.id], chosen[c.id] * 100 / len(values) if values else 0.0)
            for c in question.choices
        )
    elif kind in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.REPEAT):
        numbers: list[object] = [_item_number(a) for a in answers]
        picked: list[float] = [
            float(n)
            for n, good in zip(numbers, ok.tolist(), strict=True)
            if good and isinstance(n, int | float | Decimal)
        ]
        if picked:
            extra |= {
                "total": sum(picked),
                "mean": sum(picked) / len(picked),
                "minimum": min(picked),
                "maximum": max(picked),
            }
        extra["by_group"] = _numbers_by_group(numbers, ok, groups)
        if kind is QuestionType.REPEAT:
            extra["items"] = _item_summaries(chain, tables)
    elif kind is QuestionType.TEXT:
        texts: list[object] = [a.value if a is not None else None for a in answers]
        extra["texts"], extra["more_texts"] = _texts(texts, ok)
    elif kind is QuestionType.FILE:
        extra["files"] = sum(
            len([f for f in v if isinstance(f, FileRef)]) for v in values if isinstance(v, tuple)
        )
    asked = len(answers)
    answered = len(given)
    return QuestionSummary(
        no=question.no,
        text=question.text,
        type=kind,
        asked=asked,
        answered=answered,
        none=sum(1 for a in given if a.none),
        skipped=sum(1 for a in given if a.skipped),
        unanswered=asked - answered,
        answered_pct=round(answered * 100 / asked, 1) if asked else 0.0,
        of_items=True,
        **extra,  # type: ignore[arg-type]
    )


def _item_number(answer: AnswerValue | None) -> object:
    """A number answer's value, a group's number of items, 0 for no value."""
    if answer is None or answer.empty:
        return 0
    if isinstance(answer.value, Items):
        return len(answer.value.ids)
    return answer.value


def _period(text: str) -> str:
    try:
        return parse_period(text).thai()
    except PeriodError:
        return text


def _target_lines(
    snapshot: RoundSnapshot,
    question_id: str,
    targets: Mapping[tuple[int, str], Decimal],
    root_unit_id: int | None,
) -> tuple[TargetLine, ...]:
    agencies, total = achievement(snapshot, question_id, targets, root_id=root_unit_id)

    def line(row: Achievement, group: str) -> TargetLine:
        return TargetLine(
            group,
            float(row.achieved),
            None if row.target is None else float(row.target),
            None if row.percent is None else float(row.percent),
            row.met,
        )

    return (*(line(a, a.name) for a in agencies), line(total, "รวม"))


def committee_report(
    snapshot: RoundSnapshot,
    *,
    scope_name: str,
    by: Literal["agency", "unit"] = "agency",
    root_unit_id: int | None = None,
    tz: tzinfo,
    targets: Mapping[tuple[int, str], Decimal] | None = None,
) -> CommitteeReport:
    """The committee report of a snapshot (see the module docstring).

    ``targets``: the stored targets of the round's form and period; a number question
    with a target (there or in the form) gets its achieved-against-target lines.
    """
    goals = targets or {}
    with_target = {q for _, q in goals} | {
        p.question.id for p in snapshot.form.questions() if p.question.target is not None
    }
    form = snapshot.form
    done = completion(snapshot, by=by, root_unit_id=root_unit_id, total=True)
    questions = question_aggregates(snapshot)
    choices = choice_aggregates(snapshot)
    table = answer_table(snapshot)
    mask = table.responding()
    groups = _groups(snapshot, by, root_unit_id)
    by_question = {str(q): g for q, g in choices.groupby("question_id", sort=False)}
    item_table = {tuple(g.id for g in t.groups): t for t in item_tables(snapshot)}
    rows = {str(r["question_id"]): r for r in questions.to_dict("records")}
    sections: list[SectionSummary] = []
    for section in form.sections:
        indicators: list[IndicatorSummary] = []
        for indicator in section.indicators:
            summaries: list[QuestionSummary] = []
            for question in indicator.questions:
                row = rows[question.id]
                values: list[object] = list(table.values_of(question.id))
                ok = mask & (table.status_of(question.id) == VALUE)
                extra: dict[str, object] = {}
                if question.type in (QuestionType.CHOICE, QuestionType.MULTI):
                    group = by_question.get(question.id)
                    extra["choices"] = tuple(
                        ChoiceCount(str(c["label"]), int(c["count"]), float(c["percent"]))
                        for c in ([] if group is None else group.to_dict("records"))
                    )
                elif question.type is QuestionType.REPEAT:
                    counts: list[object] = [
                        len(v.ids) if isinstance(v, Items) else 0 for v in values
                    ]
                    extra |= {
                        "total": _nan_none(row["sum"]),
                        "mean": _nan_none(row["mean"]),
                        "minimum": _nan_none(row["min"]),
                        "maximum": _nan_none(row["max"]),
                        "by_group": _numbers_by_group(counts, ok, groups),
                        "items": _item_summaries((question,), item_table),
                    }
                elif question.type in (QuestionType.INTEGER, QuestionType.DECIMAL):
                    extra |= {
                        "total": _nan_none(row["sum"]),
                        "mean": _nan_none(row["mean"]),
                        "minimum": _nan_none(row["min"]),
                        "maximum": _nan_none(row["max"]),
                        "by_group": _numbers_by_group(values, ok, groups),
                    }
                    if question.id in with_target:
                        extra["targets"] = _target_lines(snapshot, question.id, goals, root_unit_id)
                elif question.type is QuestionType.TEXT:
                    extra["texts"], extra["more_texts"] = _texts(values, ok)
                elif question.type is QuestionType.FILE:
                    extra["files"] = int(row["files"])
                summaries.append(
                    QuestionSummary(
                        no=question.no,
                        text=question.text,
                        type=question.type,
                        asked=int(row["asked"]),
                        answered=int(row["answered"]),
                        none=int(row["none"]),
                        skipped=int(row["skipped"]),
                        unanswered=int(row["unanswered"]),
                        answered_pct=float(row["answered_pct"]),
                        **extra,  # type: ignore[arg-type]
                    )
                )
            indicators.append(IndicatorSummary(indicator.no, indicator.title, tuple(summaries)))
        sections.append(SectionSummary(section.no, section.title, tuple(indicators)))
    status = unit_status(snapshot, root_unit_id)
    late = status[~status["done"]]
    missing = tuple(
        (
            str(agency),
            tuple(
                MissingUnit(
                    str(r["code"]),
                    str(r["name"]),
                    STATE_TH.get(str(r["state"]), str(r["state"])),
                    bool(r["overdue"]),
                )
                for r in group.to_dict("records")
            ),
        )
        for agency, group in late.groupby("agency_name", sort=True)
    )
    return CommitteeReport(
        title=REPORT_TITLE,
        form_title=form.title,
        scope_name=scope_name,
        period=_period(snapshot.round.period),
        made_at=snapshot.now.astimezone(tz),
        deadline=snapshot.round.deadline.astimezone(tz),
        group_label="หน่วยงานต้นสังกัด" if by == "agency" else "หน่วยงาน",
        completion=done,
        responding=int(mask.sum()),
        sections=tuple(sections),
        missing=missing,
    )
