"""A round's deadline must be in the future and belong to its period."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tidtam.core.periods import Period
from tidtam.core.round_dates import round_date_problems

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2024, 2, 1, 9, 0, tzinfo=BANGKOK)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59").replace(tzinfo=BANGKOK)


@pytest.mark.parametrize(
    ("period", "deadline"),
    [
        (Period(2567, 2), "2024-03-31"),  # the quarter's last day
        (Period(2567, 2), "2024-04-15"),  # soon after it
        (Period(2567, 2), "2024-06-30"),  # 91 days after it
        (Period(2567), "2024-12-31"),  # a year's report due after the year
    ],
)
def test_fitting_deadlines_pass(period: Period, deadline: str) -> None:
    assert round_date_problems(period, at(deadline), now=NOW, tz=BANGKOK) == []


@pytest.mark.parametrize(
    ("period", "deadline", "words"),
    [
        (Period(2567, 2), "2024-01-31", "has already passed"),
        (Period(2567, 4), "2024-03-31", "before the period begins (2567-Q4 runs 2024-07-01"),
        (Period(2567, 2), "2027-03-31", "long after the period ends"),
        (Period(2567), "2025-01-31", "a deadline up to 2024-12-31 fits it"),
    ],
)
def test_past_and_stray_deadlines_are_named(period: Period, deadline: str, words: str) -> None:
    problems = round_date_problems(period, at(deadline), now=NOW, tz=BANGKOK)
    assert len(problems) == 1
    assert words in problems[0]


def test_a_past_deadline_outside_its_period_says_both() -> None:
    problems = round_date_problems(Period(2566, 1), at("2020-01-01"), now=NOW, tz=BANGKOK)
    assert [("already passed" in p, "before the period" in p) for p in problems] == [
        (True, False),
        (False, True),
    ]
