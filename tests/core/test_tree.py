"""Tests for tidtam.core.tree: one subtree walk."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tidtam.core.tree import subtree

PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 4, 6: None}


def test_subtree_holds_the_root_and_everything_below() -> None:
    assert subtree(PARENTS, 1) == {1, 2, 3, 4, 5}
    assert subtree(PARENTS, 4) == {4, 5}
    assert subtree(PARENTS, 6) == {6}


def test_a_cycle_does_not_loop() -> None:
    assert subtree({1: 2, 2: 1}, 1) == {1, 2}


@given(st.dictionaries(st.integers(0, 30), st.none() | st.integers(0, 30), max_size=30))
def test_every_unit_below_reaches_the_root_by_parents(parents: dict[int, int | None]) -> None:
    for root in parents:
        for unit in subtree(parents, root) - {root}:
            seen, at = set(), unit
            while at != root:
                assert at not in seen
                seen.add(at)
                parent = parents[at]
                assert parent is not None
                at = parent
