"""Tests for tidtam.core.vocabulary: the one table of a submission's life."""

from __future__ import annotations

import pytest

from tidtam.core.vocabulary import (
    DONE_STATES,
    EDITABLE_STATES,
    TRANSITIONS,
    SubmissionState,
    TransitionRefused,
    check_transition,
)

S = SubmissionState
ALLOWED = {
    (S.NOT_STARTED, S.IN_PROGRESS),
    (S.NOT_STARTED, S.SUBMITTED),
    (S.IN_PROGRESS, S.SUBMITTED),
    (S.SUBMITTED, S.CERTIFIED),
    (S.SUBMITTED, S.RETURNED),
    (S.RETURNED, S.IN_PROGRESS),
    (S.RETURNED, S.SUBMITTED),
}


@pytest.mark.parametrize("before", list(S))
@pytest.mark.parametrize("after", list(S))
def test_every_pair_is_allowed_or_refused_naming_both(before: S, after: S) -> None:
    if (before, after) in ALLOWED:
        assert check_transition(before.value, after.value) is after
    else:
        with pytest.raises(TransitionRefused) as refused:
            check_transition(before.value, after.value)
        assert f"'{before.value}'" in str(refused.value)
        assert f"'{after.value}'" in str(refused.value)


def test_the_table_is_the_documented_life() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert set(TRANSITIONS) == set(S)


def test_unknown_states_are_refused() -> None:
    with pytest.raises(TransitionRefused, match="'archived'"):
        check_transition("archived", "submitted")


def test_a_certified_report_goes_nowhere_and_is_neither_editable_nor_undone() -> None:
    assert TRANSITIONS[S.CERTIFIED] == frozenset()
    assert S.CERTIFIED in DONE_STATES
    assert S.CERTIFIED not in EDITABLE_STATES
    assert S.RETURNED in EDITABLE_STATES and S.RETURNED not in DONE_STATES
