"""Benchmark: a fan-out of N reminders through the stand-in with Telegram's limits (issue 4).

    python bench/bench_reminders.py --people 10000 --db postgres|sqlite

What it does, all on 127.0.0.1:

1. creates a fresh database (PostgreSQL: ``tidtam_bench_rem_<random>`` at 127.0.0.1:5432
   as user ``postgres``, dropped at the end; SQLite: a file in a temporary folder),
   migrates it, seeds the sample province (:func:`tidtam.samples.seed_sample_province`)
   and gives the round a policy whose one unit reminder step fell due a minute ago
   (quiet hours off), so the bot's first sweep sends it to everybody;
2. inserts N reporter memberships spread over the schools (the first ``--interactive``
   x ``--generations`` of them one per school, for the people who answer), and makes the
   N people in the stand-in, every one having started the bot; the stand-in enforces
   Telegram's limits (30 messages in any second, a burst of 5 then 1 a second per
   private chat, 20 a minute per group) and answers 429 past them;
3. runs the real bot as production does: ``tidtam run`` in a subprocess (its rate
   limiter, :class:`bot.ratelimit.FloodLimiter`, and its scheduler, whose first sweep
   comes 15 s after start and sends through the application's bot, in the limiter's
   background);
4. meanwhile ``--interactive`` people answer the questionnaire (``/report``, then each
   question by type, like ``tests/bot/scripted.py``) with a random think time
   (exponential, mean ``--think`` s), coming one by one over the first ``2 x --think``
   seconds; who reaches the form's last question hands over to a new person of another
   school, so the load lasts (``--review``: answers it too, and gets the review, a few
   messages at once in one chat); a reminder arriving
   in the middle is skipped;
5. waits until every reminder is delivered (or nothing moves for ``--stall`` s), then
   stops the people and the bot, reads the ledger, and prints (``--json``: appends) the
   numbers.

Measurements (times are ``time.monotonic()`` of this process, where the stand-in runs):

- ``reminders_delivered``, ``duplicates`` (people who got the reminder more than once),
  ``lost`` (people without it), the ledger's statuses;
- ``rate``: reminders a second between the 5th and the 95th percentile of their
  delivery times (the ramp-up and the tail left out), all messages (reminders and
  replies: what Telegram counts) in the same window, each as a fraction of 30/s;
  ``max_in_1s``: the most messages the stand-in delivered in any second;
- ``rate_limited``: 429 answers the stand-in gave (``standin.stats.rate_limited``), by
  the limit that refused (overall or per chat), and how many went to the answering
  people's chats; the bot log's count of the limiter's 429 warnings and of reminders
  that failed on a 429 after its retries;
- ``reply_latency_ms`` (p50, p95, p99, max) before, during and after the fan-out: from
  the moment a person's message or button press reaches the stand-in to the moment the
  stand-in delivers the bot's answer to it (the next question, or the edited buttons),
  ``first_reaction_ms`` to the bot's first call for that chat (for a button press, the
  ``answerCallbackQuery``);
- the bot process's peak memory (``VmHWM``) and CPU time during the fan-out.

``--profile FILE`` runs ``tidtam run`` under ``cProfile`` (wall-clock) into FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchdb import create_database  # bench/ is on sys.path when run as a script
from benchproc import proc_cpu, proc_memory, stop  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
TIDTAM = Path(sys.executable).parent / "tidtam"
TOKEN = "123456:BENCH-REMINDERS"  # a fake token for the stand-in
TELEGRAM_RATE = 30.0
FIRST_USER = 700_000_000
BELL = "🔔"  # a unit reminder's first character (reminders.texts)
ENDED = "ตอบครบทุกข้อแล้ว"
BKK = ZoneInfo("Asia/Bangkok")


# ------------------------------------------------------------------ database and seed


def due_now_policy(now: datetime, deadline: datetime) -> dict[str, Any]:
    """A round policy whose only unit reminder step fell due a minute before ``now``."""
    step = (now - timedelta(minutes=1)).astimezone(BKK).replace(second=0, microsecond=0)
    deadline_day = (deadline - timedelta(microseconds=1)).astimezone(BKK).date()
    return {
        "unit_days_before": [(deadline_day - step.date()).days],
        "unit_time": f"{step.hour:02d}:{step.minute:02d}",
        "quiet_start": "00:00",
        "quiet_end": "00:00",  # equal: no quiet hours
        "timezone": "Asia/Bangkok",
    }


async def seed(url: str, people: int, dedicated: int) -> None:
    """Migrate; the sample province with a reminder due now; ``people`` reporters."""
    from sqlalchemy import insert, select, update

    from storage.db import create_engine, session_factory, transaction
    from storage.models import Member, Round, Unit
    from storage.schema import upgrade
    from tidtam.core.vocabulary import Role
    from tidtam.samples import seed_sample_province

    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        now = datetime.now(UTC)
        deadline = now + timedelta(days=3)
        async with transaction(sessions) as session:
            round_ = await seed_sample_province(
                session, opens_at=now - timedelta(days=1), deadline=deadline
            )
            await session.execute(
                update(Round)
                .where(Round.id == round_.id)
                .values(policy=due_now_policy(now, deadline))
            )
            schools = list(
                (
                    await session.scalars(
                        select(Unit.id).where(Unit.kind == "school").order_by(Unit.id)
                    )
                ).all()
            )
            if dedicated > len(schools):
                raise SystemExit(
                    f"--interactive x --generations = {dedicated} people need a school each; "
                    f"there are {len(schools)}"
                )
            rows = [
                {
                    "telegram_user_id": FIRST_USER + n,
                    "unit_id": schools[n % len(schools)],
                    "role": Role.REPORTER.value,
                    "display_name": f"ครู {n}",
                }
                for n in range(people)
            ]
            for first in range(0, len(rows), 2000):
                await session.execute(insert(Member), rows[first : first + 2000])
    finally:
        await engine.dispose()


async def ledger_statuses(url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from storage.db import create_engine
    from storage.models import ReminderLedger

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(ReminderLedger.status, func.count()).group_by(ReminderLedger.status)
            )
            return {str(status): int(count) for status, count in rows.all()}
    finally:
        await engine.dispose()


# ------------------------------------------------------------------ what the stand-in saw


@dataclass
class Watch:
    """Deliveries (reminders apart), 429s and the bot's calls per chat, as they happen."""

    reminder_times: list[float] = field(default_factory=list)
    reminders_per_chat: Counter[int] = field(default_factory=Counter)
    other_times: list[float] = field(default_factory=list)  # replies (sending methods)
    delivered_at: dict[tuple[int, int], float] = field(default_factory=dict)
    calls_per_chat: dict[int, list[float]] = field(default_factory=dict)
    watched_chats: set[int] = field(default_factory=set)
    refused: Counter[str] = field(default_factory=Counter)  # 429s by the limit that said no

    def first_call_after(self, chat_id: int, moment: float) -> float | None:
        for at in self.calls_per_chat.get(chat_id, ()):
            if at >= moment:
                return at
        return None


