"""Reporting status, overdue and lagging units and the workbook, each for the asker's scope only.

An officer sees the subtree of the officer's unit by agency; a supervisor its own
subtree by unit; a reporter or head only their unit. The scope is decided here, from
the person's stored memberships, on every call: a channel passes who asks, never
which units to show. Pandas and the workbook writer run in a worker thread.
"""

from __future__ import annotations

import asyncio
import enum
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.form import NUMBER_TYPES, Form
from flows.when import references
from storage.db import transaction
from storage.rounds import newest_open_round, round_by_id
from storage.targets import targets_of
from tidtam.core.ids import MAX_ID
from tidtam.core.vocabulary import Role
from tidtam.services.people import Membership, load_person

if TYPE_CHECKING:  # pandas and the workbook writer load with the first report asked for
    import pandas as pd

    from reports.budget import Totals
    from reports.completion import GroupBy
    from reports.snapshot import RoundSnapshot
    from reports.targets import Achievement

OVERSEEING = (Role.OFFICER, Role.SUPERVISOR)
_WIDEST_FIRST = (Role.OFFICER, Role.SUPERVISOR, Role.HEAD, Role.REPORTER)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the asker may see: the subtree of ``root`` as ``role``."""

    root: int
    role: Role
    root_name: str


def scope_of(members: Sequence[Membership]) -> Scope | None:
    """The widest scope among a person's memberships (officer, supervisor, then unit)."""
    for role in _WIDEST_FIRST:
        found = [m for m in members if m.role == role]
        if found:
            return Scope(found[0].unit_id, role, found[0].unit_name)
    return None


class Refusal(enum.StrEnum):
    NOT_ALLOWED = "not_allowed"  # ``allowed`` names the roles that may
    NO_ROUND = "no_round"
    UNKNOWN_ROUND = "unknown_round"  # the round asked for does not exist or has not opened


@dataclass(frozen=True, slots=True)
class Refused:
    refusal: Refusal
    language: str | None  # the asker's stored language
    allowed: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class Scoped:
    """A round's snapshot for the asker's scope."""

    language: str | None
    scope: Scope
    snapshot: RoundSnapshot

    @property
    def period(self) -> str:
        return self.snapshot.round.period


@dataclass(frozen=True, slots=True)
class Status(Scoped):
    """Completion by group (the last row is the total); ``chart`` unless one unit only."""

    frame: pd.DataFrame
    chart: bool


@dataclass(frozen=True, slots=True)
class LateUnit:
    name: str
    registered: bool
    reachable: bool
    state: str


@dataclass(frozen=True, slots=True)
class Overdue(Scoped):
    """The units that have not submitted, by agency (``None``: no agency), and of how many."""

    by_agency: list[tuple[str | None, list[LateUnit]]]
    late: int
    total: int


@dataclass(frozen=True, slots=True)
class LaggingUnit:
    """A unit whose disbursement lags: its money counted (allocated above 0)."""

    name: str
    allocated: Decimal
    spent: Decimal
    percent: Decimal


@dataclass(frozen=True, slots=True)
class Lagging(Scoped):
    """Budget disbursement in the scope (``reports.budget``).

    ``has_budget`` False: the round's form has no budget questions (nothing else is
    set). ``expected``: the round's expected percentage (None: not set, and then
    ``by_agency`` is empty). ``total``: the scope's totals; ``reported``: units whose
    allocated money counts; ``by_agency``: the lagging units by agency name."""

    has_budget: bool
    expected: Decimal | None
    total: Totals | None
    reported: int
    by_agency: list[tuple[str, list[LaggingUnit]]]
    lagging: int


@dataclass(frozen=True, slots=True)
class Workbook(Scoped):
    name: str
    content: bytes
    units: int


