"""Achieved against target (ค่าเป้าหมาย), by agency and for the province (pure).

For a number question, what a group of units **achieved** is the sum of the relevant
answers of the target units in it (none, skipped and unanswered add nothing). Its
**target** is, for an agency: a target stored for the agency's own unit (a row of the
targets file naming the agency: the agency's target as a whole), else the sum of the
targets stored for the units in it, if any has one. For the province: a target
stored for the root unit, else the sum of the agencies' targets, if any has one,
else the form's ``target:``. **Percent** is achieved / target × 100 (none when the target is
0 or unknown); **met** when the percent reaches the round's ``met_percent`` (the
``--target-met`` it was opened with; :data:`MET_PERCENT` by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from reports.relevant import answer_table
from reports.round_snapshot import RoundSnapshot

__all__ = ["MET_PERCENT", "Achievement", "achievement"]

MET_PERCENT: Final = Decimal(100)


@dataclass(frozen=True, slots=True)
class Achievement:
    """One group's figures for one question (``unit_id``: the agency, or the root)."""

    unit_id: int
    name: str
    achieved: Decimal
    reported: int  # units whose relevant answer is a number
    units: int  # target units in the group
    target: Decimal | None
    percent: Decimal | None
    met: bool | None


def _figures(
    unit_id: int,
    name: str,
    values: list[Decimal | None],
    target: Decimal | None,
    met_at: Decimal = MET_PERCENT,
) -> Achievement:
    numbers = [v for v in values if v is not None]
    achieved = sum(numbers, Decimal(0))
    percent = (
        (achieved * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if target
        else None
    )
    met = None if percent is None else percent >= met_at
    return Achievement(unit_id, name, achieved, len(numbers), len(values), target, percent, met)


def achievement(
    snapshot: RoundSnapshot,
    question_id: str,
    targets: Mapping[tuple[int, str], Decimal],
    *,
    root_id: int | None = None,
) -> tuple[list[Achievement], Achievement]:
    """Each agency's figures (in the snapshot's order) and the total's, for a question.

    ``targets``: the stored targets of the round's form and period, ``(unit id,
    question id) -> value`` (:func:`storage.targets.targets_of`). ``root_id``: the
    unit the total is for (a supervisor's agency); the province's root by default.
    """
    table = answer_table(snapshot)
    units = table.units
    met_at = snapshot.round.met_percent
    values: list[Decimal | None] = [
        Decimal(v) if isinstance(v, int | Decimal) and not isinstance(v, bool) else None
        for v in table.values_of(question_id)
    ]
    agency_of = [int(a) for a in units["agency_id"].tolist()]
    ids = [int(i) for i in units["id"].tolist()]
    names = dict(
        zip(
            (int(i) for i in snapshot.units["id"].tolist()),
            (str(n) for n in snapshot.units["name"].tolist()),
            strict=True,
        )
    )
    roots = snapshot.units.loc[snapshot.units["parent_id"].isna(), "id"].tolist()
    root = root_id if root_id is not None else int(roots[0]) if roots else 0

    def target_of(group: int, members: list[int]) -> Decimal | None:
        own = targets.get((group, question_id))
        if own is not None:
            return own
        given = [targets[(u, question_id)] for u in members if (u, question_id) in targets]
        return sum(given, Decimal(0)) if given else None

    rows: list[Achievement] = []
    # each agency's units and values, in one pass (a national round has 250 agencies)
    members_of: dict[int, list[int]] = {}
    values_of: dict[int, list[Decimal | None]] = {}
    for unit, agency, value in zip(ids, agency_of, values, strict=True):
        members_of.setdefault(agency, []).append(unit)
        values_of.setdefault(agency, []).append(value)
    # an agency gets a row only inside the scope: a school's own status shows no agency
    for agency in dict.fromkeys(a for a in agency_of if a != root and a in names):
        target = target_of(agency, members_of[agency])
        rows.append(_figures(agency, names.get(agency, ""), values_of[agency], target, met_at))
    given = [row.target for row in rows if row.target is not None]
    province_target = targets.get((root, question_id))
    if province_target is None and given:
        province_target = sum(given, Decimal(0))
    if province_target is None:
        province_target = snapshot.form.question(question_id).target
    total = _figures(root, names.get(root, ""), values, province_target, met_at)
    return rows, total