def instrument(standin: Any, watch: Watch) -> None:
    """Sort every delivery into reminder or reply; time the bot's calls to watched chats."""
    stats = standin.stats
    record_delivery = stats.record_delivery

    def recorded(at: float, chat_id: int, message_id: int, method: str) -> None:
        record_delivery(at, chat_id, message_id, method)
        chat = standin.world.find_chat(chat_id)
        stored = chat.messages.get(message_id) if chat is not None else None
        text = str(stored.data.get("text", "")) if stored is not None else ""
        if text.startswith(BELL):
            watch.reminder_times.append(at)
            watch.reminders_per_chat[chat_id] += 1
        else:
            watch.other_times.append(at)
            watch.delivered_at[(chat_id, message_id)] = at

    stats.record_delivery = recorded

    limiter = standin.limiter
    acquire = limiter.acquire

    def acquired(chat_id: int, is_group: bool) -> int | None:
        refused: int | None = acquire(chat_id, is_group)
        if refused is not None:
            overall = limiter._global.wait_time(limiter.clock()) > 0
            watch.refused["overall" if overall else "per_chat"] += 1
        return refused

    limiter.acquire = acquired

    methods: dict[str, Callable[[Any], Awaitable[Any]]] = standin.methods
    for name in ("sendmessage", "editmessagetext", "editmessagereplymarkup", "answercallbackquery"):
        original = methods[name]

        def timed(original: Callable[[Any], Awaitable[Any]], name: str) -> Any:
            async def call(params: Any) -> Any:
                if name == "answercallbackquery":
                    record = standin.world.callbacks.get(params.text("callback_query_id"))
                    chat = record.chat_id if record is not None else None
                else:
                    chat = params.chat_id()
                result = await original(params)
                if isinstance(chat, int) and chat in watch.watched_chats:
                    watch.calls_per_chat.setdefault(chat, []).append(time.monotonic())
                return result

            return call

        methods[name] = timed(original, name)


