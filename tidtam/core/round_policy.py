"""The round's own settings kept in ``Round.policy`` beside the reminder policy.

``Round.policy`` is one JSON column: the reminder policy's keys
(:class:`reminders.policy.Policy`) and these, which are the round's:

- ``prefill_from``: the round whose answers each unit started from
  (``rounds open --prefill-from``);
- ``expected_disbursement``: the percentage of the budget expected disbursed by the
  end of the round's period (``rounds open --expected-disbursement 50``), against
  which the budget report names the units that lag (docs/design.md §7);
- ``target_met``: from which percent of its target a figure counts as met
  (``rounds open --target-met 80``; 100 when not set).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Final

__all__ = [
    "EXPECTED_DISBURSEMENT",
    "PREFILL_FROM",
    "ROUND_KEYS",
    "TARGET_MET",
    "expected_disbursement",
    "read_percentage",
    "target_met",
]

PREFILL_FROM: Final = "prefill_from"
EXPECTED_DISBURSEMENT: Final = "expected_disbursement"
TARGET_MET: Final = "target_met"
#: The keys of ``Round.policy`` that are not the reminders'.
ROUND_KEYS: Final = frozenset({PREFILL_FROM, EXPECTED_DISBURSEMENT, TARGET_MET})


def read_percentage(value: object) -> Decimal | None:
    """A percentage from 0 to 100 (text such as ``"50"``, or a number); else ``None``."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value).strip().removesuffix("%"))
    except InvalidOperation:
        return None
    return number if number.is_finite() and 0 <= number <= 100 else None


def expected_disbursement(policy: Mapping[str, object] | None) -> Decimal | None:
    """The expected percentage disbursed, if the round sets one (stored as ``"50"``)."""
    return read_percentage((policy or {}).get(EXPECTED_DISBURSEMENT))


def target_met(policy: Mapping[str, object] | None) -> Decimal:
    """The percent of a target from which it counts as met: the round's, else 100."""
    value = (policy or {}).get(TARGET_MET)
    try:
        met = Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except InvalidOperation:
        met = None
    return met if met is not None and met.is_finite() and met > 0 else Decimal(100)
