"""Saving an answer writes the answer, the submission's last change and the audit row.

On PostgreSQL that is one statement with data-modifying CTEs, on SQLite three; both
must leave the same rows behind, and nothing else changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import Answer, AuditEvent, FormVersion, Round, Submission, Unit
from storage.submissions import save_answer, submission_by_id, submission_for

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def _submission(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        unit = Unit(code="S1", name="โรงเรียนบ้านนา", kind="school")
        other = Unit(code="S2", name="โรงเรียนบ้านดอน", kind="school")
        form = FormVersion(
            code="f", version=1, title="t", definition={}, source="", sha256="0" * 64
        )
        round_ = Round(
            form_version=form, period="2567", opens_at=START, deadline=START + timedelta(days=9)
        )
        session.add_all([unit, other, round_])
        await session.flush()
        return (await submission_for(session, round_.id, unit.id)).id


async def _save(
    sessions: async_sessionmaker[AsyncSession],
    submission_id: int,
    value: dict[str, object],
    actor: int,
    now: datetime,
) -> Submission:
    async with transaction(sessions) as session:
        submission = await submission_by_id(session, submission_id)
        assert submission is not None
        await save_answer(session, submission, "q1", value, actor=actor, now=now)
        return submission


async def test_later_write_wins_and_both_are_audited(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    submission_id = await _submission(sessions)
    first = await _save(sessions, submission_id, {"number": "12"}, 101, START)
    assert first.state == "in_progress"  # the first answer starts the submission
    later = START + timedelta(minutes=5)
    second = await _save(sessions, submission_id, {"number": "15"}, 202, later)
    assert second.updated_at == later  # the object says what the row says

    async with sessions() as session:
        answers = (await session.scalars(select(Answer))).all()
        assert [(a.question_id, a.value, a.answered_by) for a in answers] == [
            ("q1", {"number": "15"}, 202)
        ]
        assert answers[0].answered_at == later
        submission = await submission_by_id(session, submission_id)
        assert submission is not None
        assert submission.state == "in_progress"
        assert submission.updated_at == later
        assert submission.unit.code == "S1"  # no column but updated_at was written
        saved = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "answer.save").order_by(AuditEvent.id)
            )
        ).all()
        assert [(e.actor, e.at, e.details) for e in saved] == [
            (101, START, {"question": "q1", "value": {"number": "12"}}),
            (202, later, {"question": "q1", "value": {"number": "15"}}),
        ]
        assert {(e.round_id, e.unit_id, e.submission_id) for e in saved} == {
            (submission.round_id, submission.unit_id, submission_id)
        }
        moved = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "submission.state")
        )
        assert moved is not None and moved.details["after"] == "in_progress"


async def test_a_failed_transaction_leaves_no_answer_and_no_audit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    submission_id = await _submission(sessions)
    try:
        async with transaction(sessions) as session:
            submission = await submission_by_id(session, submission_id)
            assert submission is not None
            await save_answer(session, submission, "q1", {"text": "x"}, actor=1, now=START)
            raise RuntimeError("the reply could not be decided")
    except RuntimeError:
        pass
    async with sessions() as session:
        assert (await session.scalars(select(Answer))).all() == []
        assert (await session.scalars(select(AuditEvent))).all() == []
