"""Import a units file: read it, plan against the stored tree, apply, all or nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.units import ImportSummary, apply_import, existing_units
from tidtam.core.unitsfile import UnitsFileScan, plan_scan, scan_units_file

__all__ = ["ImportSummary", "import_scan", "import_units_file"]


async def import_scan(
    session: AsyncSession, scan: UnitsFileScan, *, actor: int | None = None
) -> ImportSummary:
    """Plan a scanned file against the stored units and apply it in the session's transaction.

    Raises :class:`~tidtam.core.unitsfile.UnitsFileError` listing every problem of the
    rows and of the resulting tree before anything is written.
    """
    plan = plan_scan(scan, await existing_units(session))
    return await apply_import(session, plan, actor=actor)


async def import_units_file(
    sessions: async_sessionmaker[AsyncSession], path: Path, *, actor: int | None = None
) -> ImportSummary:
    """Add or update the units of ``path`` in one transaction; on any problem nothing."""
    scan = scan_units_file(path)
    async with transaction(sessions) as session:
        return await import_scan(session, scan, actor=actor)
