"""/remind: a supervisor nudges the units under it that have not submitted, now.

Each unit is nudged at most once a local day, whoever asks: the ledger row
``(unit:<id>, remind:<date>)`` is claimed before its members are written to. The
nudges go in the background of the bot's rate limiter, like the reminders, behind
any reply waiting (see :mod:`bot.reminder_sender`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.policy import DONE_STATES, UNIT_ROLES, Due, Kind, UnitReminder, deadline_day
from reminders.sending import Outcome, Sender
from reminders.texts import render
from reminders.world import build_world
from storage.db import transaction
from storage.members import mark_unreachable
from storage.models import Round
from storage.reminder_ledger import SENT, claim, finish
from storage.reminder_queries import load_reminder_rows


@dataclass
class NudgeReport:
    units: int = 0  # nudged now
    people: int = 0
    already_today: int = 0
    nobody: int = 0  # not submitted, nobody reachable


async def nudge(
    sessions: async_sessionmaker[AsyncSession],
    sender: Sender,
    round_: Round,
    unit_ids: set[int],
    now: datetime,
) -> NudgeReport:
    """Remind every reachable member of the not-submitted units among ``unit_ids``."""
    report = NudgeReport()
    async with transaction(sessions) as session:
        rows = await load_reminder_rows(session, round_)
    world = build_world(rows)
    zone = world.round.policy.zone
    today = now.astimezone(zone).date()
    days_left = (deadline_day(world.round) - today).days
    for unit in world.units:
        if unit.unit_id not in unit_ids or unit.state in DONE_STATES:
            continue
        people = {
            m.telegram_user_id: m.language
            for m in unit.members
            if m.role in UNIT_ROLES and m.reachable
        }
        if not people:
            report.nobody += 1
            continue
        key = (f"unit:{unit.unit_id}", f"remind:{today.isoformat()}")
        async with transaction(sessions) as session:
            if not await claim(session, round_.id, key, now, now):
                report.already_today += 1
                continue
        payload = UnitReminder(
            round_.id,
            round_.period,
            unit.unit_id,
            unit.name,
            unit.state,
            world.round.deadline.astimezone(zone),
            days_left,
            tuple(sorted(unit.missing_by_section.items())),
        )
        blocked = []
        for user_id, language in people.items():
            item = Due(f"user:{user_id}", key[1], Kind.UNIT, user_id, now, payload, language)
            delivery = await sender.send(user_id, render(item))
            if delivery.outcome is Outcome.SENT:
                report.people += 1
            elif delivery.outcome is Outcome.UNREACHABLE:
                blocked.append(user_id)
        async with transaction(sessions) as session:
            await finish(session, round_.id, key, SENT, now)
            await mark_unreachable(session, blocked, now)
        report.units += 1
    return report
