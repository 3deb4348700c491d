"""Reporting periods: Thai fiscal years and their quarters.

The Thai government fiscal year is named by its Buddhist-era (BE) year and runs
1 October to 30 September: fiscal year N (BE) starts on 1 October of CE year N - 544
and ends on 30 September of CE year N - 543. Fiscal year 2563 is 1 Oct 2019 to
30 Sep 2020. Its quarters:

=========  =========  ====================
quarter    months     FY 2567 (CE dates)
=========  =========  ====================
Q1         Oct - Dec  1 Oct 2023 - 31 Dec 2023
Q2         Jan - Mar  1 Jan 2024 - 31 Mar 2024
Q3         Apr - Jun  1 Apr 2024 - 30 Jun 2024
Q4         Jul - Sep  1 Jul 2024 - 30 Sep 2024
=========  =========  ====================

A round's period is written ``2567`` (the whole fiscal year) or ``2567-Q2`` (a
quarter); :func:`parse_period` reads it, ``str(period)`` writes it back. Bad input
raises :class:`PeriodError` (a ``ValueError``) with an English message for the
command line. Supported fiscal years: 2500-2700 BE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tidtam.core.thai import format_date_th, thai_to_arabic_digits

__all__ = [
    "MAX_FISCAL_YEAR",
    "MIN_FISCAL_YEAR",
    "Period",
    "PeriodError",
    "fiscal_year_of",
    "parse_period",
    "period_containing",
    "quarter_of",
]

MIN_FISCAL_YEAR = 2500
MAX_FISCAL_YEAR = 2700
_BE_OFFSET = 543
#: First month (CE) of each quarter, and whether it falls in the CE year before
#: the fiscal year's own (N - 543).
_QUARTER_START: dict[int, tuple[int, int]] = {1: (10, -1), 2: (1, 0), 3: (4, 0), 4: (7, 0)}
_FORMAT_HINT = "expected a fiscal year like 2567 or a quarter like 2567-Q2"


class PeriodError(ValueError):
    """A period that cannot be read or is out of range; the message says why."""


def _check_year(year: int, source: str) -> None:
    if MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        return
    if 1900 <= year < 2400:
        raise PeriodError(
            f"period {source!r}: {year} looks like a Christian-era (CE) year; fiscal "
            f"years are written in the Buddhist era (BE = CE + 543), e.g. {year + _BE_OFFSET}"
        )
    raise PeriodError(
        f"period {source!r}: fiscal year {year} is outside {MIN_FISCAL_YEAR}-{MAX_FISCAL_YEAR} (BE)"
    )


def _check_quarter(quarter: int | None, source: str) -> None:
    if quarter is not None and not 1 <= quarter <= 4:
        raise PeriodError(f"period {source!r}: quarter must be 1-4, not {quarter}")


@dataclass(frozen=True)
class Period:
    """A fiscal year (``quarter`` is None) or one quarter of it; BE year."""

    fiscal_year_be: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        _check_year(self.fiscal_year_be, str(self.fiscal_year_be))
        _check_quarter(self.quarter, f"{self.fiscal_year_be}-Q{self.quarter}")

    @property
    def start(self) -> date:
        """The first day of the period."""
        month, shift = _QUARTER_START[self.quarter or 1]
        return date(self.fiscal_year_be - _BE_OFFSET + shift, month, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        if self.quarter is None:
            return date(self.fiscal_year_be - _BE_OFFSET, 9, 30)
        start = self.start
        month = start.month + 3
        following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
        return following - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def quarters(self) -> tuple[Period, Period, Period, Period]:
        """The four quarters of this period's fiscal year, in order."""
        year = self.fiscal_year_be
        return (Period(year, 1), Period(year, 2), Period(year, 3), Period(year, 4))

    def __str__(self) -> str:
        if self.quarter is None:
            return str(self.fiscal_year_be)
        return f"{self.fiscal_year_be}-Q{self.quarter}"

    def thai(self) -> str:
        """``ปีงบประมาณ พ.ศ. 2567`` or ``ปีงบประมาณ พ.ศ. 2567 ไตรมาสที่ 2``."""
        text = f"ปีงบประมาณ พ.ศ. {self.fiscal_year_be}"
        return text if self.quarter is None else f"{text} ไตรมาสที่ {self.quarter}"

    def thai_range(self) -> str:
        """``1 ม.ค. 2567 – 31 มี.ค. 2567``: first and last day, BE years."""
        return f"{format_date_th(self.start)} – {format_date_th(self.end)}"

    def english(self) -> str:
        """``Fiscal year 2567 (BE)`` or ``Fiscal year 2567 (BE), quarter 2``."""
        text = f"Fiscal year {self.fiscal_year_be} (BE)"
        return text if self.quarter is None else f"{text}, quarter {self.quarter}"


_PERIOD_RE = re.compile(r"([0-9]+)(?:\s*-\s*Q\s*([0-9]+))?")


def parse_period(text: str) -> Period:
    """Read ``2567`` or ``2567-Q2`` (also ``2567-q2``, Thai digits, spaces around).

    Raises :class:`PeriodError` for anything else: other shapes, fiscal years outside
    2500-2700, quarters outside 1-4, CE years (``2024`` suggests ``2567``).
    """
    source = text.strip()
    if not source:
        raise PeriodError(f"period is empty; {_FORMAT_HINT}")
    match = _PERIOD_RE.fullmatch(thai_to_arabic_digits(source).upper())
    if match is None or len(match[1]) != 4:
        raise PeriodError(f"period {source!r} is not understood; {_FORMAT_HINT}")
    year = int(match[1])
    quarter = int(match[2]) if match[2] is not None else None
    _check_year(year, source)
    _check_quarter(quarter, source)
    return Period(year, quarter)


def fiscal_year_of(d: date) -> int:
    """The fiscal year (BE) that contains ``d``."""
    return d.year + _BE_OFFSET + (1 if d.month >= 10 else 0)


def quarter_of(d: date) -> int:
    """The fiscal quarter (1-4) that contains ``d``: Oct-Dec is 1, Jan-Mar is 2."""
    return (d.month - 10) % 12 // 3 + 1


def period_containing(d: date, quarterly: bool) -> Period:
    """The fiscal year, or with ``quarterly`` the quarter, that contains ``d``.

    Raises :class:`PeriodError` if the fiscal year is outside 2500-2700 BE.
    """
    return Period(fiscal_year_of(d), quarter_of(d) if quarterly else None)
