"""Errors of the reports package.

The tree::

    ReportsError           base of everything reports raise on purpose
    ├── UnknownRound       no round with this id (``round_id``)
    └── UnknownUnit        no unit with this id, or not in the snapshot's scope
                           (``unit_id``)

Messages are English, for the command line and the logs; the bot words its own.
"""

from __future__ import annotations


class ReportsError(Exception):
    """Base class of the reports package's errors."""


class UnknownRound(ReportsError):
    """There is no round with this id."""

    def __init__(self, round_id: int) -> None:
        super().__init__(f"there is no round {round_id}")
        self.round_id = round_id


class UnknownUnit(ReportsError):
    """There is no unit with this id, or it is outside the snapshot's scope."""

    def __init__(self, unit_id: int) -> None:
        super().__init__(f"unit {unit_id} does not exist or is outside this report's scope")
        self.unit_id = unit_id
