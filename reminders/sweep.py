"""The sweep: what is due at a moment, computed from the database and the ledger, sent.

For each open round: load its rows, build the world (:mod:`reminders.world`), ask
:func:`reminders.policy.due` what is due "as at" ``now`` and not in the ledger, and
record what is superseded. Then, a small
batch at a time, claim the messages' ledger rows (a unique key: whoever inserts a
row sends that message), send them, and mark each sent or unreachable; a passing
failure gives the claim back for the next sweep. Only a batch about to be sent is
claimed, so a second sweep, a crash between two sends, a late start or two running
copies neither repeat nor skip a message: a claim left by a crash is taken over
after :data:`STALE_CLAIM`. Only a crash in the instant between Telegram accepting
a message and its row being marked can repeat that one message.

On PostgreSQL one sweeper runs at a time (a session advisory lock); a second copy of
``tidtam run`` skips the sweep while the first holds it. Reminders never touch a
person's conversation state. Messages go through a :class:`~reminders.sending.Sender`
(the bot's, :class:`bot.reminder_sender.TelegramSender`): the sweep knows no channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.policy import Due, LedgerKey, Plan, due
from reminders.sending import Delivery, Outcome, Sender
from reminders.texts import render
from reminders.world import build_world
from storage.db import transaction
from storage.group_links import move_group
from storage.members import mark_unreachable
from storage.reminder_ledger import (
    SENT,
    UNREACHABLE,
    claim_many,
    finish,
    ledger_keys,
    record_superseded,
    release,
)
from storage.reminder_queries import load_reminder_rows, sweepable_rounds
from storage.reminder_rows import ReminderRows

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
    sessions: async_sessionmaker[AsyncSession], sender: Sender, now: datetime
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
                rows = await load_reminder_rows(session, round_)
                sent = await ledger_keys(session, round_.id, stale_before)
                # Thousands of people take a good part of a second: not on the bot's loop.
                plan = await asyncio.to_thread(_plan, rows, now, sent)
                await record_superseded(session, round_.id, [s.key for s in plan.superseded], now)
            report.superseded += len(plan.superseded)
            batch = max(1, sender.in_flight * 2)
            for first in range(0, len(plan.send), batch):
                await _send_batch(
                    sessions,
                    sender,
                    round_.id,
                    plan.send[first : first + batch],
                    now,
                    stale_before,
                    report,
                )
    return report


def _plan(rows: ReminderRows, now: datetime, sent: set[LedgerKey]) -> Plan:
    return due(build_world(rows), now, sent)


async def _send_batch(
    sessions: async_sessionmaker[AsyncSession],
    sender: Sender,
    round_id: int,
    items: Sequence[Due],
    now: datetime,
    stale_before: datetime,
    report: SweepReport,
) -> None:
    """Claim a batch (only what is about to be sent), send it, record the outcomes."""
    async with transaction(sessions) as session:
        owned = await claim_many(session, round_id, [i.key for i in items], now, stale_before)
    mine = [i for i in items if i.key in owned]  # the rest: sent, or being sent, elsewhere

    async def deliver(item: Due) -> None:
        try:
            delivery: Delivery | None = await sender.send(item.chat_id, render(item))
        except Exception:
            log.exception("sending %s to %s failed", item.step, item.recipient)
            delivery = None
        # Recorded at once, message by message: a crash later in the batch must not
        # leave a sent message looking unsent.
        async with transaction(sessions) as session:
            if delivery is not None and delivery.migrated_to is not None:
                await move_group(session, item.chat_id, delivery.migrated_to)
            if delivery is None or delivery.outcome is Outcome.RETRY_LATER:
                await release(session, round_id, item.key)
                failed.append(item.key)
            elif delivery.outcome is Outcome.UNREACHABLE:
                await finish(session, round_id, item.key, UNREACHABLE, now)
                if item.chat_id > 0:
                    await mark_unreachable(session, [item.chat_id], now)
                unreachable.append(item.key)
            else:
                await finish(session, round_id, item.key, SENT, now)
                sent.append(item.key)
                report.by_kind[item.kind.value] += 1

    sent: list[LedgerKey] = []
    unreachable: list[LedgerKey] = []
    failed: list[LedgerKey] = []
    await asyncio.gather(*(deliver(item) for item in mine))
    report.sent += len(sent)
    report.unreachable += len(unreachable)
    report.failed += len(failed)
