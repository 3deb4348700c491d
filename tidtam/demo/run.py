"""The demo's orchestration: a whole reporting round, offline, on a virtual clock.

:func:`run_demo` starts the fake Telegram (Bot API) on 127.0.0.1 and the real bot polling
it (with a fake token), loads the sample province and form into a fresh SQLite
database under the data folder, opens a round and invites everyone; then it plays
the :class:`~tidtam.demo.scenario.Plan` day by day on a :class:`VirtualClock` that
the bot reads too: each simulated morning the reminder sweep runs as at 09:00 (unit
reminders, the province group's digest, certifier reminders, escalations), then
people register, answer, submit, block the bot, heads certify or return, reporters
fix. After the officers' escalation it writes the committee workbook and the status
chart under ``<data folder>/reports``.

What happens is told through an :class:`Observer` (the command line draws a progress
bar and prints the lines); the :class:`DemoResult` carries the counts, the paths and
the messages the supervisors and officers got, for the command and for tests.

The database is ``<data folder>/demo.db`` (replaced at each run; the data folder's
``tidtam.db`` is never touched), uploaded files go to ``<data folder>/files``.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.http import AiohttpRequest
from bot.reminder_sender import TelegramSender
from flows.form import Form
from flows.form_loader import load_form_file
from reminders.sweep import SweepReport, sweep
from reports.chart import status_chart
from reports.completion import completion
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import create_engine, session_factory, transaction
from storage.invites import create_invites
from storage.models import Unit
from storage.schema import upgrade
from tidtam.core.periods import fiscal_year_of, parse_period
from tidtam.core.vocabulary import Certify, Role
from tidtam.demo import narration
from tidtam.demo.answers import intended_answers
from tidtam.demo.bot_process import FAKE_TOKEN, BotConfig, BotProcess, VirtualClock, bot_settings
from tidtam.demo.people import Certifier, Reporter, Texts, link_group, register
from tidtam.demo.proof import answers_through_bot
from tidtam.demo.scenario import Person, Plan, UnitInfo, UnitPlan, make_plan, pick_units
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import DriverGroup, DriverUser
from tidtam.samples import FORM_FILE, UNITS_FILE, seed_sample_province
from tidtam.settings import Settings

__all__ = [
    "FAKE_TOKEN",
    "DemoOptions",
    "DemoResult",
    "Observer",
    "VirtualClock",
    "fresh_database",
    "run_demo",
    "sample_units",
]

TARGET_KINDS = ("esa", "school")
CONCURRENCY = 32
SWEEP_AT = dt.time(9, 0)
WORK_STARTS, WORK_ENDS = dt.time(10, 0), dt.time(17, 0)


@dataclass(frozen=True)
class DemoOptions:
    """``tidtam demo``'s options; see :func:`tidtam.cli.demo.demo_command`."""

    data_dir: Path
    units: int | None = None
    speed: float = 1.0
    seed: int = 1
    language: str = "th"
    timezone: str = "Asia/Bangkok"


class Observer(Protocol):
    """Who is told what happens (the command line's progress bar and lines)."""

    def started(self, days: int) -> None: ...

    def line(self, text: str) -> None: ...

    def day_done(self, day: int) -> None: ...


class _Quiet:
    def started(self, days: int) -> None:
        pass

    def line(self, text: str) -> None:
        pass

    def day_done(self, day: int) -> None:
        pass


@dataclass
class DemoResult:
    """What a demo did: the plan, the outcome and where the files are."""

    plan: Plan
    round_id: int
    database: Path
    workbook: Path
    chart: Path
    status: pd.DataFrame  # completion by agency with a total row
    final_states: Counter[str]
    received: dict[int, list[str]]  # supervisor/officer id -> texts the bot sent them
    group_messages: list[str]
    log: list[str]
    sweeps: list[SweepReport]
    answers_given: int  # answers the simulated people gave through the bot (corrections too)
    answers_by_bot: int  # stored answers whose audit actor sent them through the bot
    answers_stored: int  # every stored answer of the round
    seconds: float


# ------------------------------------------------------------------ setup


def sample_units() -> list[UnitInfo]:
    """The sample province's units, in file order."""
    with UNITS_FILE.open(encoding="utf-8", newline="") as source:
        return [
            UnitInfo(row["code"], row["name"], row["kind"], row["parent_code"] or None)
            for row in csv.DictReader(source)
        ]


def _period_name(period: str, language: str) -> str:
    parsed = parse_period(period)
    return parsed.english() if language == "en" else parsed.thai()


