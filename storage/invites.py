"""Invites: one-time codes for (unit, role); only a hash of each code is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Invite, Unit
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
