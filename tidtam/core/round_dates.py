"""Do a round's dates make sense? Checked before a round is opened.

A round reports on a period (a fiscal year or one quarter of it) and has a deadline.
Two mistakes are easy to make on the command line and costly once invitations and
reminders go out: a deadline that has already passed (the round is overdue the
moment it opens: every unit is escalated at the next reminder sweep), and a deadline
that does not belong to the period (``--period 2567-Q2 --deadline 2027-03-31``: a
typo in one of the two). The deadline of a period's report falls inside the period
or soon after its end: at most :data:`GRACE_AFTER_PERIOD` after its last day.

The module is pure (no SQL, no Telegram); messages are English, for the admin.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tidtam.core.periods import Period

__all__ = ["GRACE_AFTER_PERIOD", "round_date_problems"]

#: How long after a period's last day its report may still be due.
GRACE_AFTER_PERIOD = timedelta(days=92)


def round_date_problems(
    period: Period, deadline: datetime, *, now: datetime, tz: ZoneInfo
) -> list[str]:
    """What is wrong with opening a round on ``period`` due at ``deadline`` at ``now``.

    An empty list when nothing is; the deadline's day is read in ``tz``.
    """
    problems: list[str] = []
    shown = deadline.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if deadline <= now:
        problems.append(
            f"--deadline {shown} has already passed: the round would be overdue as it opens"
        )
    day = deadline.astimezone(tz).date()
    span = f"{period} runs {period.start.isoformat()} to {period.end.isoformat()}"
    if day < period.start:
        problems.append(f"--deadline {shown} is before the period begins ({span})")
    elif day > period.end + GRACE_AFTER_PERIOD:
        latest = (period.end + GRACE_AFTER_PERIOD).isoformat()
        problems.append(
            f"--deadline {shown} is long after the period ends ({span}; "
            f"a deadline up to {latest} fits it)"
        )
    return problems