def _write_units(chosen: Iterable[UnitInfo], path: Path) -> Path:
    """The sample units file, cut down to ``chosen`` (rows kept as they are)."""
    codes = {u.code for u in chosen}
    with UNITS_FILE.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["code"] in codes]
        fields = list(reader.fieldnames or ())
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def sandbox_settings(
    telegram: FakeTelegram, data_dir: Path, database: Path, timezone: str, language: str
) -> Settings:
    """The bot's settings in the sandbox: the fake Telegram's URLs and a fake token."""
    return bot_settings(telegram.api_url, telegram.file_url, data_dir, database, timezone, language)


def fresh_database(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


@dataclass
class _Sandbox:
    """Everything the day loop needs."""

    options: DemoOptions
    plan: Plan
    form: Form
    sessions: async_sessionmaker[AsyncSession]
    telegram: FakeTelegram
    clock: VirtualClock
    day0: dt.date
    zone: ZoneInfo
    round_id: int
    unit_ids: dict[str, int]
    codes: dict[int, str]  # person id -> invite code
    texts: Texts
    users: dict[int, DriverUser] = field(default_factory=dict)
    reporters: dict[str, Reporter] = field(default_factory=dict)
    heads: dict[str, Certifier] = field(default_factory=dict)
    group: DriverGroup | None = None

    def at(self, day: int, moment: dt.time) -> datetime:
        return datetime.combine(self.day0 + timedelta(days=day), moment, self.zone)

    def user(self, person: Person) -> DriverUser:
        if person.id not in self.users:
            self.users[person.id] = self.telegram.user(
                person.id, person.name, language_code=self.options.language
            )
        return self.users[person.id]

    @property
    def concurrency(self) -> int:
        return max(1, round(CONCURRENCY * self.options.speed))


async def _invite_everyone(
    sessions: async_sessionmaker[AsyncSession], plan: Plan, now: datetime
) -> tuple[dict[str, int], dict[int, str]]:
    """One invite per person of the plan; unit ids by code and codes by person id."""
    async with transaction(sessions) as session:
        units = {u.code: u for u in (await session.scalars(select(Unit))).all()}
        wanted: list[tuple[Person, str, Role]] = [(plan.officer, plan.root.code, Role.OFFICER)]
        wanted += [
            (a.supervisor, a.unit.code, Role.SUPERVISOR)
            for a in plan.agencies
            if a.supervisor is not None
        ]
        for unit in plan.units:
            if unit.reporter is not None:
                wanted.append((unit.reporter, unit.unit.code, Role.REPORTER))
            if unit.head is not None:
                wanted.append((unit.head, unit.unit.code, Role.HEAD))
        codes: dict[int, str] = {}
        for role in Role:
            mine = [(p, code) for p, code, r in wanted if r is role]
            if not mine:
                continue
            issued = await create_invites(
                session, [units[c] for _, c in mine], role, now=now, valid_for=timedelta(days=60)
            )
            codes.update({p.id: i.code for (p, _), i in zip(mine, issued, strict=True)})
        return {code: unit.id for code, unit in units.items()}, codes


async def _bounded(jobs: Iterable[Callable[[], Awaitable[None]]], limit: int) -> None:
    """Run the jobs, at most ``limit`` at a time; the first failure cancels the rest."""
    slots = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[None]]) -> None:
        async with slots:
            await job()

    async with asyncio.TaskGroup() as group:
        for job in jobs:
            group.create_task(one(job))


# ------------------------------------------------------------------ a day


async def _people_act(box: _Sandbox, day: int, counts: narration.DayCounts) -> None:
    plan, texts = box.plan, box.texts
    newcomers = [p for p in plan.people() if p.register_day == day]

    def registration(person: Person) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await register(box.user(person), box.codes[person.id], texts)
            counts.add("registered")

        return job

    await _bounded([registration(p) for p in newcomers], box.concurrency)
    if day == 0:
        officer = box.user(plan.officer)
        box.group = box.telegram.group(
            title="ติดตามแผน ศธจ.เพชรบูรณ์" if box.options.language == "th" else "Province group",
            members=(officer,),
        )
        await link_group(box.group, officer, texts)
        counts.add("group")
    for unit in plan.units:
        if unit.block_day == day and unit.reporter is not None:
            box.user(unit.reporter).block()
            counts.add("blocked")
    await _bounded([_reporter_job(box, u, day, counts) for u in plan.units], box.concurrency)
    await _bounded([_head_job(box, u, day, counts) for u in plan.units], box.concurrency)


