"""The chat context load: one statement, and people who write are reachable again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.chat_states import load_chat_context, write_chat_state
from storage.db import transaction
from storage.members import mark_unreachable
from storage.models import ChatState, Member, Unit
from tidtam.core.vocabulary import Role

PERSON = 4711


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]).split()[0].upper())  # the statement's first word

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def a_person_with_two_memberships(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        school = Unit(code="S1", name="โรงเรียน", kind="school")
        office = Unit(code="O1", name="สำนักงาน", kind="esa")
        session.add_all([school, office])
        await session.flush()
        reporter = Member(telegram_user_id=PERSON, unit_id=school.id, role=Role.REPORTER.value)
        supervisor = Member(telegram_user_id=PERSON, unit_id=office.id, role=Role.SUPERVISOR)
        session.add_all([reporter, supervisor])
        await session.flush()
        session.add(ChatState(telegram_user_id=PERSON, mode="idle", data={}, member_id=reporter.id))


async def test_a_reachable_person_costs_one_read(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    await a_person_with_two_memberships(sessions)
    async with sessions() as session:
        with statements(engine) as seen:
            loaded = await load_chat_context(session, PERSON)
        assert loaded.member is not None and loaded.member.reachable
        await session.rollback()
    assert [s for s in seen if s != "BEGIN"] == ["SELECT"]  # no UPDATE


async def test_writing_again_makes_every_membership_reachable(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await a_person_with_two_memberships(sessions)
    async with transaction(sessions) as session:
        await mark_unreachable(session, [PERSON], datetime.now(UTC))
    async with transaction(sessions) as session:
        loaded = await load_chat_context(session, PERSON)
        assert loaded.member is not None and loaded.member.reachable
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Member.reachable, Member.unreachable_since).where(
                    Member.telegram_user_id == PERSON
                )
            )
        ).all()
    assert [tuple(r) for r in rows] == [(True, None), (True, None)]


async def test_a_loaded_state_is_written_by_one_update_and_forgotten(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    await a_person_with_two_memberships(sessions)
    now = datetime(2024, 1, 15, 3, 0, tzinfo=UTC)
    async with transaction(sessions) as session:
        state = (await load_chat_context(session, PERSON)).state
        state.mode, state.question_id, state.data = "walk", "q2", {"walk": {"mode": "asking"}}
        state.last_update_id, state.owed_update_id, state.owed_by = 9, 9, "copy-a"
        with statements(engine) as seen:
            await write_chat_state(session, state, now)
            await session.flush()  # nothing left for the unit of work
        assert state not in session
    assert seen == ["UPDATE"]
    async with sessions() as session:
        stored = await session.get(ChatState, PERSON)
        assert stored is not None
        assert (stored.mode, stored.question_id, stored.data) == (
            "walk",
            "q2",
            {"walk": {"mode": "asking"}},
        )
        assert (stored.last_update_id, stored.owed_update_id, stored.owed_by) == (9, 9, "copy-a")
        written = stored.updated_at
        assert (written if written.tzinfo else written.replace(tzinfo=UTC)) == now


async def test_a_new_state_is_left_to_the_flush(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    async with transaction(sessions) as session:
        state = ChatState(telegram_user_id=PERSON + 1, mode="awaiting_code", data={})
        session.add(state)  # not inserted yet
        with statements(engine) as seen:
            await write_chat_state(session, state, datetime.now(UTC))
        assert seen == [] and state in session
    async with sessions() as session:
        stored = await session.get(ChatState, PERSON + 1)
        assert stored is not None and stored.mode == "awaiting_code"
