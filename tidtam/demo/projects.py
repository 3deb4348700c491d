"""``tidtam demo --form projects``: two quarters of the quarterly project form, offline.

The same sandbox as :mod:`tidtam.demo.run` (a fake Telegram on 127.0.0.1, the real
bot in a process of its own on a :class:`~tidtam.demo.bot_process.VirtualClock`, a
fresh SQLite database under the data folder), with the project form
(``tidtam/samples/projects.yaml``: projects and their activities, repeat groups):

1. The first quarter opens; every target unit's reporter registers with an invite
   code and reports its projects (:func:`~tidtam.demo.project_answers.first_quarter`),
   adding each project and activity with "➕ เพิ่ม..." and closing each list with
   "เสร็จ ✔", and submits (the round asks for no certification).
2. The first quarter closes; the second opens and starts from it, as
   ``tidtam rounds open --prefill-from`` does (:func:`tidtam.services.rounds.prefill_from`).
3. Each reporter reports the second quarter
   (:func:`~tidtam.demo.project_answers.second_quarter`): confirms most carried
   answers with "✔ ยังเป็นเหมือนเดิม", gives new figures where they changed (and
   "ใช่" where the bot asks to confirm a move beyond the form's ``change_threshold``),
   adds the activities that are new, closes the carried lists and submits.

Every answer goes through the fake Telegram and the real bot; at the end the demo
counts from the audit rows the stored answers of each quarter that came through the
bot (:mod:`tidtam.demo.proof`) and writes the second quarter's committee workbook
(its group sheets ``โครงการ`` and ``กิจกรรม`` list every project and activity).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.form import Form
from flows.form_loader import load_form_file
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import create_engine, session_factory, transaction
from storage.invites import create_invites
from storage.models import Answer, Submission, Unit
from storage.prefill import Prefilled
from storage.rounds import open_round, round_by_id
from storage.schema import upgrade
from tidtam.core.periods import Period, parse_period, period_containing
from tidtam.core.vocabulary import Certify, Role, SubmissionState
from tidtam.demo import narration
from tidtam.demo.bot_process import FAKE_TOKEN, BotConfig, BotProcess, VirtualClock
from tidtam.demo.people import Texts, register
from tidtam.demo.project_answers import (
    Quarter,
    Tally,
    expected_tally,
    first_quarter,
    second_quarter,
)
from tidtam.demo.project_people import ProjectReporter
from tidtam.demo.proof import answers_through_bot
from tidtam.demo.run import (
    CONCURRENCY,
    TARGET_KINDS,
    DemoOptions,
    Observer,
    _bounded,
    _Quiet,
    _write_units,
    fresh_database,
    sample_units,
)
from tidtam.demo.scenario import FIRST_NAMES, REPORTER_IDS, UnitInfo, pick_units
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import DriverUser
from tidtam.samples import PROJECTS_FILE, seed_sample_province
from tidtam.services import rounds

__all__ = [
    "DEFAULT_SCHOOLS",
    "ProjectsResult",
    "QuarterResult",
    "UnitQuarters",
    "expected_tallies",
    "plan_quarters",
    "quarters_from",
    "run_projects_demo",
]

DEFAULT_SCHOOLS = 40  # with the 4 ESA offices: 44 reporting units (README: how long)
WORK_STARTS, WORK_ENDS = dt.time(9, 0), dt.time(16, 0)
SECOND_QUARTER_DAY = 5  # the second quarter opens on the 5th day of its quarter


@dataclass(frozen=True)
class QuarterResult:
    """One quarter: its round, what was reported and how, and what was stored."""

    round_id: int
    period: str
    projects: int
    activities: int
    tally: Tally  # what the people did, counted by each as the bot showed it
    expected: Tally  # the same, from the plan
    answers_by_bot: int  # stored answers whose audit row names a person who wrote to the bot
    answers_stored: int
    unconfirmed: int  # answers carried from the quarter before and never confirmed
    done: int  # the round's submissions submitted (and, as the round asks, certified)


@dataclass
class ProjectsResult:
    """What ``tidtam demo --form projects`` did."""

    units: int
    first: QuarterResult
    second: QuarterResult
    carried: Prefilled
    database: Path
    workbook: Path
    seconds: float
    log: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    info: UnitInfo
    user: DriverUser
    code: str
    reporter: ProjectReporter
    first: Quarter
    second: Quarter


@dataclass(frozen=True)
class UnitQuarters:
    """A target unit, its reporter's name and what it reports in each quarter."""

    unit: UnitInfo
    reporter: str
    first: Quarter
    second: Quarter


