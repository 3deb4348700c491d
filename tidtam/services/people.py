"""Who a person is to tidtam: their memberships as plain data, and their language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.members import memberships, reachable_again
from storage.models import Member
from tidtam.core.vocabulary import Role


@dataclass(frozen=True, slots=True)
class Membership:
    """One role of a person in one unit."""

    unit_id: int
    unit_name: str
    role: Role
    language: str | None  # the language the person chose, if any

    @classmethod
    def of(cls, member: Member) -> Membership:
        return cls(member.unit_id, member.unit.name, Role(member.role), member.language)


@dataclass(frozen=True, slots=True)
class Person:
    """A Telegram user's memberships (none if not registered) and stored language."""

    telegram_user_id: int
    memberships: tuple[Membership, ...]

    @property
    def language(self) -> str | None:
        return stored_language(self.memberships)

    @property
    def roles(self) -> set[Role]:
        return {m.role for m in self.memberships}


def stored_language(members: Sequence[Membership]) -> str | None:
    """The language the person chose (kept on their first membership), if any."""
    return members[0].language if members else None


async def load_person(session: AsyncSession, telegram_user_id: int) -> Person:
    """The person's memberships, in a stable order, in the session's transaction.

    The person wrote to the bot: if they had blocked it, they are reachable again.
    """
    found = await memberships(session, telegram_user_id)
    await reachable_again(session, telegram_user_id, found)
    return Person(telegram_user_id, tuple(Membership.of(m) for m in found))


async def set_language(
    sessions: async_sessionmaker[AsyncSession], telegram_user_id: int, language: str
) -> Person:
    """Remember the language the person chose (/language) on every membership; the person
    as before the change (no memberships: nothing to remember it on)."""
    async with transaction(sessions) as session:
        found = await memberships(session, telegram_user_id)
        for member in found:
            member.language = language
        return Person(telegram_user_id, tuple(Membership.of(m) for m in found))


async def person(sessions: async_sessionmaker[AsyncSession], telegram_user_id: int) -> Person:
    """:func:`load_person` in a transaction of its own (for /help and the like)."""
    async with transaction(sessions) as session:
        return await load_person(session, telegram_user_id)
