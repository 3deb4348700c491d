"""People over the years: list memberships, revoke them, change roles, forget a person.

A revoked membership is deleted, not flagged: every query that decides what a person
may see reads ``members``, so a deleted row cannot be forgotten by a filter somewhere.
What the person did stays: answers and files name them by Telegram id (not by
membership), and the audit log keeps the registration and the revocation.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import audit
from storage.models import (
    Answer,
    Attachment,
    AuditEvent,
    ChatState,
    GroupLink,
    Invite,
    InviteAttempt,
    Member,
    ReminderLedger,
    SubmissionPdf,
    Unit,
)

#: The chat state of a person whose last membership was revoked: their next update
#: is refused politely (until they register again with a new invite).
REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One membership as an administrator sees it."""

    member_id: int
    telegram_user_id: int
    name: str
    role: str
    unit_id: int
    unit_code: str
    unit_name: str
    registered_at: datetime
    last_seen: datetime | None
    reachable: bool


async def member_rows(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None = None,
    role: str | None = None,
) -> list[MemberRow]:
    """Memberships (of ``unit_ids`` if given, of ``role`` if given), by unit and name."""
    query = (
        select(Member, Unit, ChatState.updated_at)
        .join(Unit, Unit.id == Member.unit_id)
        .outerjoin(ChatState, ChatState.telegram_user_id == Member.telegram_user_id)
        .order_by(Unit.code, Member.role, Member.display_name, Member.id)
    )
    if unit_ids is not None:
        query = query.where(Member.unit_id.in_(list(unit_ids)))
    if role is not None:
        query = query.where(Member.role == role)
    return [
        MemberRow(
            m.id,
            m.telegram_user_id,
            m.display_name,
            m.role,
            u.id,
            u.code,
            u.name,
            m.created_at,
            seen,
            m.reachable,
        )
        for m, u, seen in (await session.execute(query)).all()
    ]


async def member_by_id(session: AsyncSession, member_id: int) -> Member | None:
    return await session.scalar(
        select(Member)
        .options(joinedload(Member.unit))
        .where(Member.id == member_id)
        .with_for_update(of=Member)
    )


async def revoke_member(
    session: AsyncSession, member: Member, *, actor: int | None, now: datetime
) -> bool:
    """Delete the membership and clear the person's conversation; True if none is left.

    The conversation state is cleared whatever membership it pointed at (a person
    with several must choose again); the update id it holds stays, so an update
    delivered again is still recognised.
    """
    user_id = member.telegram_user_id
    audit.record(
        session,
        "members.revoke",
        actor=actor,
        at=now,
        unit_id=member.unit_id,
        member=member.id,
        role=member.role,
        telegram_user_id=user_id,
    )
    await session.delete(member)
    await session.flush()
    left = int(
        await session.scalar(
            select(func.count(Member.id)).where(Member.telegram_user_id == user_id)
        )
        or 0
    )
    state = await session.scalar(
        select(ChatState).where(ChatState.telegram_user_id == user_id).with_for_update()
    )
    if state is None:
        state = ChatState(telegram_user_id=user_id, data={})
        session.add(state)
    state.mode = REVOKED if left == 0 else "idle"
    state.member_id = state.submission_id = state.question_id = None
    state.data = {}
    state.updated_at = now
    return left == 0


async def change_role(
    session: AsyncSession, member: Member, role: str, *, actor: int | None
) -> bool:
    """Give the membership another role; False if the person already holds that one."""
    clash = await session.scalar(
        select(Member.id).where(
            Member.telegram_user_id == member.telegram_user_id,
            Member.unit_id == member.unit_id,
            Member.role == role,
        )
    )
    if clash is not None:
        return False
    audit.record(
        session,
        "members.role",
        actor=actor,
        unit_id=member.unit_id,
        member=member.id,
        old=member.role,
        role=role,
    )
    member.role = role
    await session.execute(  # a conversation under the old role starts afresh
        update(ChatState)
        .where(ChatState.member_id == member.id)
        .values(mode="idle", member_id=None, submission_id=None, question_id=None, data={})
    )
    return True


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What :func:`forget_person` changed; ``ref``: the anonymous name in the audit log."""

    ref: str
    memberships: int
    answers: int
    files: int
    audit_events: int


async def forget_person(
    session: AsyncSession, telegram_user_id: int, *, actor: int | None
) -> Forgotten:
    """Remove a person's name and Telegram id everywhere; keep what they did, anonymised.

    Memberships (with the name), the conversation state and the kept PDFs are deleted;
    answers, files and invites keep their content without saying who; the audit log and
    the reminder ledger name a random reference instead of the person (the same one
    everywhere, so the trail still reads as one person's).
    """
    ref = f"forgotten:{secrets.token_hex(6)}"
    memberships = (
        await session.execute(delete(Member).where(Member.telegram_user_id == telegram_user_id))
    ).rowcount  # type: ignore[attr-defined]
    await session.execute(delete(ChatState).where(ChatState.telegram_user_id == telegram_user_id))
    await session.execute(
        delete(InviteAttempt).where(InviteAttempt.telegram_user_id == telegram_user_id)
    )
    answers = (
        await session.execute(
            update(Answer).where(Answer.answered_by == telegram_user_id).values(answered_by=None)
        )
    ).rowcount  # type: ignore[attr-defined]
    files = (
        await session.execute(
            update(Attachment)
            .where(Attachment.uploaded_by == telegram_user_id)
            .values(uploaded_by=None)
        )
    ).rowcount  # type: ignore[attr-defined]
    await session.execute(
        update(Invite).where(Invite.used_by == telegram_user_id).values(used_by=None)
    )
    await session.execute(
        update(GroupLink).where(GroupLink.linked_by == telegram_user_id).values(linked_by=None)
    )
    await session.execute(
        update(ReminderLedger)
        .where(ReminderLedger.recipient == f"user:{telegram_user_id}")
        .values(recipient=ref)
    )
    events = (
        await session.scalars(
            select(AuditEvent).where(
                (AuditEvent.actor == telegram_user_id)
                | (AuditEvent.action.in_(("members.revoke", "members.register")))
            )
        )
    ).all()
    changed = 0
    for event in events:
        details = dict(event.details or {})
        mine = event.actor == telegram_user_id
        if details.get("telegram_user_id") == telegram_user_id:
            details["telegram_user_id"] = ref
            mine = True
        if not mine:
            continue
        if event.actor == telegram_user_id:
            event.actor = None
            details["actor"] = ref
        event.details = details
        changed += 1
    # A kept PDF may print the person's name (who answered, submitted or certified):
    # every kept PDF goes, to be drawn again when next asked for (the sweep removes the
    # files). Forgetting is rare; sorting out which PDFs name whom is not worth it.
    await session.execute(delete(SubmissionPdf))
    audit.record(session, "members.forget", actor=actor, person=ref, memberships=memberships)
    return Forgotten(ref, memberships, answers, files, changed)
