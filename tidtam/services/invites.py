"""Invitations: one-time codes for units with the bot's deep links, and following them.

:func:`invite_units` makes codes for the command line. In the chat a supervisor
invites reporters and heads of the units below its unit, an officer also supervisors
of the agencies below (:func:`invite_for_care`); officers are only made from the
command line. :func:`report` and :func:`revoke` follow and withdraw codes. Codes stay
one-time and only their hashes are stored.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.invite_status import (
    UnitInvites,
    invites_by_unit,
    revoke_code,
    revoke_unused,
    units_without,
)
from storage.invites import IssuedInvite, create_invites
from storage.models import Member, Unit
from storage.tree import parent_map
from storage.units import unit_by_code, units_of_kinds
from tidtam.core.tree import children_of, subtree
from tidtam.core.vocabulary import Role

__all__ = [
    "INVITING",
    "Invitation",
    "Invitations",
    "InviteReport",
    "Issued",
    "IssuedInvite",
    "Outcome",
    "Refusal",
    "Revoked",
    "invite_for_care",
    "invite_link",
    "invite_units",
    "report",
    "revoke",
    "roles_to_invite",
]


class Refusal(enum.StrEnum):
    UNKNOWN_UNIT = "unknown_unit"  # params: unit
    NO_UNITS = "no_units"  # params: kinds (empty: no units at all)


@dataclass(frozen=True, slots=True)
class Invitation:
    """One code as handed out, with its link (empty without the bot's username)."""

    invite: IssuedInvite
    link: str


@dataclass(frozen=True, slots=True)
class Invitations:
    """The codes created, or why none were."""

    issued: list[Invitation] = field(default_factory=list)
    refusal: Refusal | None = None
    params: dict[str, str] = field(default_factory=dict)


def invite_link(bot_username: str | None, code: str) -> str:
    """The deep link that starts the bot with ``code`` (``/start CODE``)."""
    if not bot_username:
        return ""
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


async def invite_units(
    sessions: async_sessionmaker[AsyncSession],
    role: Role,
    *,
    unit_code: str | None = None,
    kinds: Sequence[str] | None = None,
    now: datetime,
    valid_for: timedelta,
    bot_username: str | None = None,
    actor: int | None = None,
) -> Invitations:
    """A fresh code for ``role`` per unit: the one with ``unit_code``, or all (of ``kinds``)."""
    async with transaction(sessions) as session:
        if unit_code is not None:
            found = await unit_by_code(session, unit_code)
            if found is None:
                return Invitations(refusal=Refusal.UNKNOWN_UNIT, params={"unit": unit_code})
            units = [found]
        else:
            units = await units_of_kinds(session, kinds)
            if not units:
                return Invitations(
                    refusal=Refusal.NO_UNITS, params={"kinds": ",".join(kinds or ())}
                )
        issued = await create_invites(
            session, units, role, now=now, valid_for=valid_for, actor=actor
        )
    return Invitations([Invitation(i, invite_link(bot_username, i.code)) for i in issued])


VALID_FOR = timedelta(days=60)

#: Who may invite whom in the chat.
INVITING: dict[str, tuple[Role, ...]] = {
    Role.SUPERVISOR.value: (Role.REPORTER, Role.HEAD),
    Role.OFFICER.value: (Role.REPORTER, Role.HEAD, Role.SUPERVISOR),
}


class Outcome(enum.StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    NO_UNITS = "no_units"
    NO_SUCH_CODE = "no_such_code"
    NO_SUCH_UNIT = "no_such_unit"


@dataclass(frozen=True, slots=True)
class Issued:
    outcome: Outcome
    role: Role | None = None
    invites: tuple[IssuedInvite, ...] = ()


async def roles_to_invite(
    sessions: async_sessionmaker[AsyncSession], telegram_user_id: int
) -> tuple[Role, ...]:
    """The roles this person may hand out in the chat (none: may not invite)."""
    async with transaction(sessions) as session:
        mine = (
            await session.scalars(
                select(Member.role).where(Member.telegram_user_id == telegram_user_id)
            )
        ).all()
    roles: list[Role] = []
    for role in mine:
        roles += [r for r in INVITING.get(role, ()) if r not in roles]
    return tuple(roles)


async def invite_for_care(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    role: Role,
    *,
    now: datetime,
    valid_for: timedelta = VALID_FOR,
) -> Issued:
    """A fresh code for ``role`` at every unit below the person's units (checked again)."""
    async with transaction(sessions) as session:
        mine = (
            await session.execute(
                select(Member.unit_id, Member.role).where(
                    Member.telegram_user_id == telegram_user_id
                )
            )
        ).all()
        roots = [unit for unit, r in mine if role in INVITING.get(r, ())]
        if not roots:
            return Issued(Outcome.NOT_ALLOWED, role)
        parents = await parent_map(session)
        below: set[int] = set()
        for root in roots:
            below |= subtree(parents, root) - {root}
        if role is Role.SUPERVISOR:  # supervisors oversee agencies: units with units below
            children = children_of(parents)
            below = {u for u in below if children.get(u)}
        if not below:
            return Issued(Outcome.NO_UNITS, role)
        units = list(
            await session.scalars(select(Unit).where(Unit.id.in_(below)).order_by(Unit.code))
        )
        issued = await create_invites(
            session, units, role, now=now, valid_for=valid_for, actor=telegram_user_id
        )
        return Issued(Outcome.DONE, role, tuple(issued))


@dataclass(frozen=True, slots=True)
class InviteReport:
    by_unit: tuple[UnitInvites, ...]
    without: tuple[tuple[str, str], ...]  # (unit code, unit name) with nobody in the role


async def report(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    role: Role | None = None,
    kinds: list[str] | None = None,
) -> InviteReport:
    """Codes by unit and state; with ``role``, also the units where nobody holds it."""
    async with transaction(sessions) as session:
        rows = await invites_by_unit(session, now)
        if role is not None:
            rows = [r for r in rows if r.role == role.value]
        without: list[tuple[str, str]] = []
        if role is not None:
            without = [
                (u.code, u.name) for u in await units_without(session, role.value, kinds=kinds)
            ]
        return InviteReport(tuple(rows), tuple(without))


@dataclass(frozen=True, slots=True)
class Revoked:
    outcome: Outcome
    count: int = 0


async def revoke(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    code: str | None = None,
    unit_code: str | None = None,
    role: Role | None = None,
) -> Revoked:
    """Make one code, or every unused code of a unit (and role), unusable at once."""
    async with transaction(sessions) as session:
        if code is not None:
            invite = await revoke_code(session, code, now=now, actor=None)
            return Revoked(Outcome.DONE, 1) if invite else Revoked(Outcome.NO_SUCH_CODE)
        unit = await session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit is None:
            return Revoked(Outcome.NO_SUCH_UNIT)
        count = await revoke_unused(
            session, [unit], role.value if role else None, now=now, actor=None
        )
        return Revoked(Outcome.DONE, count)
