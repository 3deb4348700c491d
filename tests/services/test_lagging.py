"""/lagging's use case: the units whose disbursement lags, in the asker's scope only."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.reports.budget_seed import (
    OFFICER,
    REPORTER_S1,
    SUPERVISOR_ESA1,
    SUPERVISOR_ESA2,
    seed_budget_province,
)
from tidtam.core.vocabulary import Role
from tidtam.services.status import Lagging, Refusal, Refused, lagging


async def test_officers_see_the_province_supervisors_their_subtree_reporters_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_budget_province(sessions)
    now = datetime.now(UTC)

    province = await lagging(sessions, OFFICER, round_id=None, now=now)
    assert isinstance(province, Lagging) and province.has_budget
    assert province.expected == Decimal(50)
    assert province.total is not None and province.total.allocated == Decimal(360_000)
    assert province.reported == 3  # ESA1, S1, S2: S3 was allocated nothing
    names = [(agency, [u.name for u in units]) for agency, units in province.by_agency]
    assert names == [
        (
            "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1",
            ["สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1", "โรงเรียนบ้านหนึ่ง"],
        )
    ]
    school = province.by_agency[0][1][1]
    assert (school.allocated, school.spent, school.percent) == (
        Decimal(150_000),
        Decimal(60_000),
        Decimal("40.0"),
    )

    mine = await lagging(sessions, SUPERVISOR_ESA1, round_id=None, now=now)
    assert isinstance(mine, Lagging) and mine.lagging == 2
    assert mine.total is not None and mine.total.name.endswith("เขต 1")

    other = await lagging(sessions, SUPERVISOR_ESA2, round_id=None, now=now)
    assert isinstance(other, Lagging) and other.lagging == 0 and other.by_agency == []
    assert other.total is not None and other.total.projects == 2  # S3's, nothing of ESA1's
    assert other.total.allocated == Decimal(0) and other.reported == 0

    refused = await lagging(sessions, REPORTER_S1, round_id=None, now=now)
    assert isinstance(refused, Refused) and refused.refusal is Refusal.NOT_ALLOWED
    assert refused.allowed == (Role.OFFICER, Role.SUPERVISOR)
    stranger = await lagging(sessions, 999, round_id=None, now=now)
    assert isinstance(stranger, Refused) and stranger.refusal is Refusal.NOT_ALLOWED


async def test_without_an_expected_percentage_no_unit_is_named(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_budget_province(sessions, expected=None)
    found = await lagging(sessions, OFFICER, round_id=None, now=datetime.now(UTC))
    assert isinstance(found, Lagging) and found.expected is None
    assert found.by_agency == [] and found.lagging == 0 and found.reported == 3
