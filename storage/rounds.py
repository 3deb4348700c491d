"""Rounds: a pinned form version, a period, dates, target kinds, certification rule."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import FormVersion, Round, Unit
from tidtam.core.vocabulary import Certify


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


async def newest_unclosed_round(session: AsyncSession) -> Round | None:
    """The round opened last among those not closed (what /status shows by default)."""
    return await session.scalar(
        select(Round).where(Round.closed_at.is_(None)).order_by(Round.opens_at.desc()).limit(1)
    )