def _reporter_of(box: _Sandbox, unit: UnitPlan) -> Reporter:
    code = unit.unit.code
    if code not in box.reporters:
        assert unit.reporter is not None
        today = box.day0
        intended = intended_answers(box.form, unit.unit.kind, unit.answer_seed, today)
        box.reporters[code] = Reporter(box.user(unit.reporter), box.form, intended, box.texts)
    return box.reporters[code]


def _reporter_job(
    box: _Sandbox, unit: UnitPlan, day: int, counts: narration.DayCounts
) -> Callable[[], Awaitable[None]]:
    async def job() -> None:
        if unit.reporter is None:
            return
        if unit.fix_day == day:
            await _reporter_of(box, unit).fix()
            counts.add("resubmitted")
            return
        sitting = next((s for s in unit.sittings if s.day == day), None)
        if sitting is None:
            return
        ended = await _reporter_of(box, unit).sit(sitting.share, submit=sitting.finishes)
        counts.add("sittings")
        if ended == "submitted":
            counts.add("submitted")

    return job


def _head_job(
    box: _Sandbox, unit: UnitPlan, day: int, counts: narration.DayCounts
) -> Callable[[], Awaitable[None]]:
    async def job() -> None:
        if unit.head is None or day not in (unit.return_day, unit.approve_day):
            return
        code = unit.unit.code
        head = box.heads.setdefault(code, Certifier(box.user(unit.head), box.texts))
        if unit.return_day == day:
            assert unit.reason is not None
            await head.give_back(unit.reason)
            counts.add("returned")
        if unit.approve_day == day:
            await head.approve(letter=unit.letter)
            counts.add("certified")

    return job


def _senders(box: _Sandbox) -> set[int]:
    """The simulated people who wrote to the bot or pressed its buttons."""
    pressed = {record.user_id for record in box.telegram.world.callbacks.values()}
    wrote = {
        person
        for person, user in box.users.items()
        if any(not message.from_bot for message in user.chat.messages.values())
    }
    return pressed | wrote


def _collect(box: _Sandbox, received: dict[int, list[str]], group: list[str]) -> None:
    """Read what the bot sent the supervisors, the officer and the group."""
    plan = box.plan
    overseers = [plan.officer] + [a.supervisor for a in plan.agencies if a.supervisor]
    for person in overseers:
        if person.id in box.users:
            received.setdefault(person.id, []).extend(
                m.text for m in box.users[person.id].skip_replies()
            )
    if box.group is not None:
        group.extend(m.text for m in box.group.skip_replies())


def _escalation_lines(
    box: _Sandbox, before: dict[int, int], received: dict[int, list[str]]
) -> list[str]:
    """For each overseer who got a message in this sweep: to whom, and its first lines."""
    lines = []
    names = {box.plan.officer.id: box.plan.officer.name}
    names.update({a.supervisor.id: a.supervisor.name for a in box.plan.agencies if a.supervisor})
    for person_id, texts in received.items():
        for message in texts[before.get(person_id, 0) :]:
            if not message.startswith("📣"):
                continue
            first = message.splitlines()[0].removeprefix("📣").strip()
            to = narration.text(box.options.language, "to", name=names[person_id])
            lines.append(f"   📣 {to} · {first}")
    return lines


# ------------------------------------------------------------------ the demo