def plan_quarters(
    targets: list[UnitInfo], form: Form, seed: int, days: tuple[dt.date, dt.date]
) -> list[UnitQuarters]:
    """What each target unit reports in the two quarters (answered on ``days``); pure."""
    rng = random.Random(seed)
    planned = []
    for info in targets:
        name = f"ครู{rng.choice(FIRST_NAMES)}"
        unit_seed = rng.randrange(2**31)
        first = first_quarter(form, unit_seed, days[0])
        planned.append(
            UnitQuarters(info, name, first, second_quarter(form, first, unit_seed, days[1]))
        )
    return planned


def expected_tallies(form: Form, planned: list[UnitQuarters]) -> tuple[Tally, Tally]:
    """What the reporters will do in each quarter, summed over the units (the plan's
    side of the counts the demo prints)."""
    first, second = Tally(), Tally()
    for unit in planned:
        first += expected_tally(form, None, unit.first)
        second += expected_tally(form, unit.first, unit.second)
    return first, second


def quarters_from(today: dt.date) -> tuple[Period, Period]:
    """The quarter of ``today`` and the next."""
    q1 = period_containing(today, quarterly=True)
    assert q1.quarter is not None
    if q1.quarter < 4:
        return q1, Period(q1.fiscal_year_be, q1.quarter + 1)
    return q1, Period(q1.fiscal_year_be + 1, 1)


async def _invite(
    sessions: async_sessionmaker[AsyncSession], targets: list[UnitInfo], now: datetime
) -> list[str]:
    """A reporter's invite code for each target unit, in order."""
    async with transaction(sessions) as session:
        units = {u.code: u for u in (await session.scalars(select(Unit))).all()}
        issued = await create_invites(
            session, [units[t.code] for t in targets], Role.REPORTER,
            now=now, valid_for=timedelta(days=60),
        )  # fmt: skip
    return [i.code for i in issued]


async def _open_second(
    sessions: async_sessionmaker[AsyncSession],
    first_id: int,
    period: Period,
    opens_at: datetime,
    deadline: datetime,
) -> tuple[int, Prefilled]:
    """Close the first quarter; open the second, started from the first."""
    await rounds.close(sessions, first_id, now=opens_at)
    async with transaction(sessions) as session:
        first = await round_by_id(session, first_id)
        assert first is not None
        second = await open_round(
            session,
            form=first.form_version,
            period=str(period),
            opens_at=opens_at,
            deadline=deadline,
            kinds=TARGET_KINDS,
            certify=Certify.NONE,
        )
        carried = await rounds.prefill_from(session, second, first_id, now=opens_at)
        return second.id, carried


async def _stored(
    sessions: async_sessionmaker[AsyncSession], round_id: int, senders: set[int]
) -> tuple[int, int, int, int]:
    """Answers through the bot, all answers, carried answers never confirmed, and
    submissions submitted (certified at once: the round asks for no certification)."""
    async with sessions() as session:
        by_bot, stored = await answers_through_bot(session, round_id, senders)
        values = await session.scalars(
            select(Answer.value)
            .join(Submission, Submission.id == Answer.submission_id)
            .where(Submission.round_id == round_id)
        )
        unconfirmed = sum(1 for v in values if isinstance(v, dict) and v.get("prefilled"))
        done = await session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(
                Submission.round_id == round_id,
                Submission.state.in_(
                    [SubmissionState.SUBMITTED.value, SubmissionState.CERTIFIED.value]
                ),
            )
        )
    return by_bot, stored, unconfirmed, int(done or 0)


async def _play(units: list[_Unit], concurrency: int, quarter: int) -> Tally:
    """Every unit's reporter reports the quarter (the first: registers before)."""
    total = Tally()

    def job(unit: _Unit) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            nonlocal total
            if quarter == 1:
                await register(unit.user, unit.code, unit.reporter.texts)
            total += await unit.reporter.report(unit.first if quarter == 1 else unit.second)

        return run

    await _bounded([job(u) for u in units], concurrency)
    return total


def _quarter_lines(language: str, number: int, result: QuarterResult, form: Form) -> list[str]:
    """What a quarter did, and what the database holds of it."""
    t = result.tally
    period = parse_period(result.period)
    said = narration.text(
        language,
        "projects.first" if number == 1 else "projects.second",
        period=period.english() if language == "en" else period.thai(),
        projects=result.projects,
        activities=result.activities,
        given=t.given,
        kept=t.kept,
        changed=t.changed,
        confirmed=t.confirmed,
        threshold=form.change_threshold,
        fresh=t.fresh,
        closed=t.closed,
        added=t.added,
        units=result.done,
    )
    proof = narration.text(
        language,
        "projects.proof",
        stored=result.answers_stored,
        bot=result.answers_by_bot,
        other=result.answers_stored - result.answers_by_bot,
        unconfirmed=result.unconfirmed,
    )
    return [said, proof]


