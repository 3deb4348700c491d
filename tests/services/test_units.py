"""Importing a units file through the use case: all of it, or nothing and every problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import Unit
from tidtam.core.unitsfile import UnitsFileError
from tidtam.samples import UNITS_FILE
from tidtam.services.units import import_units_file


async def count_units(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        return int(await session.scalar(select(func.count(Unit.id))) or 0)


async def test_import_then_reimport(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    first = await import_units_file(sessions, UNITS_FILE)
    total = await count_units(sessions)
    assert first.added == total > 10 and first.updated == first.unchanged == 0
    again = await import_units_file(sessions, UNITS_FILE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, total)
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(
        "code,name,kind,parent_code\nPBN-ESA1,เขต 1 (ใหม่),esa,PBN\nNEW1,ใหม่,school,PBN-ESA1\n",
        encoding="utf-8",
    )
    partial = await import_units_file(sessions, renamed)
    assert (partial.added, partial.updated, partial.unchanged) == (1, 1, 0)
    async with transaction(sessions) as session:
        new = await session.scalar(select(Unit).where(Unit.code == "NEW1"))
        esa = await session.scalar(select(Unit).where(Unit.code == "PBN-ESA1"))
    assert new is not None and esa is not None and new.parent_id == esa.id
    assert esa.name == "เขต 1 (ใหม่)"


async def test_every_problem_of_a_file_at_once(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """Duplicates and missing values no longer hide unknown parents and cycles."""
    await import_units_file(sessions, UNITS_FILE)
    before = await count_units(sessions)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,kind,parent_code\n"
        "A1,Unit A1,school,PBN\n"  # row 2: fine on its own
        "A1,Again,school,PBN\n"  # row 3: duplicate code
        "B1,,school,PBN\n"  # row 4: missing name
        "C1,Child of B1,school,B1\n"  # row 5: parent on a bad row: not unknown
        "S1,School,school,NOPE\n"  # row 6: unknown parent
        "X1,Loop 1,school,X2\n"  # row 7: cycle
        "X2,Loop 2,school,X1\n",  # row 8: cycle
        encoding="utf-8",
    )
    with pytest.raises(UnitsFileError) as raised:
        await import_units_file(sessions, bad)
    found = [(p.row, p.column, p.message.split(" ")[0]) for p in raised.value.problems]
    assert found == [
        (3, "code", "duplicate"),
        (4, "name", "missing"),
        (6, "parent_code", "unknown"),
        (7, "parent_code", "cycle"),
        (8, "parent_code", "cycle"),
    ]
    assert all(p.file == "bad.csv" for p in raised.value.problems)
    assert await count_units(sessions) == before  # nothing written


async def test_an_unreadable_file_is_refused_before_the_database(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    bad = tmp_path / "units.txt"
    bad.write_text("code,name,kind\n", encoding="utf-8")
    with pytest.raises(UnitsFileError, match="unsupported file type"):
        await import_units_file(sessions, bad)
    assert await count_units(sessions) == 0
