"""The reminder and escalation policy: given the world at a moment, what is due.

Pure: no SQL, no Telegram, no clock. The sweep loads a :class:`World` (plain frozen
records) and the round's ledger keys, calls :func:`due` with the time it sweeps
"as at", records one ledger row per returned key and sends what is in
:attr:`Plan.send`. :mod:`reminders.texts` turns a :class:`Due` into message text.

Policy (docs/design.md §6, per round in ``Round.policy``; :meth:`Policy.from_dict` reads it)
----------------------------------------------------------------------------------
- **Deadline day**: the local date (policy time zone) of the last instant *before*
  the deadline, so a deadline of 23:59:59 or of 00:00 the next day both mean "that
  day". Day offsets count from it.
- **Unit reminders** ``unit:<unit_id>:d-<n>``: at ``unit_time`` on deadline day minus
  ``n`` for each ``n`` in ``unit_days_before`` (default 7, 3, 1, 0 at 09:00), to every
  reachable person holding a ``reporter`` or ``head`` membership of a unit that has
  not submitted (``not_started``, ``in_progress`` or ``returned``: a returned
  submission counts as not submitted). A step applies only if its time is at or
  after the round's opening and before the deadline; others never exist.
- **Supervisor escalation** ``sup:<agency_id>:d+<n>``: at ``escalation_time`` on
  deadline day plus ``supervisor_days_after`` (default 1), one message per reachable
  supervisor of each parent agency that has at least one overdue unit, naming those
  units and which have nobody registered or nobody reachable.
- **Orphans** ``orphans:d+<n>``: at the same time, overdue units whose parent agency
  has no reachable supervisor (or no parent agency at all) go to the officers
  instead, grouped by agency.
- **Officer escalation** ``officer:d+<n>``: at ``escalation_time`` on deadline day
  plus ``officer_days_after`` (default 7), every overdue unit, grouped by agency, to
  every reachable officer.
- **Certifier reminders** ``cert:<submission_id>:<submitted_at UTC %Y%m%dT%H%M%S>``:
  ``certifier_wait`` (default 2 days) after a submission that still waits for
  certification, to each reachable certifier. A resubmission after a return has a
  new ``submitted_at`` and so a new step.
- **Digest** ``digest:<local ISO date>``: at ``digest_time`` (default 08:30) each day
  from the opening while the round is not closed, up to deadline day plus
  ``digest_days_after`` (default 7; rounds are rarely closed by hand), to each
  province group chat: progress per agency and the overdue count, no personal data.
- **Quiet hours** ``quiet_start``-``quiet_end`` (default 20:00-07:00, may wrap over
  midnight; equal times mean none): a step whose time falls in them is moved to the
  moment they end, and nothing is sent while ``now`` is in them.
- Nothing is due before the round opens or once it is closed (``closed_at <= now``).
- **Extension** ``extend:<n>``: when the deadline was extended for the ``n``-th time
  (``RoundFacts.extensions``, at ``extended_at``), every reachable reporter or head
  of a unit that has not submitted is told the new deadline once (at the
  extension, out of quiet hours). Unit steps (counted from the *new* deadline) whose
  time fell at or before the extension are superseded ``by="extend:<n>"``; steps
  already sent stay sent and are never repeated (the ledger keeps their key).
  Escalation steps carry the extension: ``sup:<agency_id>:d+<n>:e<k>``,
  ``orphans:d+<n>:e<k>``, ``officer:d+<n>:e<k>`` after the ``k``-th extension, so
  escalations move to the new deadline.

Ledger granularity (``ReminderLedger(round_id, recipient, step)``)
------------------------------------------------------------------
Recipients are ``user:<telegram_user_id>`` for people and ``chat:<chat_id>`` for
group chats; the step names the message (above). So a sweep that crashes after
sending to one of a unit's three members still owes, and sends, the other two; a
person holding two memberships of one unit (reporter and head) gets one reminder;
a supervisor gets one message per agency, not per unit. Every key returned in
:attr:`Plan.send` or :attr:`Plan.superseded` is to be recorded: then a second sweep
at the same moment, a late start or a parallel copy (the unique ledger row decides
who sends) neither repeats nor skips a message.

Late starts and supersession
----------------------------
Only the newest unit step whose time has passed is sent to a person; older unsent
steps of that unit are returned in :attr:`Plan.superseded` (``by`` the newer step)
for the sweep to record without sending. Once the deadline has passed, every
unsent unit step is superseded ``by="deadline"`` (the escalations take over). A
person who registers late therefore gets the newest passed reminder at once.
Escalations and certifier reminders are sent however late, while the round is not
closed. A digest day that passed while nothing ran is not caught up.
A unit whose submission is returned becomes "not submitted" again: the newest
passed step (if before the deadline) is sent, overdue units are escalated.

Errors: :class:`PolicyError` (a ``ValueError``) for a bad policy dict or value; the
message names the key.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tidtam.core.round_policy import ROUND_KEYS
from tidtam.core.vocabulary import ANSWERING_ROLES, Role, SubmissionState
from tidtam.core.vocabulary import DONE_STATES as DONE

__all__ = [
    "DONE_STATES",
    "UNIT_ROLES",
    "AgencyFacts",
    "AgencyGroup",
    "CertifierReminder",
    "Digest",
    "Due",
    "ExtensionNotice",
    "Kind",
    "LedgerKey",
    "MemberFacts",
    "OfficerEscalation",
    "OverdueUnit",
    "PendingFacts",
    "Plan",
    "Policy",
    "PolicyError",
    "ProgressRow",
    "RoundFacts",
    "Superseded",
    "SupervisorEscalation",
    "UnitFacts",
    "UnitReminder",
    "World",
    "deadline_day",
    "due",
    "extension_step",
    "unit_step",
    "user_key",
]

#: A ledger row's identity within a round: (recipient, step).
LedgerKey = tuple[str, str]

#: Submission states that count as submitted (``returned`` does not).
DONE_STATES = frozenset(state.value for state in DONE)
#: Membership roles that receive a unit's reminders and make it "registered".
UNIT_ROLES = frozenset(role.value for role in ANSWERING_ROLES)
_STATES = frozenset(state.value for state in SubmissionState)
_MAX_DAYS = 366


class PolicyError(ValueError):
    """A reminder policy that cannot be used; the message names the key."""


# ---------------------------------------------------------------------------- policy


def _check_time(key: str, value: object) -> time:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise PolicyError(f"{key}: expected a local time of day, got {value!r}")
    return value


def _check_days(key: str, value: object, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PolicyError(f"{key}: expected a whole number of days, got {value!r}")
    if not minimum <= value <= _MAX_DAYS:
        raise PolicyError(f"{key}: {value} is out of range ({minimum}-{_MAX_DAYS} days)")
    return value


@dataclass(frozen=True, slots=True)
class Policy:
    """A round's reminder policy; invalid values raise :class:`PolicyError`."""

    unit_days_before: tuple[int, ...] = (7, 3, 1, 0)
    unit_time: time = time(9, 0)
    supervisor_days_after: int = 1
    officer_days_after: int = 7
    escalation_time: time = time(9, 0)
    quiet_start: time = time(20, 0)
    quiet_end: time = time(7, 0)
    timezone: str = "Asia/Bangkok"
    certifier_wait: timedelta = timedelta(days=2)
    digest_time: time = time(8, 30)
    digest_days_after: int = 7

    def __post_init__(self) -> None:
        days = self.unit_days_before
        if not isinstance(days, tuple):
            raise PolicyError(f"unit_days_before: expected a list of days, got {days!r}")
        for n in days:
            _check_days("unit_days_before", n, 0)
        if len(set(days)) != len(days):
            raise PolicyError(f"unit_days_before: a day is repeated in {list(days)}")
        # Canonical order: earliest reminder (most days before) first.
        object.__setattr__(self, "unit_days_before", tuple(sorted(days, reverse=True)))
        for name in ("unit_time", "escalation_time", "quiet_start", "quiet_end", "digest_time"):
            _check_time(name, getattr(self, name))
        _check_days("supervisor_days_after", self.supervisor_days_after, 1)
        _check_days("officer_days_after", self.officer_days_after, 1)
        _check_days("digest_days_after", self.digest_days_after, 0)
        wait = self.certifier_wait
        if not isinstance(wait, timedelta) or not timedelta(0) < wait <= timedelta(_MAX_DAYS):
            raise PolicyError(f"certifier_wait_hours: must be above 0 and at most a year: {wait}")
        if not isinstance(self.timezone, str):
            raise PolicyError(f"timezone: expected a time zone name, got {self.timezone!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PolicyError(
                f'timezone: "{self.timezone}" is not a known time zone (e.g. Asia/Bangkok)'
            ) from None

    # -- reading and writing Round.policy

    @classmethod
    def from_dict(cls, data: object, *, defaults: Policy | None = None) -> Policy:
        """Read ``Round.policy``: any subset of :meth:`to_dict`'s keys over ``defaults``.

        Times are ``"HH:MM"``, days whole numbers, ``certifier_wait_hours`` a number
        of hours, ``unit_days_before`` a list of whole numbers.
        """
        base = defaults if defaults is not None else cls()
        if not isinstance(data, Mapping):
            raise PolicyError(f"the policy must be a mapping of keys to values, got {data!r}")
        known = _DICT_KEYS
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key in ROUND_KEYS:
                continue  # the round's own settings (tidtam.core.round_policy)
            if key not in known:
                raise PolicyError(
                    f'unknown policy key "{key}"; known keys: {", ".join(sorted(known))}'
                )
            changes.update(_read_value(key, value))
        values = {f.name: getattr(base, f.name) for f in fields(cls)}
        values.update(changes)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Every setting, JSON-ready, as :meth:`from_dict` reads it."""
        return {
            "unit_days_before": list(self.unit_days_before),
            "unit_time": _show_time(self.unit_time),
            "supervisor_days_after": self.supervisor_days_after,
            "officer_days_after": self.officer_days_after,
            "escalation_time": _show_time(self.escalation_time),
            "quiet_start": _show_time(self.quiet_start),
            "quiet_end": _show_time(self.quiet_end),
            "timezone": self.timezone,
            "certifier_wait_hours": _show_hours(self.certifier_wait),
            "digest_time": _show_time(self.digest_time),
            "digest_days_after": self.digest_days_after,
        }

    # -- time arithmetic

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def in_quiet_hours(self, moment: datetime) -> bool:
        """Whether the aware ``moment`` falls in the quiet hours (local time)."""
        t = moment.astimezone(self.zone).time().replace(tzinfo=None)
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= t < end
        return t >= start or t < end

    def release(self, moment: datetime) -> datetime:
        """``moment`` (aware), or the end of the quiet hours it falls in (as UTC)."""
        if not self.in_quiet_hours(moment):
            return moment.astimezone(UTC)
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.quiet_start > self.quiet_end and local.time() >= self.quiet_start:
            day += timedelta(days=1)
        return _at(day, self.quiet_end, self.zone)

    def step_time(self, day: date, at: time) -> datetime:
        """When a step planned for local ``day`` at ``at`` is due (UTC, out of quiet)."""
        return self.release(_at(day, at, self.zone))


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, zone).astimezone(UTC)


def _show_time(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}" + (f":{t.second:02d}" if t.second else "")


def _show_hours(wait: timedelta) -> int | float:
    hours = wait / timedelta(hours=1)
    return int(hours) if hours == int(hours) else hours


def _read_time(key: str, value: object) -> time:
    if isinstance(value, str):
        parts = value.strip().split(":")
        if 2 <= len(parts) <= 3 and all(p.isascii() and p.isdigit() for p in parts):
            numbers = [int(p) for p in parts] + [0]
            try:
                return time(numbers[0], numbers[1], numbers[2])
            except ValueError:
                pass
    raise PolicyError(f"{key}: {value!r} is not a time of day (HH:MM)")


def _read_int(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(f"{key}: expected a whole number of days, got {value!r}")
    return value


def _read_value(key: str, value: object) -> dict[str, Any]:
    if key in ("unit_time", "escalation_time", "quiet_start", "quiet_end", "digest_time"):
        return {key: _read_time(key, value)}
    if key == "unit_days_before":
        if not isinstance(value, list | tuple):
            raise PolicyError(f"unit_days_before: expected a list of days, got {value!r}")
        return {key: tuple(_read_int(key, v) for v in value)}
    if key == "certifier_wait_hours":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 < value <= 24 * _MAX_DAYS
        ):
            raise PolicyError(f"certifier_wait_hours: expected hours above 0, got {value!r}")
        return {"certifier_wait": timedelta(hours=value)}
    if key == "timezone":
        return {key: value}
    return {key: _read_int(key, value)}


_DICT_KEYS = frozenset(Policy().to_dict())


# ----------------------------------------------------------------------------- facts


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """A membership: a Telegram user in a role at a unit."""

    member_id: int
    telegram_user_id: int
    role: str
    reachable: bool = True
    language: str | None = None


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """A target unit of the round with its submission's state.

    ``missing_by_section``: section number (1-based) -> required questions still
    unanswered, for the reminder text; ``missing_items``: their item numbers
    (``"1.2.1"``), in form order. ``members``: the unit's own memberships.
    """

    unit_id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    state: str = SubmissionState.NOT_STARTED.value
    missing_by_section: Mapping[int, int] = field(default_factory=dict)
    members: tuple[MemberFacts, ...] = ()
    missing_items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.state not in _STATES:
            raise ValueError(f"unit {self.code}: unknown submission state {self.state!r}")

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def registered(self) -> bool:
        return any(m.role in UNIT_ROLES for m in self.members)

    @property
    def reachable(self) -> bool:
        return any(m.role in UNIT_ROLES and m.reachable for m in self.members)


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    """A parent agency (the ``parent_id`` of target units) and its supervisors."""

    unit_id: int
    code: str
    name: str
    supervisors: tuple[MemberFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class PendingFacts:
    """A submission waiting for certification, and who may certify it."""

    submission_id: int
    unit_id: int
    unit_name: str
    submitted_at: datetime
    certifiers: tuple[MemberFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """The round: aware datetimes (any zone), its period string and its policy."""

    round_id: int
    period: str
    opens_at: datetime
    deadline: datetime
    closed_at: datetime | None = None
    policy: Policy = field(default_factory=Policy)
    extensions: int = 0
    extended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class World:
    """Everything :func:`due` looks at, as loaded by the sweep for one round.

    ``agencies``: by unit id, every parent of a target unit that exists as a unit.
    ``officers``: officer memberships (at the root). ``groups``: the province group
    chat ids that get the digest.
    """

    round: RoundFacts
    units: tuple[UnitFacts, ...] = ()
    agencies: Mapping[int, AgencyFacts] = field(default_factory=dict)
    officers: tuple[MemberFacts, ...] = ()
    pending: tuple[PendingFacts, ...] = ()
    groups: tuple[int, ...] = ()


# --------------------------------------------------------------------------- results


class Kind(enum.StrEnum):
    UNIT = "unit"
    SUPERVISOR = "supervisor"
    ORPHANS = "orphans"
    OFFICER = "officer"
    CERTIFIER = "certifier"
    DIGEST = "digest"
    EXTENSION = "extension"


@dataclass(frozen=True, slots=True)
class UnitReminder:
    """Tell a unit's member what is still missing. Times in the policy's zone."""

    round_id: int
    period: str
    unit_id: int
    unit_name: str
    state: str
    deadline: datetime
    days_left: int
    missing_by_section: tuple[tuple[int, int], ...]
    missing_items: tuple[str, ...] = ()  # item numbers, in form order


@dataclass(frozen=True, slots=True)
class ExtensionNotice:
    """Tell a unit's member that the deadline moved. Times in the policy's zone."""

    round_id: int
    period: str
    unit_id: int
    unit_name: str
    deadline: datetime
    extension: int


@dataclass(frozen=True, slots=True)
class OverdueUnit:
    unit_id: int
    code: str
    name: str
    state: str
    registered: bool
    reachable: bool


@dataclass(frozen=True, slots=True)
class AgencyGroup:
    """Overdue units under one agency; ``agency_id`` None: units with no parent."""

    agency_id: int | None
    agency_name: str
    units: tuple[OverdueUnit, ...]


@dataclass(frozen=True, slots=True)
class SupervisorEscalation:
    round_id: int
    period: str
    agency_id: int
    agency_name: str
    deadline: datetime
    units: tuple[OverdueUnit, ...]


@dataclass(frozen=True, slots=True)
class OfficerEscalation:
    """Overdue units by agency; ``orphans``: only those with no reachable supervisor."""

    round_id: int
    period: str
    deadline: datetime
    orphans: bool
    groups: tuple[AgencyGroup, ...]


@dataclass(frozen=True, slots=True)
class CertifierReminder:
    round_id: int
    period: str
    submission_id: int
    unit_id: int
    unit_name: str
    submitted_at: datetime
    waited: timedelta


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One agency's units in the digest: ``done`` = submitted or certified."""

    agency_id: int | None
    agency_name: str
    total: int
    done: int
    certified: int
    overdue: int


