"""Answering meets the year: a closed round, a revoked member (use cases, no Telegram)."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Answer, Member
from tests.services.conftest import NOW, REPORTER, Place
from tidtam.services import answering, members, rounds


async def test_a_closed_round_takes_no_answer_and_keeps_the_submission(place: Place) -> None:
    await answering.start(place.deps, REPORTER)
    before = (await place.submission()).state
    closed = await rounds.close(place.deps.sessions, place.round_id, now=NOW)
    assert closed.outcome is rounds.Outcome.DONE
    refused = await answering.take_text(place.deps, REPORTER, "12")
    assert refused is not None and refused.code == "round_closed"
    assert refused.report is not None and refused.report.unit_name == "โรงเรียนทดสอบ"
    assert (await place.submission()).state == before
    async with place.deps.sessions() as session:
        assert await session.scalar(select(func.count(Answer.id))) == 0
    await rounds.reopen(place.deps.sessions, place.round_id)
    again = await answering.take_text(place.deps, REPORTER, "12")
    assert again is not None and again.code == "step" and again.saved is not None


async def test_a_revoked_member_is_refused_at_the_next_update_and_keeps_the_answers(
    place: Place,
) -> None:
    await answering.start(place.deps, REPORTER)
    await answering.take_text(place.deps, REPORTER, "12")
    async with transaction(place.deps.sessions) as session:
        member_id = await session.scalar(
            select(Member.id).where(Member.telegram_user_id == REPORTER)
        )
    assert member_id is not None
    revoked = await members.revoke(place.deps.sessions, member_id, now=NOW)
    assert revoked.access_lost
    for outcome in (
        await answering.take_text(place.deps, REPORTER, "ข้อความ", update_id=10),
        await answering.start(place.deps, REPORTER, update_id=11),
    ):
        assert outcome is not None and outcome.code == "revoked"
    async with place.deps.sessions() as session:
        assert await session.scalar(select(func.count(Answer.id))) == 1