async def _scoped(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    round_id: int | None,
    now: datetime,
    *,
    roles: tuple[Role, ...] | None,
    answers: bool = False,
    only: Callable[[Form], Collection[str]] | None = None,
) -> Scoped | Refused:
    """Check who asks and load their scope's snapshot in one transaction."""
    async with transaction(sessions) as session:
        person = await load_person(session, telegram_user_id)
        scope = scope_of(person.memberships)
        if scope is None or (roles is not None and scope.role not in roles):
            return Refused(Refusal.NOT_ALLOWED, person.language, roles or OVERSEEING)
        if round_id is None:
            round_ = await newest_open_round(session, now)
            if round_ is None:
                return Refused(Refusal.NO_ROUND, person.language)
        else:
            round_ = await round_by_id(session, round_id) if 1 <= round_id <= MAX_ID else None
            if round_ is None or round_.opens_at > now:
                return Refused(Refusal.UNKNOWN_ROUND, person.language)
        from reports.snapshot import load_round_snapshot  # pandas: loaded when first needed

        snapshot = await load_round_snapshot(
            session, round_.id, subtree_of=scope.root, answers=answers, now=now, only=only
        )
    return Scoped(person.language, scope, snapshot)


async def status(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    *,
    round_id: int | None,
    now: datetime,
) -> Status | Refused:
    """Reporting progress in the asker's scope: by agency, by unit, or their unit alone."""
    found = await _scoped(sessions, telegram_user_id, round_id, now, roles=None)
    if isinstance(found, Refused):
        return found
    from reports.completion import completion  # pandas: loaded when first needed

    scope = found.scope
    if scope.role in (Role.REPORTER, Role.HEAD):
        frame = completion(found.snapshot, by="unit", root_unit_id=scope.root, total=True)
        return Status(found.language, scope, found.snapshot, frame.tail(1), chart=False)
    by: GroupBy = "agency" if scope.role == Role.OFFICER else "unit"
    frame = completion(found.snapshot, by=by, root_unit_id=scope.root, total=True)
    return Status(found.language, scope, found.snapshot, frame, chart=True)


@dataclass(frozen=True, slots=True)
class QuestionTargets:
    """One number question of an indicator: each agency's figures, then the total."""

    question_id: str
    number: str
    text: str
    agencies: tuple[Achievement, ...]
    total: Achievement
    text_en: str | None = None  # the form's English, for a reader of English


@dataclass(frozen=True, slots=True)
class IndicatorStatus(Scoped):
    """An indicator's number questions against their targets (``found`` False: no such
    indicator in the round's form; then ``questions`` is empty)."""

    indicator_no: str
    title: str
    found: bool
    questions: tuple[QuestionTargets, ...]
    title_en: str | None = None  # the form's English, for a reader of English


def _indicator_reads(form: Form, indicator_no: str) -> set[str]:
    """The questions whose answers an indicator's figures need: its own, and those that
    any ``when`` reads (which questions a unit is asked depends on them)."""
    wanted = {
        q.id
        for s in form.sections
        for i in s.indicators
        if i.no == indicator_no
        for q in i.questions
    }
    for place in form.questions():
        if place.question.when is not None:
            wanted |= references(place.question.when)
    return wanted


async def indicator_status(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    indicator_no: str,
    *,
    round_id: int | None,
    now: datetime,
) -> IndicatorStatus | Refused:
    """``/status 2.1``: achieved against target for an indicator's number questions."""
    found = await _scoped(
        sessions,
        telegram_user_id,
        round_id,
        now,
        roles=None,
        answers=True,
        only=lambda form: _indicator_reads(form, indicator_no),
    )
    if isinstance(found, Refused):
        return found
    from reports.targets import achievement  # pandas: loaded when first needed

    snapshot = found.snapshot
    indicator = next(
        (i for s in snapshot.form.sections for i in s.indicators if i.no == indicator_no), None
    )
    if indicator is None:
        return IndicatorStatus(found.language, found.scope, snapshot, indicator_no, "", False, ())
    async with transaction(sessions) as session:
        targets = await targets_of(session, snapshot.form.code, snapshot.round.period)
    rows: list[QuestionTargets] = []
    for question in indicator.questions:
        if question.type not in NUMBER_TYPES:
            continue
        agencies, total = achievement(snapshot, question.id, targets, root_id=found.scope.root)
        rows.append(
            QuestionTargets(
                question.id, question.no, question.text, tuple(agencies), total, question.text_en
            )
        )
    return IndicatorStatus(
        found.language,
        found.scope,
        snapshot,
        indicator.no,
        indicator.title,
        True,
        tuple(rows),
        indicator.title_en,
    )


