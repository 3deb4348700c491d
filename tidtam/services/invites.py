"""Create one-time invite codes for units, with the bot's deep links."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.invites import IssuedInvite, create_invites
from storage.units import unit_by_code, units_of_kinds
from tidtam.core.vocabulary import Role

__all__ = ["Invitation", "Invitations", "IssuedInvite", "Refusal", "invite_link", "invite_units"]


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
