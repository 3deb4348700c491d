"""People: who is registered where, revoking a membership, changing a role, forgetting.

The command line acts as the province (no scope); in the chat a head manages its own
unit and a supervisor or officer its subtree, checked again on every press: a button
shown yesterday gives no right today.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import Member, Unit
from storage.people import (
    Forgotten,
    MemberRow,
    change_role,
    forget_person,
    member_by_id,
    member_rows,
    revoke_member,
)
from storage.tree import parent_map
from tidtam.core.tree import subtree
from tidtam.core.vocabulary import Role

#: Roles that manage members in the chat, and over what: a head its own unit, the
#: others their unit's subtree.
MANAGING = (Role.HEAD.value, Role.SUPERVISOR.value, Role.OFFICER.value)


class Outcome(enum.StrEnum):
    DONE = "done"
    NO_SUCH_MEMBER = "no_such_member"
    NO_SUCH_UNIT = "no_such_unit"
    NOT_ALLOWED = "not_allowed"  # outside the asker's care, or the asker's own membership
    SAME_ROLE = "same_role"  # the person already holds that role in that unit


@dataclass(frozen=True, slots=True)
class Listing:
    outcome: Outcome
    rows: tuple[MemberRow, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberChange:
    """What happened to a membership; ``row``: the membership as it was."""

    outcome: Outcome
    row: MemberRow | None = None
    access_lost: bool = False  # the person has no membership left


async def care_of(session: AsyncSession, telegram_user_id: int) -> set[int]:
    """The units whose members this person manages (empty: none)."""
    mine = (
        await session.execute(
            select(Member.unit_id, Member.role).where(
                Member.telegram_user_id == telegram_user_id, Member.role.in_(MANAGING)
            )
        )
    ).all()
    if not mine:
        return set()
    parents = await parent_map(session) if any(r != Role.HEAD for _, r in mine) else {}
    units: set[int] = set()
    for unit_id, role in mine:
        units |= {unit_id} if role == Role.HEAD else subtree(parents, unit_id)
    return units


async def list_members(
    sessions: async_sessionmaker[AsyncSession],
    *,
    unit_code: str | None = None,
    role: Role | None = None,
) -> Listing:
    """Every membership, of one unit (without the units below it) and one role if given."""
    async with transaction(sessions) as session:
        unit_ids = None
        if unit_code is not None:
            unit = await session.scalar(select(Unit.id).where(Unit.code == unit_code))
            if unit is None:
                return Listing(Outcome.NO_SUCH_UNIT)
            unit_ids = {unit}
        rows = await member_rows(
            session, unit_ids=unit_ids, role=role.value if role is not None else None
        )
        return Listing(Outcome.DONE, tuple(rows))


async def members_in_care(
    sessions: async_sessionmaker[AsyncSession], telegram_user_id: int
) -> Listing:
    """The memberships a person manages in the chat (not their own)."""
    async with transaction(sessions) as session:
        care = await care_of(session, telegram_user_id)
        if not care:
            return Listing(Outcome.NOT_ALLOWED)
        rows = await member_rows(session, unit_ids=care)
        return Listing(
            Outcome.DONE, tuple(r for r in rows if r.telegram_user_id != telegram_user_id)
        )


def _row(member: Member) -> MemberRow:
    return MemberRow(
        member.id,
        member.telegram_user_id,
        member.display_name,
        member.role,
        member.unit_id,
        member.unit.code,
        member.unit.name,
        member.created_at,
        None,
        member.reachable,
    )


async def revoke(
    sessions: async_sessionmaker[AsyncSession],
    member_id: int,
    *,
    now: datetime,
    actor: int | None = None,
    scoped: bool = False,
) -> MemberChange:
    """Take a membership away at once; ``scoped``: ``actor`` must manage its unit."""
    async with transaction(sessions) as session:
        member = await member_by_id(session, member_id)
        if member is None:
            return MemberChange(Outcome.NO_SUCH_MEMBER)
        row = _row(member)
        if scoped and (
            actor is None
            or member.telegram_user_id == actor
            or member.unit_id not in await care_of(session, actor)
        ):
            return MemberChange(Outcome.NOT_ALLOWED, row)
        lost = await revoke_member(session, member, actor=actor, now=now)
        return MemberChange(Outcome.DONE, row, lost)


async def set_role(
    sessions: async_sessionmaker[AsyncSession],
    member_id: int,
    role: Role,
    *,
    actor: int | None = None,
) -> MemberChange:
    """Give a membership another role (the person's conversation starts afresh)."""
    async with transaction(sessions) as session:
        member = await member_by_id(session, member_id)
        if member is None:
            return MemberChange(Outcome.NO_SUCH_MEMBER)
        row = _row(member)
        if member.role == role.value or not await change_role(
            session, member, role.value, actor=actor
        ):
            return MemberChange(Outcome.SAME_ROLE, row)
        return MemberChange(Outcome.DONE, row)


async def forget(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    *,
    actor: int | None = None,
) -> Forgotten:
    """Remove a person's name and Telegram id (PDPA); the unit's answers stay."""
    async with transaction(sessions) as session:
        return await forget_person(session, telegram_user_id, actor=actor)
