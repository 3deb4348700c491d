"""Time-travel tables for the reminder policy: given the world and the clock, what is due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, time, timedelta

import pytest

from reminders.policy import (
    CertifierReminder,
    Digest,
    Kind,
    LedgerKey,
    OfficerEscalation,
    PendingFacts,
    Plan,
    Policy,
    PolicyError,
    SupervisorEscalation,
    UnitReminder,
    deadline_day,
    due,
)

from .scenario import (
    REMINDERS_ONLY,
    ROUND,
    WORLD,
    bkk,
    member,
    sent,
    superseded,
    unit_keys,
    with_policy,
    with_round,
    with_state,
)

SUP_D1 = {
    ("user:901", "sup:100:d+1"),
    ("user:902", "sup:100:d+1"),
    ("user:903", "sup:200:d+1"),
}
ORPHANS_D1 = {("user:990", "orphans:d+1"), ("user:991", "orphans:d+1")}
OFFICER_D7 = {("user:990", "officer:d+7"), ("user:991", "officer:d+7")}


# ------------------------------------------------------------ fresh ledger, any clock


@pytest.mark.parametrize(
    ("clock", "expected_sent", "expected_superseded"),
    [
        ("2024-02-29 12:00", set(), set()),  # before the round opens
        ("2024-03-24 08:59", set(), set()),
        ("2024-03-24 09:00", unit_keys("d-7"), set()),
        ("2024-03-25 12:00", unit_keys("d-7"), set()),  # a late start still sends it
        ("2024-03-28 09:00", unit_keys("d-3"), unit_keys("d-7")),  # only the newest
        ("2024-03-30 19:59", unit_keys("d-1"), unit_keys("d-7") | unit_keys("d-3")),
        # quiet hours: nothing is sent, older steps are still recorded as superseded
        ("2024-03-30 20:00", set(), unit_keys("d-7") | unit_keys("d-3")),
        ("2024-03-31 06:59", set(), unit_keys("d-7") | unit_keys("d-3")),
        ("2024-03-31 07:00", unit_keys("d-1"), unit_keys("d-7") | unit_keys("d-3")),
        (
            "2024-03-31 09:00",
            unit_keys("d-0"),
            unit_keys("d-7") | unit_keys("d-3") | unit_keys("d-1"),
        ),
        # past the deadline every unsent unit step is superseded, escalation waits
        (
            "2024-04-01 07:00",
            set(),
            unit_keys("d-7") | unit_keys("d-3") | unit_keys("d-1") | unit_keys("d-0"),
        ),
        ("2024-04-01 09:00", SUP_D1 | ORPHANS_D1, None),
        ("2024-04-06 19:00", SUP_D1 | ORPHANS_D1, None),
        ("2024-04-07 09:00", SUP_D1 | ORPHANS_D1 | OFFICER_D7, None),
        ("2024-05-01 12:00", SUP_D1 | ORPHANS_D1 | OFFICER_D7, None),
    ],
)
def test_fresh_ledger(
    clock: str, expected_sent: set[LedgerKey], expected_superseded: set[LedgerKey] | None
) -> None:
    plan = due(REMINDERS_ONLY, bkk(clock))
    assert sent(plan) == expected_sent
    if expected_superseded is not None:
        assert superseded(plan) == expected_superseded


def test_superseded_names_what_replaced_it() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-03-28 10:00"))
    assert {s.by for s in plan.superseded if s.recipient == "user:41"} == {"unit:4:d-3"}
    plan = due(REMINDERS_ONLY, bkk("2024-04-01 08:00"))
    assert {s.by for s in plan.superseded} == {"deadline"}


# --------------------------------------------------------------- a walk, ledger fed


WALK: list[tuple[str, set[LedgerKey]]] = [
    ("2024-03-20 09:00", set()),
    ("2024-03-24 09:05", unit_keys("d-7")),
    ("2024-03-24 09:05", set()),  # a second sweep at the same time
    ("2024-03-26 10:00", set()),
    ("2024-03-28 09:00", unit_keys("d-3")),
    ("2024-03-30 21:00", set()),  # down all day, woke up in quiet hours
    ("2024-03-31 07:00", unit_keys("d-1")),  # sent when they end
    ("2024-03-31 09:00", unit_keys("d-0")),
    ("2024-03-31 23:00", set()),
    ("2024-04-01 09:00", SUP_D1 | ORPHANS_D1),
    ("2024-04-02 09:00", set()),
    ("2024-04-07 09:00", OFFICER_D7),
    ("2024-04-20 09:00", set()),
]


def test_walk_sends_each_step_once() -> None:
    ledger: set[LedgerKey] = set()
    for clock, expected in WALK:
        plan = due(REMINDERS_ONLY, bkk(clock), ledger)
        assert sent(plan) == expected, clock
        assert not set(plan.keys()) & ledger, clock
        ledger |= set(plan.keys())
    assert all(s not in ledger for s in [("user:13", "unit:1:d-7"), ("user:61", "unit:6:d-7")])


def test_crash_in_the_middle_sends_the_rest_once() -> None:
    now = bkk("2024-03-24 09:00")
    first = due(REMINDERS_ONLY, now)
    done = set(first.keys()[:2])  # the sweep recorded two, then died
    second = due(REMINDERS_ONLY, now, done)
    assert set(second.keys()) == set(first.keys()) - done
    assert len(sent(second)) == len(first.send) - 2


def test_one_reminder_per_person_and_unit() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-03-24 09:00"))
    to_21 = [d for d in plan.send if d.chat_id == 21]
    assert [d.step for d in to_21] == ["unit:2:d-7"]  # reporter and head: one message


# --------------------------------------------------------------------- the payloads


def test_unit_reminder_payload_says_what_is_missing() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-03-28 09:00"))
    (reminder,) = [d for d in plan.send if d.chat_id == 21]
    assert reminder.kind is Kind.UNIT
    assert reminder.at == bkk("2024-03-28 09:00")
    payload = reminder.payload
    assert isinstance(payload, UnitReminder)
    assert payload.missing_by_section == ((2, 7), (5, 5))
    assert payload.days_left == 3
    assert payload.deadline == bkk("2024-03-31 23:59:59")
    assert payload.deadline.tzinfo is not None and payload.deadline.utcoffset() == timedelta(
        hours=7
    )


def test_late_reminder_counts_days_from_now() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-03-29 08:00"), set())
    payload = next(d.payload for d in plan.send if d.chat_id == 41)
    assert isinstance(payload, UnitReminder)
    assert (payload.days_left, payload.state) == (2, "returned")


def test_supervisor_escalation_names_units_and_who_is_reachable() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-04-01 09:00"))
    by_chat = {d.chat_id: d for d in plan.send}
    assert set(by_chat) == {901, 902, 903, 990, 991}
    esa2 = by_chat[903].payload
    assert isinstance(esa2, SupervisorEscalation)
    assert esa2.agency_name == "สพป.เพชรบูรณ์ เขต 2"
    flags = {u.unit_id: (u.state, u.registered, u.reachable) for u in esa2.units}
    assert flags == {
        4: ("returned", True, True),
        5: ("not_started", False, False),
        6: ("not_started", True, False),
    }
    esa1 = by_chat[901].payload
    assert isinstance(esa1, SupervisorEscalation)
    assert [u.unit_id for u in esa1.units] == [1, 2]  # by code; 3 submitted
    orphans = by_chat[990].payload
    assert isinstance(orphans, OfficerEscalation) and orphans.orphans
    assert [(g.agency_id, [u.unit_id for u in g.units]) for g in orphans.groups] == [(300, [8])]
    assert by_chat[991].language == "en"


def test_officer_escalation_groups_every_overdue_unit_by_agency() -> None:
    plan = due(REMINDERS_ONLY, bkk("2024-04-07 09:00"), SUP_D1 | ORPHANS_D1)
    assert sent(plan) == OFFICER_D7
    payload = plan.send[0].payload
    assert isinstance(payload, OfficerEscalation) and not payload.orphans
    groups = {g.agency_name: sorted(u.unit_id for u in g.units) for g in payload.groups}
    assert groups == {
        "สพป.เพชรบูรณ์ เขต 1": [1, 2],
        "สพป.เพชรบูรณ์ เขต 2": [4, 5, 6],
        "อาชีวศึกษาจังหวัดเพชรบูรณ์": [8],
    }


def test_no_escalation_for_an_agency_without_overdue_units() -> None:
    world = with_state(with_state(REMINDERS_ONLY, 1, "submitted"), 2, "certified")
    plan = due(world, bkk("2024-04-01 09:00"))
    assert not any(key[1].startswith("sup:100:") for key in sent(plan))
    assert ("user:903", "sup:200:d+1") in sent(plan)


def test_everything_submitted_means_no_messages_at_all() -> None:
    world = REMINDERS_ONLY
    for unit in world.units:
        world = with_state(world, unit.unit_id, "submitted")
    for clock in ("2024-03-24 09:00", "2024-03-31 09:00", "2024-04-01 09:00", "2024-04-07 09:00"):
        assert due(world, bkk(clock)) == Plan()


def test_unit_with_parent_outside_the_map_goes_to_officers() -> None:
    world = replace(REMINDERS_ONLY, agencies={})
    plan = due(world, bkk("2024-04-01 09:00"))
    assert sent(plan) == ORPHANS_D1
    payload = plan.send[0].payload
    assert isinstance(payload, OfficerEscalation)
    assert all(g.agency_name == "" for g in payload.groups)


# ------------------------------------------------------------------ returned reports


def test_returned_report_is_reminded_again() -> None:
    # unit 2 submitted before d-3, returned on 29 Mar: the newest passed step is sent
    ledger = sent(due(REMINDERS_ONLY, bkk("2024-03-24 09:00")))
    submitted = with_state(REMINDERS_ONLY, 2, "submitted")
    plan = due(submitted, bkk("2024-03-28 09:00"), ledger)
    assert ("user:21", "unit:2:d-3") not in sent(plan)
    ledger |= set(plan.keys())
    returned = with_state(REMINDERS_ONLY, 2, "returned")
    plan = due(returned, bkk("2024-03-29 10:00"), ledger)
    assert sent(plan) == {("user:21", "unit:2:d-3")}
    assert superseded(plan) == set()


def test_returned_after_deadline_is_escalated() -> None:
    world = with_state(REMINDERS_ONLY, 3, "returned")
    plan = due(world, bkk("2024-04-01 09:00"))
    payload = next(d.payload for d in plan.send if d.chat_id == 901)
    assert isinstance(payload, SupervisorEscalation)
    assert 3 in {u.unit_id for u in payload.units}


# ------------------------------------------------------------ quiet hours, deadlines


def test_reminder_time_in_quiet_hours_moves_to_their_end() -> None:
    world = with_policy(REMINDERS_ONLY, unit_time=time(21, 0))
    assert sent(due(world, bkk("2024-03-24 21:30"))) == set()
    assert sent(due(world, bkk("2024-03-25 06:59"))) == set()
    plan = due(world, bkk("2024-03-25 07:00"))
    assert sent(plan) == unit_keys("d-7")
    assert {d.at for d in plan.send} == {bkk("2024-03-25 07:00")}
    # d-0 would fall after the deadline (1 Apr 07:00): it does not exist
    assert sent(due(world, bkk("2024-03-31 12:00"))) == unit_keys("d-1")
    plan = due(world, bkk("2024-04-01 08:00"))
    assert not any(key[1].endswith("d-0") for key in superseded(plan))


def test_quiet_hours_within_a_day() -> None:
    world = with_policy(
        REMINDERS_ONLY, unit_time=time(12, 30), quiet_start=time(12, 0), quiet_end=time(13, 0)
    )
    assert sent(due(world, bkk("2024-03-24 12:45"))) == set()
    plan = due(world, bkk("2024-03-24 13:00"))
    assert sent(plan) == unit_keys("d-7")
    assert plan.send[0].at == bkk("2024-03-24 13:00")
    assert sent(due(world, bkk("2024-03-24 23:00"))) == unit_keys("d-7")  # not quiet


def test_no_quiet_hours_when_start_equals_end() -> None:
    world = with_policy(REMINDERS_ONLY, quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert sent(due(world, bkk("2024-03-24 23:30"))) == unit_keys("d-7")


@pytest.mark.parametrize(
    ("deadline", "day"),
    [
        ("2024-03-31 23:59:59", date(2024, 3, 31)),
        ("2024-04-01 00:00", date(2024, 3, 31)),  # midnight ends the day before
        ("2024-03-31 16:00", date(2024, 3, 31)),
        ("2024-03-31 00:00:01", date(2024, 3, 31)),
    ],
)
def test_deadline_day(deadline: str, day: date) -> None:
    assert deadline_day(replace(ROUND, deadline=bkk(deadline))) == day


def test_deadline_at_midnight_behaves_like_end_of_day() -> None:
    world = with_round(REMINDERS_ONLY, deadline=bkk("2024-04-01 00:00"))
    assert sent(due(world, bkk("2024-03-31 09:00"))) == unit_keys("d-0")
    assert sent(due(world, bkk("2024-04-01 09:00"))) == SUP_D1 | ORPHANS_D1


def test_deadline_in_the_afternoon() -> None:
    world = with_round(REMINDERS_ONLY, deadline=bkk("2024-03-31 16:00"))
    assert sent(due(world, bkk("2024-03-31 15:59"))) == unit_keys("d-0")
    plan = due(world, bkk("2024-03-31 16:00"))
    assert sent(plan) == set()  # overdue, but escalation is tomorrow at 09:00
    assert unit_keys("d-0") <= superseded(plan)
    assert sent(due(world, bkk("2024-04-01 09:00"))) == SUP_D1 | ORPHANS_D1


def test_deadline_given_in_utc() -> None:
    world = with_round(REMINDERS_ONLY, deadline=bkk("2024-03-31 23:59:59").astimezone(UTC))
    assert sent(due(world, bkk("2024-03-31 09:00").astimezone(UTC))) == unit_keys("d-0")


# ------------------------------------------------------------------- open and closed


def test_steps_before_the_opening_do_not_exist() -> None:
    world = with_round(REMINDERS_ONLY, opens_at=bkk("2024-03-27 12:00"))
    assert due(world, bkk("2024-03-27 11:00")) == Plan()
    assert due(world, bkk("2024-03-27 13:00")) == Plan()
    plan = due(world, bkk("2024-03-28 10:00"))
    assert sent(plan) == unit_keys("d-3")
    assert superseded(plan) == set()


def test_nothing_once_closed() -> None:
    world = with_round(WORLD, closed_at=bkk("2024-04-03 12:00"))
    assert sent(due(world, bkk("2024-04-02 09:00"))) != set()
    assert due(world, bkk("2024-04-03 12:00")) == Plan()
    assert due(world, bkk("2024-04-07 09:00")) == Plan()


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        due(REMINDERS_ONLY, bkk("2024-03-24 09:00").replace(tzinfo=None))


# ------------------------------------------------------------ certifiers and digest


def certifier_keys(plan: Plan) -> set[LedgerKey]:
    return {d.key for d in plan.send if d.kind is Kind.CERTIFIER}


def test_certifier_reminded_after_two_days() -> None:
    key = ("user:32", "cert:99:20240320T030000")
    assert certifier_keys(due(WORLD, bkk("2024-03-22 09:59"))) == set()
    plan = due(WORLD, bkk("2024-03-22 10:00"))
    assert certifier_keys(plan) == {key}
    payload = next(d.payload for d in plan.send if d.key == key)
    assert isinstance(payload, CertifierReminder)
    assert payload.waited == timedelta(days=2)
    assert certifier_keys(due(WORLD, bkk("2024-03-25 10:00"), {key})) == set()


def test_certifier_wait_ending_in_quiet_hours() -> None:
    pending = PendingFacts(98, 3, "x", bkk("2024-03-20 21:00"), (member(32, "head"),))
    world = replace(WORLD, pending=(pending,))
    assert certifier_keys(due(world, bkk("2024-03-22 22:00"))) == set()
    plan = due(world, bkk("2024-03-23 07:00"))
    assert certifier_keys(plan) == {("user:32", "cert:98:20240320T140000")}


def test_resubmission_is_a_new_certifier_step() -> None:
    first = ("user:32", "cert:99:20240320T030000")
    pending = replace(WORLD.pending[0], submitted_at=bkk("2024-03-26 08:00"))
    world = replace(WORLD, pending=(pending,))
    plan = due(world, bkk("2024-03-28 08:00"), {first})
    assert certifier_keys(plan) == {("user:32", "cert:99:20240326T010000")}


def test_certifier_policy_wait() -> None:
    world = with_policy(WORLD, certifier_wait=timedelta(hours=6))
    assert certifier_keys(due(world, bkk("2024-03-20 15:59"))) == set()
    assert certifier_keys(due(world, bkk("2024-03-20 16:00"))) == {
        ("user:32", "cert:99:20240320T030000")
    }


def digest_keys(plan: Plan) -> set[LedgerKey]:
    return {d.key for d in plan.send if d.kind is Kind.DIGEST}


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        ("2024-02-29 08:30", set()),  # not open yet
        ("2024-03-01 08:29", set()),
        ("2024-03-01 08:30", {("chat:-1001", "digest:2024-03-01")}),
        ("2024-03-01 19:59", {("chat:-1001", "digest:2024-03-01")}),
        ("2024-03-01 20:00", set()),  # quiet
        ("2024-03-02 07:30", set()),  # yesterday's is not caught up, today's not yet
        ("2024-03-31 08:30", {("chat:-1001", "digest:2024-03-31")}),
        ("2024-04-07 08:30", {("chat:-1001", "digest:2024-04-07")}),  # day 0 + 7
        ("2024-04-08 08:30", set()),
    ],
)
def test_digest_once_a_day(clock: str, expected: set[LedgerKey]) -> None:
    assert digest_keys(due(WORLD, bkk(clock))) == expected


def test_digest_not_repeated_the_same_day() -> None:
    plan = due(WORLD, bkk("2024-03-05 08:30"))
    ledger = set(plan.keys())
    assert digest_keys(due(WORLD, bkk("2024-03-05 18:00"), ledger)) == set()
    assert digest_keys(due(WORLD, bkk("2024-03-06 08:30"), ledger)) == {
        ("chat:-1001", "digest:2024-03-06")
    }


def test_digest_time_in_quiet_hours_keeps_its_day() -> None:
    world = with_policy(WORLD, digest_time=time(22, 0))
    assert digest_keys(due(world, bkk("2024-03-05 22:00"))) == set()
    assert digest_keys(due(world, bkk("2024-03-06 07:00"))) == {("chat:-1001", "digest:2024-03-05")}


def test_digest_progress_by_agency() -> None:
    plan = due(WORLD, bkk("2024-04-02 08:30"), SUP_D1 | ORPHANS_D1)
    (digest,) = [d for d in plan.send if d.kind is Kind.DIGEST]
    assert digest.chat_id == -1001
    payload = digest.payload
    assert isinstance(payload, Digest)
    rows = {r.agency_name: (r.total, r.done, r.certified, r.overdue) for r in payload.rows}
    assert rows == {
        "สพป.เพชรบูรณ์ เขต 1": (3, 1, 0, 2),
        "สพป.เพชรบูรณ์ เขต 2": (4, 1, 1, 3),
        "อาชีวศึกษาจังหวัดเพชรบูรณ์": (1, 0, 0, 1),
    }
    assert (payload.total, payload.done, payload.overdue) == (8, 2, 6)


def test_digest_counts_no_overdue_before_the_deadline() -> None:
    plan = due(WORLD, bkk("2024-03-10 08:30"))
    payload = next(d.payload for d in plan.send if d.kind is Kind.DIGEST)
    assert isinstance(payload, Digest) and payload.overdue == 0


def test_plan_is_sorted_by_time() -> None:
    plan = due(WORLD, bkk("2024-03-24 09:00"), set())
    times = [d.at for d in plan.send]
    assert times == sorted(times)
    kinds = [d.kind for d in plan.send]
    assert kinds.index(Kind.DIGEST) < kinds.index(Kind.UNIT)  # 08:30 before 09:00


# ------------------------------------------------------------------------- the policy


def test_defaults_match_design() -> None:
    p = Policy()
    assert p.unit_days_before == (7, 3, 1, 0)
    assert (p.unit_time, p.escalation_time, p.digest_time) == (time(9), time(9), time(8, 30))
    assert (p.quiet_start, p.quiet_end) == (time(20), time(7))
    assert (p.supervisor_days_after, p.officer_days_after) == (1, 7)
    assert p.certifier_wait == timedelta(days=2)
    assert p.timezone == "Asia/Bangkok"


def test_from_dict_overrides_and_round_trips() -> None:
    p = Policy.from_dict(
        {
            "unit_days_before": [1, 5],
            "unit_time": "10:15",
            "quiet_start": "21:00",
            "certifier_wait_hours": 36,
            "timezone": "UTC",
        }
    )
    assert p.unit_days_before == (5, 1)
    assert p.unit_time == time(10, 15)
    assert p.quiet_start == time(21)
    assert p.certifier_wait == timedelta(hours=36)
    assert p.officer_days_after == 7
    assert Policy.from_dict(p.to_dict()) == p
    assert Policy.from_dict({}) == Policy()
    assert p.to_dict()["certifier_wait_hours"] == 36


def test_from_dict_over_other_defaults() -> None:
    base = Policy(timezone="UTC")
    assert Policy.from_dict({"unit_time": "08:00"}, defaults=base).timezone == "UTC"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"remind_days": [1]}, 'unknown policy key "remind_days"'),
        ({"unit_time": "25:00"}, "unit_time: '25:00' is not a time of day"),
        ({"quiet_end": 7}, "quiet_end: 7 is not a time of day"),
        ({"digest_time": "8.30"}, "digest_time"),
        ({"unit_days_before": 7}, "unit_days_before: expected a list"),
        ({"unit_days_before": [7, "3"]}, "unit_days_before: expected a whole number"),
        ({"unit_days_before": [3, 3]}, "unit_days_before: a day is repeated"),
        ({"unit_days_before": [-1]}, "unit_days_before: -1 is out of range"),
        ({"supervisor_days_after": 0}, "supervisor_days_after: 0 is out of range"),
        ({"officer_days_after": True}, "officer_days_after: expected a whole number"),
        ({"officer_days_after": 1.5}, "officer_days_after: expected a whole number"),
        ({"timezone": "Mars/Olympus"}, 'timezone: "Mars/Olympus" is not a known time zone'),
        ({"timezone": 7}, "timezone: expected a time zone name"),
        ({"certifier_wait_hours": 0}, "certifier_wait_hours"),
        ({"certifier_wait_hours": "48"}, "certifier_wait_hours"),
        ({"certifier_wait_hours": float("nan")}, "certifier_wait_hours"),
        ({"digest_days_after": -1}, "digest_days_after"),
        (["unit_time"], "the policy must be a mapping"),
    ],
)
def test_from_dict_errors_name_the_key(data: object, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        Policy.from_dict(data)
    assert message in str(raised.value)


def test_policy_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="supervisor_days_after"):
        Policy(supervisor_days_after=-3)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        ("2024-03-01 19:59:59", False),
        ("2024-03-01 20:00", True),
        ("2024-03-01 23:59", True),
        ("2024-03-02 00:00", True),
        ("2024-03-02 06:59:59", True),
        ("2024-03-02 07:00", False),
    ],
)
def test_quiet_hours_wrap_over_midnight(clock: str, quiet: bool) -> None:
    assert Policy().in_quiet_hours(bkk(clock)) is quiet


def test_release_moves_to_the_end_of_quiet_hours() -> None:
    p = Policy()
    assert p.release(bkk("2024-03-01 21:00")) == bkk("2024-03-02 07:00")
    assert p.release(bkk("2024-03-02 03:00")) == bkk("2024-03-02 07:00")
    assert p.release(bkk("2024-03-02 12:00")) == bkk("2024-03-02 12:00")
