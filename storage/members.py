"""Members: Telegram users bound to units with roles, and registration by invite."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage import audit
from storage.models import Invite, InviteAttempt, Member
from tidtam.core.invite_codes import hash_code, normalize_code
from tidtam.core.vocabulary import ANSWERING_ROLES

MAX_WRONG_TRIES = 5
WRONG_TRIES_WINDOW = timedelta(minutes=15)


class Redeem(enum.StrEnum):
    REGISTERED = "registered"
    ALREADY = "already"  # this person already holds this membership
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    LOCKED = "locked"  # too many wrong tries


@dataclass(frozen=True, slots=True)
class RedeemResult:
    outcome: Redeem
    member: Member | None = None
    retry_after: timedelta | None = None


async def wrong_tries_lock(
    session: AsyncSession, telegram_user_id: int, now: datetime
) -> timedelta | None:
    """How long this person must wait before trying a code again, if at all."""
    since = now - WRONG_TRIES_WINDOW
    times = (
        await session.scalars(
            select(InviteAttempt.at)
            .where(InviteAttempt.telegram_user_id == telegram_user_id, InviteAttempt.at > since)
            .order_by(InviteAttempt.at)
        )
    ).all()
    if len(times) < MAX_WRONG_TRIES:
        return None
    return times[-MAX_WRONG_TRIES] + WRONG_TRIES_WINDOW - now


async def redeem_invite(
    session: AsyncSession,
    telegram_user_id: int,
    text: str,
    *,
    display_name: str,
    language: str | None,
    now: datetime,
) -> RedeemResult:
    """Register a person with an invite code typed or sent through a deep link."""
    locked = await wrong_tries_lock(session, telegram_user_id, now)
    if locked is not None:
        return RedeemResult(Redeem.LOCKED, retry_after=locked)
    code = normalize_code(text)
    invite = None
    if code is not None:
        invite = await session.scalar(
            select(Invite)
            .options(selectinload(Invite.unit))
            .where(Invite.code_hash == hash_code(code))
        )
    if invite is None or invite.expires_at <= now or invite.used_at is not None:
        if invite is not None and invite.used_by == telegram_user_id:
            existing = await _membership(session, telegram_user_id, invite.unit_id, invite.role)
            if existing is not None:
                return RedeemResult(Redeem.ALREADY, member=existing)
        session.add(InviteAttempt(telegram_user_id=telegram_user_id, at=now))
        await _forget_old_attempts(session, telegram_user_id, now)
        if invite is None:
            return RedeemResult(Redeem.WRONG)
        return RedeemResult(Redeem.USED if invite.used_at is not None else Redeem.EXPIRED)
    existing = await _membership(session, telegram_user_id, invite.unit_id, invite.role)
    if existing is not None:
        return RedeemResult(Redeem.ALREADY, member=existing)
    claimed = await session.execute(  # a conditional UPDATE: only one person can claim
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now, used_by=telegram_user_id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # someone else was faster
        return RedeemResult(Redeem.USED)
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
    return RedeemResult(Redeem.REGISTERED, member=member)


async def _membership(
    session: AsyncSession, telegram_user_id: int, unit_id: int, role: str
) -> Member | None:
    return await session.scalar(
        select(Member)
        .options(selectinload(Member.unit))
        .where(
            Member.telegram_user_id == telegram_user_id,
            Member.unit_id == unit_id,
            Member.role == role,
        )
    )


async def _forget_old_attempts(session: AsyncSession, telegram_user_id: int, now: datetime) -> None:
    await session.execute(
        delete(InviteAttempt).where(
            InviteAttempt.telegram_user_id == telegram_user_id,
            InviteAttempt.at <= now - WRONG_TRIES_WINDOW,
        )
    )


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
