"""Answering as a use case: each move of a submission the answering causes, each refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows import walk
from flows.answers import FileRef
from flows.form_loader import load_form
from storage.db import create_engine, session_factory, transaction
from storage.forms import FormCache, store_form
from storage.models import Attachment, Member, Unit
from storage.rounds import open_round
from storage.schema import upgrade
from tests.services.conftest import (
    NEWCOMER,
    NOW,
    REPORTER,
    STRANGER,
    SUPERVISOR,
    Place,
    seed,
    service_deps,
)
from tidtam.core.vocabulary import Certify, SubmissionState
from tidtam.services import answering, registration
from tidtam.services.answering import Outcome, ReportAction

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def _asked(outcome: Outcome | None) -> str | None:
    assert outcome is not None
    return next((e.question_id for e in outcome.events if isinstance(e, walk.Ask)), None)


async def _answer_all(place: Place, user: int = REPORTER) -> None:
    assert _asked(await answering.start(place.deps, user)) == "count"
    assert _asked(await answering.take_text(place.deps, user, "12")) == "note"


async def _submit(place: Place, user: int = REPORTER) -> Outcome:
    submission = await place.submission()
    asked = await answering.press(place.deps, user, ReportAction(submission.id, walk.Submit()))
    assert asked is not None and any(isinstance(e, walk.AskConfirmSubmit) for e in asked.events)
    done = await answering.press(
        place.deps, user, ReportAction(submission.id, walk.ConfirmSubmit())
    )
    assert done is not None
    return done


async def test_start_shows_the_report_and_asks_the_first_question(place: Place) -> None:
    outcome = await answering.start(place.deps, REPORTER)
    assert outcome is not None and outcome.code == "step" and outcome.intro
    assert outcome.report is not None
    assert (outcome.report.unit_name, outcome.report.answered, outcome.report.total) == (
        "โรงเรียนทดสอบ",
        0,
        3,
    )
    assert _asked(outcome) == "count"
    assert (await place.submission()).state == SubmissionState.NOT_STARTED


async def test_first_answer_moves_not_started_to_in_progress(place: Place) -> None:
    await _answer_all(place)
    submission = await place.submission()
    assert submission.state == SubmissionState.IN_PROGRESS
    again = await answering.start(place.deps, REPORTER)
    assert again is not None and again.report is not None and again.report.answered == 1


async def test_a_refused_answer_saves_nothing(place: Place) -> None:
    await answering.start(place.deps, REPORTER)
    outcome = await answering.take_text(place.deps, REPORTER, "-3")
    assert outcome is not None
    assert any(isinstance(e, walk.Invalid) for e in outcome.events)
    assert outcome.saved is None
    assert (await place.submission()).state == SubmissionState.NOT_STARTED


async def test_submit_when_complete_moves_in_progress_to_submitted(place: Place) -> None:
    await _answer_all(place)
    done = await _submit(place)
    assert any(isinstance(e, walk.Submitted) for e in done.events)
    assert done.submitted is not None and done.submitted.code == "sent"
    assert [c.name for c in done.submitted.certifiers] == ["ผู้อำนวยการ"]
    submission = await place.submission()
    assert submission.state == SubmissionState.SUBMITTED and submission.submitted_at is not None


async def test_submit_incomplete_is_refused_and_names_what_is_missing(place: Place) -> None:
    await answering.start(place.deps, REPORTER)
    outcome = await answering.command(place.deps, REPORTER, walk.Submit())
    assert outcome is not None
    missing = next(e for e in outcome.events if isinstance(e, walk.Missing))
    assert missing.question_ids == ("count",)
    submission = await place.submission()
    confirm = await answering.press(
        place.deps, REPORTER, ReportAction(submission.id, walk.ConfirmSubmit())
    )
    assert confirm is not None and not any(isinstance(e, walk.Submitted) for e in confirm.events)
    assert (await place.submission()).state == SubmissionState.NOT_STARTED


async def test_answering_a_submitted_report_is_refused(place: Place) -> None:
    await _answer_all(place)
    await _submit(place)
    outcome = await answering.take_text(place.deps, REPORTER, "99")
    # The walk is idle after a submit: no question waits for text.
    assert outcome is not None and outcome.code == "unexpected_text"
    submission = await place.submission()
    edit = await answering.press(
        place.deps, REPORTER, answering.QuestionAction(submission.id, "0", "edit")
    )
    assert edit is not None and edit.code == "locked" and edit.saved is None
    shown = await answering.command(place.deps, REPORTER, walk.Review())
    assert shown is not None and shown.code == "locked"
    assert any(isinstance(e, walk.ShowReview) for e in shown.events)
    assert (await place.submission()).state == SubmissionState.SUBMITTED


async def test_an_update_is_handled_once(place: Place) -> None:
    first = await answering.start(place.deps, REPORTER, update_id=7)
    assert first is not None
    assert await answering.take_text(place.deps, REPORTER, "5", update_id=7) is None
    assert (await place.submission()).state == SubmissionState.NOT_STARTED


async def test_who_may_answer(place: Place) -> None:
    nobody = await answering.start(place.deps, NEWCOMER)
    assert nobody is not None and nobody.code == "not_registered"
    code = await answering.take_text(
        place.deps, NEWCOMER, "ABCDE-FGHJK", newcomer=registration.Newcomer(NEWCOMER, "ครูใหม่")
    )
    assert code is not None and code.code == "registration"
    assert code.registration is not None and code.registration.outcome is registration.Outcome.WRONG
    supervisor = await answering.start(place.deps, SUPERVISOR)
    assert supervisor is not None and supervisor.code == "no_answering_role"
    assert supervisor.params["roles"] == ["supervisor"]


async def test_several_reports_ask_which(place: Place) -> None:
    async with transaction(place.deps.sessions) as session:
        session.add(Member(telegram_user_id=STRANGER, unit_id=place.school_id, role="reporter"))
    outcome = await answering.start(place.deps, STRANGER)
    assert outcome is not None and outcome.code == "choose" and len(outcome.choices) == 2
    chosen = next(c for c in outcome.choices if c.unit_name == "โรงเรียนทดสอบ")
    started = await answering.press(
        place.deps, STRANGER, answering.ChooseRound(chosen.member_id, chosen.round_id)
    )
    assert started is not None and started.intro and _asked(started) == "count"
    assert started.report is not None and started.report.unit_name == "โรงเรียนทดสอบ"


async def test_a_button_of_another_report_is_stale(place: Place) -> None:
    await answering.start(place.deps, REPORTER)
    outcome = await answering.press(
        place.deps, REPORTER, answering.QuestionAction(9999, "0", "skip")
    )
    assert outcome is not None and outcome.code == "stale"


async def _to_file_question(place: Place) -> int:
    await _answer_all(place)
    submission = await place.submission()
    skipped = await answering.press(
        place.deps, REPORTER, answering.QuestionAction(submission.id, "1", "skip")
    )
    assert _asked(skipped) == "doc"
    return submission.id


async def _attachments(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(Attachment)) or 0)


async def test_a_file_is_stored_and_saved_as_the_answer(place: Place) -> None:
    await _to_file_question(place)
    upload = answering.FileIn("แผน.pdf", "application/pdf", len(PDF), PDF, "tg-1")
    outcome = await answering.take_file(place.deps, REPORTER, upload)
    assert outcome is not None and outcome.saved is not None
    value = outcome.saved.answer.value
    assert isinstance(value, tuple) and len(value) == 1
    assert isinstance(value[0], FileRef) and value[0].name == "แผน.pdf"
    assert await _attachments(place.deps.sessions) == 1


async def test_a_refused_file_leaves_nothing(place: Place) -> None:
    await _to_file_question(place)
    upload = answering.FileIn("รูป.png", "image/png", len(PNG), PNG, "tg-2")
    outcome = await answering.take_file(place.deps, REPORTER, upload)
    assert outcome is not None and outcome.saved is None
    assert any(isinstance(e, walk.Invalid) for e in outcome.events)
    too_large = answering.FileIn("ใหญ่.pdf", "application/pdf", 10**9, None, "tg-3")
    large = await answering.take_file(place.deps, REPORTER, too_large)
    assert large is not None and large.saved is None
    assert await _attachments(place.deps.sessions) == 0


async def test_a_file_when_no_file_is_asked(place: Place) -> None:
    nothing = await answering.take_file(
        place.deps, NEWCOMER, answering.FileIn("a.pdf", "application/pdf", len(PDF), PDF)
    )
    assert nothing is not None and nothing.code == "nothing_active"
    await answering.start(place.deps, REPORTER)
    outcome = await answering.take_file(
        place.deps, REPORTER, answering.FileIn("a.pdf", "application/pdf", len(PDF), PDF)
    )
    assert outcome is not None and outcome.code == "unexpected_file"


async def test_two_databases_in_one_process_keep_their_own_forms(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Form version 1 of one database is not the form version 1 of another."""
    await seed(sessions)
    other_engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    await upgrade(other_engine)
    try:
        other = session_factory(other_engine)
        async with transaction(other) as session:
            await store_form(session, load_form(FORM_B), FORM_B)
        cache = FormCache(size=1)
        async with transaction(sessions) as session:
            first = await cache.get(session, 1)
        async with transaction(other) as session:
            second = await cache.get(session, 1)
        assert (first.code, second.code) == ("tiny", "other")
        assert len(cache) == 1  # bounded: the older one was dropped
        async with transaction(sessions) as session:
            assert (await cache.get(session, 1)).code == "tiny"
    finally:
        await other_engine.dispose()


