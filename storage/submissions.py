"""Submissions and answers: saved the moment they are given, every change audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage import audit
from storage.answer_writes import write_answer
from storage.models import Answer, Attachment, Round, Submission, Unit
from storage.upsert import insert_ignore
from tidtam.core.vocabulary import EDITABLE_STATES, SubmissionState, check_transition

#: States in which answers may still change (the core's :data:`EDITABLE_STATES`).
EDITABLE = tuple(state.value for state in EDITABLE_STATES)


def targets(round_: Round, unit: Unit) -> bool:
    """Whether the round asks this unit to report."""
    return not round_.kinds or unit.kind in round_.kinds


async def open_rounds(session: AsyncSession, now: datetime) -> list[Round]:
    """Rounds that have opened and are not closed (late answers are still taken)."""
    return list(
        (
            await session.scalars(
                select(Round)
                .options(selectinload(Round.form_version))
                .where(Round.opens_at <= now, Round.closed_at.is_(None))
                .order_by(Round.deadline, Round.id)
            )
        ).all()
    )


async def submission_for(session: AsyncSession, round_id: int, unit_id: int) -> Submission:
    """The unit's submission in the round, created on first use (safe under races)."""
    await insert_ignore(
        session,
        Submission,
        {"round_id": round_id, "unit_id": unit_id, "state": SubmissionState.NOT_STARTED.value},
        keys=("round_id", "unit_id"),
    )
    submission = await session.scalar(
        select(Submission)
        .options(joinedload(Submission.unit), joinedload(Submission.round))
        .where(Submission.round_id == round_id, Submission.unit_id == unit_id)
        .execution_options(populate_existing=True)
    )
    assert submission is not None
    return submission


async def submission_by_id(session: AsyncSession, submission_id: int) -> Submission | None:
    """A submission with its unit and round, in one query.

    The round's form version is not loaded (its definition and source are large and
    never change: :func:`storage.forms.form_by_version_id` reads them once, by
    ``Round.form_version_id``).
    """
    return await session.scalar(
        select(Submission)
        .options(joinedload(Submission.unit), joinedload(Submission.round))
        .where(Submission.id == submission_id)
        .execution_options(populate_existing=True)
    )


_STORED_ANSWERS = select(Answer.question_id, Answer.value).where(
    Answer.submission_id == bindparam("submission_id")
)  # built once: every answer reads them (a Core statement, no ORM objects)


async def stored_answers(session: AsyncSession, submission_id: int) -> dict[str, dict[str, Any]]:
    """The stored (encoded) answers of a submission, by question id."""
    connection = await session.connection()
    rows = await connection.execute(_STORED_ANSWERS, {"submission_id": submission_id})
    return {question_id: value for question_id, value in rows.all()}


async def save_answer(
    session: AsyncSession,
    submission: Submission,
    question_id: str,
    value: dict[str, Any],
    *,
    actor: int | None,
    now: datetime,
) -> None:
    """Store an answer (the later write wins) and move the submission to in progress.

    The answer, the submission's ``updated_at`` and the audit row are written at once
    (:mod:`storage.answer_writes`), not by the ORM's flush at commit.
    """
    await write_answer(
        await session.connection(),
        submission_id=submission.id,
        round_id=submission.round_id,
        unit_id=submission.unit_id,
        question_id=question_id,
        value=value,
        actor=actor,
        now=now,
    )
    if submission.state in (SubmissionState.NOT_STARTED.value, SubmissionState.RETURNED.value):
        await change_state(session, submission, SubmissionState.IN_PROGRESS, actor=actor, now=now)
    else:
        set_committed_value(submission, "updated_at", now)  # written above


async def change_state(
    session: AsyncSession,
    submission: Submission,
    state: SubmissionState,
    *,
    actor: int | None,
    now: datetime,
    **details: Any,
) -> None:
    """Move the submission along its life, audited; any other move is refused.

    Raises :class:`tidtam.core.vocabulary.TransitionRefused`, naming both states, for
    a move that :data:`tidtam.core.vocabulary.TRANSITIONS` does not allow.
    """
    before = submission.state
    check_transition(before, state.value)
    submission.state = state.value
    submission.updated_at = now
    if state is SubmissionState.SUBMITTED:
        submission.submitted_at = now
    elif state is SubmissionState.CERTIFIED:
        submission.certified_at = now
    audit.record(
        session,
        "submission.state",
        at=now,
        actor=actor,
        round_id=submission.round_id,
        unit_id=submission.unit_id,
        submission_id=submission.id,
        before=before,
        after=state.value,
        **details,
    )


async def add_attachment(
    session: AsyncSession,
    submission: Submission,
    question_id: str,
    *,
    original_name: str,
    size: int,
    mime_type: str,
    sha256: str,
    storage_key: str,
    telegram_file_id: str | None,
    actor: int | None,
    now: datetime,
) -> Attachment:
    attachment = Attachment(
        submission_id=submission.id,
        question_id=question_id,
        original_name=original_name[:255],
        size=size,
        mime_type=mime_type[:127],
        sha256=sha256,
        storage_key=storage_key,
        telegram_file_id=telegram_file_id,
        uploaded_by=actor,
        uploaded_at=now,
    )
    session.add(attachment)
    await session.flush()
    return attachment


async def attachments_of(session: AsyncSession, submission_ids: Sequence[int]) -> list[Attachment]:
    return list(
        (
            await session.scalars(
                select(Attachment)
                .where(Attachment.submission_id.in_(list(submission_ids)))
                .order_by(Attachment.id)
            )
        ).all()
    )
