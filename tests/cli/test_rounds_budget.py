"""``rounds open --expected-disbursement``: stored in the round's policy, read by the
budget report, passed over by the reminders that read the same column."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reminders.world import build_world
from storage.db import create_engine, session_factory
from storage.models import Round
from storage.reminder_queries import load_reminder_rows
from storage.rounds import round_by_id
from tidtam.core.periods import period_containing
from tidtam.core.round_policy import expected_disbursement

Run = Callable[..., Any]


@pytest.fixture
def ready(cli: Run, samples: Path) -> Run:
    assert cli("db", "upgrade").code == 0
    assert cli("units", "import", samples / "units.csv").code == 0
    assert cli("forms", "load", samples / "projects.yaml").code == 0
    return cli


def _open(cli: Run, *extra: str) -> Any:
    today = date.today()
    period = period_containing(today, quarterly=True)
    deadline = max(period.end, today + timedelta(days=2))
    return cli(
        "rounds", "open", "--form", "pb-projects-2567", "--period", str(period),
        "--deadline", deadline.isoformat(), *extra,
    )  # fmt: skip


async def _stored(database_url: str) -> tuple[list[dict[str, Any]], tuple[int, ...]]:
    """Each round's policy; and the reminder policy of the first round read back after
    its policy also names the round it was prefilled from (as ``--prefill-from`` does)."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            rounds = list((await session.scalars(select(Round).order_by(Round.id))).all())
            policies = [dict(r.policy) for r in rounds]
            first = await round_by_id(session, rounds[0].id)  # with its form
            assert first is not None
            first.policy = {**first.policy, "prefill_from": rounds[-1].id}
            world = build_world(await load_reminder_rows(session, first))
    finally:
        await engine.dispose()
    return policies, world.round.policy.unit_days_before


def test_the_expected_percentage_is_stored_and_the_reminders_still_read_the_policy(
    ready: Run, database_url: str
) -> None:
    assert _open(ready, "--expected-disbursement", "๕๐").code == 0  # Thai digits too
    assert _open(ready, "--expected-disbursement", "37.5%").code == 0
    assert _open(ready).code == 0
    policies, reminder_days = asyncio.run(_stored(database_url))
    assert policies == [
        {"expected_disbursement": "50"},
        {"expected_disbursement": "37.5"},
        {},
    ]
    assert [expected_disbursement(p) for p in policies] == [Decimal(50), Decimal("37.5"), None]
    assert reminder_days == (7, 3, 1, 0)  # the defaults, no error for the round's own keys


@pytest.mark.parametrize("value", ["120", "ครึ่งหนึ่ง"])
def test_a_percentage_that_cannot_be_meant_is_refused(ready: Run, value: str) -> None:
    result = _open(ready, "--expected-disbursement", value)
    assert result.code == 1
    assert result.err.strip() == (
        f"error: --expected-disbursement: give a percentage from 0 to 100 such as 50, got {value!r}"
    )
    assert "no rounds yet" in ready("rounds", "list").out
