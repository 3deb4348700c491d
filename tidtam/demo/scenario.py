"""The demo's plan: who does what on which simulated day, decided from a seed.

Pure: no I/O, no clock. :func:`make_plan` takes the province's units (the rows of
the units file), the round's target kinds and a seed, and returns a :class:`Plan`
that :mod:`tidtam.demo.run` plays through the bot. The same seed and units give the
same plan, so the final counts of a demo are known before it runs
(:meth:`Plan.expected_states`) and tests compare the workbook with them.

Days count from the round's opening (day 0). The deadline is the end of
:data:`DEADLINE_DAY`; the reminder policy's defaults then escalate to supervisors on
day ``DEADLINE_DAY + 1`` and to the officers on day ``DEADLINE_DAY + 7``.

Fates of the target units (shares of them, each at least one unit from ten units on):

==============  ======================================================================
fate            what happens
==============  ======================================================================
certified       the reporter answers in one to three sittings and submits; the head
                certifies (some attach a PDF letter)
returned        submits by day 3; the head returns it with a reason; the reporter
                fixes it the next day and submits again; the head certifies
waiting         submits; the head never decides (a certifier reminder follows)
partial         answers part of the form and never submits (in progress at the end)
idle            a reporter registers and never starts
blocked         a reporter registers, then blocks the bot (reported unreachable)
unregistered    nobody registers
==============  ======================================================================
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DEADLINE_DAY",
    "OFFICER_DAY",
    "SUPERVISOR_DAY",
    "AgencyPlan",
    "Fate",
    "Person",
    "Plan",
    "Sitting",
    "UnitInfo",
    "UnitPlan",
    "make_plan",
    "pick_units",
]

DEADLINE_DAY = 5
SUPERVISOR_DAY = DEADLINE_DAY + 1
OFFICER_DAY = DEADLINE_DAY + 7
LAST_ACTIVE_DAY = DEADLINE_DAY + 2  # heads may still certify after the deadline

REPORTER_IDS = 7_000_000
HEAD_IDS = 8_000_000
SUPERVISOR_IDS = 9_000_000
OFFICER_ID = 9_900_000

FIRST_NAMES = (
    "สมศรี", "สมชาย", "วิไลวรรณ", "ประเสริฐ", "มาลี", "สุนทร", "อรุณี", "จันทร์เพ็ญ",
    "กาญจนา", "ธนพล", "พิมพ์ชนก", "ณัฐวุฒิ", "ศิริพร", "วีระ", "อัญชลี", "บุญมี",
    "รัตนา", "สุรชัย", "นภา", "เกศินี", "ชัยวัฒน์", "ปราณี", "อำนาจ", "ดวงใจ",
)  # fmt: skip
REASONS = {
    "th": (
        "ข้อ 3 จำนวนนักเรียนไม่ตรงกับเอกสาร กรุณาตรวจสอบ",
        "ข้อ 2 กรุณาระบุชื่อโครงการให้ครบ",
        "ข้อ 4 ตัวเลขสูงเกินจริง กรุณาแก้ไข",
        "ข้อ 3 และ 5 ข้อมูลไม่สอดคล้องกัน",
    ),
    "en": (
        "item 3: the number of students does not match the documents",
        "item 2: please name every project",
        "item 4: the figure looks too high, please check",
        "item 3 and 5 do not agree",
    ),
}


class Fate(enum.StrEnum):
    CERTIFIED = "certified"
    RETURNED = "returned"
    WAITING = "waiting"
    PARTIAL = "partial"
    IDLE = "idle"
    BLOCKED = "blocked"
    UNREGISTERED = "unregistered"


FINAL_STATE = {
    Fate.CERTIFIED: "certified",
    Fate.RETURNED: "certified",
    Fate.WAITING: "submitted",
    Fate.PARTIAL: "in_progress",
    Fate.IDLE: "not_started",
    Fate.BLOCKED: "not_started",
    Fate.UNREGISTERED: "not_started",
}
SUBMITTING = frozenset({Fate.CERTIFIED, Fate.RETURNED, Fate.WAITING})

# Shares of the target units (the rest certify); each at least 1 from MIN_UNITS units.
SHARES = (
    (Fate.BLOCKED, 0.03),
    (Fate.UNREGISTERED, 0.04),
    (Fate.IDLE, 0.06),
    (Fate.PARTIAL, 0.08),
)
SUBMITTER_SHARES = ((Fate.RETURNED, 0.12), (Fate.WAITING, 0.06))
MIN_UNITS = 10
SUBMIT_DAYS = ((1, 10), (2, 15), (3, 25), (4, 25), (5, 25))  # (day, weight)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A unit as the units file gives it."""

    code: str
    name: str
    kind: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """A simulated Telegram user and the day they register."""

    id: int
    name: str
    register_day: int


