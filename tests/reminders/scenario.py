"""A small province for the reminder policy tests, and clock helpers.

Round 7, period 2567-Q2, opens 1 Mar 2024 00:00 and is due 31 Mar 2024 23:59:59,
Bangkok time. Agencies: 100 (two reachable supervisors), 200 (one reachable, one
not), 300 (no supervisor). Units:

====  ======  ===========  ==========================================
unit  parent  state        members (telegram user id)
====  ======  ===========  ==========================================
1     100     not_started  11 reporter, 12 head, 13 reporter unreachable
2     100     in_progress  21 reporter and head (one person)
3     100     submitted    31 reporter, 32 head
4     200     returned     41 reporter
5     200     not_started  nobody
6     200     not_started  61 reporter unreachable
7     200     certified    71 head
8     300     in_progress  81 reporter
====  ======  ===========  ==========================================

Officers 990, 991 (992 unreachable). Province group chat -1001. Unit 3's
submission 99 waits for its head (32) since 20 Mar 2024 10:00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reminders.policy import (
    AgencyFacts,
    LedgerKey,
    MemberFacts,
    PendingFacts,
    Plan,
    Policy,
    RoundFacts,
    UnitFacts,
    World,
)

BKK = ZoneInfo("Asia/Bangkok")


def bkk(text: str) -> datetime:
    """``"2024-03-24 09:00"`` (or with seconds) as an aware Bangkok time."""
    return datetime.fromisoformat(text).replace(tzinfo=BKK)


def member(
    tg: int, role: str = "reporter", reachable: bool = True, lang: str | None = None
) -> MemberFacts:
    return MemberFacts(
        member_id=tg * 10, telegram_user_id=tg, role=role, reachable=reachable, language=lang
    )


ROUND = RoundFacts(
    round_id=7,
    period="2567-Q2",
    opens_at=bkk("2024-03-01 00:00"),
    deadline=bkk("2024-03-31 23:59:59"),
)

UNITS = (
    UnitFacts(
        1,
        "1067010001",
        "โรงเรียนบ้านเหนือ",
        "school",
        100,
        "not_started",
        {},
        (member(11), member(12, "head"), member(13, reachable=False)),
    ),
    UnitFacts(
        2,
        "1067010002",
        "โรงเรียนบ้านใต้",
        "school",
        100,
        "in_progress",
        {2: 7, 5: 5},
        (member(21), member(21, "head")),
    ),
    UnitFacts(
        3,
        "1067010003",
        "โรงเรียนบ้านกลาง",
        "school",
        100,
        "submitted",
        {},
        (member(31), member(32, "head")),
    ),
    UnitFacts(4, "1067020004", "โรงเรียนหนองไผ่", "school", 200, "returned", {1: 1}, (member(41),)),
    UnitFacts(5, "1067020005", "โรงเรียนวังชมภู", "school", 200, "not_started"),
    UnitFacts(
        6,
        "1067020006",
        "โรงเรียนท่าพล",
        "school",
        200,
        "not_started",
        {},
        (member(61, reachable=False),),
    ),
    UnitFacts(
        7, "1067020007", "โรงเรียนนาป่า", "school", 200, "certified", {}, (member(71, "head"),)
    ),
    UnitFacts(
        8, "1067030008", "วิทยาลัยเทคนิคเพชรบูรณ์", "vocational", 300, "in_progress", {}, (member(81),)
    ),
)

AGENCIES = {
    100: AgencyFacts(
        100, "ESA1", "สพป.เพชรบูรณ์ เขต 1", (member(901, "supervisor"), member(902, "supervisor"))
    ),
    200: AgencyFacts(
        200,
        "ESA2",
        "สพป.เพชรบูรณ์ เขต 2",
        (member(903, "supervisor"), member(904, "supervisor", reachable=False)),
    ),
    300: AgencyFacts(300, "VEC", "อาชีวศึกษาจังหวัดเพชรบูรณ์"),
}

OFFICERS = (
    member(990, "officer"),
    member(991, "officer", lang="en"),
    member(992, "officer", reachable=False),
)

PENDING = (PendingFacts(99, 3, "โรงเรียนบ้านกลาง", bkk("2024-03-20 10:00"), (member(32, "head"),)),)

GROUPS = (-1001,)

WORLD = World(ROUND, UNITS, AGENCIES, OFFICERS, PENDING, GROUPS)
#: Only the units, agencies and officers: no certification, no digest.
REMINDERS_ONLY = World(ROUND, UNITS, AGENCIES, OFFICERS)


def with_policy(world: World, **changes: Any) -> World:
    return replace(world, round=replace(world.round, policy=replace(Policy(), **changes)))


def with_round(world: World, **changes: Any) -> World:
    return replace(world, round=replace(world.round, **changes))


def with_state(world: World, unit_id: int, state: str) -> World:
    units = tuple(replace(u, state=state) if u.unit_id == unit_id else u for u in world.units)
    return replace(world, units=units)


def sent(plan: Plan) -> set[LedgerKey]:
    return {d.key for d in plan.send}


def superseded(plan: Plan) -> set[LedgerKey]:
    return {s.key for s in plan.superseded}


def unit_keys(step: str, *, units: tuple[int, ...] = (1, 2, 4, 8)) -> set[LedgerKey]:
    """The unit step ``d-<n>`` for every reachable member of the given scenario units."""
    people = {1: (11, 12), 2: (21,), 4: (41,), 8: (81,)}
    return {(f"user:{tg}", f"unit:{u}:{step}") for u in units for tg in people[u]}
