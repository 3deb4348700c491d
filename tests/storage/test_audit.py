"""The audit log keeps the use case's moment, so documents and the log agree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import AuditEvent, Submission
from storage.submissions import change_state, submission_for
from tests.reports.conftest import seed_tiny
from tidtam.core.vocabulary import SubmissionState

SIMULATED = datetime(2027, 3, 15, 2, 30, tzinfo=UTC)  # a clock that is not the wall's


async def test_a_state_change_is_logged_at_the_moment_it_was_made(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    tiny = await seed_tiny(sessions, tmp_path / "files")
    async with transaction(tiny.sessions) as session:
        submission = await submission_for(session, tiny.round_id, tiny.unit_ids["S3"])
        await change_state(
            session, submission, SubmissionState.SUBMITTED, actor=1004, now=SIMULATED
        )
        submission_id = submission.id
    async with tiny.sessions() as session:
        stored = await session.get(Submission, submission_id)
        assert stored is not None and stored.submitted_at == SIMULATED
        event = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.submission_id == submission_id)
                .order_by(AuditEvent.id.desc())
            )
        ).first()
        assert event is not None and event.action == "submission.state"
        assert event.at == SIMULATED
        assert event.details["after"] == "submitted"
