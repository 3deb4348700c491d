"""Register with a one-time invite code: typed, after /start, or through a deep link.

Wrong tries are stored per Telegram user: after :data:`MAX_WRONG_TRIES` codes that did
not work within :data:`WRONG_TRIES_WINDOW`, every code (even a good one) waits until the
oldest of them leaves the window. A person may hold several memberships (one per
invite); a code they already redeemed says so instead of counting as a wrong try.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.chat_states import load_chat_state
from storage.db import transaction
from storage.invites import claim_invite, invite_by_code, record_wrong_try, wrong_tries_since
from storage.members import add_member, mark_reachable, membership
from tidtam.core.invite_codes import normalize_code
from tidtam.core.thai import THAI_DIGITS
from tidtam.services.people import Membership, load_person

MAX_WRONG_TRIES = 5
WRONG_TRIES_WINDOW = timedelta(minutes=15)
AWAITING_CODE = "awaiting_code"  # the chat's mode while the next text is taken as a code
SHOWN_CODE_LENGTH = 32  # a wrong code is shown back at most this long


class Outcome(enum.StrEnum):
    REGISTERED = "registered"
    ALREADY = "already"  # this person already holds this membership
    WRONG = "wrong"  # no such code; ``tries_left``
    EXPIRED = "expired"
    USED = "used"
    LOCKED = "locked"  # too many wrong tries; ``retry_after``
    WELCOME_BACK = "welcome_back"  # /start without a code, registered
    ASK_CODE = "ask_code"  # /start without a code, not registered: the next text is one


@dataclass(frozen=True, slots=True)
class Newcomer:
    """Who is registering, as the channel knows them."""

    telegram_user_id: int
    display_name: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Registration:
    """What happened to a code (or a bare /start), with what to show."""

    outcome: Outcome
    membership: Membership | None = None  # registered now or already held
    memberships: tuple[Membership, ...] = ()  # all of the person's, when registered
    code: str = ""  # the text tried, shortened, for WRONG
    tries_left: int | None = None
    retry_after: timedelta | None = None


def could_be_code(text: str) -> bool:
    """Whether ``text`` could be an invite code at all: codes are Latin letters and digits
    (Thai digits are read as digits), so "สวัสดีค่ะ" is not a wrong code."""
    return any((ch.isascii() and ch.isalnum()) or ch in THAI_DIGITS for ch in text)


async def redeem_code(
    session: AsyncSession, newcomer: Newcomer, text: str, now: datetime
) -> Registration:
    """Try ``text`` as an invite code for the person, in the session's transaction."""
    user_id = newcomer.telegram_user_id
    state = await load_chat_state(session, user_id)
    locked = await _lock(session, user_id, now)
    if locked is not None:
        return Registration(Outcome.LOCKED, retry_after=locked)
    if not could_be_code(text):  # a greeting ("สวัสดีค่ะ") uses up no try
        state.mode = AWAITING_CODE
        return Registration(Outcome.ASK_CODE)
    code = normalize_code(text)
    invite = await invite_by_code(session, code) if code is not None else None
    if invite is None or invite.expires_at <= now or invite.used_at is not None:
        if invite is not None and invite.used_by == user_id:
            held = await membership(session, user_id, invite.unit_id, invite.role)
            if held is not None:
                state.mode = "idle"
                return await _registered(session, Outcome.ALREADY, user_id, held.unit_id, held.role)
        await record_wrong_try(session, user_id, now, forget_before=now - WRONG_TRIES_WINDOW)
        if invite is not None:
            return Registration(Outcome.USED if invite.used_at is not None else Outcome.EXPIRED)
        state.mode = AWAITING_CODE
        locked = await _lock(session, user_id, now)
        if locked is not None:
            return Registration(Outcome.LOCKED, retry_after=locked)
        tries = await wrong_tries_since(session, user_id, now - WRONG_TRIES_WINDOW)
        return Registration(
            Outcome.WRONG,
            code=text.strip()[:SHOWN_CODE_LENGTH],
            tries_left=MAX_WRONG_TRIES - len(tries),
        )
    held = await membership(session, user_id, invite.unit_id, invite.role)
    if held is not None:
        state.mode = "idle"
        return await _registered(session, Outcome.ALREADY, user_id, held.unit_id, held.role)
    if not await claim_invite(session, invite.id, user_id, now):  # someone else was faster
        return Registration(Outcome.USED)
    await add_member(
        session,
        invite,
        user_id,
        display_name=newcomer.display_name,
        language=newcomer.language,
    )
    state.mode = "idle"
    return await _registered(session, Outcome.REGISTERED, user_id, invite.unit_id, invite.role)


async def register(
    sessions: async_sessionmaker[AsyncSession], newcomer: Newcomer, text: str, now: datetime
) -> Registration:
    """:func:`redeem_code` in a transaction of its own."""
    async with transaction(sessions) as session:
        return await redeem_code(session, newcomer, text, now)


async def start(
    sessions: async_sessionmaker[AsyncSession],
    newcomer: Newcomer,
    code: str | None,
    now: datetime,
) -> Registration:
    """/start: redeem the code if one came, else welcome back or ask for a code."""
    async with transaction(sessions) as session:
        await mark_reachable(session, newcomer.telegram_user_id)  # "Restart" after a block
        if code:
            return await redeem_code(session, newcomer, code, now)
        person = await load_person(session, newcomer.telegram_user_id)
        if person.memberships:
            return Registration(Outcome.WELCOME_BACK, memberships=person.memberships)
        (await load_chat_state(session, newcomer.telegram_user_id)).mode = AWAITING_CODE
        return Registration(Outcome.ASK_CODE)


async def _lock(session: AsyncSession, user_id: int, now: datetime) -> timedelta | None:
    """How long this person must wait before trying a code again, if at all."""
    tries = await wrong_tries_since(session, user_id, now - WRONG_TRIES_WINDOW)
    if len(tries) < MAX_WRONG_TRIES:
        return None
    return tries[-MAX_WRONG_TRIES] + WRONG_TRIES_WINDOW - now


async def _registered(
    session: AsyncSession,
    outcome: Outcome,
    user_id: int,
    unit_id: int,
    role: str | None = None,
) -> Registration:
    person = await load_person(session, user_id)
    matching = [m for m in person.memberships if m.unit_id == unit_id]
    chosen = next((m for m in matching if role is None or m.role == role), matching[0])
    return Registration(outcome, membership=chosen, memberships=person.memberships)
