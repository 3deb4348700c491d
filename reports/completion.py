"""Who has reported: per unit and per group of units (pure pandas).

:func:`unit_status` is one row per target unit with its state, whether it is done
(submitted or certified) and overdue, and whether anyone can be reached;
:func:`completion` counts those rows per agency, per child unit of a root, or per
district. Both need no answers (``load_round_snapshot(..., answers=False)``).

*Overdue*: not submitted or certified (a returned submission counts as not
submitted) and the snapshot's ``now`` is after the round's deadline.

Columns of :func:`completion` (one row per group with at least one target unit):

``key`` (the group's unit id, or the district name), ``code`` (unit code, or the
district), ``name``, ``total``, ``not_started``, ``in_progress``, ``returned``,
``submitted``, ``certified`` (these five add up to ``total``), ``done`` (submitted +
certified), ``overdue``, ``unreachable`` (units where no reporter or head is
registered and reachable), ``done_pct``, ``certified_pct``, ``overdue_pct``
(percent of ``total``, one decimal).
"""

from __future__ import annotations

from typing import Any, Final, Literal

import pandas as pd

from reports.errors import UnknownUnit
from reports.labels import NO_DISTRICT_TH, TOTAL_TH
from reports.round_snapshot import RoundSnapshot, subtree_ids, unit_parents
from tidtam.core.vocabulary import DONE_STATES as DONE
from tidtam.core.vocabulary import STATE_ORDER, SubmissionState

__all__ = ["COMPLETION_COLUMNS", "STATES", "GroupBy", "completion", "unit_status"]

GroupBy = Literal["agency", "unit", "district"]

NOT_STARTED: Final = SubmissionState.NOT_STARTED.value
STATES: Final = tuple(state.value for state in STATE_ORDER)
DONE_STATES: Final = tuple(state.value for state in STATE_ORDER if state in DONE)
COUNT_COLUMNS: Final = ("total", *STATES, "done", "overdue", "unreachable")
COMPLETION_COLUMNS: Final = (
    "key",
    "code",
    "name",
    *COUNT_COLUMNS,
    "done_pct",
    "certified_pct",
    "overdue_pct",
)


def _in_scope(snapshot: RoundSnapshot, root_unit_id: int | None) -> pd.DataFrame:
    units = snapshot.units
    if root_unit_id is None:
        return units
    if not (units["id"] == root_unit_id).any():
        raise UnknownUnit(root_unit_id)
    return units[units["id"].isin(subtree_ids(units, root_unit_id))]


def unit_status(snapshot: RoundSnapshot, root_unit_id: int | None = None) -> pd.DataFrame:
    """One row per target unit under ``root_unit_id`` (all: None), in the snapshot's order.

    Columns: ``unit_id, code, name, kind, parent_id, district, depth, agency_id,
    agency_code, agency_name, registered, reachable, state, submitted_at,
    certified_at, done, overdue``. :class:`UnknownUnit` if the root is not in the
    snapshot.
    """
    units = _in_scope(snapshot, root_unit_id)
    units = units[units["is_target"]].drop(columns=["is_target"]).rename(columns={"id": "unit_id"})
    submissions = snapshot.submissions[["unit_id", "state", "submitted_at", "certified_at"]]
    frame = units.merge(submissions, on="unit_id", how="left")
    frame["state"] = pd.Series(
        [s if isinstance(s, str) else NOT_STARTED for s in frame["state"].tolist()],
        index=frame.index,
        dtype=object,
    )
    frame["done"] = frame["state"].isin(DONE_STATES)
    frame["overdue"] = ~frame["done"] & snapshot.past_deadline
    return frame.reset_index(drop=True)


def _ancestor_at(snapshot: RoundSnapshot, depth: int) -> dict[int, int]:
    """unit id → its ancestor at ``depth`` (itself if it is not deeper)."""
    units = snapshot.units
    parent = unit_parents(units)
    level = dict(zip(units["id"].tolist(), units["depth"].tolist(), strict=True))
    result: dict[int, int] = {}
    for unit in parent:
        current = unit
        while level[current] > depth:
            up = parent[current]
            if up is None or up not in level:  # pragma: no cover - the snapshot is a tree
                break
            current = up
        result[unit] = current
    return result


