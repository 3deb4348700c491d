"""Budget reporting: each project's money and state, totals by agency, lagging units (pure).

A form says which questions carry the budget (``budget:`` in the form file,
:class:`flows.form.Budget`): ``allocated`` and ``spent`` (numbers), optionally
``status`` (a choice among :data:`flows.form.PROJECT_STATES`) and ``project`` (the
project's name, a text). They sit together: inside one repeat group, each item is a
project (:func:`reports.items.item_tables`); outside any group, each unit that
answered them is one project of its own (:func:`reports.relevant.answer_table`).
Only relevant answers count, as everywhere in the reports: an answer carried from an
earlier round counts once the unit confirms it. Every target unit counts, whatever
the state of its submission (as achieved against target does): the figures are
what the units have reported so far.

The money of a project **counts** in the totals once both its allocated and spent
are answered and it is not cancelled (a cancelled project's budget is not to be
disbursed: it is listed, with its state, but adds nothing). For a project and for a
group of projects: **left** = allocated − spent; **percent** disbursed = spent /
allocated × 100, to one decimal (none when nothing is allocated).

A unit **lags** when what it was allocated is above 0 and its percent disbursed is
below the round's expected percentage for the period
(:func:`tidtam.core.round_policy.expected_disbursement`, set with
``tidtam rounds open ... --expected-disbursement 50``).
A unit with nothing allocated, or that reported no money yet, does not lag: it is
not behind on what it has (``/overdue`` names the units that have not reported).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from flows.answers import Value
from flows.form import PROJECT_STATES, Budget, Form, Question
from reports.round_snapshot import RoundSnapshot, subtree_ids

__all__ = [
    "CANCELLED",
    "BudgetQuestions",
    "Project",
    "Totals",
    "budget_questions",
    "lagging",
    "percent",
    "projects",
    "totals",
    "unit_totals",
]

CANCELLED: Final = "cancelled"


def percent(spent: Decimal, allocated: Decimal) -> Decimal | None:
    """spent / allocated × 100 to one decimal (half up); none when nothing is allocated."""
    if allocated <= 0:
        return None
    return (spent * 100 / allocated).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ the questions


@dataclass(frozen=True, slots=True)
class BudgetQuestions:
    """The form's budget questions as written, and the repeat groups they are in
    (outermost first; empty: outside any group, one project per unit)."""

    groups: tuple[Question, ...]
    allocated: Question
    spent: Question
    status: Question | None = None
    project: Question | None = None


def _marked(
    questions: Iterable[Question], chain: tuple[Question, ...]
) -> Iterator[tuple[tuple[Question, ...], Question]]:
    for q in questions:
        if q.budget is not None:
            yield chain, q
        if q.repeat:
            yield from _marked(q.questions, (*chain, q))


def budget_questions(form: Form) -> BudgetQuestions | None:
    """The form's budget questions, or ``None`` if it has none (or lacks allocated or
    spent: the loader refuses such a form, an older stored one may be so)."""
    found = list(_marked((p.question for p in form.questions()), ()))
    roles = {q.budget: q for _, q in found}
    allocated, spent = roles.get(Budget.ALLOCATED), roles.get(Budget.SPENT)
    if allocated is None or spent is None:
        return None
    return BudgetQuestions(
        found[0][0], allocated, spent, roles.get(Budget.STATUS), roles.get(Budget.PROJECT)
    )


# ------------------------------------------------------------------ projects


@dataclass(frozen=True, slots=True)
class Project:
    """One project of a unit: ``item`` is its position in each list (1-based, as the
    person saw them; empty for a unit-level budget); ``status`` one of
    :data:`~flows.form.PROJECT_STATES` or ``None`` (not answered, or no such question)."""

    unit_id: int
    code: str
    unit_name: str
    agency_id: int
    agency_name: str
    item: tuple[int, ...]
    name: str | None
    status: str | None
    allocated: Decimal | None
    spent: Decimal | None

    @property
    def counted(self) -> bool:
        """Whether its money counts in the totals (both figures given, not cancelled)."""
        return self.allocated is not None and self.spent is not None and self.status != CANCELLED

    @property
    def left(self) -> Decimal | None:
        if self.allocated is None or self.spent is None:
            return None
        return self.allocated - self.spent

    @property
    def percent(self) -> Decimal | None:
        if self.allocated is None or self.spent is None:
            return None
        return percent(self.spent, self.allocated)


def _number(value: Value | None) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _text(value: Value | None) -> str | None:
    return value if isinstance(value, str) else None


def _state(value: Value | None) -> str | None:
    return value if isinstance(value, str) and value in PROJECT_STATES else None


def _project(
    unit: Mapping[str, object],
    item: tuple[int, ...],
    budget: BudgetQuestions,
    value: Mapping[str, Value | None],
) -> Project:
    def of(question: Question | None) -> Value | None:
        return None if question is None else value.get(question.id)

    return Project(
        unit_id=int(str(unit["id"])),
        code=str(unit["code"]),
        unit_name=str(unit["name"]),
        agency_id=int(str(unit["agency_id"])),
        agency_name=str(unit["agency_name"]),
        item=item,
        name=_text(of(budget.project)),
        status=_state(of(budget.status)),
        allocated=_number(of(budget.allocated)),
        spent=_number(of(budget.spent)),
    )


def _asked(budget: BudgetQuestions) -> tuple[Question, ...]:
    return tuple(
        q for q in (budget.allocated, budget.spent, budget.status, budget.project) if q is not None
    )


def projects(snapshot: RoundSnapshot, root_id: int | None = None) -> list[Project]:
    """Every project of the target units under ``root_id`` (all: None), in the
    snapshot's unit order and each unit's list order; ``[]`` if the form has no budget.

    A unit-level budget gives one project per unit that answered any budget question.
    """
    budget = budget_questions(snapshot.form)
    if budget is None:
        return []
    targets = snapshot.targets
    if root_id is not None:
        targets = targets[targets["id"].isin(subtree_ids(snapshot.units, root_id))]
    units = {str(u["code"]): {str(k): v for k, v in u.items()} for u in targets.to_dict("records")}
    if budget.groups:
        return _item_projects(snapshot, budget, units)
    return _unit_projects(snapshot, budget, units)


def _unit_projects(
    snapshot: RoundSnapshot, budget: BudgetQuestions, units: Mapping[str, Mapping[str, object]]
) -> list[Project]:
    """A unit-level budget: a project per unit that answered any budget question."""
    from reports.relevant import answer_table  # the relevant answers (pandas work)

    table = answer_table(snapshot)
    columns = {q.id: table.values_of(q.id) for q in _asked(budget)}
    found: list[Project] = []
    for row, code in enumerate(table.units["code"].tolist()):
        unit = units.get(str(code))
        values = {qid: column[row] for qid, column in columns.items()}
        if unit is not None and any(v is not None for v in values.values()):
            found.append(_project(unit, (), budget, values))
    return found


def _item_projects(
    snapshot: RoundSnapshot, budget: BudgetQuestions, units: Mapping[str, Mapping[str, object]]
) -> list[Project]:
    """Budget questions in a repeat group: a project per item."""
    from reports.items import item_tables  # the items of every group (pandas work)

    chain = tuple(g.id for g in budget.groups)
    table = next(t for t in item_tables(snapshot) if tuple(g.id for g in t.groups) == chain)
    positions = [f"#item_{level}" for level in range(1, len(chain) + 1)]
    columns = [table.frame[c].tolist() for c in ("#code", *positions)]
    found: list[Project] = []
    for row, given in enumerate(table.answers):
        unit = units.get(str(columns[0][row]))
        if unit is None:
            continue
        values: dict[str, Value | None] = {qid: answer.value for qid, answer in given.items()}
        item = tuple(int(column[row]) for column in columns[1:])
        found.append(_project(unit, item, budget, values))
    return found


# ------------------------------------------------------------------ totals


@dataclass(frozen=True, slots=True)
class Totals:
    """A group's projects: how many, how many in each of
    :data:`~flows.form.PROJECT_STATES` (same order), and the money of those counted."""

    unit_id: int  # the group's unit (an agency, a unit, the scope's root)
    name: str
    projects: int
    states: tuple[int, ...]
    counted: int
    allocated: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def percent(self) -> Decimal | None:
        return percent(self.spent, self.allocated)

    def lags(self, expected: Decimal) -> bool:
        """Below ``expected`` percent disbursed, with something allocated (exact, unrounded)."""
        return self.allocated > 0 and self.spent * 100 < expected * self.allocated


def _totals(unit_id: int, name: str, group: list[Project]) -> Totals:
    counted = [p for p in group if p.counted]
    return Totals(
        unit_id,
        name,
        len(group),
        tuple(sum(1 for p in group if p.status == s) for s in PROJECT_STATES),
        len(counted),
        sum((p.allocated for p in counted if p.allocated is not None), Decimal(0)),
        sum((p.spent for p in counted if p.spent is not None), Decimal(0)),
    )


def unit_totals(found: Iterable[Project]) -> list[Totals]:
    """Each unit's totals, in the order its projects come."""
    by_unit: dict[int, list[Project]] = {}
    for project in found:
        by_unit.setdefault(project.unit_id, []).append(project)
    return [_totals(unit, group[0].unit_name, group) for unit, group in by_unit.items()]


def totals(
    snapshot: RoundSnapshot, found: list[Project], root_id: int | None = None
) -> tuple[list[Totals], Totals]:
    """Each agency's totals (agencies with projects, in order) and the total of the scope
    (named for ``root_id``, the province's root by default)."""
    by_agency: dict[int, list[Project]] = {}
    for project in found:
        by_agency.setdefault(project.agency_id, []).append(project)
    rows = [_totals(a, group[0].agency_name, group) for a, group in by_agency.items()]
    units = snapshot.units
    if root_id is None:
        roots = units.loc[units["parent_id"].isna(), "id"].tolist()
        root_id = int(roots[0]) if roots else 0
    names = units.loc[units["id"] == root_id, "name"].tolist()
    return rows, _totals(root_id, str(names[0]) if names else "", found)


def lagging(found: Iterable[Project], expected: Decimal) -> list[Totals]:
    """The units whose percent disbursed is below ``expected`` (module docstring)."""
    return [u for u in unit_totals(found) if u.lags(expected)]
