"""The sweep: what is due at a moment, computed from the database and the ledger, sent.

For each open round: load the world, ask :func:`reminders.policy.due` what is due
"as at" ``now`` and not in the ledger, record what is superseded, then for each
message claim its ledger row (a unique key: whoever inserts it sends it), send, and
mark it sent or unreachable; a passing failure gives the claim back for the next
sweep. So a second sweep, a crash between two sends, a late start or two running
copies neither repeat nor skip a message. A claim left by a crash between claiming
and sending is taken over after :data:`STALE_CLAIM`; only a crash in the instant
between Telegram accepting a message and its row being marked can repeat that one
message.

On PostgreSQL one sweeper runs at a time (a session advisory lock); a second copy of
``tidtam run`` skips the sweep while the first holds it. Reminders never touch a
person's conversation state.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.policy import Due, due
from reminders.sender import Outcome, PacedSender
from reminders.texts import render
from storage.db import transaction
from storage.members import mark_unreachable
from storage.reminder_facts import (
    SENT,
    UNREACHABLE,
    claim,
    finish,
    ledger_keys,
    load_world,
    move_group,
    record_superseded,
    release,
    sweepable_rounds,
)

log = logging.getLogger("tidtam.reminders")

STALE_CLAIM = timedelta(minutes=10)
ADVISORY_LOCK = 0x7469_6474  # "tidt"


@dataclass
class SweepReport:
    """What one sweep did, by outcome and by kind of message."""

    rounds: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    superseded: int = 0
    skipped_locked: bool = False
    by_kind: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        if self.skipped_locked:
            return "another sweeper is running; nothing done"
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items())) or "nothing due"
        return (
            f"{self.rounds} open round(s): {self.sent} sent, {self.unreachable} unreachable, "
            f"{self.failed} to retry, {self.superseded} superseded ({kinds})"
        )


@asynccontextmanager
async def _sweeper_lock(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[bool]:
    """On PostgreSQL, hold the sweeper lock for the block; yield whether it was taken."""
    async with sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            yield True
            return
        got = bool(await session.scalar(text(f"SELECT pg_try_advisory_lock({ADVISORY_LOCK})")))
        try:
            yield got
        finally:
            if got:
                await session.execute(text(f"SELECT pg_advisory_unlock({ADVISORY_LOCK})"))
            await session.commit()


async def sweep(
    sessions: async_sessionmaker[AsyncSession], sender: PacedSender, now: datetime
) -> SweepReport:
    """Send everything due at ``now`` that the ledger does not have yet."""
    report = SweepReport()
    async with _sweeper_lock(sessions) as got:
        if not got:
            report.skipped_locked = True
            return report
        stale_before = now - STALE_CLAIM
        async with transaction(sessions) as session:
            rounds = await sweepable_rounds(session, now)
        report.rounds = len(rounds)
        for round_ in rounds:
            async with transaction(sessions) as session:
                world = await load_world(session, round_)
                sent = await ledger_keys(session, round_.id, stale_before)
                plan = due(world, now, sent)
                await record_superseded(session, round_.id, [s.key for s in plan.superseded], now)
            report.superseded += len(plan.superseded)
            await asyncio.gather(
                *(
                    _send_one(sessions, sender, round_.id, item, now, stale_before, report)
                    for item in plan.send
                )
            )
    return report


async def _send_one(
    sessions: async_sessionmaker[AsyncSession],
    sender: PacedSender,
    round_id: int,
    item: Due,
    now: datetime,
    stale_before: datetime,
    report: SweepReport,
) -> None:
    async with sender.slot():  # claim only what is about to be sent
        async with transaction(sessions) as session:
            if not await claim(session, round_id, item.key, now, stale_before):
                return  # sent, or being sent, by another sweep
        try:
            delivery = await sender.send_in_slot(item.chat_id, render(item))
        except Exception:
            log.exception("sending %s to %s failed", item.step, item.recipient)
            async with transaction(sessions) as session:
                await release(session, round_id, item.key)
            report.failed += 1
            return
    async with transaction(sessions) as session:
        if delivery.outcome is Outcome.SENT:
            await finish(session, round_id, item.key, SENT, now)
            if delivery.chat_id != item.chat_id:
                await move_group(session, item.chat_id, delivery.chat_id)
            report.sent += 1
            report.by_kind[item.kind.value] += 1
        elif delivery.outcome is Outcome.UNREACHABLE:
            await finish(session, round_id, item.key, UNREACHABLE, now)
            if item.chat_id > 0:
                await mark_unreachable(session, [item.chat_id], now)
            report.unreachable += 1
        else:
            await release(session, round_id, item.key)
            report.failed += 1
