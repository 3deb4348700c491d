"""Invitations as an administrator follows them: used, unused, expired; revoking codes."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Invite, Member, Unit
from tidtam.core.invite_codes import hash_code, normalize_code


class InviteState(enum.StrEnum):
    USED = "used"
    UNUSED = "unused"
    EXPIRED = "expired"  # also a revoked code: it expired when it was revoked


def invite_state(invite: Invite, now: datetime) -> InviteState:
    if invite.used_at is not None:
        return InviteState.USED
    return InviteState.EXPIRED if invite.expires_at <= now else InviteState.UNUSED


@dataclass(frozen=True, slots=True)
class UnitInvites:
    """One unit and role: how many codes in each state, and whether anyone registered."""

    unit_code: str
    unit_name: str
    role: str
    used: int
    unused: int
    expired: int
    registered: int


async def invites_by_unit(
    session: AsyncSession, now: datetime, *, unit_ids: Collection[int] | None = None
) -> list[UnitInvites]:
    """Per (unit, role) that has codes or members: codes by state and members registered."""
    invites = select(Invite, Unit).join(Unit, Unit.id == Invite.unit_id)
    members = select(Member.role, Unit).join(Unit, Unit.id == Member.unit_id)
    if unit_ids is not None:
        invites = invites.where(Invite.unit_id.in_(list(unit_ids)))
        members = members.where(Member.unit_id.in_(list(unit_ids)))
    counts: dict[tuple[str, str], list[int]] = {}
    names: dict[str, str] = {}
    for invite, unit in (await session.execute(invites)).all():
        names[unit.code] = unit.name
        row = counts.setdefault((unit.code, invite.role), [0, 0, 0, 0])
        row[list(InviteState).index(invite_state(invite, now))] += 1
    for role, unit in (await session.execute(members)).all():
        names[unit.code] = unit.name
        counts.setdefault((unit.code, role), [0, 0, 0, 0])[3] += 1
    return [
        UnitInvites(code, names[code], role, *numbers)
        for (code, role), numbers in sorted(counts.items())
    ]


async def units_without(
    session: AsyncSession, role: str, *, kinds: Collection[str] | None = None
) -> list[Unit]:
    """Units (of ``kinds``) where nobody holds ``role``."""
    holders = select(Member.unit_id).where(Member.role == role)
    query = select(Unit).where(Unit.id.not_in(holders)).order_by(Unit.code)
    if kinds:
        query = query.where(Unit.kind.in_(list(kinds)))
    return list((await session.scalars(query)).all())


async def revoke_code(
    session: AsyncSession, text: str, *, now: datetime, actor: int | None
) -> Invite | None:
    """Make one usable code unusable (it expires now); None if no usable code matches."""
    code = normalize_code(text)
    if code is None:
        return None
    invite = await session.scalar(
        select(Invite).where(
            Invite.code_hash == hash_code(code), Invite.used_at.is_(None), Invite.expires_at > now
        )
    )
    if invite is None:
        return None
    invite.expires_at = now
    audit.record(
        session, "invites.revoke", actor=actor, unit_id=invite.unit_id, invite=invite.id, at=now
    )
    return invite


async def revoke_unused(
    session: AsyncSession,
    unit_ids: Collection[int],
    role: str | None,
    *,
    now: datetime,
    actor: int | None,
) -> int:
    """Make every unused, unexpired code of these units (and role) unusable; how many."""
    query = update(Invite).where(
        Invite.unit_id.in_(list(unit_ids)), Invite.used_at.is_(None), Invite.expires_at > now
    )
    if role is not None:
        query = query.where(Invite.role == role)
    count = int((await session.execute(query.values(expires_at=now))).rowcount)  # type: ignore[attr-defined]
    audit.record(
        session,
        "invites.revoke",
        actor=actor,
        units=len(unit_ids),
        role=role,
        count=count,
        at=now,
    )
    return count
