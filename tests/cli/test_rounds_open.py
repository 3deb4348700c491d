"""``tidtam rounds open`` refuses dates that cannot be meant, unless told ``--force``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tidtam.core.periods import period_containing

Run = Callable[..., Any]


@pytest.fixture
def ready(cli: Run, samples: Path) -> Run:
    assert cli("db", "upgrade").code == 0
    assert cli("units", "import", samples / "units.csv").code == 0
    assert cli("forms", "load", samples / "form.yaml").code == 0
    return cli


def _open(cli: Run, period: str, deadline: str, *extra: str) -> Any:
    return cli(
        "rounds", "open", "--form", "pb-plan-2567", "--period", period,
        "--opens", "2024-01-01", "--deadline", deadline, *extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("period", "deadline", "words"),
    [
        ("2567-Q2", "2024-03-31", "has already passed"),
        ("2567", "2024-09-30", "has already passed"),
        ("2575-Q1", "2031-01-15", "before the period begins"),
        ("2568-Q2", "2099-03-31", "long after the period ends"),
    ],
)
def test_a_past_or_stray_deadline_is_refused(
    ready: Run, period: str, deadline: str, words: str
) -> None:
    result = _open(ready, period, deadline)
    assert result.code == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith("error: --deadline") and words in line and "--force" in line
    assert "no rounds yet" in ready("rounds", "list").out


def test_force_opens_it_anyway(ready: Run) -> None:
    result = _open(ready, "2567-Q2", "2024-03-31", "--force")
    assert result.code == 0, result.err
    assert "state overdue" in ready("rounds", "list").out


def test_a_deadline_that_fits_the_current_quarter_opens(ready: Run) -> None:
    today = date.today()
    period = period_containing(today, quarterly=True)
    deadline = max(period.end, today + timedelta(days=2))
    result = ready(
        "rounds", "open", "--form", "pb-plan-2567", "--period", str(period),
        "--deadline", deadline.isoformat(),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "state open" in ready("rounds", "list").out
