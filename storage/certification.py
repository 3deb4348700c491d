"""Who certifies a submission, what waits for a certifier, and the decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import AuditEvent, Member, Round, Submission, Unit
from storage.submissions import change_state
from tidtam.core.vocabulary import Certify, Role, SubmissionState


async def certifiers_of(session: AsyncSession, submission: Submission) -> list[Member]:
    """The members who may certify this submission under its round's rule."""
    rule = submission.round.certify
    if rule == Certify.HEAD:
        unit_id, role = submission.unit_id, Role.HEAD.value
    elif rule == Certify.SUPERVISOR:
        if submission.unit.parent_id is None:
            return []
        unit_id, role = submission.unit.parent_id, Role.SUPERVISOR.value
    else:
        return []
    return list(
        (
            await session.scalars(
                select(Member)
                .options(selectinload(Member.unit))
                .where(Member.unit_id == unit_id, Member.role == role)
                .order_by(Member.id)
            )
        ).all()
    )


RETURN_ASKED = "return.asked"
"""Audit action: a unit's member asked the certifiers to return its report."""


async def return_asked_since(session: AsyncSession, submission_id: int, since: datetime) -> bool:
    """Whether the unit asked for this submission's return at ``since`` or later."""
    found = await session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.submission_id == submission_id,
            AuditEvent.action == RETURN_ASKED,
            AuditEvent.at >= since,
        )
        .limit(1)
    )
    return found is not None


def may_certify(member: Member, submission: Submission) -> bool:
    """Whether this membership certifies this submission under its round's rule."""
    rule = submission.round.certify
    if rule == Certify.HEAD:
        return member.role == Role.HEAD and member.unit_id == submission.unit_id
    if rule == Certify.SUPERVISOR:
        return member.role == Role.SUPERVISOR and member.unit_id == submission.unit.parent_id
    return False


async def pending_for(session: AsyncSession, members: list[Member]) -> list[Submission]:
    """Submitted reports that wait for one of these memberships to certify them."""
    heads = [m.unit_id for m in members if m.role == Role.HEAD]
    supervisors = [m.unit_id for m in members if m.role == Role.SUPERVISOR]
    if not heads and not supervisors:
        return []
    query = (
        select(Submission)
        .join(Submission.unit)
        .join(Submission.round)
        .options(
            selectinload(Submission.unit),
            selectinload(Submission.round).selectinload(Round.form_version),
        )
        .where(Submission.state == SubmissionState.SUBMITTED.value, Round.closed_at.is_(None))
        .order_by(Submission.submitted_at)
    )
    conditions = []
    if heads:
        conditions.append((Round.certify == Certify.HEAD.value) & Submission.unit_id.in_(heads))
    if supervisors:
        conditions.append(
            (Round.certify == Certify.SUPERVISOR.value) & Unit.parent_id.in_(supervisors)
        )
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined | condition
    return list((await session.scalars(query.where(combined))).all())


async def approve(
    session: AsyncSession, submission: Submission, *, actor: int, now: datetime
) -> None:
    await change_state(session, submission, SubmissionState.CERTIFIED, actor=actor, now=now)


async def return_for_correction(
    session: AsyncSession,
    submission: Submission,
    *,
    reason: str,
    flagged: list[str],
    actor: int,
    now: datetime,
) -> None:
    submission.returned_reason = reason
    submission.flagged = flagged
    await change_state(
        session,
        submission,
        SubmissionState.RETURNED,
        actor=actor,
        now=now,
        reason=reason,
        flagged=flagged,
    )
