"""Rounds: a pinned form version, a period, dates, target kinds, certification rule."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import FormVersion, ReminderLedger, Round, Submission, Unit
from tidtam.core.vocabulary import DONE_STATES, Certify, SubmissionState


class RoundState(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    OVERDUE = "overdue"  # past the deadline, late answers still accepted
    CLOSED = "closed"


def round_state(round_: Round, now: datetime) -> RoundState:
    if round_.closed_at is not None and round_.closed_at <= now:
        return RoundState.CLOSED
    if now < round_.opens_at:
        return RoundState.SCHEDULED
    if now <= round_.deadline:
        return RoundState.OPEN
    return RoundState.OVERDUE


@dataclass(frozen=True, slots=True)
class RoundListing:
    round: Round
    form_code: str
    form_version: int
    target_units: int


async def open_round(
    session: AsyncSession,
    *,
    form: FormVersion,
    period: str,
    opens_at: datetime,
    deadline: datetime,
    kinds: Sequence[str] | None,
    certify: Certify,
    policy: dict[str, Any] | None = None,
    actor: int | None = None,
) -> Round:
    """Open a round pinned to ``form``; the caller has checked the dates."""
    round_ = Round(
        form_version_id=form.id,
        period=period,
        opens_at=opens_at,
        deadline=deadline,
        kinds=sorted(kinds) if kinds else None,
        certify=certify.value,
        policy=policy or {},
    )
    session.add(round_)
    await session.flush()
    audit.record(
        session,
        "rounds.open",
        actor=actor,
        round_id=round_.id,
        form=form.code,
        version=form.version,
        period=period,
    )
    return round_


async def count_targets(session: AsyncSession, kinds: Sequence[str] | None) -> int:
    query = select(func.count(Unit.id))
    if kinds:
        query = query.where(Unit.kind.in_(list(kinds)))
    return int(await session.scalar(query) or 0)


async def list_rounds(session: AsyncSession) -> list[RoundListing]:
    rounds = (
        await session.scalars(
            select(Round).options(selectinload(Round.form_version)).order_by(Round.id)
        )
    ).all()
    listings = []
    for round_ in rounds:
        targets = await count_targets(session, round_.kinds)
        listings.append(
            RoundListing(round_, round_.form_version.code, round_.form_version.version, targets)
        )
    return listings


async def round_by_id(session: AsyncSession, round_id: int) -> Round | None:
    return await session.scalar(
        select(Round).options(selectinload(Round.form_version)).where(Round.id == round_id)
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a round is: target units, submitted (or certified), certified."""

    targets: int
    submitted: int
    certified: int


async def round_progress(session: AsyncSession, round_: Round) -> Progress:
    """Counts over the round's target units (a unit no longer targeted is not counted)."""
    query = (
        select(Submission.state, func.count(Submission.id))
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.round_id == round_.id)
        .group_by(Submission.state)
    )
    if round_.kinds:
        query = query.where(Unit.kind.in_(round_.kinds))
    counts = {state: int(n) for state, n in (await session.execute(query)).all()}
    done = {state.value for state in DONE_STATES}
    return Progress(
        await count_targets(session, round_.kinds),
        sum(n for state, n in counts.items() if state in done),
        counts.get(SubmissionState.CERTIFIED.value, 0),
    )


async def lock_round(session: AsyncSession, round_id: int) -> Round | None:
    """The round, locked for this transaction where the database can."""
    return await session.scalar(
        select(Round)
        .options(selectinload(Round.form_version))
        .where(Round.id == round_id)
        .with_for_update(of=Round)
        .execution_options(populate_existing=True)
    )


async def extend_round(
    session: AsyncSession, round_: Round, deadline: datetime, *, now: datetime, actor: int | None
) -> None:
    """Move the deadline later; unit reminders superseded so far may apply again.

    Ledger rows of unit steps that were *superseded* (never sent) are removed: with
    the new deadline those steps can fall due again. Rows of messages sent stay, so
    none is sent twice. The caller has checked that ``deadline`` is later.
    """
    old = round_.deadline
    round_.deadline = deadline
    round_.extensions = (round_.extensions or 0) + 1
    round_.extended_at = now
    await session.execute(
        delete(ReminderLedger).where(
            ReminderLedger.round_id == round_.id,
            ReminderLedger.status == "superseded",
            ReminderLedger.step.like("unit:%"),
        )
    )
    audit.record(
        session,
        "rounds.extend",
        actor=actor,
        round_id=round_.id,
        at=now,
        old_deadline=old.isoformat(),
        deadline=deadline.isoformat(),
        extension=round_.extensions,
    )


def close_round(round_: Round, session: AsyncSession, *, now: datetime, actor: int | None) -> None:
    """Stop answers and reminders; submissions keep their state."""
    round_.closed_at = now
    audit.record(session, "rounds.close", actor=actor, round_id=round_.id, at=now)


def reopen_round(round_: Round, session: AsyncSession, *, actor: int | None) -> None:
    """Take answers and send reminders again."""
    closed = round_.closed_at
    round_.closed_at = None
    audit.record(
        session,
        "rounds.reopen",
        actor=actor,
        round_id=round_.id,
        closed_at=closed.isoformat() if closed else None,
    )


async def newest_open_round(session: AsyncSession, now: datetime) -> Round | None:
    """The round opened last among those open at ``now`` (what /status shows by default).

    Never one scheduled to open later, nor one closed: an officer asking for the status
    must not be shown a round that has not started.
    """
    return await session.scalar(
        select(Round)
        .where(Round.opens_at <= now, or_(Round.closed_at.is_(None), Round.closed_at > now))
        .order_by(Round.opens_at.desc(), Round.id.desc())
        .limit(1)
    )