FORM_B = """\
form: other
title: อีกแบบ
sections:
  - id: a
    title: ยุทธศาสตร์ที่ 1
    indicators:
      - id: a1
        title: ตัวชี้วัดที่ 1
        questions:
          - id: q
            type: text
            text: ข้อความ
"""


async def test_each_database_of_the_service_gets_its_own_form(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Through the use case: the process-wide cache does not mix two databases."""
    await seed(sessions)
    first = service_deps(sessions, tmp_path / "a")
    other_engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    await upgrade(other_engine)
    try:
        other_sessions = session_factory(other_engine)
        await _seed_other(other_sessions)
        second = service_deps(other_sessions, tmp_path / "b")
        one = await answering.start(first, REPORTER)
        two = await answering.start(second, REPORTER)
        assert one is not None and one.report is not None and one.report.form.code == "tiny"
        assert two is not None and two.report is not None and two.report.form.code == "other"
    finally:
        await other_engine.dispose()


async def _seed_other(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(sessions) as session:
        school = Unit(code="X1", name="โรงเรียนอีกฐาน", kind="school")
        session.add(school)
        await session.flush()
        session.add(Member(telegram_user_id=REPORTER, unit_id=school.id, role="reporter"))
        version = await store_form(session, load_form(FORM_B), FORM_B)
        await open_round(
            session,
            form=version,
            period="2567",
            opens_at=NOW - timedelta(days=1),
            deadline=NOW + timedelta(days=20),
            kinds=None,
            certify=Certify.HEAD,
        )
