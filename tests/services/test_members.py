"""People: listing, revoking in and out of care, roles, forgetting; on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import (
    Answer,
    AuditEvent,
    Base,
    ChatState,
    Member,
    ReminderLedger,
    Submission,
    SubmissionPdf,
)
from storage.units import unit_by_code
from tidtam.core.vocabulary import Role
from tidtam.samples import seed_sample_province
from tidtam.services import members

NOW = datetime(2024, 3, 20, 3, tzinfo=UTC)
SCHOOL, OTHER_SCHOOL, ESA = "1067010001", "1067010002", "PBN-ESA1"
TEACHER, HEAD, OTHER_HEAD, SUPERVISOR = 987_654_321, 1002, 1003, 2001


async def _province(sessions: async_sessionmaker[AsyncSession]) -> dict[int, int]:
    """The sample province with four people; their membership ids by Telegram id."""
    ids = {}
    async with transaction(sessions) as session:
        round_ = await seed_sample_province(
            session, opens_at=NOW - timedelta(days=1), deadline=NOW + timedelta(days=9)
        )
        for user_id, code, role in (
            (TEACHER, SCHOOL, Role.REPORTER),
            (HEAD, SCHOOL, Role.HEAD),
            (OTHER_HEAD, OTHER_SCHOOL, Role.HEAD),
            (SUPERVISOR, ESA, Role.SUPERVISOR),
        ):
            unit = await unit_by_code(session, code)
            assert unit is not None
            member = Member(
                telegram_user_id=user_id,
                unit_id=unit.id,
                role=role.value,
                display_name=f"คน{user_id}",
            )
            session.add(member)
            await session.flush()
            ids[user_id] = member.id
            if user_id == TEACHER:
                submission = Submission(round_id=round_.id, unit_id=unit.id, state="in_progress")
                session.add(submission)
                await session.flush()
                session.add(
                    Answer(
                        submission_id=submission.id,
                        question_id="q1",
                        value={"v": 1},
                        answered_by=TEACHER,
                    )
                )
                session.add(
                    ChatState(
                        telegram_user_id=TEACHER,
                        member_id=member.id,
                        submission_id=submission.id,
                        mode="walk",
                        data={"walk": {}},
                        last_update_id=41,
                    )
                )
                session.add(
                    ReminderLedger(
                        round_id=round_.id, recipient=f"user:{TEACHER}", step="unit:1:d-7"
                    )
                )
    return ids


async def test_list_by_unit_and_role(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _province(sessions)
    everyone = await members.list_members(sessions)
    assert len(everyone.rows) == 4
    school = await members.list_members(sessions, unit_code=SCHOOL)
    assert {r.telegram_user_id for r in school.rows} == {TEACHER, HEAD}
    heads = await members.list_members(sessions, role=Role.HEAD)
    assert {r.telegram_user_id for r in heads.rows} == {HEAD, OTHER_HEAD}
    unknown = await members.list_members(sessions, unit_code="NOPE")
    assert unknown.outcome is members.Outcome.NO_SUCH_UNIT
    [teacher] = [r for r in everyone.rows if r.telegram_user_id == TEACHER]
    assert teacher.last_seen is not None and teacher.reachable


async def test_care_of_a_head_is_its_unit_and_of_a_supervisor_its_subtree(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _province(sessions)
    head = await members.members_in_care(sessions, HEAD)
    assert {r.telegram_user_id for r in head.rows} == {TEACHER}
    supervisor = await members.members_in_care(sessions, SUPERVISOR)
    assert {r.telegram_user_id for r in supervisor.rows} == {TEACHER, HEAD, OTHER_HEAD}
    teacher = await members.members_in_care(sessions, TEACHER)
    assert teacher.outcome is members.Outcome.NOT_ALLOWED


async def test_revoke_is_scope_checked_clears_the_state_and_keeps_answers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _province(sessions)
    outside = await members.revoke(sessions, ids[TEACHER], now=NOW, actor=OTHER_HEAD, scoped=True)
    assert outside.outcome is members.Outcome.NOT_ALLOWED
    itself = await members.revoke(sessions, ids[HEAD], now=NOW, actor=HEAD, scoped=True)
    assert itself.outcome is members.Outcome.NOT_ALLOWED
    done = await members.revoke(sessions, ids[TEACHER], now=NOW, actor=HEAD, scoped=True)
    assert done.outcome is members.Outcome.DONE and done.access_lost
    again = await members.revoke(sessions, ids[TEACHER], now=NOW, actor=HEAD, scoped=True)
    assert again.outcome is members.Outcome.NO_SUCH_MEMBER
    async with sessions() as session:
        state = await session.get(ChatState, TEACHER)
        assert state is not None and state.mode == "revoked"
        assert (state.member_id, state.submission_id, state.last_update_id) == (None, None, 41)
        assert await session.scalar(select(func.count(Answer.id))) == 1
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "members.revoke")
        )
        assert event is not None and event.actor == HEAD


async def test_role_change(sessions: async_sessionmaker[AsyncSession]) -> None:
    ids = await _province(sessions)
    same = await members.set_role(sessions, ids[TEACHER], Role.REPORTER)
    assert same.outcome is members.Outcome.SAME_ROLE
    done = await members.set_role(sessions, ids[TEACHER], Role.HEAD)
    assert done.outcome is members.Outcome.DONE
    async with sessions() as session:
        member = await session.get(Member, ids[TEACHER])
        state = await session.get(ChatState, TEACHER)
    assert member is not None and member.role == Role.HEAD.value
    assert state is not None and state.mode == "idle" and state.submission_id is None
    missing = await members.set_role(sessions, 999, Role.HEAD)
    assert missing.outcome is members.Outcome.NO_SUCH_MEMBER


async def test_forget_leaves_no_trace_of_the_person_but_keeps_the_answers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _province(sessions)
    await members.revoke(sessions, ids[TEACHER], now=NOW, actor=HEAD)  # an audit trail
    async with transaction(sessions) as session:  # a PDF kept that prints the name
        submission_id = await session.scalar(select(Answer.submission_id))
        assert submission_id is not None
        session.add(
            SubmissionPdf(
                submission_id=submission_id, fingerprint="0" * 64, storage_key="aa/bb/c", size=1
            )
        )
    forgotten = await members.forget(sessions, TEACHER)
    assert forgotten.answers == 1 and forgotten.audit_events == 1
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:  # every column of every table
            for column in table.columns:
                text = cast(column, String)
                found = await session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(
                        or_(
                            text == str(TEACHER),
                            text.like(f"%{TEACHER}%"),
                            text.like(f"%คน{TEACHER}%"),
                        )
                    )
                )
                assert found == 0, f"{table.name}.{column.name} still names the person"
        assert await session.scalar(select(func.count(Answer.id))) == 1
        assert await session.scalar(select(func.count()).select_from(SubmissionPdf)) == 0
        actors = (
            await session.scalars(
                select(AuditEvent.details).where(AuditEvent.action == "members.revoke")
            )
        ).all()
        assert actors[0]["telegram_user_id"] == forgotten.ref
