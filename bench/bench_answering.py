"""Benchmark: N simulated people answer the whole sample form at once (issue 3).

    python bench/bench_answering.py --people 1000 --db postgres [--think 0] [--rate-limit]

What it does, all on 127.0.0.1:

1. creates a fresh database (PostgreSQL: ``tidtam_bench_<random>`` at 127.0.0.1:5432 as
   user ``postgres``, dropped at the end; SQLite: a file in a temporary folder), migrates
   it and seeds the sample province, form and an open round (kinds esa and school);
   there is one person per reporting unit: the 314 sample esa offices and schools first,
   then generated schools ``BENCH-00001``... under the three primary ESA offices;
2. starts the Bot API stand-in in this process and the bot in a subprocess (this same
   script with ``--serve-bot``: exactly what ``tidtam run`` builds, read from the same
   ``TIDTAM_*`` settings, except that the flood limiter (``bot.ratelimit``) --
   Telegram's 30 messages a second -- is left out unless ``--rate-limit`` is given);
3. registers every person through the bot (``/start CODE``), then ``/report``;
4. the answering phase: every person at once answers each question the bot asks (by
   type, like ``tests/bot/scripted.py``), waits for the next question, answers...
   optionally after a random think time (exponential, mean ``--think`` seconds);
5. prints and (``--json``) writes the measurements.

Measurements:

- answers/s: rows in the ``answers`` table at the end / wall time of the answering phase;
- bot latency: for every update the bot gets during the answering phase, from the moment
  the stand-in hands it out in a ``getUpdates`` answer to the moment the stand-in has
  handled the last Bot API call the bot makes for that chat before the person's next
  update (the next question's ``sendMessage``; for a button, after its
  ``answerCallbackQuery`` and the edit of the answered question). Both are read from
  ``time.monotonic()`` in the stand-in, so this is the bot's own turnaround plus the
  localhost HTTP legs; the time an update waits in the queue before a ``getUpdates``
  takes it is reported separately (queue wait), and the person's view (from sending to
  seeing the next question) too;
- the bot process's peak memory (``VmHWM`` from ``/proc/<pid>/status``) and CPU time
  (utime + stime) in the answering phase, the connections the bot opened to
  PostgreSQL in that phase (:func:`database_sessions`), and the
  machine's CPU use (``/proc/stat``);
- the benchmark process's own peak RSS (``ru_maxrss``: people + stand-in).

The benchmark process runs the answering phase with its garbage collector off
(``benchproc.collector_paused``): the stand-in takes the times, and its own full
collections had added ~300 ms stalls to the bot's measured latency every few seconds.
The bot runs as ``tidtam run`` does, collector on.

``--profile FILE`` runs the bot under ``cProfile`` and writes its stats to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchdb import PG, create_database  # bench/ is on sys.path when run as a script
from benchproc import collector_paused, proc_cpu, proc_memory, stop  # likewise

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tidtam" / "samples"
TOKEN = "123456:BENCH-TOKEN"  # a fake token for the stand-in
WEBHOOK_SECRET = "bench-secret"  # the copies share it, as tidtam run --webhook copies do
TARGET_KINDS = ("esa", "school")
ERROR_TEXT = "ขออภัย ระบบขัดข้อง"  # bot/handlers/errors.py: the update failed
MAX_ERRORS = 50
REPLY_METHODS = frozenset(
    {
        "sendmessage", "editmessagetext", "editmessagereplymarkup", "answercallbackquery",
        "senddocument", "sendphoto",
    }
)  # fmt: skip


# ------------------------------------------------------------------ the bot subprocess


def serve_bot(
    rate_limit: bool,
    profile: str | None,
    concurrent_updates: int | None,
    webhook_url: str | None = None,
    webhook_port: int = 0,
) -> None:
    """``tidtam run`` without the startup check; optionally unthrottled and profiled.

    With ``webhook_url``: ``tidtam run --webhook URL``, serving on ``webhook_port``.
    """
    import cProfile

    from bot.app import ALLOWED_UPDATES, build_application
    from bot.context import Deps
    from bot.runner import freeze_startup_objects, open_pool_first, use_fast_event_loop
    from storage.db import create_engine, session_factory
    from storage.files import FileStore
    from tidtam.cli.common import load_settings
    from tidtam.logs import configure_logging

    settings = load_settings()
    configure_logging(settings)
    engine = create_engine(settings.effective_database_url)
    dependencies = Deps(settings, session_factory(engine), FileStore(settings.files_dir))
    application = (
        build_application(dependencies, rate_limit=rate_limit)
        if concurrent_updates is None
        else build_application(
            dependencies, rate_limit=rate_limit, concurrent_updates=concurrent_updates
        )
    )

    async def dispose(_: object) -> None:
        await engine.dispose()

    application.post_shutdown = dispose
    open_pool_first(application, engine)
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
    if profiler is not None:
        profiler.enable()
    use_fast_event_loop()
    freeze_startup_objects()
    try:
        if webhook_url is None:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
        else:
            asyncio.get_event_loop().run_until_complete(
                serve_webhook(application, webhook_url, webhook_port)
            )
    finally:
        if profiler is not None and profile is not None:
            profiler.disable()
            profiler.dump_stats(profile)


async def serve_webhook(application: Any, url: str, port: int) -> None:
    """Take updates by webhook on ``port`` (what ``tidtam run --webhook`` does) until SIGTERM."""
    from bot.webhook import webhook

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with webhook(application, url=url, secret=WEBHOOK_SECRET, port=port):
        await stop.wait()


# ------------------------------------------------------------------ database and seed


def units_file(people: int, folder: Path) -> Path:
    """The sample units, plus generated schools so that every person has a unit."""
    with (SAMPLES / "units.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    targets = sum(1 for row in rows if row["kind"] in TARGET_KINDS)
    parents = [row for row in rows if row["code"].startswith("PBN-ESA")][:3]
    for number in range(1, max(0, people - targets) + 1):
        parent = parents[number % len(parents)]
        rows.append(
            {
                "code": f"BENCH-{number:05d}",
                "name": f"โรงเรียนทดสอบภาระ {number}",
                "kind": "school",
                "parent_code": parent["code"],
                "district": parent["district"],
            }
        )
    path = folder / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


async def seed(url: str, people: int, folder: Path) -> list[str]:
    """Migrate, load the province, form and round; one reporter invite per person."""
    from flows.form_loader import load_form_file
    from storage.db import create_engine, session_factory, transaction
    from storage.forms import store_form
    from storage.invites import create_invites
    from storage.rounds import open_round
    from storage.schema import upgrade
    from storage.units import units_of_kinds
    from tidtam.core.unitsfile import scan_units_file
    from tidtam.core.vocabulary import Certify, Role
    from tidtam.services.units import import_scan

    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with transaction(sessions) as session:
            await import_scan(session, scan_units_file(units_file(people, folder)))
            form_file = SAMPLES / "form.yaml"
            version = await store_form(
                session, load_form_file(form_file), form_file.read_text(encoding="utf-8")
            )
            now = datetime.now(UTC)
            await open_round(
                session,
                form=version,
                period="2567",
                opens_at=now - timedelta(days=1),
                deadline=now + timedelta(days=20),
                kinds=list(TARGET_KINDS),
                certify=Certify.HEAD,
            )
            units = await units_of_kinds(session, list(TARGET_KINDS))
            units.sort(key=lambda u: (u.code.startswith("BENCH-"), u.code))
            issued = await create_invites(
                session, units[:people], Role.REPORTER, now=now, valid_for=timedelta(days=30)
            )
        return [i.code for i in issued]
    finally:
        await engine.dispose()


async def count_answers(url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import create_engine
    from storage.models import Answer

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count(Answer.id))) or 0)
    finally:
        await engine.dispose()


# ------------------------------------------------------------------ measuring


@dataclass
class Timeline:
    """What the stand-in saw, per chat, with monotonic times."""

    handed: dict[int, float] = field(default_factory=dict)  # update_id -> handed out
    enqueued: dict[int, float] = field(default_factory=dict)  # update_id -> queued
    chat_of: dict[int, int] = field(default_factory=dict)  # update_id -> chat
    calls: dict[int, list[float]] = field(default_factory=dict)  # chat -> reply calls
    recording: bool = False

    def hand_out(self, update: dict[str, Any], now: float) -> None:
        """The bot got ``update`` (a getUpdates answer, or a webhook request) at ``now``."""
        update_id = int(update["update_id"])
        if update_id not in self.handed:
            self.handed[update_id] = now
            body = update.get("message") or update["callback_query"]
            chat = body["chat"] if "chat" in body else body["message"]["chat"]
            self.chat_of[update_id] = int(chat["id"])

    def latencies(self) -> tuple[list[float], list[float], list[float], list[float]]:
        """(last reply - handed out, first reply - handed out, handed out - queued) in s.

        The fourth list has the hand-out time of each update of the first list.
        """
        updates: dict[int, list[tuple[float, int]]] = {}
        for update_id, at in self.handed.items():
            updates.setdefault(self.chat_of[update_id], []).append((at, update_id))
        full: list[float] = []
        first: list[float] = []
        queued: list[float] = []
        handed_at: list[float] = []
        for chat, handed in updates.items():
            handed.sort()
            calls = sorted(self.calls.get(chat, []))
            for index, (at, update_id) in enumerate(handed):
                until = handed[index + 1][0] if index + 1 < len(handed) else float("inf")
                mine = [c for c in calls if at <= c < until]
                if mine:
                    full.append(mine[-1] - at)
                    first.append(mine[0] - at)
                    handed_at.append(at)
                if update_id in self.enqueued:
                    queued.append(at - self.enqueued[update_id])
        return full, first, queued, handed_at


def write_latency_log(path: str, started: float, full: list[float], at: list[float]) -> None:
    """Per second of the answering phase: updates handed out, their p50 and max latency.

    Stalls show here as seconds whose maximum stands out (that is how the harness's own
    garbage collection, and the connection pool's bursts of new connections, were found).
    """
    seconds: dict[int, list[float]] = {}
    for latency, handed in zip(full, at, strict=True):
        seconds.setdefault(int(handed - started), []).append(latency)
    with open(path, "w", newline="") as file:
        out = csv.writer(file)
        out.writerow(["second", "updates", "p50_ms", "max_ms"])
        for second, values in sorted(seconds.items()):
            values.sort()
            p50 = values[len(values) // 2]
            out.writerow([second, len(values), round(1000 * p50, 1), round(1000 * values[-1], 1)])


def instrument(standin: Any, timeline: Timeline) -> None:
    """Time getUpdates hand-outs and the bot's replies inside the stand-in."""
    methods: dict[str, Callable[[Any], Awaitable[Any]]] = standin.methods
    get_updates = methods["getupdates"]

    async def timed_get_updates(params: Any) -> Any:
        result = await get_updates(params)
        if timeline.recording:
            now = time.monotonic()
            for update in result:
                timeline.hand_out(update, now)
        return result

    methods["getupdates"] = timed_get_updates

    for name in REPLY_METHODS:
        original = methods[name]

        def timed(original: Callable[[Any], Awaitable[Any]], name: str) -> Any:
            async def call(params: Any) -> Any:
                result = await original(params)
                if timeline.recording:
                    if name == "answercallbackquery":
                        record = standin.world.callbacks.get(params.text("callback_query_id"))
                        chat = record.chat_id if record is not None else None
                    else:
                        chat = params.chat_id()
                    if isinstance(chat, int):
                        timeline.calls.setdefault(chat, []).append(time.monotonic())
                return result

            return call

        methods[name] = timed(original, name)

    enqueue = standin.world.enqueue

    def timed_enqueue(kind: str, payload: Any) -> Any:
        update = enqueue(kind, payload)
        if update is not None and timeline.recording:
            timeline.enqueued[update.update_id] = time.monotonic()
        return update

    standin.world.enqueue = timed_enqueue


class RoundRobin:
    """The one webhook address in front of the copies: each update to the next copy in
    turn, as nginx's ``upstream`` does; the moment it takes an update is its hand-out."""

    def __init__(self, copies: list[str], timeline: Timeline) -> None:
        from aiohttp import ClientSession, TCPConnector

        self.copies = copies
        self.timeline = timeline
        self.turn = 0
        self.client = ClientSession(connector=TCPConnector(limit=0))
        self.runner: Any = None
        self.url = ""

    async def forward(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.read()
        if self.timeline.recording:
            self.timeline.hand_out(json.loads(body), time.monotonic())
        copy = self.copies[self.turn % len(self.copies)]
        self.turn += 1
        headers = {
            name: request.headers[name]
            for name in ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")
            if name in request.headers
        }
        try:
            async with self.client.post(copy, data=body, headers=headers) as answer:
                return web.Response(status=answer.status)
        except OSError:
            return web.Response(status=502)  # that copy is not up yet: Telegram retries

    async def start(self) -> str:
        """Listen on a free port; the public URL the copies give to setWebhook."""
        from aiohttp import web

        app = web.Application()
        app.router.add_post("/telegram", self.forward)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/telegram"
        return self.url

    async def close(self) -> None:
        await self.client.close()
        if self.runner is not None:
            await self.runner.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max in milliseconds."""
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "p50": round(at(0.50), 1),
        "p95": round(at(0.95), 1),
        "p99": round(at(0.99), 1),
        "max": round(ordered[-1] * 1000, 1),
        "mean": round(statistics.fmean(ordered) * 1000, 1),
    }


async def database_sessions(url: str) -> int | None:
    """Connections ever opened to ``url``'s database (``pg_stat_database.sessions``; None: SQLite).

    Its increase over the answering phase shows whether the bot's pool keeps its
    connections or opens new ones (a new PostgreSQL backend each time).
    """
    if not url.startswith("postgresql"):
        return None
    import asyncpg  # type: ignore[import-untyped]

    name = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(database="postgres", timeout=5, **PG)
    try:
        return int(
            await connection.fetchval(
                "SELECT sessions FROM pg_stat_database WHERE datname = $1", name
            )
        )
    finally:
        await connection.close()


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# ------------------------------------------------------------------ the people


@dataclass
class Person:
    """One simulated reporter."""

    user: Any
    code: str
    answered: int = 0
    updates: int = 0
    done: bool = False
    errors: int = 0
    waits: list[float] = field(default_factory=list)


class Script:
    """Reads each question the bot asks and answers it by type."""

    def __init__(self) -> None:
        from flows.form_loader import load_form_file

        self.form = load_form_file(SAMPLES / "form.yaml")

    def question_of(self, text: str) -> Any | None:
        from tidtam.demo.scripted import question_asked

        return question_asked(self.form, text, strict=True)

    @staticmethod
    def answer(question: Any) -> str | tuple[str, ...]:
        from tidtam.demo.scripted import typical_answer

        return typical_answer(question)


async def next_question(person: Person, wait_s: float) -> Any:
    """The next bot message that asks a question or ends the walk (skipping notes)."""
    while True:
        message = await person.user.wait_reply(timeout=wait_s)
        if message.is_edit and not message.buttons:
            continue
        return message


class ErrorReply(Exception):
    """The bot answered with its apology for an internal error (the update was lost)."""


async def wait_for(person: Person, text: str, wait_s: float) -> Any:
    """Skip replies until one with ``text``; ErrorReply if the bot apologises first."""
    while True:
        message = await person.user.wait_reply(timeout=wait_s)
        if text in message.text:
            return message
        if ERROR_TEXT in message.text:
            raise ErrorReply(message.text)


async def resume(person: Person, wait_s: float) -> Any:
    """After an error reply, do what the apology says: ``/report`` again (until it works)."""
    for _ in range(MAX_ERRORS):
        person.user.skip_replies()
        await person.user.send("/report")
        try:
            await wait_for(person, "ตอบแล้ว", wait_s)
        except ErrorReply:
            person.errors += 1
            continue
        return await next_question(person, wait_s)
    raise AssertionError(f"{person.user.name}: too many error replies")


async def answer_all(
    person: Person, script: Script, first: Any, think: float, wait_s: float, rng: random.Random
) -> None:
    """Answer until the end of the form; after an error reply, /report and go on."""
    message = first
    for _ in range(200 + MAX_ERRORS):
        question = script.question_of(message.text)
        if question is None:
            if "ตอบครบทุกข้อแล้ว" in message.text:
                person.done = True
                return
            person.errors += 1  # an apology or something unexpected: start again
            if person.errors > MAX_ERRORS:
                raise AssertionError(f"{person.user.name}: unexpected {message.text[:80]!r}")
            message = await resume(person, wait_s)
            continue
        if think > 0:
            await asyncio.sleep(rng.expovariate(1 / think))
        given = script.answer(question)
        started = time.monotonic()
        if isinstance(given, str):
            await person.user.send(given)
            person.updates += 1
        else:
            for button in given:
                await person.user.click(button, message)
                person.updates += 1
                if button.startswith("☐"):
                    message = await next_question(person, wait_s)
                    person.waits.append(time.monotonic() - started)
                    started = time.monotonic()
                    if not message.buttons:
                        break  # an apology instead of the keyboard
        message = await next_question(person, wait_s)
        person.waits.append(time.monotonic() - started)
        if script.question_of(message.text) is not None or "ตอบครบทุกข้อแล้ว" in message.text:
            person.answered += 1
    raise AssertionError("the form did not end")


# ------------------------------------------------------------------ the run


def bot_environment(standin: Any, url: str, data_dir: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TIDTAM_")} | {
        "TIDTAM_BOT_TOKEN": TOKEN,
        "TIDTAM_BOT_USERNAME": "tidtam_bench_bot",
        "TIDTAM_DATABASE_URL": url,
        "TIDTAM_DATA_DIR": str(data_dir),
        "TIDTAM_TELEGRAM_API_URL": standin.api_url,
        "TIDTAM_TELEGRAM_FILE_URL": standin.file_url,
    }


async def gather_bounded(
    label: str,
    jobs: list[Awaitable[Any]],
    deadline: float,
    *,
    stop_at: float | None = None,
    status: Callable[[], str] = lambda: "",
) -> bool:
    """Run jobs at once, printing progress; True if all finished.

    Past ``stop_at`` the unfinished jobs are cancelled (False); past ``deadline`` that
    is an error.
    """
    tasks = [asyncio.ensure_future(job) for job in jobs]
    started = time.monotonic()
    pending: set[asyncio.Future[Any]] = set(tasks)
    while pending:
        done, pending = await asyncio.wait(pending, timeout=5.0)
        for task in done:
            error = task.exception()
            if error is not None:
                for other in pending:
                    other.cancel()
                raise error
        print(
            f"  {label}: {len(tasks) - len(pending)}/{len(tasks)} done "
            f"after {time.monotonic() - started:.0f} s{status()}",
            flush=True,
        )
        now = time.monotonic()
        if pending and (now > deadline or (stop_at is not None and now > stop_at)):
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            if stop_at is not None and now > stop_at:
                print(f"  {label}: stopped after {now - started:.0f} s", flush=True)
                return False
            raise TimeoutError(f"{label}: not done within the time limit")
    return True


def start_bot(
    args: argparse.Namespace,
    env: dict[str, str],
    log: Any,
    webhook: tuple[str, int] | None = None,
) -> subprocess.Popen[bytes]:
    """This script again, as the bot (``--serve-bot``), logging to ``log``.

    ``webhook``: (public URL, port) of one copy behind the webhook address.
    """
    if args.floor:  # the floor instead of tidtam: nothing else applies
        floor = [sys.executable, str(Path(__file__).resolve().parent / "floor_bot.py")]
        return subprocess.Popen(floor, env=env, stdout=log, stderr=log)
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-bot"]
    if args.rate_limit:
        command.append("--rate-limit")
    if args.concurrent_updates is not None:
        command += ["--concurrent-updates", str(args.concurrent_updates)]
    if args.profile:
        command += ["--profile", str(Path(args.profile).resolve())]
    if webhook is not None:
        command += ["--webhook-url", webhook[0], "--webhook-port", str(webhook[1])]
    return subprocess.Popen(command, env=env, stdout=log, stderr=log)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from tidtam.fake_telegram import FakeTelegram

    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.timeout
    with tempfile.TemporaryDirectory(prefix="tidtam-bench-") as temp:
        folder = Path(temp)
        url, drop = await create_database(args.db, folder)
        try:
            print(f"seeding {args.people} units and invites ({args.db})", flush=True)
            codes = await seed(url, args.people, folder)
            if len(codes) < args.people:
                raise SystemExit(f"only {len(codes)} units to invite")
            async with FakeTelegram.start(token=TOKEN) as standin:
                timeline = Timeline()
                instrument(standin, timeline)
                log_path = Path(args.bot_log) if args.bot_log else folder / "bot.log"
                proxy = RoundRobin([], timeline) if args.copies else None
                hooks: list[tuple[str, int] | None] = [None]
                if proxy is not None:
                    public = await proxy.start()
                    ports = [free_port() for _ in range(args.copies)]
                    proxy.copies = [f"http://127.0.0.1:{p}/telegram" for p in ports]
                    hooks = [(public, p) for p in ports]
                environment = bot_environment(standin, url, folder / "data")
                with log_path.open("ab") as log:
                    processes = [start_bot(args, environment, log, hook) for hook in hooks]
                    try:
                        return await _drive(
                            args, standin, timeline, processes, codes, url, rng, deadline
                        )
                    finally:
                        for process in processes:
                            await stop(process)
                            if process.returncode not in (0, -signal.SIGTERM):
                                print(f"bot exited with {process.returncode}; log: {log_path}")
                        if proxy is not None:
                            await proxy.close()
        finally:
            await drop()


async def _drive(
    args: argparse.Namespace,
    standin: Any,
    timeline: Timeline,
    processes: list[subprocess.Popen[bytes]],
    codes: list[str],
    url: str,
    rng: random.Random,
    deadline: float,
) -> dict[str, Any]:
    script = Script()
    people = [
        Person(standin.user(id=500_000_000 + n, first_name=f"ครู{n}"), codes[n])
        for n in range(args.people)
    ]
    wait = args.reply_timeout

    async def register(person: Person) -> Any:
        for _ in range(MAX_ERRORS):
            await person.user.send(f"/start {person.code}")
            try:
                await wait_for(person, "ลงทะเบียนเรียบร้อย", wait)
                break
            except ErrorReply:
                person.errors += 1
        else:
            raise AssertionError(f"{person.user.name}: cannot register")
        return await resume(person, wait)

    print(f"registering {args.people} people through the bot", flush=True)
    firsts: dict[int, Any] = {}

    async def register_one(person: Person) -> None:
        firsts[person.user.id] = await register(person)

    await gather_bounded("registered", [register_one(p) for p in people], deadline)

    registration_errors = sum(p.errors for p in people)
    for person in people:
        person.errors = 0
    print(f"answering: {args.people} people at once, think time {args.think} s", flush=True)
    pids = [process.pid for process in processes]
    cpu_before = sum(proc_cpu(pid) for pid in pids)
    started_memory = [proc_memory(pid) for pid in pids]  # started and every person registered
    sessions_before = await database_sessions(url)
    machine_before = machine_cpu()
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    with collector_paused():  # the stand-in's own pauses are not the bot's latency
        timeline.recording = True
        started = time.monotonic()
        finished = await gather_bounded(
            "finished the form",
            [answer_all(p, script, firsts[p.user.id], args.think, wait, rng) for p in people],
            deadline,
            stop_at=started + args.max_seconds,
            status=lambda: f"; {sum(p.answered for p in people)} answers given",
        )
        wall = time.monotonic() - started
    timeline.recording = False
    cpu_after = sum(proc_cpu(pid) for pid in pids)
    sessions_after = await database_sessions(url)
    machine_after = machine_cpu()
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    memory = [proc_memory(pid) for pid in pids]
    stored = await count_answers(url)
    full, first, queued, handed_at = timeline.latencies()
    if args.latency_log:
        write_latency_log(args.latency_log, started, full, handed_at)
    waits = [w for p in people for w in p.waits]
    busy = machine_after[0] - machine_before[0]
    total = machine_after[1] - machine_before[1]
    return {
        "people": args.people,
        "db": args.db,
        "think_s": args.think,
        "rate_limit": args.rate_limit,
        "concurrent_updates": args.concurrent_updates,
        "all_finished": finished,
        "people_finished": sum(1 for p in people if p.done),
        "answers_stored": stored,
        "error_replies": sum(p.errors for p in people),
        "registration_error_replies": registration_errors,
        "answers_given": sum(p.answered for p in people),
        "updates": sum(p.updates for p in people),
        "wall_s": round(wall, 2),
        "answers_per_s": round(stored / wall, 1),
        "updates_per_s": round(sum(p.updates for p in people) / wall, 1),
        "bot_latency_ms": percentiles(full),
        "bot_first_reply_ms": percentiles(first),
        "queue_wait_ms": percentiles(queued),
        "person_wait_ms": percentiles(waits),
        "bot_cpu_percent": round(100 * (cpu_after - cpu_before) / wall, 1),
        "bot_cpu_ms_per_update": round(
            1000 * (cpu_after - cpu_before) / max(1, sum(p.updates for p in people)), 2
        ),
        "database_connections_opened": None
        if sessions_before is None or sessions_after is None
        else sessions_after - sessions_before,
        # with several copies: all of them (the copies' own figures in "per_copy")
        "bot_peak_rss_mb": round(sum(m.get("VmHWM", 0) for m in memory) / 1024, 1),
        "bot_rss_mb": round(sum(m.get("VmRSS", 0) for m in memory) / 1024, 1),
        "bot_rss_start_mb": round(sum(m.get("VmRSS", 0) for m in started_memory) / 1024, 1),
        "copies": len(pids),
        "delivery": "webhook through a round-robin proxy" if args.copies else "getUpdates",
        "per_copy": [
            {
                "cpu_s": round(proc_cpu(pid), 1),
                "rss_start_mb": round(start.get("VmRSS", 0) / 1024, 1),
                "peak_rss_mb": round(end.get("VmHWM", 0) / 1024, 1),
            }
            for pid, start, end in zip(pids, started_memory, memory, strict=True)
        ],
        "bench_cpu_percent": round(
            100
            * (
                self_after.ru_utime
                + self_after.ru_stime
                - self_before.ru_utime
                - self_before.ru_stime
            )
            / wall,
            1,
        ),
        "bench_peak_rss_mb": round(self_after.ru_maxrss / 1024, 1),
        "machine_cpu_percent": round(100 * busy / total, 1) if total else 0.0,
        "cpus": os.cpu_count(),
    }


# What the floor is compared on (bench_answering.py --floor).
FLOOR_FIGURES = (
    "bot_cpu_ms_per_update",
    "bot_rss_start_mb",
    "bot_rss_mb",
    "bot_peak_rss_mb",
    "updates_per_s",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time, seconds")
    parser.add_argument(
        "--rate-limit",
        action="store_true",
        help="keep the flood limiter (bot.ratelimit) tidtam run has",
    )
    parser.add_argument("--profile", help="cProfile the bot into this file")
    parser.add_argument(
        "--max-seconds", type=float, default=300.0, help="stop the answering phase after this"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="whole run, seconds")
    parser.add_argument("--reply-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", help="append the result as one JSON line to this file")
    parser.add_argument("--bot-log", help="the bot's log file (default: in the temp dir)")
    parser.add_argument(
        "--latency-log", help="write the bot latency per second of the answering phase (CSV)"
    )
    parser.add_argument(
        "--concurrent-updates",
        type=int,
        help="updates the bot handles at once (default: bot.app.MAX_CONCURRENT_UPDATES)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="first run the floor (bench/floor_bot.py: the same questions, nothing stored) "
        "with the same people, then tidtam, and report tidtam's cost as a ratio to it",
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=0,
        help="run this many copies of the bot behind one webhook address (a round-robin "
        "proxy in this process) instead of one bot on getUpdates",
    )
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--webhook-url", help=argparse.SUPPRESS)
    parser.add_argument("--webhook-port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor and args.copies:
        parser.error("--floor runs one bot on getUpdates: not with --copies")
    if args.serve_bot:
        serve_bot(
            args.rate_limit,
            args.profile,
            args.concurrent_updates,
            args.webhook_url,
            args.webhook_port,
        )
        return
    if args.floor:
        result = asyncio.run(run(args))
        args.floor = False
        floor, result = result, asyncio.run(run(args))
        result["floor"] = {k: floor[k] for k in FLOOR_FIGURES}
        result["ratio_to_floor"] = {
            k: round(result[k] / floor[k], 2) if floor[k] else None for k in FLOOR_FIGURES
        }
    else:
        result = asyncio.run(run(args))
    result["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["command"] = " ".join(["python", "bench/bench_answering.py", *sys.argv[1:]])
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