@dataclass(frozen=True, slots=True)
class Digest:
    round_id: int
    period: str
    day: date
    deadline: datetime
    rows: tuple[ProgressRow, ...]
    total: int
    done: int
    overdue: int


Payload = (
    UnitReminder
    | SupervisorEscalation
    | OfficerEscalation
    | CertifierReminder
    | Digest
    | ExtensionNotice
)


@dataclass(frozen=True, slots=True)
class Due:
    """A message to send now. ``chat_id``: the Telegram user or group chat id."""

    recipient: str
    step: str
    kind: Kind
    chat_id: int
    at: datetime
    payload: Payload
    language: str | None = None

    @property
    def key(self) -> LedgerKey:
        return (self.recipient, self.step)


@dataclass(frozen=True, slots=True)
class Superseded:
    """A passed step to record in the ledger without sending; ``by``: what replaced it."""

    recipient: str
    step: str
    by: str

    @property
    def key(self) -> LedgerKey:
        return (self.recipient, self.step)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a sweep does: send ``send``, record ``superseded`` unsent."""

    send: tuple[Due, ...] = ()
    superseded: tuple[Superseded, ...] = ()

    def keys(self) -> list[LedgerKey]:
        """Every ledger key to record, sent ones first."""
        return [d.key for d in self.send] + [s.key for s in self.superseded]


# ------------------------------------------------------------------------- the rules


def deadline_day(round_: RoundFacts) -> date:
    """The local date of the last instant before the deadline."""
    return (round_.deadline - timedelta(microseconds=1)).astimezone(round_.policy.zone).date()


def unit_step(unit_id: int, days_before: int) -> str:
    """The ledger step of a unit reminder: ``unit:<unit_id>:d-<n>``."""
    return f"unit:{unit_id}:d-{days_before}"


def extension_step(extension: int) -> str:
    """The ledger step of the notice of the ``extension``-th new deadline."""
    return f"extend:{extension}"


def user_key(telegram_user_id: int) -> str:
    """The ledger recipient for a person: ``user:<telegram_user_id>``."""
    return f"user:{telegram_user_id}"


def _people(
    members: Iterable[MemberFacts], roles: Collection[str] | None = None
) -> dict[int, str | None]:
    """Reachable Telegram users among ``members`` (one entry per person) -> language."""
    people: dict[int, str | None] = {}
    for m in members:
        if m.reachable and (roles is None or m.role in roles):
            people.setdefault(m.telegram_user_id, m.language)
    return people


def _overdue(unit: UnitFacts) -> OverdueUnit:
    return OverdueUnit(
        unit.unit_id, unit.code, unit.name, unit.state, unit.registered, unit.reachable
    )


def _agency_of(world: World, unit: UnitFacts) -> tuple[int | None, str]:
    agency = world.agencies.get(unit.parent_id) if unit.parent_id is not None else None
    if agency is None:
        return (unit.parent_id, "")
    return (agency.unit_id, agency.name)


def _grouped(world: World, units: Iterable[UnitFacts]) -> tuple[AgencyGroup, ...]:
    groups: dict[tuple[int | None, str], list[OverdueUnit]] = {}
    for unit in units:
        groups.setdefault(_agency_of(world, unit), []).append(_overdue(unit))
    return tuple(
        AgencyGroup(agency_id, name, tuple(sorted(members, key=lambda u: u.code)))
        for (agency_id, name), members in sorted(
            groups.items(), key=lambda item: (item[0][1], item[0][0] or 0)
        )
    )


class _Planner:
    def __init__(self, world: World, now: datetime, sent: Collection[LedgerKey]) -> None:
        if now.tzinfo is None:
            raise ValueError("due() needs an aware datetime for now")
        self.world = world
        self.round = world.round
        self.policy = world.round.policy
        self.zone = self.policy.zone
        self.now = now.astimezone(UTC)
        self.sent = sent
        self.day0 = deadline_day(world.round)
        self.send: list[Due] = []
        self.superseded: list[Superseded] = []

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def _add(
        self,
        kind: Kind,
        recipient: str,
        step: str,
        chat_id: int,
        at: datetime,
        payload: Payload,
        language: str | None,
    ) -> None:
        if (recipient, step) not in self.sent:
            self.send.append(Due(recipient, step, kind, chat_id, at, payload, language))

    def run(self) -> Plan:
        r = self.round
        if self.now < r.opens_at or (r.closed_at is not None and r.closed_at <= self.now):
            return Plan()
        self.unit_reminders()
        self.extension()
        self.escalations()
        self.certifiers()
        self.digest()
        send = () if self.policy.in_quiet_hours(self.now) else tuple(self.send)
        order = list(Kind)
        return Plan(
            tuple(sorted(send, key=lambda d: (d.at, order.index(d.kind), d.recipient, d.step))),
            tuple(sorted(self.superseded, key=lambda s: (s.recipient, s.step))),
        )

    def unit_reminders(self) -> None:
        r, p = self.round, self.policy
        steps = []  # (time, n) for applicable steps, newest last
        for n in p.unit_days_before:
            at = p.step_time(self.day0 - timedelta(days=n), p.unit_time)
            if r.opens_at <= at < r.deadline:
                steps.append((at, n))
        steps.sort()
        moved = r.extended_at if r.extensions and r.extended_at is not None else None
        if moved is not None:  # steps before the extension give way to its notice
            for unit in self.world.units:
                if unit.done:
                    continue
                for user_id in _people(unit.members, UNIT_ROLES):
                    for at, n in steps:
                        step = unit_step(unit.unit_id, n)
                        if at <= moved and (user_key(user_id), step) not in self.sent:
                            self.superseded.append(
                                Superseded(user_key(user_id), step, extension_step(r.extensions))
                            )
            steps = [(at, n) for at, n in steps if at > moved]
        passed = [(at, n) for at, n in steps if at <= self.now]
        if not passed:
            return
        after_deadline = self.now >= r.deadline
        newest_at, newest_n = passed[-1]
        days_left = (self.day0 - self._local(self.now).date()).days
        for unit in self.world.units:
            if unit.done:
                continue
            newest = unit_step(unit.unit_id, newest_n)
            for user_id, language in _people(unit.members, UNIT_ROLES).items():
                recipient = user_key(user_id)
                for _at, n in passed[:-1] if not after_deadline else passed:
                    step = unit_step(unit.unit_id, n)
                    if (recipient, step) not in self.sent:
                        by = "deadline" if after_deadline else newest
                        self.superseded.append(Superseded(recipient, step, by))
                if after_deadline:
                    continue
                payload = UnitReminder(
                    r.round_id,
                    r.period,
                    unit.unit_id,
                    unit.name,
                    unit.state,
                    self._local(r.deadline),
                    days_left,
                    tuple(sorted((s, c) for s, c in unit.missing_by_section.items() if c > 0)),
                    unit.missing_items,
                )
                self._add(Kind.UNIT, recipient, newest, user_id, newest_at, payload, language)

    def extension(self) -> None:
        r = self.round
        if not r.extensions or r.extended_at is None or self.now >= r.deadline:
            return
        at = self.policy.release(r.extended_at)
        if self.now < at:
            return
        step = extension_step(r.extensions)
        for unit in self.world.units:
            if unit.done:
                continue
            payload = ExtensionNotice(
                r.round_id, r.period, unit.unit_id, unit.name, self._local(r.deadline), r.extensions
            )
            for user_id, language in _people(unit.members, UNIT_ROLES).items():
                self._add(Kind.EXTENSION, user_key(user_id), step, user_id, at, payload, language)

    def escalations(self) -> None:
        r, p, world = self.round, self.policy, self.world
        moved = f":e{r.extensions}" if r.extensions else ""
        if self.now <= r.deadline:
            return
        overdue = [u for u in world.units if not u.done]
        if not overdue:
            return
        deadline = self._local(r.deadline)
        sup_day = p.supervisor_days_after
        sup_at = p.step_time(self.day0 + timedelta(days=sup_day), p.escalation_time)
        if self.now >= sup_at:
            orphans: list[UnitFacts] = []
            by_agency: dict[int, list[UnitFacts]] = {}
            for unit in overdue:
                agency = world.agencies.get(unit.parent_id) if unit.parent_id is not None else None
                if agency is None or not _people(agency.supervisors, {Role.SUPERVISOR.value}):
                    orphans.append(unit)
                else:
                    by_agency.setdefault(agency.unit_id, []).append(unit)
            for agency_id, units in sorted(by_agency.items()):
                agency = world.agencies[agency_id]
                payload_s = SupervisorEscalation(
                    r.round_id,
                    r.period,
                    agency.unit_id,
                    agency.name,
                    deadline,
                    tuple(_overdue(u) for u in sorted(units, key=lambda u: u.code)),
                )
                step = f"sup:{agency.unit_id}:d+{sup_day}{moved}"
                for user_id, lang in _people(agency.supervisors, {Role.SUPERVISOR.value}).items():
                    self._add(
                        Kind.SUPERVISOR, user_key(user_id), step, user_id, sup_at, payload_s, lang
                    )
            if orphans:
                payload_o = OfficerEscalation(
                    r.round_id, r.period, deadline, True, _grouped(world, orphans)
                )
                step = f"orphans:d+{sup_day}{moved}"
                for user_id, lang in _people(world.officers).items():
                    self._add(
                        Kind.ORPHANS, user_key(user_id), step, user_id, sup_at, payload_o, lang
                    )
        off_day = p.officer_days_after
        off_at = p.step_time(self.day0 + timedelta(days=off_day), p.escalation_time)
        if self.now >= off_at:
            payload = OfficerEscalation(
                r.round_id, r.period, deadline, False, _grouped(world, overdue)
            )
            step = f"officer:d+{off_day}{moved}"
            for user_id, lang in _people(world.officers).items():
                self._add(Kind.OFFICER, user_key(user_id), step, user_id, off_at, payload, lang)

    def certifiers(self) -> None:
        r, p = self.round, self.policy
        for pending in self.world.pending:
            at = p.release(pending.submitted_at + p.certifier_wait)
            if self.now < at:
                continue
            stamp = pending.submitted_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
            step = f"cert:{pending.submission_id}:{stamp}"
            payload = CertifierReminder(
                r.round_id,
                r.period,
                pending.submission_id,
                pending.unit_id,
                pending.unit_name,
                self._local(pending.submitted_at),
                self.now - pending.submitted_at,
            )
            for user_id, lang in _people(pending.certifiers).items():
                self._add(Kind.CERTIFIER, user_key(user_id), step, user_id, at, payload, lang)

    def digest(self) -> None:
        r, p, world = self.round, self.policy, self.world
        if not world.groups:
            return
        today = self._local(self.now).date()
        last_day = self.day0 + timedelta(days=p.digest_days_after)
        # A day's digest is sent on the local date it falls on (quiet hours can push
        # it into the next day), never later: a missed day is not caught up.
        for day in (today, today - timedelta(days=1)):
            at = p.step_time(day, p.digest_time)
            if at <= self.now and self._local(at).date() == today:
                break
        else:
            return
        if at < r.opens_at or day > last_day:
            return
        rows: dict[tuple[int | None, str], list[UnitFacts]] = {}
        for unit in world.units:
            rows.setdefault(_agency_of(world, unit), []).append(unit)
        late = self.now > r.deadline
        progress = tuple(
            ProgressRow(
                agency_id,
                name,
                len(units),
                sum(u.done for u in units),
                sum(u.state == SubmissionState.CERTIFIED for u in units),
                sum(late and not u.done for u in units),
            )
            for (agency_id, name), units in sorted(
                rows.items(), key=lambda item: (item[0][1], item[0][0] or 0)
            )
        )
        payload = Digest(
            r.round_id,
            r.period,
            day,
            self._local(r.deadline),
            progress,
            sum(row.total for row in progress),
            sum(row.done for row in progress),
            sum(row.overdue for row in progress),
        )
        for chat_id in dict.fromkeys(world.groups):
            self._add(
                Kind.DIGEST,
                f"chat:{chat_id}",
                f"digest:{day.isoformat()}",
                chat_id,
                at,
                payload,
                None,
            )


def due(world: World, now: datetime, sent: Collection[LedgerKey] = frozenset()) -> Plan:
    """Every message due at ``now`` (aware) that is not in the ledger ``sent``.

    ``sent`` holds the round's ledger keys (recipient, step), sent or superseded.
    Record every key of the returned plan; send only :attr:`Plan.send`.
    """
    return _Planner(world, now, sent).run()
