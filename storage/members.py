"""Members: Telegram users bound to units with roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage import audit
from storage.models import Invite, Member
from tidtam.core.vocabulary import ANSWERING_ROLES


async def membership(
    session: AsyncSession, telegram_user_id: int, unit_id: int, role: str
) -> Member | None:
    """The person's membership of ``unit_id`` as ``role``, with its unit, if any."""
    return await session.scalar(
        select(Member)
        .options(selectinload(Member.unit))
        .where(
            Member.telegram_user_id == telegram_user_id,
            Member.unit_id == unit_id,
            Member.role == role,
        )
    )


async def add_member(
    session: AsyncSession,
    invite: Invite,
    telegram_user_id: int,
    *,
    display_name: str,
    language: str | None,
) -> Member:
    """Bind the person to the invite's unit and role (the invite is already claimed)."""
    member = Member(
        telegram_user_id=telegram_user_id,
        unit_id=invite.unit_id,
        role=invite.role,
        display_name=display_name[:255],
        language=language,
        invite_id=invite.id,
    )
    session.add(member)
    await session.flush()
    member.unit = invite.unit
    audit.record(
        session,
        "members.register",
        actor=telegram_user_id,
        unit_id=invite.unit_id,
        role=invite.role,
        invite=invite.id,
    )
    return member


async def memberships(session: AsyncSession, telegram_user_id: int) -> list[Member]:
    """Every membership of a person, with its unit, in a stable order (one query)."""
    return list(
        (
            await session.scalars(
                select(Member)
                .options(joinedload(Member.unit))
                .where(Member.telegram_user_id == telegram_user_id)
                .order_by(Member.id)
            )
        ).all()
    )


async def members_of_unit(session: AsyncSession, unit_id: int) -> list[Member]:
    return list((await session.scalars(select(Member).where(Member.unit_id == unit_id))).all())


async def count_members(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(Member.id))) or 0)


def answering_roles() -> tuple[str, ...]:
    """Roles that answer their unit's questionnaire."""
    return tuple(sorted(role.value for role in ANSWERING_ROLES))


async def mark_unreachable(
    session: AsyncSession, telegram_user_ids: list[int], now: datetime
) -> None:
    """Remember that these people blocked the bot (escalations report them)."""
    if not telegram_user_ids:
        return
    await session.execute(
        update(Member)
        .where(Member.telegram_user_id.in_(telegram_user_ids), Member.reachable.is_(True))
        .values(reachable=False, unreachable_since=now)
    )


async def mark_reachable(session: AsyncSession, telegram_user_id: int) -> None:
    """A person who wrote to the bot can be reached again."""
    await session.execute(
        update(Member)
        .where(Member.telegram_user_id == telegram_user_id, Member.reachable.is_(False))
        .values(reachable=True, unreachable_since=None)
    )


async def reachable_again(
    session: AsyncSession, telegram_user_id: int, members: Iterable[Member]
) -> None:
    """The person wrote to the bot: if any of their ``members`` (just loaded) is marked
    unreachable, mark them all reachable again. No write otherwise."""
    if any(not m.reachable for m in members):
        await mark_reachable(session, telegram_user_id)