def percentiles(values: list[float]) -> dict[str, float]:
    """Count, p50, p95, p99, max and mean, in milliseconds."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "n": len(ordered),
        "p50": round(at(0.50), 1),
        "p95": round(at(0.95), 1),
        "p99": round(at(0.99), 1),
        "max": round(ordered[-1] * 1000, 1),
        "mean": round(statistics.fmean(ordered) * 1000, 1),
    }


def max_in_window(times: list[float], window: float) -> int:
    """The most events in any ``window`` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


# ------------------------------------------------------------------ the people who answer


@dataclass
class Exchange:
    """One thing a person said or pressed, and when the bot answered it."""

    sent: float
    answered: float
    first_call: float | None


class Answerer:
    """Answers the questionnaire like ``tests/bot/scripted.py``'s Reporter, timed."""

    def __init__(
        self, think: float, reply_timeout: float, rng: random.Random, *, review: bool
    ) -> None:
        from flows.form_loader import load_form_file
        from tidtam.samples import FORM_FILE

        self.form = load_form_file(FORM_FILE)
        self.last_place = f"{len(self.form.sections)} · "
        self.review = review
        self.think = think
        self.timeout = reply_timeout
        self.rng = rng
        self.exchanges: list[Exchange] = []
        self.answers = 0
        self.forms_finished = 0
        self.reminders_seen = 0

    def is_last(self, text: str) -> bool:
        """Whether this asks a question of the last section with one answer to go."""
        from tidtam.demo.scripted import place_of

        found = place_of(text)
        return (
            found is not None
            and found[0].split(".")[0] == self.form.sections[-1].no
            and found[1] + 1 == found[2]
        )

    def question_of(self, text: str) -> Any | None:
        from tidtam.demo.scripted import question_asked

        return question_asked(self.form, text)

    @staticmethod
    def answer(question: Any) -> str | tuple[str, ...]:
        from tidtam.demo.scripted import typical_answer

        return typical_answer(question)

    async def reply(self, user: Any, *, edit: bool) -> Any:
        """The bot's next message (an edit if ``edit``), reminders skipped."""
        while True:
            message = await user.wait_reply(timeout=self.timeout)
            if not message.is_edit and message.text.startswith(BELL):
                self.reminders_seen += 1
                continue
            if message.is_edit and not edit and not message.buttons:
                continue  # the answered question, its buttons gone
            return message

    def timed(self, watch: Watch, user: Any, sent: float, message: Any) -> None:
        answered = watch.delivered_at.get((user.id, message.message_id), time.monotonic())
        if message.is_edit:
            answered = time.monotonic()
        first = watch.first_call_after(user.id, sent)
        self.exchanges.append(Exchange(sent, answered, first))

    async def say(self, watch: Watch, user: Any, text: str) -> Any:
        sent = time.monotonic()
        await user.send(text)
        message = await self.reply(user, edit=False)
        self.timed(watch, user, sent, message)
        return message

    async def press(self, watch: Watch, user: Any, button: str, on: Any, *, edit: bool) -> Any:
        sent = time.monotonic()
        await user.click(button, on)
        message = await self.reply(user, edit=edit)
        self.timed(watch, user, sent, message)
        return message

    async def fill_in(self, watch: Watch, user: Any) -> None:
        """``/report``, then every question until the end of the form."""
        message = await self.say(watch, user, "/report")
        while "ตอบแล้ว" in message.text and self.question_of(message.text) is None:
            message = await self.reply(user, edit=False)  # the intro, then the question
        for _ in range(200):
            question = self.question_of(message.text)
            if question is None:
                if ENDED not in message.text:
                    raise AssertionError(f"{user.id}: unexpected {message.text[:80]!r}")
                self.forms_finished += 1
                return
            if not self.review and self.is_last(message.text):
                self.forms_finished += 1  # not answered: no review (see --review)
                return
            if self.think > 0:
                await asyncio.sleep(self.rng.expovariate(1 / self.think))
            given = self.answer(question)
            if isinstance(given, str):
                message = await self.say(watch, user, given)
            else:
                for button in given:  # a ticked box: the same question, edited
                    edit = button.startswith("☐")
                    message = await self.press(watch, user, button, message, edit=edit)
            self.answers += 1
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