@dataclass(frozen=True, slots=True)
class Sitting:
    """A sitting on ``day``: answer until ``share`` of the form is answered (1.0: all, submit)."""

    day: int
    share: float

    @property
    def finishes(self) -> bool:
        return self.share >= 1.0


@dataclass(frozen=True, slots=True)
class UnitPlan:
    """What one target unit's people do."""

    unit: UnitInfo
    fate: Fate
    reporter: Person | None = None
    head: Person | None = None
    sittings: tuple[Sitting, ...] = ()
    return_day: int | None = None  # the head returns the submission (returned)
    reason: str | None = None
    fix_day: int | None = None  # the reporter fixes and submits again
    approve_day: int | None = None  # the head certifies
    letter: bool = False  # the head attaches a PDF letter
    block_day: int | None = None
    answer_seed: int = 0

    @property
    def submit_day(self) -> int | None:
        """The day of the first submission (None if it never submits)."""
        return next((s.day for s in self.sittings if s.finishes), None)

    @property
    def final_state(self) -> str:
        return FINAL_STATE[self.fate]

    @property
    def done_by_deadline(self) -> bool:
        """Submitted (and not returned without a fix) when the deadline passes."""
        return self.fate in SUBMITTING


@dataclass(frozen=True, slots=True)
class AgencyPlan:
    """A parent agency of target units and its supervisor (None: the province root)."""

    unit: UnitInfo
    supervisor: Person | None


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole simulated round."""

    seed: int
    language: str
    units: tuple[UnitPlan, ...]
    agencies: tuple[AgencyPlan, ...]
    officer: Person
    root: UnitInfo
    deadline_day: int = DEADLINE_DAY
    last_active_day: int = LAST_ACTIVE_DAY
    supervisor_day: int = SUPERVISOR_DAY
    officer_day: int = OFFICER_DAY

    def expected_states(self) -> Counter[str]:
        """Final submission states, counted over the target units."""
        return Counter(u.final_state for u in self.units)

    def fates(self) -> Counter[Fate]:
        return Counter(u.fate for u in self.units)

    def overdue(self) -> list[UnitPlan]:
        """Units not submitted when the deadline passed (escalated)."""
        return [u for u in self.units if not u.done_by_deadline]

    def overdue_by_agency(self) -> dict[str, list[UnitPlan]]:
        """Overdue units by their parent agency's code."""
        result: dict[str, list[UnitPlan]] = {}
        for unit in self.overdue():
            result.setdefault(unit.unit.parent_code or "", []).append(unit)
        return result

    def people(self) -> list[Person]:
        found = [self.officer]
        found += [a.supervisor for a in self.agencies if a.supervisor is not None]
        for unit in self.units:
            found += [p for p in (unit.reporter, unit.head) if p is not None]
        return found


def pick_units(
    units: Sequence[UnitInfo], schools: int | None, *, school_kind: str = "school"
) -> list[UnitInfo]:
    """The root, every agency and the first ``schools`` schools (all: None).

    Schools are taken in turn from each parent agency, in file order, so that a small
    province still has several agencies.
    """
    if schools is None:
        return list(units)
    if schools < 0:
        raise ValueError("the number of schools cannot be negative")
    by_parent: dict[str | None, list[UnitInfo]] = {}
    for unit in units:
        if unit.kind == school_kind:
            by_parent.setdefault(unit.parent_code, []).append(unit)
    chosen: set[str] = set()
    queues = [list(group) for group in by_parent.values()]
    while len(chosen) < schools and any(queues):
        for queue in queues:
            if queue and len(chosen) < schools:
                chosen.add(queue.pop(0).code)
    return [u for u in units if u.kind != school_kind or u.code in chosen]


def _quotas(total: int, shares: Iterable[tuple[Fate, float]]) -> list[tuple[Fate, int]]:
    result = []
    for fate, share in shares:
        count = round(total * share)
        if total >= MIN_UNITS:
            count = max(1, count)
        result.append((fate, count))
    return result


def _weighted_day(rng: random.Random) -> int:
    days, weights = zip(*SUBMIT_DAYS, strict=True)
    return rng.choices(days, weights)[0]


def _sittings(rng: random.Random, first_possible: int, last: int, final: float) -> list[Sitting]:
    """One to three sittings from ``first_possible`` to ``last``, reaching ``final``."""
    count = rng.choice((1, 2, 2, 3))
    days = [*sorted(rng.randint(first_possible, last) for _ in range(count - 1)), last]
    days = sorted(set(days))
    shares = sorted(round(rng.uniform(0.2, 0.85), 2) for _ in range(len(days) - 1))
    if final < 1.0:
        shares = [min(s, final) for s in shares]
    return [Sitting(d, s) for d, s in zip(days, [*shares, final], strict=True)]