def _single_root(snapshot: RoundSnapshot) -> int | None:
    if snapshot.scope_unit_id is not None:
        return snapshot.scope_unit_id
    roots = snapshot.units.loc[snapshot.units["depth"] == 0, "id"]
    return int(roots.iloc[0]) if len(roots) == 1 else None


def completion(
    snapshot: RoundSnapshot,
    by: GroupBy = "agency",
    root_unit_id: int | None = None,
    *,
    total: bool = False,
) -> pd.DataFrame:
    """Counts of target units per group (see the module docstring for the columns).

    ``by="agency"``: per agency (the unit just under the root: the ESA office, the
    vocational office, ...); ``by="unit"``: per child of ``root_unit_id`` (default:
    the snapshot's scope, or the single root), the root itself a group of its own;
    ``by="district"``. Only units under ``root_unit_id`` count. ``total=True``
    appends a row "รวม" (key and code empty). Rows are ordered by code.
    """
    status = unit_status(snapshot, root_unit_id)
    ids = snapshot.units["id"].tolist()
    names = dict(zip(ids, snapshot.units["name"].tolist(), strict=True))
    codes = dict(zip(ids, snapshot.units["code"].tolist(), strict=True))
    if by == "agency":
        keys: pd.Series[Any] = status["agency_id"].astype(object)
    elif by == "unit":
        root = root_unit_id if root_unit_id is not None else _single_root(snapshot)
        depths = dict(zip(ids, snapshot.units["depth"].tolist(), strict=True))
        ancestor = _ancestor_at(snapshot, 0 if root is None else int(depths[root]) + 1)
        keys = status["unit_id"].map(ancestor).astype(object)
    elif by == "district":
        keys = status["district"].fillna(NO_DISTRICT_TH).astype(object)
    else:
        raise ValueError(f"by must be agency, unit or district, not {by!r}")
    counts = (
        status.groupby([keys, status["state"]]).size().unstack(fill_value=0)
        if len(status)
        else pd.DataFrame()
    ).reindex(columns=list(STATES), fill_value=0)
    frame = pd.DataFrame(index=counts.index)
    frame["total"] = counts.sum(axis=1)
    for state in STATES:
        frame[state] = counts[state]
    frame["done"] = counts["submitted"] + counts["certified"]
    frame["overdue"] = status.groupby(keys)["overdue"].sum().reindex(frame.index, fill_value=0)
    unreachable = status["reachable"] == 0
    frame["unreachable"] = unreachable.groupby(keys).sum().reindex(frame.index, fill_value=0)
    frame = frame.astype("int64")
    frame.index.name = "key"
    frame = frame.reset_index()
    if by == "district":
        frame.insert(1, "code", frame["key"].astype(str))
        frame.insert(2, "name", frame["key"].astype(str))
    else:
        frame["key"] = frame["key"].astype("int64")
        frame.insert(1, "code", frame["key"].map(codes))
        frame.insert(2, "name", frame["key"].map(names))
    frame = frame.sort_values("code", kind="stable").reset_index(drop=True)
    if total:
        sums = frame[list(COUNT_COLUMNS)].sum()
        row = {"key": "", "code": "", "name": TOTAL_TH, **{c: int(sums[c]) for c in COUNT_COLUMNS}}
        frame = pd.concat([frame.astype({"key": object}), pd.DataFrame([row])], ignore_index=True)
    return _percentages(frame)


def _percentages(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    total = frame["total"].where(frame["total"] > 0)
    for column in ("done", "certified", "overdue"):
        frame[f"{column}_pct"] = (frame[column] * 100 / total).round(1).fillna(0.0)
    for column in COUNT_COLUMNS:
        frame[column] = frame[column].astype("int64")
    return frame[list(COMPLETION_COLUMNS)]
