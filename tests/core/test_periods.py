"""Tests for tidtam.core.periods: Thai fiscal years and quarters."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidtam.core.periods import (
    Period,
    PeriodError,
    fiscal_year_of,
    parse_period,
    period_containing,
    quarter_of,
)

# Dates whose fiscal years lie in 2500-2700 BE.
DATES = st.dates(min_value=date(1956, 10, 1), max_value=date(2157, 9, 30))


def test_fiscal_year_2563_example() -> None:
    period = Period(2563)
    assert period.start == date(2019, 10, 1)
    assert period.end == date(2020, 9, 30)
    assert fiscal_year_of(date(2019, 10, 1)) == 2563
    assert fiscal_year_of(date(2019, 9, 30)) == 2562
    assert fiscal_year_of(date(2020, 9, 30)) == 2563
    assert fiscal_year_of(date(2020, 10, 1)) == 2564


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2023, 10, 1), date(2023, 12, 31)),
        (2, date(2024, 1, 1), date(2024, 3, 31)),
        (3, date(2024, 4, 1), date(2024, 6, 30)),
        (4, date(2024, 7, 1), date(2024, 9, 30)),
    ],
)
def test_quarters_of_2567(quarter: int, start: date, end: date) -> None:
    period = Period(2567, quarter)
    assert (period.start, period.end) == (start, end)
    assert start in period
    assert end in period
    assert start - timedelta(days=1) not in period
    assert end + timedelta(days=1) not in period


def test_contains_only_dates() -> None:
    assert "2024-01-01" not in Period(2567, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2567", Period(2567)),
        ("2567-Q2", Period(2567, 2)),
        ("2567-q2", Period(2567, 2)),
        (" 2567-Q4 ", Period(2567, 4)),
        ("2567 - Q 1", Period(2567, 1)),
        ("๒๕๖๗", Period(2567)),
        ("๒๕๖๗-Q๒", Period(2567, 2)),
        ("2500", Period(2500)),
        ("2700-Q1", Period(2700, 1)),
    ],
)
def test_parse_period(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not understood"),
        ("2567Q2", "not understood"),
        ("2567-2", "not understood"),
        ("Q2-2567", "not understood"),
        ("2567-Q", "not understood"),
        ("25670", "not understood"),
        ("67", "not understood"),
        ("2567-H1", "not understood"),
        ("2567-Q0", "quarter must be 1-4"),
        ("2567-Q5", "quarter must be 1-4"),
        ("2499", "outside 2500-2700"),
        ("2701", "outside 2500-2700"),
        ("1000", "outside 2500-2700"),
        ("2024", "e.g. 2567"),
        ("2024-Q2", "Christian-era"),
    ],
)
def test_parse_period_rejects(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_period_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="2567"):
        parse_period("2024")


def test_period_validates_itself() -> None:
    with pytest.raises(PeriodError):
        Period(2567, 5)
    with pytest.raises(PeriodError):
        Period(2024)


def test_period_is_frozen_and_hashable() -> None:
    period = Period(2567, 2)
    with pytest.raises(AttributeError):
        period.quarter = 3  # type: ignore[misc]
    assert {period, Period(2567, 2)} == {period}


def test_texts() -> None:
    year, quarter = Period(2567), Period(2567, 2)
    assert str(year) == "2567"
    assert str(quarter) == "2567-Q2"
    assert year.thai() == "ปีงบประมาณ พ.ศ. 2567"
    assert quarter.thai() == "ปีงบประมาณ พ.ศ. 2567 ไตรมาสที่ 2"
    assert quarter.thai_range() == "1 ม.ค. 2567 – 31 มี.ค. 2567"
    assert year.thai_range() == "1 ต.ค. 2566 – 30 ก.ย. 2567"
    assert year.english() == "Fiscal year 2567 (BE)"
    assert quarter.english() == "Fiscal year 2567 (BE), quarter 2"


def test_period_containing() -> None:
    assert period_containing(date(2024, 2, 14), quarterly=True) == Period(2567, 2)
    assert period_containing(date(2024, 2, 14), quarterly=False) == Period(2567)
    assert period_containing(date(2023, 11, 1), quarterly=True) == Period(2567, 1)
    with pytest.raises(PeriodError):
        period_containing(date(1900, 1, 1), quarterly=False)


@given(d=DATES)
def test_every_date_in_exactly_one_quarter_of_its_year(d: date) -> None:
    year = Period(fiscal_year_of(d))
    assert d in year
    containing = [q for q in year.quarters() if d in q]
    assert containing == [Period(year.fiscal_year_be, quarter_of(d))]
    assert period_containing(d, quarterly=True) == containing[0]


@given(year=st.integers(min_value=2500, max_value=2700))
def test_quarters_tile_the_year(year: int) -> None:
    whole = Period(year)
    quarters = whole.quarters()
    assert quarters[0].start == whole.start
    assert quarters[-1].end == whole.end
    for before, after in pairwise(quarters):
        assert after.start == before.end + timedelta(days=1)
    assert sum((q.end - q.start).days + 1 for q in quarters) == (whole.end - whole.start).days + 1
    if year < 2700:
        assert Period(year + 1).start == whole.end + timedelta(days=1)


@given(year=st.integers(min_value=2500, max_value=2700), quarter=st.none() | st.integers(1, 4))
def test_str_roundtrips(year: int, quarter: int | None) -> None:
    period = Period(year, quarter)
    assert parse_period(str(period)) == period