def start_bot(args: argparse.Namespace, env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    """``tidtam run``, optionally under cProfile."""
    command = [str(TIDTAM), "run"]
    if args.profile:
        command = [
            sys.executable, "-m", "cProfile", "-o", str(Path(args.profile).resolve()), *command
        ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=log, stderr=log)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from tidtam.fake_telegram import FakeTelegram, LimitConfig

    dedicated = args.interactive * args.generations
    with tempfile.TemporaryDirectory(prefix="tidtam-bench-rem-") as temp:
        folder = Path(temp)
        url, drop = await create_database(args.db, folder, "tidtam_bench_rem")
        try:
            print(f"seeding the province and {args.people} reporters ({args.db})", flush=True)
            started = time.monotonic()
            await seed(url, args.people, dedicated)
            print(f"  seeded in {time.monotonic() - started:.1f} s", flush=True)
            async with FakeTelegram.start(
                token=TOKEN, enforce_limits=True, limits=LimitConfig()
            ) as standin:
                watch = Watch()
                instrument(standin, watch)
                users = [
                    standin.user(id=FIRST_USER + n, first_name=f"ครู{n}") for n in range(args.people)
                ]
                for user in users:
                    user.chat.started = True
                watch.watched_chats = {u.id for u in users[:dedicated]}
                log_path = Path(args.bot_log) if args.bot_log else folder / "bot.log"
                with log_path.open("ab") as log:
                    process = start_bot(args, bot_environment(standin, url, folder / "data"), log)
                    try:
                        result = await drive(args, standin, watch, process, users)
                    finally:
                        await stop(process)
                        if process.returncode not in (0, -signal.SIGTERM):
                            print(f"bot exited with {process.returncode}; log: {log_path}")
                    lines = log_path.read_text(errors="replace").splitlines()
                    result["bot_log"] = {
                        "limiter_429_warnings": sum("tidtam.ratelimit" in x for x in lines),
                        "reminders_failed_on_429": sum(
                            "Telegram still refuses" in x for x in lines
                        ),
                        "sweeps": [x.split(": ", 1)[-1] for x in lines if "reminder sweep" in x],
                        "warnings": [x for x in lines if " WARNING " in x or " ERROR " in x][:10],
                    }
            result["ledger"] = await ledger_statuses(url)
            return result
        finally:
            await drop()


async def drive(
    args: argparse.Namespace,
    standin: Any,
    watch: Watch,
    process: subprocess.Popen[bytes],
    users: list[Any],
) -> dict[str, Any]:
    rng = random.Random(args.seed)
    answerer = Answerer(args.think, args.reply_timeout, rng, review=args.review)
    launched = time.monotonic()
    while not standin.calls_to("getUpdates"):
        if process.poll() is not None:
            raise SystemExit(f"the bot exited with {process.returncode} before polling")
        if time.monotonic() - launched > 60:
            raise SystemExit("the bot did not start polling within 60 s")
        await asyncio.sleep(0.1)
    print(f"bot polling after {time.monotonic() - launched:.1f} s", flush=True)

    async def slot(index: int) -> None:
        await asyncio.sleep(rng.uniform(0, 2 * args.think))  # people come one by one
        for generation in range(args.generations):
            user = users[generation * args.interactive + index]
            await answerer.fill_in(watch, user)

    interactive = [asyncio.ensure_future(slot(i)) for i in range(args.interactive)]
    cpu_before = proc_cpu(process.pid)
    fan_out_started: float | None = None
    last_count, last_change = 0, time.monotonic()
    deadline = launched + args.timeout
    try:
        while True:
            await asyncio.sleep(5.0)
            for task in interactive:
                error = task.exception() if task.done() else None
                if error is not None:
                    raise error
            now = time.monotonic()
            count = len(watch.reminder_times)
            if count and fan_out_started is None:
                fan_out_started = watch.reminder_times[0]
            recent = [t for t in watch.reminder_times if t > now - 5.0]
            latest = [e.answered - e.sent for e in answerer.exchanges if e.sent > now - 5.0]
            print(
                f"  {now - launched:5.0f} s: reminders {count}/{args.people} "
                f"({len(recent) / 5.0:.1f}/s), 429s {standin.stats.rate_limited}, "
                f"answers {answerer.answers}, replies in the last 5 s: "
                f"max {max(latest, default=0) * 1000:.0f} ms",
                flush=True,
            )
            if count != last_count:
                last_count, last_change = count, now
            if count >= args.people:
                break
            if count and now - last_change > args.stall:
                print(f"  no reminder for {args.stall:.0f} s: stopping", flush=True)
                break
            if now > deadline:
                print("  time is up: stopping", flush=True)
                break
        await asyncio.sleep(args.after)
    finally:
        for task in interactive:
            task.cancel()
        await asyncio.gather(*interactive, return_exceptions=True)
    cpu_after = proc_cpu(process.pid)
    memory = proc_memory(process.pid)
    return summarise(args, standin, watch, answerer, users, memory, cpu_after - cpu_before)


def summarise(
    args: argparse.Namespace,
    standin: Any,
    watch: Watch,
    answerer: Answerer,
    users: list[Any],
    memory: dict[str, int],
    cpu: float,
) -> dict[str, Any]:
    times = sorted(watch.reminder_times)
    n = len(times)
    result: dict[str, Any] = {
        "people": args.people,
        "db": args.db,
        "interactive": args.interactive,
        "think_s": args.think,
        "review": args.review,
        "reminders_delivered": n,
        "duplicates": sum(1 for u in users if watch.reminders_per_chat[u.id] > 1),
        "lost": sum(1 for u in users if watch.reminders_per_chat[u.id] == 0),
        "rate_limited_429": standin.stats.rate_limited,
        "rate_limited_by_limit": dict(watch.refused),
        "rate_limited_in_answering_chats": sum(
            standin.stats.rate_limited_per_chat[c] for c in watch.watched_chats
        ),
        "load_average": os.getloadavg(),
    }
    phases: dict[str, Callable[[float], bool]]
    if n >= 20:
        first, last = times[0], times[-1]
        low, high = times[n * 5 // 100], times[n * 95 // 100]
        steady = sum(1 for t in times if low <= t <= high)
        replies = sum(1 for t in watch.other_times if low <= t <= high)
        span = high - low
        result |= {
            "fan_out_wall_s": round(last - first, 1),
            "steady_window_s": round(span, 1),
            "reminders_per_s": round(steady / span, 2),
            "reminders_fraction_of_30": round(steady / span / TELEGRAM_RATE, 3),
            "replies_per_s": round(replies / span, 2),
            "all_messages_per_s": round((steady + replies) / span, 2),
            "all_fraction_of_30": round((steady + replies) / span / TELEGRAM_RATE, 3),
            "max_in_1s": max_in_window(times + watch.other_times, 1.0),
        }
        phases = {
            "before": lambda t: t < first,
            "during": lambda t: first <= t <= last,
            "after": lambda t: t > last,
        }
    else:
        phases = {"all": lambda t: True}
    latency: dict[str, Any] = {}
    reaction: dict[str, Any] = {}
    for name, inside in phases.items():
        chosen = [e for e in answerer.exchanges if inside(e.sent)]
        latency[name] = percentiles([e.answered - e.sent for e in chosen])
        reaction[name] = percentiles(
            [e.first_call - e.sent for e in chosen if e.first_call is not None]
        )
    result |= {
        "reply_latency_ms": latency,
        "first_reaction_ms": reaction,
        "answers_given": answerer.answers,
        "forms_finished": answerer.forms_finished,
        "reminders_seen_while_answering": answerer.reminders_seen,
        "bot_peak_rss_mb": round(memory.get("VmHWM", 0) / 1024, 1),
        "bot_cpu_s": round(cpu, 1),
        "cpus": os.cpu_count(),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--interactive", type=int, default=30, help="people answering")
    parser.add_argument("--generations", type=int, default=3, help="forms per answering slot")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time, seconds")
    parser.add_argument(
        "--review",
        action="store_true",
        help="answer the last question too, and get the review (a few messages at once)",
    )
    parser.add_argument("--reply-timeout", type=float, default=60.0)
    parser.add_argument("--stall", type=float, default=60.0, help="stop if no reminder for S s")
    parser.add_argument("--after", type=float, default=5.0, help="keep answering S s after")
    parser.add_argument("--timeout", type=float, default=1200.0, help="the fan-out, seconds")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--profile", help="run tidtam under cProfile into this file")
    parser.add_argument("--json", help="append the result as one JSON line to this file")
    parser.add_argument("--bot-log", help="the bot's log file (default: in the temp dir)")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    result["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["command"] = " ".join(["python", "bench/bench_reminders.py", *sys.argv[1:]])
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
