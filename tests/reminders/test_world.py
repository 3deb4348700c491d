"""Building the policy's world from a round's stored rows: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flows.answers import AnswerValue, encode
from flows.form_loader import load_form_file
from reminders.policy import MemberFacts
from reminders.world import build_world, missing_by_section, readable_answers
from storage.reminder_rows import MemberRow, ReminderRows, RoundRow, SubmissionRow, UnitRow
from tidtam.core.vocabulary import Certify, Role, SubmissionState
from tidtam.samples import FORM_FILE

FORM = load_form_file(FORM_FILE)
OPENS = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
DEADLINE = datetime(2024, 3, 31, 16, 59, 59, tzinfo=UTC)
PROVINCE = UnitRow(1, "PBN", "ศธจ.", "province", None)
ESA = UnitRow(2, "PBN-ESA1", "สพป. เขต 1", "esa", 1)
UNTOUCHED = UnitRow(10, "S10", "โรงเรียนยังไม่เริ่ม", "school", 2)
HALF = UnitRow(11, "S11", "โรงเรียนกำลังรายงาน", "school", 2)
DONE = UnitRow(12, "S12", "โรงเรียนส่งแล้ว", "school", 2)
GARBLED = UnitRow(13, "S13", "โรงเรียนคำตอบอ่านไม่ได้", "school", 2)
SUBMITTED_AT = datetime(2024, 3, 20, 3, 0, tzinfo=UTC)


def stored(question_id: str, value: object) -> dict[str, object]:
    return encode(FORM.question(question_id), AnswerValue(value))  # type: ignore[arg-type]


def rows(certify: Certify = Certify.HEAD, policy: dict[str, object] | None = None) -> ReminderRows:
    return ReminderRows(
        RoundRow(7, "2567-Q2", OPENS, DEADLINE, None, certify.value, policy or {}),
        FORM,
        units=(UNTOUCHED, HALF, DONE, GARBLED),
        parents=(ESA,),
        submissions=(
            SubmissionRow(101, HALF.unit_id, SubmissionState.IN_PROGRESS.value, None),
            SubmissionRow(102, DONE.unit_id, SubmissionState.SUBMITTED.value, SUBMITTED_AT),
            SubmissionRow(103, GARBLED.unit_id, SubmissionState.RETURNED.value, SUBMITTED_AT),
        ),
        answers={
            101: {"s1i1_done": stored("s1i1_done", "na"), "gone_question": {"v": "x"}},
            103: {"s1i1_done": {"v": 42}, "s1i1_students": {"no": "v"}},
        },
        members=(
            MemberRow(1, 900, PROVINCE.unit_id, Role.OFFICER.value, True, None),
            MemberRow(2, 800, ESA.unit_id, Role.SUPERVISOR.value, False, "en"),
            MemberRow(3, 801, ESA.unit_id, Role.REPORTER.value, True, None),
            MemberRow(4, 100, HALF.unit_id, Role.REPORTER.value, True, None),
            MemberRow(5, 101, DONE.unit_id, Role.HEAD.value, True, "th"),
            MemberRow(6, 102, DONE.unit_id, Role.REPORTER.value, True, None),
        ),
        groups=(-1001,),
    )


def test_units_carry_state_members_and_what_is_missing() -> None:
    world = build_world(rows())
    units = {u.unit_id: u for u in world.units}
    untouched = missing_by_section(FORM, "school", {})
    assert sum(untouched.values()) > 0
    assert units[UNTOUCHED.unit_id].state == SubmissionState.NOT_STARTED.value
    assert units[UNTOUCHED.unit_id].missing_by_section == untouched
    assert units[UNTOUCHED.unit_id].members == ()
    half = units[HALF.unit_id]
    assert half.state == SubmissionState.IN_PROGRESS.value
    # "na" answers s1i1 and makes its follow-up questions irrelevant: section 1 misses fewer.
    assert half.missing_by_section[1] < untouched[1]
    assert {s: n for s, n in half.missing_by_section.items() if s != 1} == {
        s: n for s, n in untouched.items() if s != 1
    }
    assert half.members == (MemberFacts(4, 100, Role.REPORTER.value, True, None),)
    assert units[DONE.unit_id].missing_by_section == {}
    # Answers the form cannot read count as missing, like no answer at all.
    assert units[GARBLED.unit_id].state == SubmissionState.RETURNED.value
    assert units[GARBLED.unit_id].missing_by_section == untouched


def test_agencies_keep_supervisors_only_and_officers_come_from_anywhere() -> None:
    world = build_world(rows())
    assert list(world.agencies) == [ESA.unit_id]
    agency = world.agencies[ESA.unit_id]
    assert (agency.code, agency.name) == ("PBN-ESA1", "สพป. เขต 1")
    assert agency.supervisors == (MemberFacts(2, 800, Role.SUPERVISOR.value, False, "en"),)
    assert world.officers == (MemberFacts(1, 900, Role.OFFICER.value, True, None),)
    assert world.groups == (-1001,)


def test_pending_certifications_name_who_may_certify() -> None:
    [by_head] = build_world(rows(Certify.HEAD)).pending
    assert (by_head.submission_id, by_head.unit_id, by_head.submitted_at) == (
        102,
        DONE.unit_id,
        SUBMITTED_AT,
    )
    assert [m.telegram_user_id for m in by_head.certifiers] == [101]
    [by_supervisor] = build_world(rows(Certify.SUPERVISOR)).pending
    assert [m.telegram_user_id for m in by_supervisor.certifiers] == [800]
    [unchecked] = build_world(rows(Certify.NONE)).pending
    assert unchecked.certifiers == ()


def test_the_round_and_its_stored_policy() -> None:
    world = build_world(rows(policy={"unit_time": "10:30", "unit_days_before": [5, 1]}))
    assert (world.round.round_id, world.round.period) == (7, "2567-Q2")
    assert (world.round.opens_at, world.round.deadline) == (OPENS, DEADLINE)
    assert world.round.policy.unit_time == time(10, 30)
    assert world.round.policy.unit_days_before == (5, 1)


def test_only_readable_answers_to_known_questions_are_kept() -> None:
    kept = readable_answers(
        FORM,
        {
            "s1i1_done": stored("s1i1_done", "yes"),
            "s1i1_students": {"v": "many"},  # not an integer
            "nowhere": stored("s1i1_done", "yes"),  # no such question in this form
        },
    )
    assert kept == {"s1i1_done": AnswerValue("yes")}
