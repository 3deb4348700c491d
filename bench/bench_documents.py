"""Benchmark of the documents (issue 14): submission PDFs and the committee report.

Not a test. Run on PostgreSQL (a database it creates and drops); the round is the
synthetic one of ``bench/bench_reports.py`` (60 questions, mixed states, every unit
answered every question)::

    .venv/bin/python bench/bench_documents.py --units 314      # the sample province's size
    .venv/bin/python bench/bench_documents.py --units 2000     # a big province
    .venv/bin/python bench/bench_documents.py --units 50000 --only summary   # national

Each measurement runs in a fresh process so that its peak memory is its own:

* ``pdfs``: :func:`reports.snapshot.load_submission_docs` for *every* unit
  with a submission (all states, so that the number of PDFs is the number of
  units) and :func:`reports.submission_pdf.submission_pdf` for each, written to a
  folder on every core: what ``tidtam export --pdf`` does when no PDF was kept;
* ``pdfs-kept``: the same export at the end of a round in which the bot kept the
  PDF it sent each unit on submit or certification (``storage.submission_pdfs``):
  every unit's report is made submitted first (the round is over: a PDF for every
  unit, in ``pdfs`` too), the PDFs of ``pdfs`` are kept, as the bot would have (not
  timed), except
  ``--stale`` of them (default 10 %: a unit that changed since, or had nobody to
  send to), which are drawn again; then :func:`tidtam.services.documents.round_pdfs`
  and the export, timed;
* ``summary``: ``load_round_snapshot`` with answers, :func:`reports.committee.committee_report`
  and the DOCX saved: what ``tidtam summary --out FILE.docx`` does;
* ``summary-pdf``: the same report as PDF.

Targets on the development machine: 2,000 PDFs within 60 s; the national committee
report within 60 s and 1 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reports import PG, create_database, drop_database, generate, machine
from sqlalchemy import select

from reports.committee import committee_report
from reports.committee_docx import write_committee_docx
from reports.committee_pdf import committee_pdf
from reports.pdf_batch import write_submission_pdfs
from reports.snapshot import load_round_snapshot, load_submission_docs
from storage.db import create_engine, session_factory
from storage.models import Submission
from tidtam.core.vocabulary import DONE_STATES, SubmissionState

BANGKOK = ZoneInfo("Asia/Bangkok")
MEASUREMENTS = ("pdfs", "pdfs-kept", "summary", "summary-pdf")


async def keep_drawn(url: str, round_id: int, work: Path, stale: float) -> int:
    """Keep the PDFs ``pdfs`` drew, as the bot keeps those it sends (all but ``stale``)."""
    from reports.submission_doc import fingerprint, pdf_file_name
    from storage.db import transaction
    from storage.files import FileStore
    from storage.models import Unit
    from storage.submission_pdfs import keep_pdf

    engine = create_engine(url)
    store = FileStore(work / "files")
    kept = 0
    try:
        async with transaction(session_factory(engine)) as session:
            ids = dict(
                (
                    await session.execute(
                        select(Unit.code, Submission.id)
                        .join(Unit, Unit.id == Submission.unit_id)
                        .where(Submission.round_id == round_id)
                    )
                ).all()
            )
            docs = await load_submission_docs(
                session, round_id, unit_ids=None, tz=BANGKOK, now=datetime.now(UTC)
            )
            every = round(1 / stale) if stale > 0 else 0
            for n, doc in enumerate(docs):
                if every and n % every == 0:
                    continue
                stored = store.put((work / "pdfs" / pdf_file_name(doc.unit_code)).read_bytes())
                await keep_pdf(
                    session, ids[doc.unit_code], fingerprint(doc), stored, datetime.now(UTC)
                )
                kept += 1
    finally:
        await engine.dispose()
    return kept


async def all_submitted(url: str, round_id: int) -> int:
    """Make every report of the round that is not submitted or certified submitted."""
    from sqlalchemy import update

    from storage.db import transaction

    engine = create_engine(url)
    try:
        async with transaction(session_factory(engine)) as session:
            result = await session.execute(
                update(Submission)
                .where(
                    Submission.round_id == round_id,
                    Submission.state.not_in([s.value for s in DONE_STATES]),
                )
                .values(state=SubmissionState.SUBMITTED.value, submitted_at=datetime.now(UTC))
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def measure(url: str, round_id: int, what: str, workers: int, work: Path) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    try:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            if what == "pdfs-kept":
                from storage.files import FileStore
                from tidtam.services.deps import ServiceDeps
                from tidtam.services.documents import round_pdfs

                deps = ServiceDeps(sessions, FileStore(work / "files"), BANGKOK)
                found = await round_pdfs(deps, round_id)
                loaded = time.perf_counter()
                written = write_submission_pdfs(
                    found.docs, Path(folder) / "pdfs", workers=workers, made=found.made
                )
                size = sum(p.stat().st_size for p in (Path(folder) / "pdfs").iterdir())
                detail = (
                    f"{written:,} PDFs ({len(found.made):,} kept, "
                    f"{written - len(found.made):,} drawn), {size / 1e6:.1f} MB, "
                    f"{workers} process(es)"
                )
            elif what == "pdfs":
                async with sessions() as session:
                    unit_ids = list(
                        (
                            await session.scalars(
                                select(Submission.unit_id).where(Submission.round_id == round_id)
                            )
                        ).all()
                    )
                    docs = await load_submission_docs(
                        session, round_id, unit_ids=unit_ids, tz=BANGKOK, now=now
                    )
                loaded = time.perf_counter()
                written = write_submission_pdfs(docs, work / "pdfs", workers=workers)
                size = sum(p.stat().st_size for p in (work / "pdfs").iterdir())
                detail = f"{written:,} PDFs, {size / 1e6:.1f} MB, {workers} process(es)"
            else:
                async with sessions() as session:
                    snapshot = await load_round_snapshot(session, round_id, now=now)
                loaded = time.perf_counter()
                report = committee_report(snapshot, scope_name="ทดสอบ", tz=BANGKOK)
                if what == "summary":
                    path = Path(folder) / "summary.docx"
                    write_committee_docx(report, path)
                else:
                    path = Path(folder) / "summary.pdf"
                    path.write_bytes(committee_pdf(report))
                missing = sum(len(units) for _, units in report.missing)
                detail = (
                    f"{len(snapshot.answers):,} answers, {missing:,} units in the appendix, "
                    f"{path.stat().st_size / 1e6:.1f} MB"
                )
            ended = time.perf_counter()
    finally:
        await engine.dispose()
    return {
        "what": what,
        "load_s": round(loaded - started, 2),
        "compute_s": round(ended - loaded, 2),
        "total_s": round(ended - started, 2),
        "cpu_s": round(_cpu(), 1),
        "peak_mb": max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        // 1024,
        "detail": detail,
    }


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--only", choices=MEASUREMENTS, action="append")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="PDF processes")
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument(
        "--stale", type=float, default=0.1, help="share of units whose kept PDF no longer fits"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DATABASE", help="measure on a database kept before")
    args = parser.parse_args()
    if args.measure:
        work = Path(args.work)
        print(
            json.dumps(asyncio.run(measure(args.url, args.round, args.measure, args.workers, work)))
        )
        return
    name = args.reuse or asyncio.run(create_database())
    url = f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    try:
        round_id = 1
        if not args.reuse:
            started = time.perf_counter()
            round_id, _ = asyncio.run(generate(url, args.units))
            print(f"generation: {time.perf_counter() - started:.1f} s, database {name}")
        results = []
        wanted = args.only or MEASUREMENTS
        if "pdfs-kept" in wanted and "pdfs" not in wanted:
            wanted = ["pdfs", *wanted]  # its PDFs are the ones kept
        work = Path(tempfile.mkdtemp(prefix="bench-documents-"))
        if "pdfs-kept" in wanted:
            changed = asyncio.run(all_submitted(url, round_id))
            print(f"made {changed:,} more reports submitted: every unit has a PDF", flush=True)
        for what in wanted:
            if what == "pdfs-kept":
                kept = asyncio.run(keep_drawn(url, round_id, work, args.stale))
                print(f"kept {kept:,} PDFs as the bot would have (not timed)", flush=True)
            command = [sys.executable, __file__, "--measure", what, "--url", url]
            command += ["--workers", str(args.workers), "--work", str(work)]
            completed = subprocess.run(
                [*command, "--round", str(round_id)], capture_output=True, text=True, check=False
            )
            if completed.returncode:
                raise SystemExit(f"{what} failed:\n{completed.stderr}")
            results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
            print(results[-1], flush=True)
        shutil.rmtree(work, ignore_errors=True)
        print(f"\n{datetime.now(UTC):%Y-%m-%d}, {machine()}, {args.units:,} units\n")
        print(
            "| measurement | load (s) | compute (s) | total (s) | CPU (s) | peak RSS (MB) "
            "| detail |"
        )
        print("|---|---:|---:|---:|---:|---:|---|")
        for r in results:
            print(
                f"| {r['what']} | {r['load_s']} | {r['compute_s']} | {r['total_s']} "
                f"| {r['cpu_s']} | {r['peak_mb']} | {r['detail']} |"
            )
    finally:
        if not args.keep and not args.reuse:
            asyncio.run(drop_database(name))


if __name__ == "__main__":
    main()