def _name(rng: random.Random, title: str) -> str:
    return f"{title}{rng.choice(FIRST_NAMES)}"


def make_plan(
    units: Sequence[UnitInfo],
    *,
    seed: int,
    target_kinds: Sequence[str] = ("esa", "school"),
    language: str = "th",
) -> Plan:
    """Decide the whole round for the target units of ``units`` (see the module docstring)."""
    rng = random.Random(seed)
    roots = [u for u in units if u.parent_code is None]
    if len(roots) != 1:
        raise ValueError("the province needs exactly one root unit")
    root = roots[0]
    targets = [u for u in units if u.kind in target_kinds]
    order = list(range(len(targets)))
    rng.shuffle(order)
    fates: dict[int, Fate] = {}
    cursor = 0
    for fate, count in _quotas(len(targets), SHARES):
        for index in order[cursor : cursor + count]:
            fates[index] = fate
        cursor += count
    submitters = order[cursor:]
    inner = 0
    for fate, count in _quotas(len(submitters), SUBMITTER_SHARES):
        for index in submitters[inner : inner + count]:
            fates[index] = fate
        inner += count
    for index in submitters[inner:]:
        fates[index] = Fate.CERTIFIED
    reasons = REASONS.get(language, REASONS["th"])

    plans = []
    for index, unit in enumerate(targets):
        fate = fates[index]
        unit_rng = random.Random(f"{seed}:{unit.code}")
        reporter_day = unit_rng.choice((0, 0, 0, 1, 2))
        reporter = Person(REPORTER_IDS + index, _name(unit_rng, "ครู"), reporter_day)
        head = Person(HEAD_IDS + index, _name(unit_rng, "ผอ."), unit_rng.choice((0, 0, 1)))
        plan = UnitPlan(unit, fate, answer_seed=unit_rng.randrange(2**31))
        if fate is Fate.UNREGISTERED:
            plans.append(plan)
            continue
        if fate is Fate.IDLE:
            plans.append(UnitPlan(unit, fate, reporter=reporter, answer_seed=plan.answer_seed))
            continue
        if fate is Fate.BLOCKED:
            early = Person(reporter.id, reporter.name, 0)
            plans.append(UnitPlan(unit, fate, reporter=early, block_day=1))
            continue
        if fate is Fate.PARTIAL:
            last = unit_rng.randint(max(1, reporter_day), DEADLINE_DAY)
            final = round(unit_rng.uniform(0.25, 0.8), 2)
            partial_sittings = tuple(_sittings(unit_rng, reporter_day, last, final))
            with_head = head if unit_rng.random() < 0.5 else None
            plans.append(
                UnitPlan(unit, fate, reporter, with_head, partial_sittings,
                         answer_seed=plan.answer_seed)
            )  # fmt: skip
            continue
        if fate is Fate.RETURNED:
            submit = unit_rng.randint(1, DEADLINE_DAY - 2)
        else:
            submit = _weighted_day(unit_rng)
        reporter = Person(reporter.id, reporter.name, min(reporter_day, submit))
        head = Person(head.id, head.name, min(head.register_day, submit))
        sittings = tuple(_sittings(unit_rng, reporter.register_day, submit, 1.0))
        letter = unit_rng.random() < 0.3
        if fate is Fate.RETURNED:
            return_day = submit + unit_rng.choice((0, 1))
            return_day = min(return_day, DEADLINE_DAY - 1)
            fix_day = return_day + 1
            plans.append(
                UnitPlan(unit, fate, reporter, head, sittings, return_day,
                         unit_rng.choice(reasons), fix_day, fix_day, letter,
                         answer_seed=plan.answer_seed)
            )  # fmt: skip
        elif fate is Fate.WAITING:
            plans.append(
                UnitPlan(unit, fate, reporter, head, sittings, answer_seed=plan.answer_seed)
            )
        else:
            approve = min(submit + unit_rng.choice((0, 0, 1, 2)), LAST_ACTIVE_DAY)
            plans.append(
                UnitPlan(unit, fate, reporter, head, sittings, approve_day=approve,
                         letter=letter, answer_seed=plan.answer_seed)
            )  # fmt: skip

    parents = sorted({u.parent_code for u in targets if u.parent_code is not None})
    by_code = {u.code: u for u in units}
    agencies = []
    for number, code in enumerate(parents):
        agency = by_code[code]
        supervisor = None
        if code != root.code:
            supervisor = Person(SUPERVISOR_IDS + number, _name(rng, "ศน."), 0)
        agencies.append(AgencyPlan(agency, supervisor))
    officer = Person(OFFICER_ID, _name(rng, "จนท.ศธจ. "), 0)
    return Plan(seed, language, tuple(plans), tuple(agencies), officer, root)
