"""What the reminder sweep reads of a round, as plain rows: no policy, no engine, no SQL.

:mod:`storage.reminder_queries` loads them; :mod:`reminders.world` builds the policy's
world from them (and, importing only these types, stays free of SQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flows.form import Form
from tidtam.core.vocabulary import SubmissionState

#: Submission states whose stored answers the sweep reads (to say what is missing).
UNFINISHED = (SubmissionState.IN_PROGRESS.value, SubmissionState.RETURNED.value)


@dataclass(frozen=True, slots=True)
class RoundRow:
    round_id: int
    period: str
    opens_at: datetime
    deadline: datetime
    closed_at: datetime | None
    certify: str
    policy: Mapping[str, Any]  # as stored in ``Round.policy``
    extensions: int = 0  # how many times the deadline was extended
    extended_at: datetime | None = None  # when last


@dataclass(frozen=True, slots=True)
class UnitRow:
    unit_id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class MemberRow:
    member_id: int
    telegram_user_id: int
    unit_id: int
    role: str
    reachable: bool
    language: str | None


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    submission_id: int
    unit_id: int
    state: str
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReminderRows:
    """One round as stored: ``units`` are its targets, ``parents`` their parent units.

    ``answers``: submission id -> question id -> the stored value, for unfinished
    submissions only. ``members``: every membership (officers sit outside the targets).
    """

    round: RoundRow
    form: Form
    units: tuple[UnitRow, ...] = ()
    parents: tuple[UnitRow, ...] = ()
    submissions: tuple[SubmissionRow, ...] = ()
    answers: Mapping[int, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    members: tuple[MemberRow, ...] = ()
    groups: tuple[int, ...] = ()
