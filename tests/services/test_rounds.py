"""Rounds across their life, without Telegram, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import AuditEvent, ReminderLedger, Round, Submission, Unit
from storage.rounds import RoundState
from tidtam.core.vocabulary import SubmissionState
from tidtam.samples import seed_sample_province
from tidtam.services import rounds

OPENS = datetime(2024, 3, 1, 2, tzinfo=UTC)
DEADLINE = datetime(2024, 3, 31, 16, 59, tzinfo=UTC)
NOW = datetime(2024, 3, 20, 3, tzinfo=UTC)


async def _round(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        round_ = await seed_sample_province(session, opens_at=OPENS, deadline=DEADLINE)
        return round_.id


async def _actions(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list((await session.scalars(select(AuditEvent.action))).all())


async def test_extend_moves_the_deadline_and_refuses_what_is_not_an_extension(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    round_id = await _round(sessions)
    later = DEADLINE + timedelta(days=7)
    assert (await rounds.extend(sessions, 999, later, now=NOW)).outcome is (
        rounds.Outcome.NO_SUCH_ROUND
    )
    earlier = await rounds.extend(sessions, round_id, DEADLINE - timedelta(days=1), now=NOW)
    assert earlier.outcome is rounds.Outcome.NOT_LATER and earlier.deadline == DEADLINE
    past = await rounds.extend(sessions, round_id, later, now=later + timedelta(hours=1))
    assert past.outcome is rounds.Outcome.IN_THE_PAST
    async with transaction(sessions) as session:  # a superseded unit step and a sent one
        session.add_all(
            [
                ReminderLedger(
                    round_id=round_id, recipient="user:1", step="unit:1:d-7", status="superseded"
                ),
                ReminderLedger(
                    round_id=round_id, recipient="user:1", step="unit:1:d-3", status="sent"
                ),
            ]
        )
    done = await rounds.extend(sessions, round_id, later, now=NOW)
    assert done.outcome is rounds.Outcome.DONE
    assert (done.old_deadline, done.deadline, done.extensions) == (DEADLINE, later, 1)
    again = await rounds.extend(sessions, round_id, later + timedelta(days=1), now=NOW)
    assert again.extensions == 2
    async with sessions() as session:
        steps = (await session.scalars(select(ReminderLedger.step))).all()
    assert steps == ["unit:1:d-3"]  # the message sent stays sent
    assert (await _actions(sessions)).count("rounds.extend") == 2


async def test_close_and_reopen_keep_submissions_and_are_audited(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    round_id = await _round(sessions)
    async with transaction(sessions) as session:
        unit_ids = [1, 2]
        for unit_id, state in zip(unit_ids, ("submitted", "certified"), strict=True):
            session.add(Submission(round_id=round_id, unit_id=unit_id, state=state))
    assert (await rounds.reopen(sessions, round_id)).outcome is rounds.Outcome.NOT_CLOSED
    assert (await rounds.close(sessions, round_id, now=NOW)).outcome is rounds.Outcome.DONE
    assert (await rounds.close(sessions, round_id, now=NOW)).outcome is (
        rounds.Outcome.ALREADY_CLOSED
    )
    refused = await rounds.extend(sessions, round_id, DEADLINE + timedelta(days=3), now=NOW)
    assert refused.outcome is rounds.Outcome.CLOSED
    [summary] = await rounds.summaries(sessions, now=NOW)
    assert summary.state is RoundState.CLOSED
    async with sessions() as session:
        states = sorted((await session.scalars(select(Submission.state))).all())
    assert states == [SubmissionState.CERTIFIED.value, SubmissionState.SUBMITTED.value]
    assert (await rounds.reopen(sessions, round_id)).outcome is rounds.Outcome.DONE
    [summary] = await rounds.summaries(sessions, now=NOW)
    assert summary.state is RoundState.OPEN
    assert (await _actions(sessions))[-3:] == ["rounds.open", "rounds.close", "rounds.reopen"]


async def test_progress_counts_submitted_and_certified_of_the_targets(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    round_id = await _round(sessions)
    [before] = await rounds.summaries(sessions, now=NOW)
    assert before.progress.submitted == 0 and before.progress.targets > 300
    async with transaction(sessions) as session:
        schools = (await session.scalars(select(Unit.id).where(Unit.kind == "school"))).all()
        for unit_id, state in zip(schools, ("submitted", "certified", "in_progress"), strict=False):
            session.add(Submission(round_id=round_id, unit_id=unit_id, state=state))
    [after] = await rounds.summaries(sessions, now=NOW)
    assert (after.progress.submitted, after.progress.certified) == (2, 1)


async def test_the_audit_log_outlives_a_deleted_round(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    round_id = await _round(sessions)
    await rounds.close(sessions, round_id, now=NOW)
    async with transaction(sessions) as session:
        round_ = await session.get(Round, round_id)
        await session.delete(round_)
    async with sessions() as session:
        kept = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.round_id == round_id))
        ).all()
    assert kept == ["rounds.open", "rounds.close"]
