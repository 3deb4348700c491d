"""Units: the organisation tree as stored; the import use case plans, this applies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Unit
from tidtam.core.unitsfile import ExistingUnit, ImportPlan


@dataclass(frozen=True, slots=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


async def existing_units(session: AsyncSession) -> dict[str, ExistingUnit]:
    """Every unit in the database, keyed by code, as the units file planner sees them."""
    units = (await session.scalars(select(Unit))).all()
    code_of = {u.id: u.code for u in units}
    return {
        u.code: ExistingUnit(
            code=u.code,
            name=u.name,
            kind=u.kind,
            parent_code=code_of.get(u.parent_id) if u.parent_id is not None else None,
            district=u.district,
        )
        for u in units
    }


async def apply_import(
    session: AsyncSession, plan: ImportPlan, *, actor: int | None = None
) -> ImportSummary:
    """Write a checked plan in the session's transaction (parents before children)."""
    by_code = {u.code: u for u in (await session.scalars(select(Unit))).all()}
    for row in plan.added:  # parents come before children
        unit = Unit(code=row.code, name=row.name, kind=row.kind, district=row.district)
        session.add(unit)
        by_code[row.code] = unit
    await session.flush()
    for row in [*plan.added, *(r for r, _ in plan.updated)]:
        unit = by_code[row.code]
        unit.name, unit.kind, unit.district = row.name, row.kind, row.district
        unit.parent_id = by_code[row.parent_code].id if row.parent_code else None
    await session.flush()
    summary = ImportSummary(len(plan.added), len(plan.updated), len(plan.unchanged))
    audit.record(
        session,
        "units.import",
        actor=actor,
        added=summary.added,
        updated=summary.updated,
        unchanged=summary.unchanged,
    )
    return summary


async def unit_by_code(session: AsyncSession, code: str) -> Unit | None:
    return await session.scalar(select(Unit).where(Unit.code == code))


async def units_of_kinds(session: AsyncSession, kinds: Sequence[str] | None) -> list[Unit]:
    """All units, or those of the given kinds, ordered by code."""
    query = select(Unit).order_by(Unit.code)
    if kinds:
        query = query.where(Unit.kind.in_(list(kinds)))
    return list((await session.scalars(query)).all())
