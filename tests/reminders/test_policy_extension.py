"""Extended deadlines in the pure policy: one notice, no repeats, escalations move."""

from __future__ import annotations

from datetime import timedelta

from reminders.policy import ExtensionNotice, Kind, due

from .scenario import REMINDERS_ONLY, ROUND, bkk, sent, superseded, unit_keys, with_round

NEW_DEADLINE = ROUND.deadline + timedelta(days=7)  # 7 April 2024, end of day


def extended(at: str, times: int = 1):  # type: ignore[no-untyped-def]
    return with_round(REMINDERS_ONLY, deadline=NEW_DEADLINE, extensions=times, extended_at=bkk(at))


def notices(step: str = "extend:1") -> set[tuple[str, str]]:
    return {(person, step) for person, _ in unit_keys("d-7")}


def test_the_notice_goes_once_to_every_person_of_a_unit_not_submitted() -> None:
    world = extended("2024-03-25 10:00")
    plan = due(world, bkk("2024-03-25 10:05"), unit_keys("d-7"))
    assert sent(plan) == notices()
    [first] = [d for d in plan.send if d.recipient == "user:11"]
    assert first.kind is Kind.EXTENSION and isinstance(first.payload, ExtensionNotice)
    assert first.payload.deadline.date().isoformat() == "2024-04-07"
    after = due(world, bkk("2024-03-25 11:00"), unit_keys("d-7") | notices())
    assert sent(after) == set()


def test_a_step_already_sent_is_never_repeated_and_later_ones_follow_the_new_deadline() -> None:
    world = extended("2024-03-25 10:00")
    ledger = unit_keys("d-7") | notices()
    assert sent(due(world, bkk("2024-03-31 09:00"), ledger)) == set()  # the new d-7: sent
    assert sent(due(world, bkk("2024-04-04 09:00"), ledger)) == unit_keys("d-3")


def test_steps_before_the_extension_give_way_to_its_notice() -> None:
    world = extended("2024-04-05 10:00")  # after the new d-3 time: it never comes
    plan = due(world, bkk("2024-04-05 10:00"), unit_keys("d-7"))
    assert sent(plan) == notices()
    assert unit_keys("d-3") <= superseded(plan)
    assert {s.by for s in plan.superseded} == {"extend:1"}


def test_escalations_move_to_the_new_deadline_with_their_own_step() -> None:
    world = extended("2024-03-25 10:00", times=2)
    assert not [d for d in due(world, bkk("2024-04-01 09:00")).send if d.kind is Kind.SUPERVISOR]
    late = due(world, bkk("2024-04-08 09:00"))
    steps = {d.step for d in late.send if d.kind in (Kind.SUPERVISOR, Kind.ORPHANS)}
    assert steps and all(step.endswith(":e2") for step in steps)


def test_no_notice_after_the_new_deadline_or_in_quiet_hours() -> None:
    world = extended("2024-03-25 22:00")  # in quiet hours: told when they end
    assert sent(due(world, bkk("2024-03-25 22:30"))) == set()
    assert notices() <= sent(due(world, bkk("2024-03-26 07:00"), unit_keys("d-7")))
    assert not [d for d in due(world, bkk("2024-04-08 09:00")).send if d.kind is Kind.EXTENSION]
