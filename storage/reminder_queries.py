"""Load a round's reminder rows (:mod:`storage.reminder_rows`) and the rounds to sweep.

A handful of bulk queries per round, whatever the number of units: the target units
and their parents, submissions, the stored answers of unfinished submissions,
memberships, the province group chats.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.forms import form_of
from storage.models import Answer, GroupLink, Member, Round, Submission, Unit
from storage.reminder_rows import (
    UNFINISHED,
    MemberRow,
    ReminderRows,
    RoundRow,
    SubmissionRow,
    UnitRow,
)

_UNIT = (Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id)


async def load_reminder_rows(session: AsyncSession, round_: Round) -> ReminderRows:
    """The rows of ``round_`` (its form version loaded) that the reminders look at, now."""
    units_query = select(*_UNIT)
    if round_.kinds:
        units_query = units_query.where(Unit.kind.in_(round_.kinds))
    units = tuple(UnitRow(*row) for row in (await session.execute(units_query)).all())
    submissions = tuple(
        SubmissionRow(*row)
        for row in (
            await session.execute(
                select(
                    Submission.id, Submission.unit_id, Submission.state, Submission.submitted_at
                ).where(Submission.round_id == round_.id)
            )
        ).all()
    )
    unfinished = [s.submission_id for s in submissions if s.state in UNFINISHED]
    answers: dict[int, dict[str, Mapping[str, Any]]] = {}
    if unfinished:
        rows = await session.execute(
            select(Answer.submission_id, Answer.question_id, Answer.value).where(
                Answer.submission_id.in_(unfinished)
            )
        )
        for submission_id, question_id, value in rows.all():
            answers.setdefault(submission_id, {})[question_id] = value
    members = tuple(
        MemberRow(*row)
        for row in (
            await session.execute(
                select(
                    Member.id,
                    Member.telegram_user_id,
                    Member.unit_id,
                    Member.role,
                    Member.reachable,
                    Member.language,
                )
            )
        ).all()
    )
    parent_ids = {u.parent_id for u in units if u.parent_id is not None}
    parents = tuple(
        UnitRow(*row)
        for row in (await session.execute(select(*_UNIT).where(Unit.id.in_(parent_ids)))).all()
    )
    groups = tuple((await session.scalars(select(GroupLink.chat_id))).all())
    return ReminderRows(
        RoundRow(
            round_.id,
            round_.period,
            round_.opens_at,
            round_.deadline,
            round_.closed_at,
            round_.certify,
            round_.policy or {},
            round_.extensions or 0,
            round_.extended_at,
        ),
        form_of(round_.form_version),
        units,
        parents,
        submissions,
        answers,
        members,
        groups,
    )


async def sweepable_rounds(session: AsyncSession, now: datetime) -> list[Round]:
    """Rounds that have opened and are not closed (their form versions loaded)."""
    return list(
        (
            await session.scalars(
                select(Round)
                .options(selectinload(Round.form_version))
                .where(Round.opens_at <= now, Round.closed_at.is_(None))
                .order_by(Round.id)
            )
        ).all()
    )
