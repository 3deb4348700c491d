"""Dates and times typed on the command line, read in the installation's time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?$")


class DateInputError(ValueError):
    """A date or time on the command line that cannot be read."""


def parse_moment(text: str, tz: ZoneInfo, *, end_of_day: bool) -> datetime:
    """Read ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (a year above 2400 is Buddhist Era).

    A bare date means the end of that day (a deadline) or its start (an opening).
    """
    match = _PATTERN.match(text.strip())
    if not match:
        raise DateInputError(f'"{text}" is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM')
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if year > 2400:
        year -= 543
    try:
        day_ = date(year, month, day)
    except ValueError as error:
        raise DateInputError(f'"{text}" is not a date: {error}') from None
    if match.group(4) is not None:
        hour, minute = int(match.group(4)), int(match.group(5))
        if hour > 23 or minute > 59:
            raise DateInputError(f'"{text}": {hour:02d}:{minute:02d} is not a time of day')
        return datetime.combine(day_, time(hour, minute), tz)
    if end_of_day:
        return datetime.combine(day_ + timedelta(days=1), time(0, 0), tz) - timedelta(seconds=1)
    return datetime.combine(day_, time(0, 0), tz)


def show_moment(moment: datetime, tz: ZoneInfo) -> str:
    """A moment as people here read it: local time, ISO-like."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
