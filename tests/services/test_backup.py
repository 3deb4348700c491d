"""Backup while answers keep coming, restore into a new database, compare everything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine, transaction
from storage.files import FileStore
from storage.models import Answer, Attachment, Submission, Unit
from tests.conftest import scratch_postgres
from tidtam.samples import seed_sample_province
from tidtam.services import backup

NOW = datetime(2024, 3, 20, 3, tzinfo=UTC)


@pytest.fixture
async def new_database_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A second, empty database of the same kind (the restore target)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'tidtam.db'}"
        return
    async with scratch_postgres() as url:
        yield url


async def _running_round(sessions: async_sessionmaker[AsyncSession], store: FileStore) -> int:
    """A round with answers and attached files in ten schools; the first submission's id."""
    async with transaction(sessions) as session:
        round_ = await seed_sample_province(
            session, opens_at=NOW - timedelta(days=1), deadline=NOW + timedelta(days=9)
        )
        schools = (await session.scalars(select(Unit.id).where(Unit.kind == "school"))).all()
        first = None
        for n, unit_id in enumerate(schools[:10]):
            submission = Submission(round_id=round_.id, unit_id=unit_id, state="in_progress")
            session.add(submission)
            await session.flush()
            first = first or submission.id
            for q in range(5):
                session.add(
                    Answer(
                        submission_id=submission.id,
                        question_id=f"q{q}",
                        value={"value": n * 10 + q, "text": "ข้อความ ภาษาไทย"},
                        answered_by=1000 + n,
                    )
                )
            stored = store.put(f"แผนงาน {n}".encode() * 100)
            session.add(
                Attachment(
                    submission_id=submission.id,
                    question_id="q_file",
                    original_name=f"plan-{n}.pdf",
                    size=stored.size,
                    mime_type="application/pdf",
                    sha256=stored.sha256,
                    storage_key=stored.key,
                    uploaded_by=1000 + n,
                )
            )
        assert first is not None
        return first


async def _rows(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            answers = (
                await connection.execute(
                    select(
                        Answer.id, Answer.submission_id, Answer.question_id, Answer.value
                    ).order_by(Answer.id)
                )
            ).all()
            files = (
                await connection.execute(
                    select(Attachment.id, Attachment.sha256, Attachment.storage_key).order_by(
                        Attachment.id
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    return [tuple(r) for r in answers], [tuple(r) for r in files]


async def test_backup_during_a_running_round_restores_every_answer_and_file(
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    new_database_url: str,
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path / "data" / "files")
    submission_id = await _running_round(sessions, store)
    archive = tmp_path / "backup.tgz"
    stop = asyncio.Event()

    async def keep_answering() -> int:
        n = 0
        while not stop.is_set():
            async with transaction(sessions) as session:
                session.add(
                    Answer(submission_id=submission_id, question_id=f"late{n}", value={"v": n})
                )
            n += 1
            await asyncio.sleep(0)
        return n

    writer = asyncio.create_task(keep_answering())
    await asyncio.sleep(0.05)  # answers are arriving when the backup starts
    try:
        made = await backup.backup(database_url, store.root, archive)
    finally:
        stop.set()
        written = await writer
    assert written > 0
    assert made.files == 10 and made.digest.attachments == 10
    assert made.digest.answers >= 50

    restored_files = tmp_path / "restored-data" / "files"
    done = await backup.restore(new_database_url, restored_files, archive)
    assert done.ok, (done.expected, done.found, done.bad_files)
    live_answers, live_files = await _rows(database_url)
    answers, files = await _rows(new_database_url)
    assert len(answers) == made.digest.answers
    assert answers == live_answers[: len(answers)]  # exactly the answers of one moment
    assert files == live_files
    for _id, sha, key in files:
        assert (restored_files / str(key)).read_bytes() == store.read(str(key))
        assert sha

    again = tmp_path / "again"
    with pytest.raises(backup.BackupError, match="not empty"):
        await backup.restore(new_database_url, again, archive)
    forced = await backup.restore(new_database_url, restored_files, archive, force=True)
    assert forced.ok


async def test_restore_refuses_what_is_not_a_backup_and_names_a_missing_pg_dump(
    database_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.tgz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(backup.BackupError, match="not a readable tidtam backup"):
        await backup.restore(database_url, tmp_path / "files", junk, force=True)
    with pytest.raises(backup.BackupError, match="TIDTAM_PG_DUMP"):
        backup.pg_tool("pg_dump", str(tmp_path / "no-such-pg_dump"))
