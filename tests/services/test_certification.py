"""Certification as a use case: approve, return with reason and flagged items, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows import walk
from storage.db import transaction
from storage.models import Submission
from storage.submissions import change_state
from tests.services.conftest import (
    HEAD,
    REPORTER,
    STRANGER,
    SUPERVISOR,
    Place,
    seed,
    service_deps,
)
from tidtam.core.vocabulary import Certify, SubmissionState, TransitionRefused
from tidtam.services import answering, certification
from tidtam.services.answering import Outcome, ReportAction


async def _submitted(place: Place) -> Outcome:
    await answering.start(place.deps, REPORTER)
    await answering.take_text(place.deps, REPORTER, "12")
    submission = await place.submission()
    await answering.press(place.deps, REPORTER, ReportAction(submission.id, walk.Submit()))
    done = await answering.press(
        place.deps, REPORTER, ReportAction(submission.id, walk.ConfirmSubmit())
    )
    # Submitted, or certified at once when the round's rule asks nobody.
    assert (await place.submission()).state in (
        SubmissionState.SUBMITTED,
        SubmissionState.CERTIFIED,
    )
    assert done is not None
    return done


async def test_submit_names_the_certifiers_with_the_answers(place: Place) -> None:
    done = await _submitted(place)
    assert (await place.submission()).state == SubmissionState.SUBMITTED
    notice = done.submitted
    assert notice is not None and notice.code == "sent" and notice.submitter == "ครูผู้รายงาน"
    assert [(p.telegram_user_id, p.role) for p in notice.certifiers] == [(HEAD, "head")]
    [section] = notice.request.review.sections
    assert next(item.question_id for item in section.items) == "count"


async def test_approve_moves_submitted_to_certified_and_tells_the_unit(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    decision = await certification.act(place.deps, HEAD, submission.id, "approve")
    assert decision.code == "approved" and decision.unit_name == "โรงเรียนทดสอบ"
    assert {p.telegram_user_id for p in decision.tell} == {REPORTER, HEAD}
    certified = await place.submission()
    assert certified.state == SubmissionState.CERTIFIED and certified.certified_at is not None


async def test_certify_twice_is_refused(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    await certification.act(place.deps, HEAD, submission.id, "approve")
    again = await certification.act(place.deps, HEAD, submission.id, "approve")
    assert again.code == "already" and again.params == {"state": "certified"}
    back = await certification.act(place.deps, HEAD, submission.id, "return", reason="ข้อ 1")
    assert back.code == "already"
    assert (await place.submission()).state == SubmissionState.CERTIFIED


async def test_certify_by_a_non_certifier_is_refused(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    for who in (REPORTER, SUPERVISOR, STRANGER):  # the round's rule is the unit's head
        decision = await certification.act(place.deps, who, submission.id, "approve")
        assert decision.code == "not_yours", who
    assert (await place.submission()).state == SubmissionState.SUBMITTED
    gone = await certification.act(place.deps, HEAD, 9999, "approve")
    assert gone.code == "gone"


async def test_certify_before_submit_is_refused(place: Place) -> None:
    await answering.start(place.deps, REPORTER)
    submission = await place.submission()
    decision = await certification.act(place.deps, HEAD, submission.id, "approve")
    assert decision.code == "already" and decision.params == {"state": "not_started"}


async def test_return_with_reason_flags_the_items_and_reopens_the_report(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    decision = await certification.act(
        place.deps, HEAD, submission.id, "return", reason="  ข้อ ๑.๑.๑ ตัวเลขไม่ตรงกับเอกสาร  "
    )
    assert decision.code == "returned"
    assert decision.params == {"reason": "ข้อ ๑.๑.๑ ตัวเลขไม่ตรงกับเอกสาร", "flagged": ["count"]}
    assert {p.telegram_user_id for p in decision.tell} == {REPORTER, HEAD}
    returned = await place.submission()
    assert returned.state == SubmissionState.RETURNED
    assert (returned.returned_reason, returned.flagged) == (
        "ข้อ ๑.๑.๑ ตัวเลขไม่ตรงกับเอกสาร",
        ["count"],
    )
    # The unit resumes at the flagged item, with the reason to show.
    resumed = await answering.start(place.deps, REPORTER)
    assert resumed is not None and resumed.returned_note
    asked = next(e for e in resumed.events if isinstance(e, walk.Ask))
    assert asked.question_id == "count"


async def test_return_without_a_reason_asks_for_one(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    decision = await certification.act(place.deps, HEAD, submission.id, "return", reason="  ")
    assert decision.code == "ask_reason"
    assert (await place.submission()).state == SubmissionState.SUBMITTED


async def test_returned_moves_to_in_progress_on_edit_then_submitted(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    await certification.act(place.deps, HEAD, submission.id, "return", reason="ข้อ 1")
    await answering.start(place.deps, REPORTER)
    edited = await answering.take_text(place.deps, REPORTER, "13")
    assert edited is not None and edited.saved is not None
    assert (await place.submission()).state == SubmissionState.IN_PROGRESS
    await answering.press(place.deps, REPORTER, ReportAction(submission.id, walk.Submit()))
    await answering.press(place.deps, REPORTER, ReportAction(submission.id, walk.ConfirmSubmit()))
    assert (await place.submission()).state == SubmissionState.SUBMITTED


async def test_returned_may_be_submitted_again_as_it_is(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    await certification.act(place.deps, HEAD, submission.id, "return", reason="โปรดตรวจสอบ")
    assert (await place.submission()).state == SubmissionState.RETURNED
    await answering.command(place.deps, REPORTER, walk.Submit())
    done = await answering.press(
        place.deps, REPORTER, ReportAction(submission.id, walk.ConfirmSubmit())
    )
    assert done is not None and any(isinstance(e, walk.Submitted) for e in done.events)
    assert (await place.submission()).state == SubmissionState.SUBMITTED


async def test_pending_lists_what_waits_for_the_certifier(place: Place) -> None:
    nothing = await certification.pending(place.deps, HEAD)
    assert nothing.allowed and nothing.waiting == ()
    await _submitted(place)
    waiting = await certification.pending(place.deps, HEAD)
    assert [(w.unit_name, w.period) for w in waiting.waiting] == [("โรงเรียนทดสอบ", "2567")]
    assert not (await certification.pending(place.deps, REPORTER)).allowed
    assert (await certification.pending(place.deps, SUPERVISOR)).waiting == ()


async def test_the_view_button_shows_the_answers(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    shown = await answering.press(place.deps, HEAD, answering.CertifyAction(submission.id, "view"))
    assert shown is not None and shown.decision is not None
    assert shown.decision.code == "view" and shown.decision.request is not None


@pytest.mark.parametrize("rule", [Certify.NONE, Certify.SUPERVISOR])
async def test_the_round_rule_decides_who_certifies(
    rule: Certify, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    round_id, school_id = await seed(sessions, certify=rule)
    place = Place(service_deps(sessions, tmp_path), round_id, school_id)
    done = await _submitted(place)
    assert done.submitted is not None
    if rule is Certify.NONE:
        assert done.submitted.code == "not_needed"
        assert (await place.submission()).state == SubmissionState.CERTIFIED
        return
    assert [p.telegram_user_id for p in done.submitted.certifiers] == [SUPERVISOR]
    submission = await place.submission()
    assert (await certification.act(place.deps, HEAD, submission.id, "approve")).code == (
        "not_yours"
    )
    decision = await certification.act(place.deps, SUPERVISOR, submission.id, "approve")
    assert decision.code == "approved"


async def test_a_move_outside_the_table_is_refused_naming_both_states(place: Place) -> None:
    await _submitted(place)
    submission = await place.submission()
    await certification.act(place.deps, HEAD, submission.id, "approve")
    async with transaction(place.deps.sessions) as session:
        certified = await session.get(Submission, submission.id)
        assert certified is not None
        with pytest.raises(TransitionRefused) as refused:
            await change_state(
                session, certified, SubmissionState.IN_PROGRESS, actor=HEAD, now=place.deps.now()
            )
    assert (refused.value.before, refused.value.after) == ("certified", "in_progress")
    assert "'certified'" in str(refused.value) and "'in_progress'" in str(refused.value)
    assert (await place.submission()).state == SubmissionState.CERTIFIED


def test_flagged_numbers_read_thai_and_arabic_digits() -> None:
    assert certification.flagged_numbers("ข้อ ๓, 7 และ 12 ไม่ครบ") == ["3", "7", "12"]
    assert certification.flagged_numbers("item 2 and 4") == ["2", "4"]
    assert certification.flagged_numbers("ข้อ 2.1.3 และ ๓.๔.๒ ไม่ตรงกัน") == ["2.1.3", "3.4.2"]
    assert certification.flagged_numbers("ไม่มีเลขข้อ") == []
