"""Invites: one-time codes for (unit, role); only a hash of each code is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import Invite, InviteAttempt, Unit
from tidtam.core.invite_codes import hash_code, new_code
from tidtam.core.vocabulary import Role


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    """A code as handed out: the plain code exists only here, never in the database."""

    unit_code: str
    unit_name: str
    role: Role
    code: str
    expires_at: datetime


async def create_invites(
    session: AsyncSession,
    units: Sequence[Unit],
    role: Role,
    *,
    now: datetime,
    valid_for: timedelta,
    actor: int | None = None,
) -> list[IssuedInvite]:
    """Issue a fresh code per unit for ``role``."""
    issued = []
    expires_at = now + valid_for
    for unit in units:
        code = new_code()
        session.add(
            Invite(
                code_hash=hash_code(code), unit_id=unit.id, role=role.value, expires_at=expires_at
            )
        )
        issued.append(IssuedInvite(unit.code, unit.name, role, code, expires_at))
    await session.flush()
    audit.record(session, "invites.create", actor=actor, role=role.value, count=len(issued))
    return issued


async def invite_by_code(session: AsyncSession, code: str) -> Invite | None:
    """The invite of a normalised code (looked up by its hash), with its unit."""
    return await session.scalar(
        select(Invite).options(selectinload(Invite.unit)).where(Invite.code_hash == hash_code(code))
    )


async def claim_invite(
    session: AsyncSession, invite_id: int, telegram_user_id: int, now: datetime
) -> bool:
    """Mark the invite used by the person; False if someone claimed it first."""
    claimed = await session.execute(  # a conditional UPDATE: only one person can claim
        update(Invite)
        .where(Invite.id == invite_id, Invite.used_at.is_(None))
        .values(used_at=now, used_by=telegram_user_id)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def wrong_tries_since(
    session: AsyncSession, telegram_user_id: int, since: datetime
) -> list[datetime]:
    """When the person typed a code that did not work, after ``since``, oldest first."""
    return list(
        (
            await session.scalars(
                select(InviteAttempt.at)
                .where(InviteAttempt.telegram_user_id == telegram_user_id, InviteAttempt.at > since)
                .order_by(InviteAttempt.at)
            )
        ).all()
    )


async def record_wrong_try(
    session: AsyncSession, telegram_user_id: int, now: datetime, *, forget_before: datetime
) -> None:
    """Remember a code that did not work; forget the person's tries before ``forget_before``."""
    session.add(InviteAttempt(telegram_user_id=telegram_user_id, at=now))
    await session.execute(
        delete(InviteAttempt).where(
            InviteAttempt.telegram_user_id == telegram_user_id,
            InviteAttempt.at <= forget_before,
        )
    )
