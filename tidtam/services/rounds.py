"""Rounds across their life: extend the deadline, close, reopen, and their progress.

Each use case runs in one transaction, locks the round, writes an audit event and
returns what happened as a code (the command line and the chat render it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.rounds import (
    Progress,
    RoundState,
    close_round,
    extend_round,
    list_rounds,
    lock_round,
    reopen_round,
    round_progress,
    round_state,
)


class Outcome(enum.StrEnum):
    DONE = "done"
    NO_SUCH_ROUND = "no_such_round"
    CLOSED = "closed"  # extending a closed round: reopen it first
    NOT_LATER = "not_later"  # the new deadline is not after the current one
    IN_THE_PAST = "in_the_past"  # the new deadline has already passed
    ALREADY_CLOSED = "already_closed"
    NOT_CLOSED = "not_closed"


@dataclass(frozen=True, slots=True)
class RoundChange:
    """What a use case did to a round; ``deadline``: the round's deadline after it."""

    outcome: Outcome
    round_id: int
    deadline: datetime | None = None
    old_deadline: datetime | None = None
    extensions: int = 0


@dataclass(frozen=True, slots=True)
class RoundSummary:
    round_id: int
    form_code: str
    form_version: int
    period: str
    opens_at: datetime
    deadline: datetime
    kinds: tuple[str, ...] | None
    certify: str
    state: RoundState
    extensions: int
    progress: Progress


async def extend(
    sessions: async_sessionmaker[AsyncSession],
    round_id: int,
    deadline: datetime,
    *,
    now: datetime,
    actor: int | None = None,
) -> RoundChange:
    """Move a round's deadline later; reminders follow it, people are told once."""
    async with transaction(sessions) as session:
        round_ = await lock_round(session, round_id)
        if round_ is None:
            return RoundChange(Outcome.NO_SUCH_ROUND, round_id)
        old = round_.deadline
        if round_state(round_, now) is RoundState.CLOSED:
            return RoundChange(Outcome.CLOSED, round_id, old)
        if deadline <= old:
            return RoundChange(Outcome.NOT_LATER, round_id, old)
        if deadline <= now:
            return RoundChange(Outcome.IN_THE_PAST, round_id, old)
        await extend_round(session, round_, deadline, now=now, actor=actor)
        return RoundChange(Outcome.DONE, round_id, deadline, old, round_.extensions)


async def close(
    sessions: async_sessionmaker[AsyncSession],
    round_id: int,
    *,
    now: datetime,
    actor: int | None = None,
) -> RoundChange:
    """Stop answers and reminders; every submission keeps its state."""
    async with transaction(sessions) as session:
        round_ = await lock_round(session, round_id)
        if round_ is None:
            return RoundChange(Outcome.NO_SUCH_ROUND, round_id)
        if round_.closed_at is not None:
            return RoundChange(Outcome.ALREADY_CLOSED, round_id, round_.deadline)
        close_round(round_, session, now=now, actor=actor)
        return RoundChange(Outcome.DONE, round_id, round_.deadline)


async def reopen(
    sessions: async_sessionmaker[AsyncSession],
    round_id: int,
    *,
    actor: int | None = None,
) -> RoundChange:
    """Take answers and send reminders again (to extend the deadline, use :func:`extend`)."""
    async with transaction(sessions) as session:
        round_ = await lock_round(session, round_id)
        if round_ is None:
            return RoundChange(Outcome.NO_SUCH_ROUND, round_id)
        if round_.closed_at is None:
            return RoundChange(Outcome.NOT_CLOSED, round_id, round_.deadline)
        reopen_round(round_, session, actor=actor)
        return RoundChange(Outcome.DONE, round_id, round_.deadline)


async def summaries(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime
) -> list[RoundSummary]:
    """Every round with its state and progress (submitted and certified of targeted)."""
    async with transaction(sessions) as session:
        result = []
        for item in await list_rounds(session):
            round_ = item.round
            result.append(
                RoundSummary(
                    round_.id,
                    item.form_code,
                    item.form_version,
                    round_.period,
                    round_.opens_at,
                    round_.deadline,
                    tuple(round_.kinds) if round_.kinds else None,
                    round_.certify,
                    round_state(round_, now),
                    round_.extensions or 0,
                    await round_progress(session, round_),
                )
            )
        return result
