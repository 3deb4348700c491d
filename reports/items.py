"""The items of repeat groups, one table per group: a row per item of every unit (pure).

A repeat group's answers are stored one per item question under its key
(``projects/i2/allocated``, :mod:`flows.form`); the units × questions table of
:mod:`reports.relevant` holds only the group itself (its number of items). Here
each group, and each group inside a group's items, becomes a table: the unit's
code, name and agency, the item's position in each enclosing list (1, 2, ... as
the person saw them), then one column per question of the group, typed as in
:func:`reports.aggregates.unit_answers_wide` (a group inside counts its items).

Only relevant answers count: those :func:`flows.walk.relevant_answers` keeps, so a
removed item, or a question its ``when`` no longer asks, is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from flows.answers import AnswerError, AnswerValue, Items, decode
from flows.form import Form, Question
from flows.walk import relevant_answers
from reports.aggregates import answer_cell
from reports.completion import unit_status
from reports.cumulative import YTD_SUFFIX, earlier_totals, with_year_to_date
from reports.round_snapshot import RoundSnapshot

__all__ = ["ItemTable", "item_tables"]


@dataclass(frozen=True, slots=True)
class ItemTable:
    """One group's items: ``groups`` are the group and those around it, outermost first
    (as written in the form); ``frame`` has ``#code, #name, #agency``, one position
    column per group (``#item_1``, ``#item_2``) and one column per question id of the
    innermost group (a question id never starts with ``#``), a ``cumulative`` one followed
    by its year-to-date figure (``<id>#ytd``)."""

    groups: tuple[Question, ...]
    frame: pd.DataFrame
    answers: tuple[dict[str, AnswerValue], ...] = ()  # per row: question id -> answer

    @property
    def group(self) -> Question:
        return self.groups[-1]


def _chains(form: Form) -> Iterator[tuple[Question, ...]]:
    """Every group as the chain of groups from the top-level one, in form order."""

    def inner(chain: tuple[Question, ...]) -> Iterator[tuple[Question, ...]]:
        yield chain
        for q in chain[-1].questions:
            if q.repeat:
                yield from inner((*chain, q))

    for place in form.questions():
        if place.question.repeat:
            yield from inner((place.question,))


def _templates(form: Form) -> dict[str, Question]:
    """Every question by id, those of groups included (ids are unique in a form)."""
    found: dict[str, Question] = {}

    def add(questions: tuple[Question, ...]) -> None:
        for q in questions:
            found[q.id] = q
            add(q.questions)

    add(tuple(p.question for p in form.questions()))
    return found


def _answers_by_unit(snapshot: RoundSnapshot) -> dict[int, dict[str, AnswerValue]]:
    """The stored answers of the units that listed items, decoded, by unit.

    A key's last part is its question's id, so each distinct (question, stored JSON) is
    decoded once, whichever item it belongs to: answers repeat a lot. Unreadable data
    and answers carried from an earlier round and not yet confirmed are left out."""
    answers = snapshot.answers
    keys = answers["question_id"].astype(str)
    with_items = set(answers["unit_id"][keys.str.contains("/", regex=False)].astype("int64"))
    if not with_items:
        return {}
    templates = _templates(snapshot.form)
    decoded: dict[tuple[str, str], AnswerValue | None] = {}
    by_unit: dict[int, dict[str, AnswerValue]] = {}
    units = answers["unit_id"].astype("int64").tolist()
    for unit_id, key, text in zip(units, keys.tolist(), answers["value"].tolist(), strict=True):
        if unit_id not in with_items:
            continue
        question_id = key.rsplit("/", 1)[-1]
        pair = (question_id, text)
        if pair in decoded:
            found = decoded[pair]
        else:
            found = _decoded(templates.get(question_id), text)
            decoded[pair] = found
        if found is not None:
            by_unit.setdefault(unit_id, {})[key] = found
    return by_unit


def _decoded(question: Question | None, text: str) -> AnswerValue | None:
    """A stored answer, or None: no such question, unreadable data (counts as no answer),
    or carried from an earlier round and not yet confirmed."""
    if question is None:
        return None
    try:
        found = decode(question, json.loads(text))
    except (AnswerError, ValueError, TypeError):
        return None
    return None if found.prefilled else found


def _items(answers: dict[str, AnswerValue], key: str) -> tuple[str, ...]:
    answer = answers.get(key)
    return answer.value.ids if answer is not None and isinstance(answer.value, Items) else ()


def _rows(
    chain: tuple[Question, ...], answers: dict[str, AnswerValue]
) -> Iterator[tuple[tuple[int, ...], str]]:
    """(positions, item key prefix) of every item of the innermost group of ``chain``."""
    prefixes: list[tuple[tuple[int, ...], str]] = [((), "")]
    for group in chain:
        nxt: list[tuple[tuple[int, ...], str]] = []
        for positions, prefix in prefixes:
            key = prefix + group.id
            for n, item_id in enumerate(_items(answers, key), start=1):
                nxt.append(((*positions, n), f"{key}/{item_id}/"))
        prefixes = nxt
    yield from prefixes


def item_tables(snapshot: RoundSnapshot) -> list[ItemTable]:
    """A table per repeat group of the form (none if it has none), in form order."""
    form = snapshot.form
    chains = list(_chains(form))
    if not chains:
        return []
    status = unit_status(snapshot)
    by_unit = _answers_by_unit(snapshot)
    before = earlier_totals(snapshot)
    relevant: dict[int, dict[str, AnswerValue]] = {}
    for unit_id, kind in zip(status["unit_id"].tolist(), status["kind"].tolist(), strict=True):
        given = by_unit.get(int(unit_id))
        if given:
            relevant[int(unit_id)] = relevant_answers(form, str(kind), given)
    tables: list[ItemTable] = []
    for chain in chains:
        group = chain[-1]
        records: list[dict[str, object]] = []
        rows_given: list[dict[str, AnswerValue]] = []
        units = zip(
            status["unit_id"].tolist(),
            status["code"].tolist(),
            status["name"].tolist(),
            status["agency_name"].tolist(),
            strict=True,
        )
        for unit_id, code, name, agency_name in units:
            unit_answers = relevant.get(int(unit_id))
            if not unit_answers:
                continue
            for positions, prefix in _rows(chain, unit_answers):
                record: dict[str, object] = {
                    "#code": str(code),
                    "#name": name,
                    "#agency": agency_name,
                }
                record |= {f"#item_{level}": n for level, n in enumerate(positions, start=1)}
                row_answers: dict[str, AnswerValue] = {}
                for q in group.questions:
                    found = unit_answers.get(prefix + q.id)
                    record[q.id] = None if found is None else answer_cell(q, found)
                    if found is not None:
                        row_answers[q.id] = found
                    if q.cumulative:
                        earlier = before.get((int(unit_id), prefix + q.id))
                        record[q.id + YTD_SUFFIX] = with_year_to_date(record[q.id], earlier)
                records.append(record)
                rows_given.append(row_answers)
        columns = [
            "#code",
            "#name",
            "#agency",
            *(f"#item_{level}" for level in range(1, len(chain) + 1)),
            *(
                column
                for q in group.questions
                for column in ((q.id, q.id + YTD_SUFFIX) if q.cumulative else (q.id,))
            ),
        ]
        tables.append(ItemTable(chain, pd.DataFrame(records, columns=columns), tuple(rows_given)))
    return tables
