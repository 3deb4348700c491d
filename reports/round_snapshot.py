"""What a report knows about one round: plain frames, no database (see :mod:`reports.snapshot`).

The aggregates, the workbook, the charts and the documents read a
:class:`RoundSnapshot`; only :func:`reports.snapshot.load_round_snapshot` makes one
from the database.

Frames of a :class:`RoundSnapshot` (default integer index; ``id`` is a column):

``units`` (ordered by agency code, depth, code)
    ``id, code, name, kind, parent_id`` (``<NA>`` for a root), ``district`` (may be
    missing), ``depth`` (0 for a root), ``agency_id, agency_code, agency_name`` (the
    ancestor just under the root, e.g. the ESA office; a root is its own agency,
    an agency too), ``is_target`` (the round asks it to report), ``registered``
    (members with role reporter or head), ``reachable`` (of those, not blocked).
``submissions``
    ``unit_id, submission_id, state, submitted_at, certified_at, updated_at``; units
    without a row have not started.
``answers``
    ``unit_id, question_id, value`` where ``value`` is the stored JSON text of the
    answer (:func:`flows.answers.decode` after ``json.loads``).
``attachments``
    ``attachment_id, unit_id, question_id, original_name, size, mime_type, sha256,
    storage_key, uploaded_at``: every upload of the round, also replaced ones; the
    answers say which count (:func:`reports.aggregates.answered_files`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pandas as pd

from flows.form import Form
from tidtam.core.tree import subtree

__all__ = [
    "ANSWER_COLUMNS",
    "ATTACHMENT_COLUMNS",
    "SUBMISSION_COLUMNS",
    "UNIT_COLUMNS",
    "RoundInfo",
    "RoundSnapshot",
    "add_tree_columns",
    "subtree_ids",
    "unit_parents",
]

UNIT_COLUMNS = [
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "district",
    "depth",
    "agency_id",
    "agency_code",
    "agency_name",
    "is_target",
    "registered",
    "reachable",
]
SUBMISSION_COLUMNS = [
    "unit_id",
    "submission_id",
    "state",
    "submitted_at",
    "certified_at",
    "updated_at",
]
ANSWER_COLUMNS = ["unit_id", "question_id", "value"]
ATTACHMENT_COLUMNS = [
    "attachment_id",
    "unit_id",
    "question_id",
    "original_name",
    "size",
    "mime_type",
    "sha256",
    "storage_key",
    "uploaded_at",
]


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """The round's own fields."""

    id: int
    form_code: str
    form_version: int
    period: str
    opens_at: datetime
    deadline: datetime
    certify: str
    kinds: tuple[str, ...] | None
    closed_at: datetime | None
    #: A target counts as met from this percent of it (the round's ``--target-met``).
    met_percent: Decimal = Decimal(100)
    #: The percentage of the budget expected disbursed by the end of the period
    #: (the round's policy, :func:`tidtam.core.round_policy.expected_disbursement`); None: not set.
    expected_disbursement: Decimal | None = None


@dataclass(frozen=True, eq=False)
class RoundSnapshot:
    """One round's data as of ``now``, for the units in scope (see the module docstring).

    Compared and hashed by identity, so the aggregates can cache what they derive
    from it.
    """

    round: RoundInfo
    form: Form
    now: datetime
    units: pd.DataFrame
    submissions: pd.DataFrame
    answers: pd.DataFrame
    attachments: pd.DataFrame
    scope_unit_id: int | None = None
    answers_loaded: bool = True
    #: Earlier quarters' answers of the form's ``cumulative`` questions in the same
    #: fiscal year (columns of :data:`ANSWER_COLUMNS`), for figures year to date.
    earlier: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: [] for c in ANSWER_COLUMNS})
    )

    @property
    def past_deadline(self) -> bool:
        return self.now > self.round.deadline

    @property
    def targets(self) -> pd.DataFrame:
        """The units the round asks to report, in the snapshot's order."""
        return self.units[self.units["is_target"]]


# ------------------------------------------------------------------ the tree


def add_tree_columns(units: pd.DataFrame) -> pd.DataFrame:
    """Add ``depth`` and the agency (ancestor just under the root) of every unit."""
    ids = [int(i) for i in units["id"].tolist()]
    parents = unit_parents(units)
    depth: dict[int, int] = {}
    top: dict[int, int] = {}
    for start in ids:
        path: list[int] = []
        unit = start
        while unit not in depth:
            parent = parents[unit]
            if parent is None or parent not in parents:
                depth[unit], top[unit] = 0, unit
                break
            path.append(unit)
            if len(path) > len(parents):
                raise ValueError(f"the unit tree has a cycle through unit {start}")
            unit = parent
        for unit in reversed(path):
            parent = parents[unit]
            assert parent is not None
            depth[unit] = depth[parent] + 1
            top[unit] = unit if depth[unit] == 1 else top[parent]
    code = dict(zip(ids, units["code"].tolist(), strict=True))
    name = dict(zip(ids, units["name"].tolist(), strict=True))
    units["depth"] = [depth[i] for i in ids]
    units["agency_id"] = [top[i] for i in ids]
    units["agency_code"] = [code[top[i]] for i in ids]
    units["agency_name"] = [name[top[i]] for i in ids]
    return units


def unit_parents(units: pd.DataFrame) -> dict[int, int | None]:
    """unit id → parent id (``None`` for a root), from the ``id, parent_id`` columns."""
    ids = units["id"].astype("int64").tolist()
    parents = units["parent_id"].astype("Int64").fillna(-1).astype("int64").tolist()
    return {i: (None if p < 0 else p) for i, p in zip(ids, parents, strict=True)}


def subtree_ids(units: pd.DataFrame, root_id: int) -> set[int]:
    """The ids of ``root_id`` and every unit under it (``units`` has ``id, parent_id``)."""
    return subtree(unit_parents(units), root_id)