async def overdue(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    *,
    round_id: int | None,
    now: datetime,
) -> Overdue | Refused:
    """The units in the asker's scope that have not submitted (officers and supervisors)."""
    found = await _scoped(sessions, telegram_user_id, round_id, now, roles=OVERSEEING)
    if isinstance(found, Refused):
        return found
    import pandas as pd

    from reports.completion import unit_status

    units = unit_status(found.snapshot, found.scope.root)
    late = units[~units["done"]]
    groups: list[tuple[str | None, list[LateUnit]]] = []
    for agency, group in late.groupby("agency_name", sort=True, dropna=False):
        groups.append(
            (
                str(agency) if pd.notna(agency) else None,
                [
                    LateUnit(
                        str(row["name"]),
                        bool(row["registered"]),
                        bool(row["reachable"]),
                        str(row["state"]),
                    )
                    for row in group.to_dict("records")
                ],
            )
        )
    return Overdue(
        found.language, found.scope, found.snapshot, groups, late=len(late), total=len(units)
    )


async def lagging(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    *,
    round_id: int | None,
    now: datetime,
) -> Lagging | Refused:
    """The units in the asker's scope whose budget disbursement is below the round's
    expected percentage (officers and supervisors)."""
    found = await _scoped(sessions, telegram_user_id, round_id, now, roles=OVERSEEING, answers=True)
    if isinstance(found, Refused):
        return found
    return await asyncio.to_thread(_lagging, found)


def _lagging(found: Scoped) -> Lagging:
    from reports.budget import budget_questions, projects, totals, unit_totals

    snapshot, root = found.snapshot, found.scope.root
    expected = snapshot.round.expected_disbursement
    if budget_questions(snapshot.form) is None:
        return Lagging(found.language, found.scope, snapshot, False, expected, None, 0, [], 0)
    given = projects(snapshot, root)
    _, total = totals(snapshot, given, root)
    units = unit_totals(given)
    agency_of = {p.unit_id: p.agency_name for p in given}
    groups: dict[str, list[LaggingUnit]] = {}
    if expected is not None:
        for unit in units:
            if unit.lags(expected) and unit.percent is not None:
                late = LaggingUnit(unit.name, unit.allocated, unit.spent, unit.percent)
                groups.setdefault(agency_of[unit.unit_id], []).append(late)
    reported = sum(1 for u in units if u.allocated > 0)
    return Lagging(
        found.language,
        found.scope,
        snapshot,
        True,
        expected,
        total,
        reported,
        list(groups.items()),
        sum(len(g) for g in groups.values()),
    )


async def workbook(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    *,
    round_id: int | None,
    now: datetime,
    reports_dir: Path,
    files_root: Path,
    tz: ZoneInfo,
) -> Workbook | Refused:
    """The Excel workbook of the asker's scope (officers and supervisors)."""
    found = await _scoped(sessions, telegram_user_id, round_id, now, roles=OVERSEEING, answers=True)
    if isinstance(found, Refused):
        return found
    snapshot, scope = found.snapshot, found.scope
    async with transaction(sessions) as session:
        targets = await targets_of(session, snapshot.form.code, snapshot.round.period)
    name = f"tidtam-round{snapshot.round.id}-{snapshot.round.period}-{scope.root}.xlsx"
    content = await asyncio.to_thread(
        _workbook_bytes, snapshot, name, reports_dir, files_root, tz, targets
    )
    return Workbook(
        found.language, scope, snapshot, name, content, units=int(snapshot.targets.shape[0])
    )


def _workbook_bytes(
    snapshot: RoundSnapshot,
    name: str,
    reports_dir: Path,
    files_root: Path,
    tz: ZoneInfo,
    targets: Mapping[tuple[int, str], Decimal],
) -> bytes:
    """Write the workbook in a scratch folder under ``reports_dir`` and read it back."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=reports_dir) as folder:
        path = Path(folder) / name
        from reports.workbook import write_workbook

        write_workbook(snapshot, path, files_root=files_root, tz=tz, targets=targets)
        return path.read_bytes()