async def run_projects_demo(
    options: DemoOptions, observer: Observer | None = None
) -> ProjectsResult:
    """Play two quarters of the project form (module docstring); raise if anyone gets stuck."""
    observer = observer or _Quiet()
    started = time.monotonic()
    lang = options.language
    zone = ZoneInfo(options.timezone)
    data_dir = options.data_dir.resolve()
    database = fresh_database(data_dir)
    schools = DEFAULT_SCHOOLS if options.units is None else options.units
    chosen = pick_units(sample_units(), schools)
    targets = [u for u in chosen if u.kind in TARGET_KINDS]
    units_path = _write_units(chosen, data_dir / "demo-units.csv")
    form: Form = load_form_file(PROJECTS_FILE)
    today = datetime.now(zone).date()
    q1, q2 = quarters_from(today)
    day1 = today
    day2 = q2.start + timedelta(days=SECOND_QUARTER_DAY - 1)
    opens1 = datetime.combine(day1, dt.time(8, 0), zone)
    opens2 = datetime.combine(day2, dt.time(8, 0), zone)
    engine = create_engine(f"sqlite+aiosqlite:///{database}", pool_size=1, max_overflow=0)
    log: list[str] = []
    concurrency = max(1, round(CONCURRENCY * options.speed))

    def tell(line: str) -> None:
        log.append(line)
        observer.line(line)

    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with transaction(sessions) as session:
            round_ = await seed_sample_province(
                session,
                opens_at=opens1,
                deadline=opens1 + timedelta(days=30),
                kinds=TARGET_KINDS,
                certify=Certify.NONE,
                period=str(q1),
                units_file=units_path,
                form_file=PROJECTS_FILE,
            )
            first_id = round_.id
        codes = await _invite(sessions, targets, opens1)
        tell(narration.text(lang, "projects.title"))
        tell(narration.text(lang, "projects.setup", units=len(targets), folder=data_dir))
        observer.started(2)
        async with FakeTelegram.start(token=FAKE_TOKEN, bot_username="tidtam_demo_bot") as telegram:
            config = BotConfig(
                telegram.api_url, telegram.file_url, data_dir, database, options.timezone, lang
            )
            clock = VirtualClock(opens1)
            texts = Texts(lang)
            planned = plan_quarters(targets, form, options.seed, (day1, day2))
            units = []
            for index, (plan, code) in enumerate(zip(planned, codes, strict=True)):
                user = telegram.user(REPORTER_IDS + index, plan.reporter, language_code=lang)
                reporter = ProjectReporter(user, form, texts)
                units.append(_Unit(plan.unit, user, code, reporter, plan.first, plan.second))
            senders = {u.user.id for u in units}
            expected = expected_tallies(form, planned)
            quarters: list[QuarterResult] = []

            async def told(number: int, round_id: int, period: Period, tally: Tally) -> None:
                reported = [u.first if number == 1 else u.second for u in units]
                by_bot, stored, unconfirmed, done = await _stored(sessions, round_id, senders)
                quarters.append(
                    QuarterResult(
                        round_id, str(period),
                        projects=sum(q.projects for q in reported),
                        activities=sum(q.activities for q in reported),
                        tally=tally, expected=expected[number - 1], answers_by_bot=by_bot,
                        answers_stored=stored, unconfirmed=unconfirmed, done=done,
                    )
                )  # fmt: skip
                for line in _quarter_lines(lang, number, quarters[-1], form):
                    tell(line)

            async with BotProcess(config, clock):
                clock.flow(
                    datetime.combine(day1, WORK_STARTS, zone),
                    datetime.combine(day1, WORK_ENDS, zone),
                )
                await told(1, first_id, q1, await _play(units, concurrency, 1))
                observer.day_done(0)
                second_id, carried = await _open_second(
                    sessions, first_id, q2, opens2, opens2 + timedelta(days=30)
                )
                tell(
                    narration.text(
                        lang,
                        "projects.carried",
                        period=q2.english() if lang == "en" else q2.thai(),
                        submissions=carried.submissions,
                        answers=carried.answers,
                    )
                )
                clock.flow(
                    datetime.combine(day2, WORK_STARTS, zone),
                    datetime.combine(day2, WORK_ENDS, zone),
                )
                await told(2, second_id, q2, await _play(units, concurrency, 2))
                observer.day_done(1)
        async with sessions() as session:
            end = datetime.combine(day2, WORK_ENDS, zone).astimezone(UTC)
            snapshot = await load_round_snapshot(session, second_id, now=end)
    finally:
        await engine.dispose()
    reports_dir = data_dir / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    workbook = reports_dir / f"demo-projects-round-{second_id}.xlsx"
    write_workbook(snapshot, workbook, files_root=(data_dir / "files").resolve(), tz=zone)
    return ProjectsResult(
        units=len(targets),
        first=quarters[0],
        second=quarters[1],
        carried=carried,
        database=database,
        workbook=workbook,
        seconds=time.monotonic() - started,
        log=log,
    )