async def run_demo(options: DemoOptions, observer: Observer | None = None) -> DemoResult:
    """Play a whole round (module docstring); raise if any simulated person gets stuck."""
    observer = observer or _Quiet()
    started = time.monotonic()
    lang = options.language
    zone = ZoneInfo(options.timezone)
    data_dir = options.data_dir.resolve()
    database = fresh_database(data_dir)
    chosen = pick_units(sample_units(), options.units)
    units_path = _write_units(chosen, data_dir / "demo-units.csv")
    plan = make_plan(chosen, seed=options.seed, target_kinds=TARGET_KINDS, language=lang)
    day0 = datetime.now(zone).date()
    opens_at = datetime.combine(day0, dt.time(8, 0), zone)
    deadline = datetime.combine(day0 + timedelta(days=plan.deadline_day), dt.time(23, 59, 59), zone)
    form = load_form_file(FORM_FILE)
    engine = create_engine(f"sqlite+aiosqlite:///{database}", pool_size=1, max_overflow=0)
    log: list[str] = []

    def tell(line: str) -> None:
        log.append(line)
        observer.line(line)

    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with transaction(sessions) as session:
            round_ = await seed_sample_province(
                session,
                opens_at=opens_at,
                deadline=deadline,
                kinds=TARGET_KINDS,
                certify=Certify.HEAD,
                period=str(fiscal_year_of(day0)),
                units_file=units_path,
            )
            round_id = round_.id
        unit_ids, codes = await _invite_everyone(sessions, plan, opens_at)
        async with FakeTelegram.start(token=FAKE_TOKEN, bot_username="tidtam_demo_bot") as telegram:
            config = BotConfig(
                telegram.api_url, telegram.file_url, data_dir, database, options.timezone, lang
            )
            clock = VirtualClock(opens_at)
            box = _Sandbox(
                options, plan, form, sessions, telegram, clock, day0, zone, round_id,
                unit_ids, codes, Texts(lang),
            )  # fmt: skip
            tell(narration.text(lang, "title"))
            tell(
                narration.text(
                    lang,
                    "setup",
                    units=len(plan.units),
                    deadline=narration.format_day(lang, day0 + timedelta(days=plan.deadline_day)),
                    folder=data_dir,
                )
            )
            received: dict[int, list[str]] = {}
            group_messages: list[str] = []
            sweeps: list[SweepReport] = []
            observer.started(plan.officer_day + 1)
            # The sweep sends as the bot would, from this process; no limits to keep.
            sweeper = Bot(
                FAKE_TOKEN,
                base_url=telegram.api_url,
                base_file_url=telegram.file_url,
                request=AiohttpRequest(32, read_timeout=30, write_timeout=30),
            )
            async with BotProcess(config, clock), sweeper:
                sender = TelegramSender(sweeper)
                for day in range(plan.officer_day + 1):
                    counts = narration.DayCounts()
                    morning = box.at(day, SWEEP_AT)
                    clock.set(morning)
                    report = await sweep(sessions, sender, morning)
                    sweeps.append(report)
                    for kind, n in report.by_kind.items():
                        counts.add(f"reminder.{kind}", n)
                    counts.add("unreachable", report.unreachable)
                    await asyncio.sleep(0.05)  # let the fake Telegram file the messages
                    before = {k: len(v) for k, v in received.items()}
                    _collect(box, received, group_messages)
                    escalations = _escalation_lines(box, before, received)
                    if day <= plan.last_active_day:
                        clock.flow(box.at(day, WORK_STARTS), box.at(day, WORK_ENDS))
                        await _people_act(box, day, counts)
                        clock.set(box.at(day, WORK_ENDS))
                        _collect(box, received, group_messages)
                    tell(
                        narration.day_line(
                            lang,
                            day,
                            day0 + timedelta(days=day),
                            counts,
                            deadline=day == plan.deadline_day,
                        )
                    )
                    for line in escalations:
                        tell(line)
                    observer.day_done(day)
            end = box.at(plan.officer_day, WORK_ENDS)
            given = sum(r.by_bot for r in box.reporters.values())
            senders = _senders(box)
        async with sessions() as session:
            snapshot = await load_round_snapshot(session, round_id, now=end.astimezone(UTC))
            by_bot, stored = await answers_through_bot(session, round_id, senders)
    finally:
        await engine.dispose()
    status = completion(snapshot, "agency", total=True)
    reports_dir = data_dir / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    workbook = reports_dir / f"demo-round-{round_id}.xlsx"
    chart = reports_dir / f"demo-round-{round_id}.png"
    write_workbook(snapshot, workbook, files_root=(data_dir / "files").resolve(), tz=zone)
    as_of = end.astimezone(zone).date()
    title = narration.text(
        lang,
        "status_title",
        period=_period_name(snapshot.round.period, lang),
        date=narration.format_day(lang, as_of),
    )
    chart.write_bytes(status_chart(completion(snapshot, "agency"), title))
    totals = status.iloc[-1]
    final = Counter(
        {
            s: int(totals[s])
            for s in ("not_started", "in_progress", "returned", "submitted", "certified")
        }
    )
    return DemoResult(
        plan=plan,
        round_id=round_id,
        database=database,
        workbook=workbook,
        chart=chart,
        status=status,
        final_states=final,
        received=received,
        group_messages=group_messages,
        log=log,
        sweeps=sweeps,
        answers_given=given,
        answers_by_bot=by_bot,
        answers_stored=stored,
        seconds=time.monotonic() - started,
    )
