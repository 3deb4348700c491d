"""The migrations create the schema the models describe, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.models import (
    Answer,
    Base,
    FormVersion,
    ReminderLedger,
    Round,
    Submission,
    Unit,
)
from storage.schema import current_revision, head_revision, upgrade


async def test_upgrade_is_idempotent_and_matches_models(engine: AsyncEngine) -> None:
    await upgrade(engine)  # a second run changes nothing and does not fail
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert diff == []


async def test_the_start_check_reads_what_alembic_reads(engine: AsyncEngine) -> None:
    # the bot checks the schema without loading Alembic: the same answers as Alembic's
    from alembic.script import ScriptDirectory

    from storage.schema import alembic_config

    newest = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head_revision() == newest  # raise HEAD_REVISION with each new migration
    async with engine.connect() as connection:
        read = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
    assert await current_revision(engine) == read == newest


async def test_a_database_never_migrated_has_no_revision(tmp_path: Path) -> None:
    from storage.db import create_engine

    blank = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}")
    try:
        assert await current_revision(blank) is None
    finally:
        await blank.dispose()


async def _round_with_unit(session: AsyncSession) -> tuple[Round, Unit]:
    unit = Unit(code="S1", name="โรงเรียนบ้านนา", kind="school")
    form = FormVersion(code="f", version=1, title="t", definition={}, source="", sha256="0" * 64)
    now = datetime.now(UTC)
    round_ = Round(form_version=form, period="2567", opens_at=now, deadline=now + timedelta(days=9))
    session.add_all([unit, round_])
    await session.flush()
    return round_, unit


async def test_one_submission_per_round_and_unit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        round_, unit = await _round_with_unit(session)
        session.add(Submission(round_id=round_.id, unit_id=unit.id))
        await session.commit()
        session.add(Submission(round_id=round_.id, unit_id=unit.id))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_one_answer_per_question_and_ledger_key_unique(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        round_, unit = await _round_with_unit(session)
        submission = Submission(round_id=round_.id, unit_id=unit.id)
        session.add(submission)
        await session.flush()
        round_id, submission_id = round_.id, submission.id
        session.add(Answer(submission_id=submission_id, question_id="q1", value={"v": 1}))
        session.add(ReminderLedger(round_id=round_id, recipient="unit:1", step="d-7"))
        await session.commit()
        session.add(Answer(submission_id=submission_id, question_id="q1", value={"v": 2}))
        with pytest.raises(IntegrityError):
            await session.commit()
        await session.rollback()
        session.add(ReminderLedger(round_id=round_id, recipient="unit:1", step="d-7"))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_foreign_keys_are_enforced(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        session.add(Unit(code="X", name="x", kind="school", parent_id=9999))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_times_come_back_aware_in_utc(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        round_, _ = await _round_with_unit(session)
        await session.commit()
        round_id, deadline = round_.id, round_.deadline
    async with sessions() as session:
        stored = await session.scalar(select(Round).where(Round.id == round_id))
        assert stored is not None
        assert stored.deadline.tzinfo is not None
        assert stored.deadline == deadline
