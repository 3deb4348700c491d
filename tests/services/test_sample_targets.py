"""The sample province's targets file for the project form imports, and its figures count."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reports.snapshot import load_round_snapshot
from reports.targets import achievement
from storage.targets import targets_of
from tests.provinces import open_sample_round
from tidtam.samples import HERE, PROJECTS_FILE
from tidtam.services.targets import import_targets_file


async def test_the_sample_targets_file_imports_and_sets_each_agency_s_target(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    opened = await open_sample_round(sessions, form_file=PROJECTS_FILE, period="2570-Q1")
    done = await import_targets_file(sessions, HERE / "targets-projects.csv", "pb-projects-2567")
    assert done.stored == 16 and done.periods == ("2570-Q1", "2570-Q2", "2570-Q3", "2570-Q4")
    async with sessions() as session:
        snapshot = await load_round_snapshot(session, opened.id)
        targets = await targets_of(session, "pb-projects-2567", "2570-Q1")
    agencies, province = achievement(snapshot, "reached", targets)
    by_name = {a.name: a for a in agencies}
    esa1 = by_name["สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเพชรบูรณ์ เขต 1"]
    assert (esa1.target, esa1.achieved, esa1.met) == (Decimal(4860), Decimal(0), False)
    assert province.target == Decimal(4860 + 5100 + 4860 + 1740)
