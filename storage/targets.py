"""Targets (ค่าเป้าหมาย): stored per unit, number question and period; read for reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Target


async def replace_targets(
    session: AsyncSession,
    form_code: str,
    rows: Sequence[tuple[int, str, str, Decimal]],
    *,
    now: datetime,
) -> int:
    """Store ``(unit id, question id, period, value)`` rows, replacing the same keys."""
    if not rows:
        return 0
    keys = [(form_code, question, period, unit) for unit, question, period, _ in rows]
    await session.execute(
        delete(Target).where(
            tuple_(Target.form_code, Target.question_id, Target.period, Target.unit_id).in_(keys)
        )
    )
    session.add_all(
        Target(
            form_code=form_code,
            question_id=question,
            period=period,
            unit_id=unit,
            value=str(value),
            imported_at=now,
        )
        for unit, question, period, value in rows
    )
    await session.flush()
    return len(rows)


async def targets_of(
    session: AsyncSession, form_code: str, period: str
) -> dict[tuple[int, str], Decimal]:
    """The stored targets of a form's period: ``(unit id, question id) -> value``."""
    found = await session.execute(
        select(Target.unit_id, Target.question_id, Target.value).where(
            Target.form_code == form_code, Target.period == period
        )
    )
    return {(unit, question): Decimal(value) for unit, question, value in found.all()}
