"""The reminder ledger: one row per message of a round, claimed before it is sent.

A row's key is ``(round_id, recipient, step)`` (unique): whoever inserts it sends that
message, so two sweeps at once, a late start or a crash neither repeat nor skip one.
A row is ``sending`` while claimed, then ``sent``, ``unreachable`` or ``superseded``;
a claim given back (a passing failure) is deleted for the next sweep to retry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReminderLedger
from storage.upsert import insert_ignore, insert_statement

SENDING, SENT, SUPERSEDED, UNREACHABLE = "sending", "sent", "superseded", "unreachable"

#: A ledger row's identity within a round: (recipient, step).
LedgerKey = tuple[str, str]


async def ledger_keys(
    session: AsyncSession, round_id: int, stale_before: datetime
) -> set[LedgerKey]:
    """Keys already done or being sent; a claim older than ``stale_before`` is not counted."""
    rows = await session.execute(
        select(
            ReminderLedger.recipient,
            ReminderLedger.step,
            ReminderLedger.status,
            ReminderLedger.created_at,
        ).where(ReminderLedger.round_id == round_id)
    )
    return {
        (recipient, step)
        for recipient, step, status, created in rows.all()
        if status != SENDING or created >= stale_before
    }


async def claim_many(
    session: AsyncSession,
    round_id: int,
    keys: Sequence[LedgerKey],
    now: datetime,
    stale_before: datetime,
) -> set[LedgerKey]:
    """Take the right to send these keys: new ledger rows, or stale claims taken over.

    Returns the keys this caller now owns; the others are sent (or being sent) by
    someone else.
    """
    if not keys:
        return set()
    statement = (
        insert_statement(session, ReminderLedger)
        .values(
            [
                {
                    "round_id": round_id,
                    "recipient": r,
                    "step": s,
                    "status": SENDING,
                    "created_at": now,
                }
                for r, s in keys
            ]
        )
        .on_conflict_do_nothing(index_elements=["round_id", "recipient", "step"])
        .returning(ReminderLedger.recipient, ReminderLedger.step)
    )
    owned: set[LedgerKey] = {(r, s) for r, s in (await session.execute(statement)).all()}
    rest = [k for k in keys if k not in owned]
    if rest:
        stale = await session.execute(
            update(ReminderLedger)
            .where(
                ReminderLedger.round_id == round_id,
                tuple_(ReminderLedger.recipient, ReminderLedger.step).in_(rest),
                ReminderLedger.status == SENDING,
                ReminderLedger.created_at < stale_before,
            )
            .values(created_at=now)
            .returning(ReminderLedger.recipient, ReminderLedger.step)
        )
        owned |= {(r, s) for r, s in stale.all()}
    return owned


async def claim(
    session: AsyncSession, round_id: int, key: LedgerKey, now: datetime, stale_before: datetime
) -> bool:
    """:func:`claim_many` for one key."""
    return key in await claim_many(session, round_id, [key], now, stale_before)


async def finish(
    session: AsyncSession,
    round_id: int,
    keys: LedgerKey | Sequence[LedgerKey],
    status: str,
    now: datetime,
) -> None:
    """Mark claimed keys as ``status`` (sent, unreachable)."""
    many = [keys] if isinstance(keys, tuple) else list(keys)
    if not many:
        return
    await session.execute(
        update(ReminderLedger)
        .where(
            ReminderLedger.round_id == round_id,
            tuple_(ReminderLedger.recipient, ReminderLedger.step).in_(many),
        )
        .values(status=status, sent_at=now)
    )


async def release(
    session: AsyncSession, round_id: int, keys: LedgerKey | Sequence[LedgerKey]
) -> None:
    """Give claims back (the send failed for a passing reason): the next sweep retries."""
    many = [keys] if isinstance(keys, tuple) else list(keys)
    if not many:
        return
    await session.execute(
        delete(ReminderLedger).where(
            ReminderLedger.round_id == round_id,
            tuple_(ReminderLedger.recipient, ReminderLedger.step).in_(many),
            ReminderLedger.status == SENDING,
        )
    )


async def record_superseded(
    session: AsyncSession, round_id: int, keys: Iterable[LedgerKey], now: datetime
) -> None:
    for recipient, step in keys:
        await insert_ignore(
            session,
            ReminderLedger,
            {
                "round_id": round_id,
                "recipient": recipient,
                "step": step,
                "status": SUPERSEDED,
                "created_at": now,
                "sent_at": None,
            },
            keys=("round_id", "recipient", "step"),
        )
