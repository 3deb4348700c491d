"""Properties of the reminder policy over random provinces, clocks and ledgers.

For any increasing sequence of sweep times, any prior ledger and submissions that
come and go, feeding the ledger with what each sweep returns:
- no (recipient, step) is ever returned twice;
- after every sweep outside quiet hours, every unit step whose time has passed
  while the unit is not submitted is in the ledger (sent or superseded), and so is
  every due escalation: nothing is silently skipped;
- nothing is sent in quiet hours, before its time, or twice to one person for one unit;
- no unit step outside the round's window (opening to deadline) is ever returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reminders.policy import (
    UNIT_ROLES,
    AgencyFacts,
    Kind,
    LedgerKey,
    MemberFacts,
    PendingFacts,
    Policy,
    RoundFacts,
    UnitFacts,
    World,
    deadline_day,
    due,
)

from .scenario import bkk

STATES = ("not_started", "in_progress", "submitted", "returned", "certified")
START = bkk("2024-03-18 00:00")
END = bkk("2024-04-14 00:00")


def members(roles: tuple[str, ...]) -> st.SearchStrategy[tuple[MemberFacts, ...]]:
    member = st.builds(
        lambda tg, role, reachable: MemberFacts(tg * 7 + len(role), tg, role, reachable),
        st.integers(1, 8),
        st.sampled_from(roles),
        st.booleans(),
    )
    return st.lists(member, max_size=3).map(tuple)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    policy = Policy(
        unit_days_before=tuple(
            draw(st.lists(st.integers(0, 10), unique=True, min_size=0, max_size=4))
        ),
        unit_time=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
        escalation_time=time(draw(st.integers(0, 23))),
        quiet_start=time(draw(st.integers(0, 23))),
        quiet_end=time(draw(st.integers(0, 23))),
        supervisor_days_after=draw(st.integers(1, 3)),
        officer_days_after=draw(st.integers(1, 9)),
        digest_time=time(draw(st.integers(0, 23))),
    )
    opens = START + timedelta(hours=draw(st.integers(0, 24 * 8)))
    deadline = bkk("2024-03-31 23:59:59") - timedelta(hours=draw(st.integers(0, 30)))
    round_ = RoundFacts(1, "2567-Q2", opens, deadline, None, policy)
    units = tuple(
        UnitFacts(
            i,
            f"U{i}",
            f"unit {i}",
            "school",
            draw(st.sampled_from([100, 200, 300, None])),
            draw(st.sampled_from(STATES)),
            {},
            draw(members(("reporter", "head", "officer"))),
        )
        for i in range(1, draw(st.integers(1, 5)) + 1)
    )
    agencies = {
        a: AgencyFacts(a, f"A{a}", f"agency {a}", draw(members(("supervisor",))))
        for a in (100, 200)
    }
    officers = draw(members(("officer",)))
    pending = tuple(
        PendingFacts(
            50 + u.unit_id,
            u.unit_id,
            u.name,
            opens + timedelta(hours=draw(st.integers(0, 24 * 10))),
            draw(members(("head",))),
        )
        for u in units
        if u.state == "submitted"
    )
    return World(round_, units, agencies, officers, pending, (-5,))


@dataclass(frozen=True)
class Sweep:
    at: datetime
    #: (unit index, new state) applied before this sweep: submissions come and go.
    change: tuple[int, str] | None


def sweeps() -> st.SearchStrategy[list[Sweep]]:
    offsets = st.lists(st.integers(0, int((END - START).total_seconds() // 60)), max_size=25)
    change = st.none() | st.tuples(st.integers(0, 4), st.sampled_from(STATES))

    def build(minutes: list[int], changes: list[tuple[int, str] | None]) -> list[Sweep]:
        times = sorted(minutes)
        return [
            Sweep(START + timedelta(minutes=m), changes[i % len(changes)] if changes else None)
            for i, m in enumerate(times)
        ]

    return st.builds(build, offsets, st.lists(change, max_size=25))


def apply(world: World, change: tuple[int, str] | None) -> World:
    if change is None:
        return world
    index, state = change
    units = list(world.units)
    if index < len(units):
        units[index] = replace(units[index], state=state)
    return replace(world, units=tuple(units))


def passed_unit_steps(world: World, now: datetime) -> set[LedgerKey]:
    """Every unit step applicable in the round whose time has passed, per reachable person."""
    r, p = world.round, world.round.policy
    day0 = deadline_day(r)
    keys: set[LedgerKey] = set()
    for n in p.unit_days_before:
        at = p.release(datetime.combine(day0 - timedelta(days=n), p.unit_time, p.zone))
        if not (r.opens_at <= at < r.deadline and at <= now):
            continue
        for unit in world.units:
            if unit.state in ("submitted", "certified"):
                continue
            for m in unit.members:
                if m.role in UNIT_ROLES and m.reachable:
                    keys.add((f"user:{m.telegram_user_id}", f"unit:{unit.unit_id}:d-{n}"))
    return keys


def passed_supervisor_steps(world: World, now: datetime) -> set[LedgerKey]:
    r, p = world.round, world.round.policy
    day = deadline_day(r) + timedelta(days=p.supervisor_days_after)
    if now < p.release(datetime.combine(day, p.escalation_time, p.zone)):
        return set()
    keys: set[LedgerKey] = set()
    for unit in world.units:
        agency = world.agencies.get(unit.parent_id or 0)
        if unit.state in ("submitted", "certified") or agency is None:
            continue
        for m in agency.supervisors:
            if m.reachable:
                step = f"sup:{agency.unit_id}:d+{p.supervisor_days_after}"
                keys.add((f"user:{m.telegram_user_id}", step))
    return keys


@settings(max_examples=200, deadline=None)
@given(worlds(), sweeps(), st.data())
def test_sweeps_never_repeat_and_never_skip(
    world: World, plan: list[Sweep], data: st.DataObject
) -> None:
    policy = world.round.policy
    universe = sorted(set().union(*(due(world, s.at).keys() for s in plan)))
    ledger: set[LedgerKey] = set(
        data.draw(st.lists(st.sampled_from(universe)) if universe else st.just([]))
    )
    returned: Counter[LedgerKey] = Counter()
    for sweep in plan:
        world = apply(world, sweep.change)
        result = due(world, sweep.at, ledger)
        keys = result.keys()
        assert len(keys) == len(set(keys)), "a key twice in one plan"
        assert not set(keys) & ledger, "a recorded key returned again"
        returned.update(keys)
        ledger |= set(keys)
        quiet = policy.in_quiet_hours(sweep.at)
        assert not (quiet and result.send), "sent in quiet hours"
        per_unit = Counter(
            (d.recipient, d.step.rsplit(":", 1)[0]) for d in result.send if d.kind is Kind.UNIT
        )
        assert all(n == 1 for n in per_unit.values())
        for d in result.send:
            assert d.at <= sweep.at
            assert d.chat_id == int(d.recipient.split(":")[1])
        unit_keys = {k for k in keys if k[1].startswith("unit:")}
        assert unit_keys <= passed_unit_steps(world, sweep.at), "a step that does not apply"
        if not quiet and sweep.at >= world.round.opens_at:
            assert passed_unit_steps(world, sweep.at) <= ledger, "a unit step skipped"
            if sweep.at > world.round.deadline:
                assert passed_supervisor_steps(world, sweep.at) <= ledger
    assert all(n == 1 for n in returned.values())


@settings(max_examples=200, deadline=None)
@given(worlds(), st.integers(0, int((END - START).total_seconds() // 60)), st.data())
def test_a_crash_in_the_middle_leaves_exactly_the_rest(
    world: World, minute: int, data: st.DataObject
) -> None:
    now = START + timedelta(minutes=minute)
    first = due(world, now)
    keys = first.keys()
    done = set(data.draw(st.lists(st.sampled_from(keys), unique=True)) if keys else [])
    second = due(world, now, done)
    assert set(second.keys()) == set(keys) - done
    assert {d.key for d in second.send} == {d.key for d in first.send} - done


@settings(max_examples=200, deadline=None)
@given(worlds(), st.integers(0, int((END - START).total_seconds() // 60)))
def test_only_the_newest_passed_unit_step_is_sent(world: World, minute: int) -> None:
    now = START + timedelta(minutes=minute)
    result = due(world, now)
    p = world.round.policy
    day0 = deadline_day(world.round)
    times = {
        n: p.release(datetime.combine(day0 - timedelta(days=n), p.unit_time, p.zone))
        for n in p.unit_days_before
    }
    for d in result.send:
        if d.kind is Kind.UNIT:
            n = int(d.step.rsplit("d-", 1)[1])
            newer = [m for m, at in times.items() if times[n] < at <= now]
            assert not newer and now < world.round.deadline


TIMES = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@given(
    st.builds(
        Policy,
        unit_days_before=st.lists(st.integers(0, 366), unique=True, max_size=6).map(tuple),
        unit_time=TIMES,
        supervisor_days_after=st.integers(1, 366),
        officer_days_after=st.integers(1, 366),
        escalation_time=TIMES,
        quiet_start=TIMES,
        quiet_end=TIMES,
        timezone=st.sampled_from(["Asia/Bangkok", "UTC", "Asia/Tokyo"]),
        certifier_wait=st.integers(1, 24 * 366).map(lambda h: timedelta(hours=h)),
        digest_time=TIMES,
        digest_days_after=st.integers(0, 366),
    )
)
def test_policy_dict_round_trip(policy: Policy) -> None:
    assert Policy.from_dict(policy.to_dict()) == policy


@given(st.dictionaries(st.text(max_size=12), st.integers() | st.text(max_size=6), max_size=4))
def test_from_dict_accepts_or_names_the_problem(data: dict[str, object]) -> None:
    try:
        Policy.from_dict(data)
    except ValueError as error:
        assert any(key in str(error) for key in data)
