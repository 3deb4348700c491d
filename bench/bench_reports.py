"""Benchmark of the reports (issue 5): /status and the full export on a synthetic round.

Not a test. Run on PostgreSQL (a database it creates and drops)::

    .venv/bin/python bench/bench_reports.py --units 2000          # province scale
    .venv/bin/python bench/bench_reports.py --units 50000         # national scale

It generates a tree (a province office, agencies, schools), a 60-question form
(choice, multi, text, integer, decimal, date, file; ``when`` conditions; a question
for esa offices only), a round targeting agencies and schools with its deadline
passed, one submission per unit in mixed states and an answer to every question by
every unit (answers to questions a unit is not asked included, as stale answers are
in real data), bulk-loaded with COPY. Each measurement then runs in a fresh process
so that its peak memory (``ru_maxrss``) is its own:

* ``status-all``: ``load_round_snapshot(answers=False)`` + ``completion(by="agency")``
  + the chart PNG: what ``/status`` does for an officer; measured cold (first call in
  the process: fonts registered, caches empty) and again warm, as in the running bot;
* ``status-agency``: the same for one agency's subtree, ``completion(by="unit")``;
* ``export``: ``load_round_snapshot`` with answers + ``write_workbook``.

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchproc import measured
from flows.form_loader import load_form
from reports.aggregates import completion
from reports.chart import status_chart
from reports.snapshot import load_round_snapshot
from reports.workbook import write_workbook
from storage.db import create_engine, session_factory, transaction
from storage.forms import store_form
from storage.rounds import open_round
from storage.schema import upgrade
from tidtam.core.vocabulary import Certify

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
SECTIONS = 6
PER_SECTION = 10
AGENCY_SHARE = 200  # schools per agency
CHUNK = 100_000


# ------------------------------------------------------------------ the form


def form_yaml() -> str:
    lines = ["form: bench", "title: แบบติดตามทดสอบความเร็ว", "sections:"]
    for s in range(1, SECTIONS + 1):
        p = f"s{s}"
        lines += [
            f"  - id: {p}",
            f"    title: ยุทธศาสตร์ที่ {s}",
            "    indicators:",
            f"      - id: {p}i1",
            f"        title: ตัวชี้วัดที่ {s}.1",
            "        questions:",
            f"          - {{id: {p}_done, type: choice, text: ดำเนินการหรือไม่, choices: "
            "[{id: 'yes', label: ดำเนินการแล้ว}, {id: partly, label: อยู่ระหว่างดำเนินการ}, "
            "{id: na, label: ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน}]}",
            f"          - {{id: {p}_projects, type: text, text: ชื่อโครงการ, "
            f"when: '{p}_done in [yes, partly]'}}",
            f"          - {{id: {p}_students, type: integer, text: จำนวนนักเรียน (คน), min: 0, "
            f"when: '{p}_done == yes'}}",
            f"          - {{id: {p}_budget, type: decimal, text: งบประมาณ (บาท), required: false}}",
            f"          - {{id: {p}_threats, type: multi, text: ภัยคุกคาม, choices: "
            "[{id: drugs, label: ยาเสพติด}, {id: violence, label: ความรุนแรง}, "
            "{id: cyber, label: ภัยไซเบอร์}, {id: other, label: อื่น ๆ}]}",
            f"      - id: {p}i2",
            f"        title: ตัวชี้วัดที่ {s}.2",
            "        questions:",
            f"          - {{id: {p}_held, type: date, text: วันที่จัดกิจกรรม}}",
            f"          - {{id: {p}_level, type: choice, text: ระดับผลสำเร็จ, choices: "
            "[{id: low, label: น้อย}, {id: mid, label: ปานกลาง}, {id: high, label: มาก}]}",
            f"          - {{id: {p}_teachers, type: integer, text: จำนวนครู (คน), min: 0}}",
            f"          - {{id: {p}_note, type: text, text: ข้อเสนอแนะ, required: false}}",
        ]
        if s == 1:
            lines.append(
                f"          - {{id: {p}_report, type: file, text: เอกสารผลการดำเนินงาน, "
                "kinds: [esa], required: false}"
            )
        else:
            lines.append(f"          - {{id: {p}_hours, type: integer, text: จำนวนชั่วโมง}}")
    return "\n".join(lines) + "\n"


def answer_for(question_id: str, rng: random.Random, attachment: int | None) -> str:
    kind = question_id.split("_", 1)[1]
    value: Any
    if kind == "done":
        value = {"v": rng.choices(["yes", "partly", "na"], [60, 25, 15])[0]}
    elif kind in ("projects", "note"):
        value = (
            {"v": None, "none": True}
            if rng.random() < 0.1
            else {"v": f"โครงการพัฒนาคุณภาพการศึกษา ที่ {rng.randint(1, 999)}"}
        )
    elif kind in ("students", "teachers", "hours"):
        value = {"v": rng.randint(0, 1500)}
    elif kind == "budget":
        value = (
            {"v": None, "skipped": True}
            if rng.random() < 0.2
            else {"v": f"{rng.randint(0, 500_000)}.{rng.randint(0, 99):02d}"}
        )
    elif kind == "threats":
        picks = [c for c in ("drugs", "violence", "cyber", "other") if rng.random() < 0.5]
        value = {"v": picks or ["drugs"]}
    elif kind == "held":
        value = {"v": (date(2023, 10, 1) + timedelta(days=rng.randint(0, 365))).isoformat()}
    elif kind == "level":
        value = {"v": rng.choice(["low", "mid", "high"])}
    elif kind == "report":
        value = {"v": [{"id": attachment, "name": "ผลการดำเนินงาน.pdf"}]}
    else:  # pragma: no cover
        raise ValueError(question_id)
    return json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------------ generation


async def generate(url: str, units: int, seed: int = 7) -> tuple[int, int]:
    """Fill the database; return (round id, one agency's unit id)."""
    rng = random.Random(seed)
    engine = create_engine(url)
    await upgrade(engine)
    form = load_form(form_yaml(), "bench.yaml")
    assert len(form) == SECTIONS * PER_SECTION, len(form)
    now = datetime.now(UTC)
    connection = await asyncpg.connect(**PG, database=url.rsplit("/", 1)[1])
    try:
        agencies = max(1, (units - 1) // (AGENCY_SHARE + 1))
        rows = [(1, "ROOT", "สำนักงานศึกษาธิการจังหวัดทดสอบ", "province", None, "เมือง", now, now)]
        for a in range(agencies):
            rows.append(
                (
                    2 + a,
                    f"ESA{a:04d}",
                    f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต {a + 1}",
                    "esa",
                    1,
                    f"อำเภอ {a % 50}",
                    now,
                    now,
                )
            )
        next_id = 2 + agencies
        while next_id <= units:
            parent = 2 + (next_id % agencies)
            rows.append(
                (
                    next_id,
                    f"{1_000_000_000 + next_id}",
                    f"โรงเรียนบ้านทดสอบ {next_id}",
                    "school",
                    parent,
                    f"อำเภอ {next_id % 50}",
                    now,
                    now,
                )
            )
            next_id += 1
        await connection.copy_records_to_table(
            "units",
            records=rows,
            columns=[
                "id",
                "code",
                "name",
                "kind",
                "parent_id",
                "district",
                "created_at",
                "updated_at",
            ],
        )
        await connection.execute("SELECT setval('units_id_seq', $1)", units)
        members = [
            (10_000_000 + uid, uid, "reporter", "", None, rng.random() > 0.05, None, None, now)
            for uid in range(2, units + 1)
            if rng.random() < 0.85
        ]
        await connection.copy_records_to_table(
            "members",
            records=members,
            columns=[
                "telegram_user_id",
                "unit_id",
                "role",
                "display_name",
                "language",
                "reachable",
                "unreachable_since",
                "invite_id",
                "created_at",
            ],
        )
    finally:
        await connection.close()

    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        version = await store_form(session, form, form_yaml())
        round_ = await open_round(
            session,
            form=version,
            period="2567",
            opens_at=now - timedelta(days=30),
            deadline=now - timedelta(days=1),
            kinds=["esa", "school"],
            certify=Certify.HEAD,
        )
        round_id = round_.id
    await engine.dispose()

    connection = await asyncpg.connect(**PG, database=url.rsplit("/", 1)[1])
    try:
        states = ["in_progress", "returned", "submitted", "certified"]
        submissions = []
        for uid in range(2, units + 1):
            state = rng.choices(states, [15, 3, 42, 40])[0]
            submitted = now - timedelta(days=2) if state in ("submitted", "certified") else None
            certified = now - timedelta(days=1) if state == "certified" else None
            submissions.append((round_id, uid, state, submitted, certified, None, None, now))
        await connection.copy_records_to_table(
            "submissions",
            records=submissions,
            columns=[
                "round_id",
                "unit_id",
                "state",
                "submitted_at",
                "certified_at",
                "returned_reason",
                "flagged",
                "updated_at",
            ],
        )
        ids = dict(await connection.fetch("SELECT unit_id, id FROM submissions"))
        esa = {uid for uid in range(2, 2 + agencies)}
        attachments = [
            (
                ids[uid],
                "s1_report",
                "ผลการดำเนินงาน.pdf",
                12345,
                "application/pdf",
                f"{uid:064x}",
                f"00/00/{uid:064x}",
                None,
                None,
                now,
            )
            for uid in sorted(esa)
        ]
        await connection.copy_records_to_table(
            "attachments",
            records=attachments,
            columns=[
                "submission_id",
                "question_id",
                "original_name",
                "size",
                "mime_type",
                "sha256",
                "storage_key",
                "telegram_file_id",
                "uploaded_by",
                "uploaded_at",
            ],
        )
        attachment_of = dict(await connection.fetch("SELECT submission_id, id FROM attachments"))
        question_ids = [p.question.id for p in form.questions()]
        batch: list[tuple[Any, ...]] = []
        total = 0
        for uid in range(2, units + 1):
            sid = ids[uid]
            for qid in question_ids:
                if qid == "s1_report" and uid not in esa:
                    continue
                batch.append((sid, qid, answer_for(qid, rng, attachment_of.get(sid)), None, now))
            if len(batch) >= CHUNK:
                total += await _copy_answers(connection, batch)
                batch = []
        total += await _copy_answers(connection, batch)
        await connection.execute("ANALYZE")
        agency = 2
    finally:
        await connection.close()
    print(f"generated {units} units, {len(submissions)} submissions, {total} answers")
    return round_id, agency


async def _copy_answers(connection: asyncpg.Connection, batch: list[tuple[Any, ...]]) -> int:
    if batch:
        await connection.copy_records_to_table(
            "answers",
            records=batch,
            columns=["submission_id", "question_id", "value", "answered_by", "answered_at"],
        )
    return len(batch)


# ------------------------------------------------------------------ measuring


async def _status(sessions: Any, round_id: int, agency: int, what: str) -> tuple[float, str]:
    """One /status as the bot does it: snapshot without answers, counts, chart."""
    started = time.perf_counter()
    async with sessions() as session:
        if what == "status-all":
            snapshot = await load_round_snapshot(session, round_id, answers=False)
        else:
            snapshot = await load_round_snapshot(
                session, round_id, subtree_of=agency, answers=False
            )
    loaded = time.perf_counter()
    if what == "status-all":
        frame = completion(snapshot, "agency", total=True)
        detail = f"{len(frame) - 1} agencies"
    else:
        frame = completion(snapshot, "unit", agency)
        detail = f"{len(frame)} units"
    png = status_chart(frame, "สถานะการรายงาน")
    return loaded - started, f"{detail}, chart {len(png) // 1024} KB"


async def measure(url: str, round_id: int, agency: int, what: str) -> dict[str, Any]:
    """One measurement in this (fresh) process; status ones twice: cold, then warm."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    warm = ""
    try:
        started = time.perf_counter()
        if what.startswith("status"):
            load, detail = await _status(sessions, round_id, agency, what)
            loaded = started + load
            ended = time.perf_counter()
            await _status(sessions, round_id, agency, what)
            warm = f"{time.perf_counter() - ended:.2f}"
        else:
            async with sessions() as session:
                snapshot = await load_round_snapshot(session, round_id)
            loaded = time.perf_counter()
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "export.xlsx"
                write_workbook(snapshot, path)
                detail = (
                    f"{len(snapshot.answers):,} answers, {path.stat().st_size / 1e6:.1f} MB xlsx"
                )
            ended = time.perf_counter()
    finally:
        await engine.dispose()
    return {
        "what": what,
        "load_s": round(loaded - started, 2),
        "compute_s": round(ended - loaded, 2),
        "total_s": round(ended - started, 2),
        "warm_s": warm or "-",
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "detail": detail,
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1]
    return f"{os.cpu_count()} cores ({cpu}), memory: {' '.join(memory.split()[1:2])} total"


async def create_database() -> str:
    name = f"tidtam_reports_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**PG, database="postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(**PG, database="postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--agency", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", metavar="DATABASE", help="measure again on a database kept with --keep"
    )
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.url, args.round, args.agency, args.measure))))
        return
    name = args.reuse or asyncio.run(create_database())
    url = f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    try:
        if args.reuse:
            round_id, agency = 1, 2
        else:
            started = time.perf_counter()
            round_id, agency = asyncio.run(generate(url, args.units))
            print(f"generation: {time.perf_counter() - started:.1f} s")
            print(f"database: {name}")
        results = []
        for what in ("status-all", "status-agency", "export"):
            arguments = ("--url", url, "--round", str(round_id), "--agency", str(agency))
            results.append(measured(__file__, what, *arguments))
            print(results[-1], flush=True)
        print(f"\n{datetime.now(UTC):%Y-%m-%d}, {machine()}, {args.units:,} units\n")
        print(
            "| measurement | load (s) | compute (s) | total, cold (s) | again, warm (s) "
            "| peak RSS (MB) | detail |"
        )
        print("|---|---|---|---|---|---|---|")
        for r in results:
            print(
                f"| {r['what']} | {r['load_s']} | {r['compute_s']} | {r['total_s']} | "
                f"{r['warm_s']} | {r['peak_mb']} | {r['detail']} |"
            )
    finally:
        if not args.keep and not args.reuse:
            asyncio.run(drop_database(name))


if __name__ == "__main__":
    main()
