"""Benchmark of a quarterly project round at national scale (issue 16).

Not a test. Run on PostgreSQL (a database it creates and drops)::

    .venv/bin/python bench/bench_projects.py --units 50000     # national scale
    .venv/bin/python bench/bench_projects.py --units 2000      # a province

It generates a tree (a province office, agencies of 200 schools), the sample quarterly
project form (tidtam/samples/projects.yaml; its indicator 1.3 asks a cumulative number, with a
ค่าเป้าหมาย per school in the targets table), and a first
quarter where every unit reported 1-5 projects (3 on average), each under way or done
with 1-7 activities (4 on average), bulk-loaded with COPY. Then, each in a fresh process
so that its peak memory (``ru_maxrss``) is its own:

* ``prefill``: open the second quarter continuing from the first
  (:func:`tidtam.services.rounds.prefill_from`, one transaction), then each of 1,000
  units' first opening of its report, which copies its answers
  (:func:`storage.prefill.carry_unit`): the time is the opening's, the copy per unit
  is in the detail;
* ``status``: ``/status 1.3`` for an officer of the province: the use case
  :func:`tidtam.services.status.indicator_status` (snapshot with answers, achieved
  against target by agency and for the province);
* ``export``: ``load_round_snapshot`` with answers + ``write_workbook`` of the first
  quarter (its ``โครงการ`` and ``กิจกรรม`` sheets included).

Prints a Markdown table for docs/benchmarks.md. Targets on this machine: prefill
within 60 s, /status within 5 s, export within 120 s and 2 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_reports import PG, create_database, drop_database, machine
from bench.benchproc import measured
from flows.form_loader import load_form
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import create_engine, session_factory, transaction
from storage.forms import store_form
from storage.prefill import carry_unit
from storage.rounds import open_round, round_by_id
from storage.schema import upgrade
from storage.submissions import submission_for
from tidtam.core.vocabulary import Certify
from tidtam.samples import PROJECTS_FILE
from tidtam.services import rounds, status

AGENCY_SHARE = 200
CHUNK = 200_000
OFFICER = 9_000_000_001


def form_yaml() -> str:
    """The sample project form (its indicator 1.3 asks a cumulative number)."""
    return PROJECTS_FILE.read_text(encoding="utf-8")


def _v(value: Any) -> str:
    return json.dumps({"v": value}, ensure_ascii=False)


def unit_answers(rng: random.Random) -> list[tuple[str, str]]:
    """One unit's first-quarter answers: (key, stored JSON)."""
    out: list[tuple[str, str]] = []
    projects = rng.choice((1, 2, 3, 3, 4, 5))
    out.append(
        ("projects", _v({"items": [f"i{n}" for n in range(1, projects + 1)], "closed": True}))
    )
    for n in range(1, projects + 1):
        p = f"projects/i{n}/"
        allocated = rng.randint(10, 500) * 1000
        spent = rng.randint(0, allocated // 1000) * 1000
        status_id = rng.choices(["not_started", "ongoing", "done", "cancelled"], [10, 50, 35, 5])[0]
        out += [
            (p + "name", _v(f"โครงการพัฒนาคุณภาพการศึกษา ที่ {rng.randint(1, 400)}")),
            (p + "owner", _v("กลุ่มนโยบายและแผน")),
            (p + "objective", _v("เพื่อพัฒนาคุณภาพผู้เรียน")),
            (p + "status", _v(status_id)),
            (p + "allocated", _v(str(allocated))),
            (p + "spent", _v(str(spent))),
            (p + "left", _v(f"{allocated - spent}.00")),
            (p + "disbursed", _v(f"{spent * 100 / allocated:.2f}")),
            (p + "problems", json.dumps({"v": None, "none": True})),
            (p + "suggestions", _v("ควรโอนงบประมาณเร็วขึ้น")),
        ]
        if status_id in ("ongoing", "done"):
            activities = rng.choice((1, 2, 3, 4, 4, 5, 6, 7))
            items = [f"i{a}" for a in range(1, activities + 1)]
            out.append((p + "activities", _v({"items": items, "closed": True})))
            for a in range(1, activities + 1):
                q = f"{p}activities/i{a}/"
                held = date(2025, 10, 1) + timedelta(days=rng.randint(0, 90))
                out += [
                    (q + "act_name", _v(f"กิจกรรมที่ {a} ของโครงการ")),
                    (q + "act_date", _v(held.isoformat())),
                    (q + "act_place", _v("ห้องประชุมโรงเรียน")),
                    (q + "act_people", _v(rng.randint(5, 300))),
                    (q + "act_result", _v("บรรลุวัตถุประสงค์")),
                ]
    out += [("overall", _v("ดำเนินการตามแผน")), ("reached", _v(rng.randint(0, 500)))]
    return out


async def generate(url: str, units: int, seed: int = 16) -> int:
    """Fill the database; return the first quarter's round id."""
    rng = random.Random(seed)
    engine = create_engine(url)
    await upgrade(engine)
    form = load_form(form_yaml(), "bench-projects.yaml")
    now = datetime.now(UTC)
    name = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(**PG, database=name)
    agencies = max(1, (units - 1) // (AGENCY_SHARE + 1))
    try:
        rows = [(1, "ROOT", "สำนักงานศึกษาธิการจังหวัดทดสอบ", "province", None, "เมือง", now, now)]
        rows += [
            (2 + a, f"ESA{a:04d}", f"สำนักงานเขตพื้นที่การศึกษา เขต {a + 1}", "esa", 1, "", now, now)
            for a in range(agencies)
        ]
        rows += [
            (
                i,
                f"{1_000_000_000 + i}",
                f"โรงเรียนบ้านทดสอบ {i}",
                "school",
                2 + i % agencies,
                "",
                now,
                now,
            )
            for i in range(2 + agencies, units + 1)
        ]
        columns = [
            "id",
            "code",
            "name",
            "kind",
            "parent_id",
            "district",
            "created_at",
            "updated_at",
        ]
        await connection.copy_records_to_table("units", records=rows, columns=columns)
        await connection.execute("SELECT setval('units_id_seq', $1)", units)
        await connection.execute(
            "INSERT INTO members (telegram_user_id, unit_id, role, display_name, reachable,"
            " created_at) VALUES ($1, 1, 'officer', 'เจ้าหน้าที่', true, $2)",
            OFFICER,
            now,
        )
    finally:
        await connection.close()
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        version = await store_form(session, form, form_yaml())
        first = await open_round(
            session,
            form=version,
            period="2569-Q1",
            opens_at=now - timedelta(days=80),
            deadline=now - timedelta(days=1),
            kinds=["esa", "school"],
            certify=Certify.HEAD,
        )
        round_id = first.id
    await engine.dispose()
    connection = await asyncpg.connect(**PG, database=name)
    try:
        states = ["in_progress", "submitted", "certified"]
        submissions = [
            (round_id, uid, rng.choices(states, [10, 40, 50])[0], now)
            for uid in range(2, units + 1)
        ]
        await connection.copy_records_to_table(
            "submissions",
            records=submissions,
            columns=["round_id", "unit_id", "state", "updated_at"],
        )
        ids = dict(await connection.fetch("SELECT unit_id, id FROM submissions"))
        targets = [
            ("pb-projects-2567", "reached", "2569-Q1", uid, str(rng.randint(100, 600)), now)
            for uid in range(2 + agencies, units + 1)  # schools: an agency's is their sum
        ]
        await connection.copy_records_to_table(
            "targets",
            records=targets,
            columns=["form_code", "question_id", "period", "unit_id", "value", "imported_at"],
        )
        batch: list[tuple[Any, ...]] = []
        total = 0
        for uid in range(2, units + 1):
            sid = ids[uid]
            batch += [(sid, key, value, None, now) for key, value in unit_answers(rng)]
            if len(batch) >= CHUNK:
                total += await _copy(connection, batch)
                batch = []
        total += await _copy(connection, batch)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    print(f"generated {units:,} units, {len(submissions):,} submissions, {total:,} answers")
    return round_id


async def _copy(connection: asyncpg.Connection, batch: list[tuple[Any, ...]]) -> int:
    if batch:
        await connection.copy_records_to_table(
            "answers",
            records=batch,
            columns=["submission_id", "question_id", "value", "answered_by", "answered_at"],
        )
    return len(batch)


async def measure(url: str, round_id: int, what: str) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    try:
        started = time.perf_counter()
        opening = 0.0
        if what == "prefill":
            async with transaction(sessions) as session:
                first = await round_by_id(session, round_id)
                assert first is not None
                second = await open_round(
                    session,
                    form=first.form_version,
                    period="2569-Q2",
                    opens_at=now,
                    deadline=now + timedelta(days=30),
                    kinds=["esa", "school"],
                    certify=Certify.HEAD,
                )
                carried = await rounds.prefill_from(session, second, first.id, now=now)
                second_id, first_id = second.id, first.id
            opened = time.perf_counter()
            # each unit's answers are copied when it first opens its report: 1,000 units
            form = load_form(form_yaml(), "bench-projects.yaml")
            for unit_id in range(2, 1002):
                async with transaction(sessions) as session:
                    submission = await submission_for(session, second_id, unit_id)
                    await carry_unit(session, submission, first_id, form)
            per_unit = (time.perf_counter() - opened) / 1000 * 1000
            opening = opened - started  # the time reported is the opening's
            detail = (
                f"round opened: {carried.submissions:,} units, "
                f"{carried.answers:,} answers to carry; then {per_unit:.1f} ms per unit "
                "at its first /report (1,000 units)"
            )
        elif what == "status":
            found = await status.indicator_status(
                sessions, OFFICER, "1.3", round_id=round_id, now=now
            )
            assert isinstance(found, status.IndicatorStatus), found
            [row] = found.questions
            detail = (
                f"{len(row.agencies)} agencies, province {row.total.achieved:,.0f} of "
                f"{row.total.target:,.0f}"
            )
        else:
            async with sessions() as session:
                snapshot = await load_round_snapshot(session, round_id)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "export.xlsx"
                write_workbook(snapshot, path)
                detail = (
                    f"{len(snapshot.answers):,} answers, {path.stat().st_size / 1e6:.1f} MB xlsx"
                )
        ended = time.perf_counter()
    finally:
        await engine.dispose()
    if what == "prefill":
        ended = started + opening
    return {
        "what": what,
        "total_s": round(ended - started, 2),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "detail": detail,
    }


async def _count_units(name: str) -> int:
    connection = await asyncpg.connect(**PG, database=name)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM units"))
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--only", help="comma-separated: prefill,status,export")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", metavar="DATABASE", help="measure on a database kept with --keep"
    )
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.url, args.round, args.measure))))
        return
    name = args.reuse or asyncio.run(create_database())
    url = f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    try:
        if args.reuse:
            round_id = 1
            args.units = asyncio.run(_count_units(name))
        else:
            started = time.perf_counter()
            round_id = asyncio.run(generate(url, args.units))
            print(f"generation: {time.perf_counter() - started:.1f} s; database: {name}")
        results = []
        wanted = (args.only or "status,export,prefill").split(",")
        for what in wanted:
            results.append(measured(__file__, what, "--url", url, "--round", str(round_id)))
            print(results[-1], flush=True)
        print(f"\n{datetime.now(UTC):%Y-%m-%d}, {machine()}, {args.units:,} units\n")
        print("| measurement | time (s) | peak RSS (MB) | detail |")
        print("|---|---|---|---|")
        for r in results:
            print(f"| {r['what']} | {r['total_s']} | {r['peak_mb']} | {r['detail']} |")
    finally:
        if not args.keep and not args.reuse:
            asyncio.run(drop_database(name))


if __name__ == "__main__":
    main()
