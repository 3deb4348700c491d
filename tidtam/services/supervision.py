"""Supervisors and officers act on their subtree: /remind nudges, the province group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.nudge import NudgeReport, nudge
from storage import audit
from storage.db import transaction
from storage.group_links import link_group as store_group_link
from storage.group_links import move_group
from storage.submissions import open_rounds
from storage.tree import parent_map
from tidtam.core.tree import subtree
from tidtam.core.vocabulary import Role
from tidtam.services.people import Membership, load_person
from tidtam.services.status import Refusal, Refused

if TYPE_CHECKING:
    from reminders.sending import Sender

OVERSEEING = (Role.SUPERVISOR, Role.OFFICER)


@dataclass(frozen=True, slots=True)
class Reminded:
    """One report per open round of the nudges sent now."""

    language: str | None
    reports: list[NudgeReport] = field(default_factory=list)
    units: int = 0  # the units in the asker's care


@dataclass(frozen=True, slots=True)
class GroupLinked:
    language: str | None
    title: str
    new: bool  # False when the group was linked before


def overseen_roots(members: Sequence[Membership]) -> list[int]:
    """The units whose subtrees these memberships oversee."""
    return sorted({m.unit_id for m in members if m.role in OVERSEEING})


async def remind(
    sessions: async_sessionmaker[AsyncSession],
    sender: Sender,
    telegram_user_id: int,
    now: datetime,
) -> Reminded | Refused:
    """Nudge the units below the asker's that have not submitted (once a day each)."""
    async with transaction(sessions) as session:
        person = await load_person(session, telegram_user_id)
        parents = await parent_map(session)
        rounds = await open_rounds(session, now)
    roots = overseen_roots(person.memberships)
    if not roots:
        return Refused(Refusal.NOT_ALLOWED, person.language, OVERSEEING)
    if not rounds:
        return Refused(Refusal.NO_ROUND, person.language)
    scope: set[int] = set()
    for root in roots:
        scope |= subtree(parents, root)
    scope -= set(roots)
    reports = [await nudge(sessions, sender, round_, scope, now) for round_ in rounds]
    async with transaction(sessions) as session:
        audit.record(session, "remind", actor=telegram_user_id, units=len(scope))
    return Reminded(person.language, reports, len(scope))


async def link_group(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    chat_id: int,
    title: str,
) -> GroupLinked | Refused:
    """Make the group the province group (officers only): it gets the daily digest."""
    async with transaction(sessions) as session:
        person = await load_person(session, telegram_user_id)
        officer = next((m for m in person.memberships if m.role == Role.OFFICER), None)
        if officer is None:
            return Refused(Refusal.NOT_ALLOWED, None, (Role.OFFICER,))
        new = await store_group_link(
            session, chat_id, unit_id=officer.unit_id, title=title, linked_by=telegram_user_id
        )
    return GroupLinked(officer.language, title, new)


async def group_migrated(
    sessions: async_sessionmaker[AsyncSession], old_chat_id: int, new_chat_id: int
) -> None:
    """Keep a linked group's id when it becomes a supergroup."""
    async with transaction(sessions) as session:
        await move_group(session, old_chat_id, new_chat_id)
