"""Rounds across their life: extend the deadline, close, reopen, and their progress.

Each use case runs in one transaction, locks the round, writes an audit event and
returns what happened as a code (the command line and the chat render it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import audit
from storage.db import transaction
from storage.forms import form_by_version_id
from storage.models import Round
from storage.prefill import Prefilled, carried_counts
from storage.rounds import (
    Progress,
    RoundState,
    close_round,
    extend_round,
    list_rounds,
    lock_round,
    reopen_round,
    round_by_id,
    round_progress,
    round_state,
)
from tidtam.core.round_policy import PREFILL_FROM


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


class PrefillRefused(ValueError):
    """A round cannot start from the one named: ``str()`` says why (for the command line)."""


async def prefill_from(
    session: AsyncSession, new_round: Round, source_round_id: int, *, now: datetime
) -> Prefilled:
    """Start ``new_round``'s units from their answers in round ``source_round_id``.

    Records the earlier round in the new one's policy (each unit's answers are copied
    when it first opens its report: :func:`storage.prefill.carry_unit`) and counts what
    there is to carry; in the caller's transaction (the round is opened with it, or not
    at all). Refused (:class:`PrefillRefused`) for a round that does not exist, is the
    new one, or asks another form (a later version of the same form is fine: answers
    to questions it no longer has are carried but never shown).
    """
    source = await round_by_id(session, source_round_id)
    if source is None or source.id == new_round.id:
        raise PrefillRefused(f"--prefill-from: there is no earlier round {source_round_id}")
    source_form = await form_by_version_id(session, source.form_version_id)
    form = await form_by_version_id(session, new_round.form_version_id)
    if source_form.code != form.code:
        raise PrefillRefused(
            f"--prefill-from: round {source.id} asks form {source_form.code}, "
            f"not {form.code}; a round continues only from a round of the same form"
        )
    counts = await carried_counts(session, new_round, source, form)
    new_round.policy = {**new_round.policy, PREFILL_FROM: source.id}
    audit.record(
        session,
        "rounds.prefill",
        round_id=new_round.id,
        source_round=source.id,
        submissions=counts.submissions,
        answers=counts.answers,
        at=now,
    )
    return counts
