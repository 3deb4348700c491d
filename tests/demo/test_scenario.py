"""The demo's plan: deterministic for a seed, every fate present, days that make sense."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tidtam.demo.run import sample_units
from tidtam.demo.scenario import (
    DEADLINE_DAY,
    LAST_ACTIVE_DAY,
    SUBMITTING,
    Fate,
    UnitInfo,
    make_plan,
    pick_units,
)

UNITS = sample_units()


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    chosen = pick_units(UNITS, 30)
    assert make_plan(chosen, seed=7) == make_plan(chosen, seed=7)
    assert make_plan(chosen, seed=7) != make_plan(chosen, seed=8)


def test_pick_units_keeps_the_tree_and_takes_schools_from_every_agency() -> None:
    chosen = pick_units(UNITS, 30)
    schools = [u for u in chosen if u.kind == "school"]
    assert len(schools) == 30
    assert {u.code for u in UNITS if u.kind != "school"} <= {u.code for u in chosen}
    assert len({u.parent_code for u in schools}) >= 8  # not only the first agency's
    assert pick_units(UNITS, None) == UNITS


def test_the_whole_province_mostly_answers() -> None:
    plan = make_plan(UNITS, seed=1)
    assert len(plan.units) == 314  # the esa offices and the schools
    states = plan.expected_states()
    assert 0.70 <= (states["certified"] + states["submitted"]) / len(plan.units) <= 0.85
    assert set(plan.fates()) == set(Fate)
    assert plan.fates()[Fate.RETURNED] >= 20


def test_overdue_units_are_the_ones_that_never_submit() -> None:
    plan = make_plan(pick_units(UNITS, 40), seed=5)
    overdue = plan.overdue()
    assert {u.fate for u in overdue} == {Fate.PARTIAL, Fate.IDLE, Fate.BLOCKED, Fate.UNREGISTERED}
    by_agency = plan.overdue_by_agency()
    assert sum(len(v) for v in by_agency.values()) == len(overdue)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), schools=st.integers(0, 80))
def test_every_plan_is_playable(seed: int, schools: int) -> None:
    plan = make_plan(pick_units(UNITS, schools), seed=seed)
    assert sum(plan.expected_states().values()) == len(plan.units)
    for unit in plan.units:
        for person in (unit.reporter, unit.head):
            assert person is None or 0 <= person.register_day <= DEADLINE_DAY
        days = [s.day for s in unit.sittings]
        assert days == sorted(set(days))
        if unit.reporter is not None and days:
            assert unit.reporter.register_day <= days[0]
        if unit.fate in SUBMITTING:
            assert unit.head is not None and unit.submit_day is not None
            assert unit.head.register_day <= unit.submit_day <= DEADLINE_DAY
            assert unit.sittings[-1].finishes
        else:
            assert unit.submit_day is None
        if unit.fate is Fate.RETURNED:
            submit, back, fix = unit.submit_day, unit.return_day, unit.fix_day
            assert submit is not None and back is not None and fix is not None
            assert submit <= back < fix <= DEADLINE_DAY
            assert unit.approve_day == fix
        if unit.approve_day is not None:
            assert unit.approve_day <= LAST_ACTIVE_DAY
    ids = [p.id for p in plan.people()]
    assert len(ids) == len(set(ids))


def test_a_small_province_without_a_single_root_is_refused() -> None:
    units = [UnitInfo("A", "a", "school", None), UnitInfo("B", "b", "school", None)]
    try:
        make_plan(units, seed=1)
    except ValueError as error:
        assert "root" in str(error)
    else:
        raise AssertionError("two roots were accepted")


def test_fates_are_counted_in_quotas() -> None:
    plan = make_plan(pick_units(UNITS, 96), seed=11)  # 100 target units
    fates: Counter[Fate] = plan.fates()
    assert fates[Fate.BLOCKED] == 3 and fates[Fate.UNREGISTERED] == 4
    assert fates[Fate.IDLE] == 6 and fates[Fate.PARTIAL] == 8
