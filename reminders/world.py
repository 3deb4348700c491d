"""Build the policy's :class:`~reminders.policy.World` from a round's stored rows.

Pure: the rows come from :func:`storage.reminder_rows.load_reminder_rows`; here they
become the facts :func:`reminders.policy.due` reads, with what each unfinished
submission still misses, section by section, as the questionnaire engine counts it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from flows import walk
from flows.answers import AnswerError, AnswerValue, decode
from flows.form import Form
from reminders.policy import (
    AgencyFacts,
    MemberFacts,
    PendingFacts,
    Policy,
    RoundFacts,
    UnitFacts,
    World,
)
from storage.reminder_rows import MemberRow, ReminderRows, UnitRow
from tidtam.core.vocabulary import Certify, Role, SubmissionState

_DONE = (SubmissionState.SUBMITTED.value, SubmissionState.CERTIFIED.value)


def readable_answers(form: Form, stored: Mapping[str, Mapping[str, Any]]) -> dict[str, AnswerValue]:
    """The stored answers this form can read; an unreadable or unknown one counts as missing."""
    answers: dict[str, AnswerValue] = {}
    for question_id, value in stored.items():
        if question_id not in form:
            continue
        try:
            answers[question_id] = decode(form.question(question_id), value)
        except AnswerError:
            continue
    return answers


def missing_by_section(form: Form, kind: str, answers: Mapping[str, AnswerValue]) -> dict[int, int]:
    """Section number (1-based) -> required questions a unit of ``kind`` has not answered."""
    number = {s.id: i for i, s in enumerate(form.sections, start=1)}
    progress = walk.progress(form, kind, dict(answers))
    return {number[s]: n for s, n in progress.missing_by_section.items()}


def missing_items(form: Form, kind: str, answers: Mapping[str, AnswerValue]) -> tuple[str, ...]:
    """The item numbers of the required questions not answered yet, in form order."""
    return tuple(p.question.no for p in walk.missing_required(form, kind, dict(answers)))


def _member(m: MemberRow) -> MemberFacts:
    return MemberFacts(m.member_id, m.telegram_user_id, m.role, m.reachable, m.language)


def build_world(rows: ReminderRows) -> World:
    """The round's world as the policy sees it, from what is stored now."""
    form, round_ = rows.form, rows.round
    submissions = {s.unit_id: s for s in rows.submissions}
    members_by_unit: dict[int, list[MemberRow]] = defaultdict(list)
    for m in rows.members:
        members_by_unit[m.unit_id].append(m)
    untouched: dict[str, dict[int, int]] = {}  # by kind: what a unit with no answers misses

    def missing(unit: UnitRow, state: str, submission_id: int | None) -> dict[int, int]:
        stored = rows.answers.get(submission_id) if submission_id is not None else None
        if stored:
            return missing_by_section(form, unit.kind, readable_answers(form, stored))
        if state in _DONE:
            return {}
        if unit.kind not in untouched:
            untouched[unit.kind] = missing_by_section(form, unit.kind, {})
        return untouched[unit.kind]

    def items(unit: UnitRow, submission_id: int | None) -> tuple[str, ...]:
        """Listed only for a report under way: a unit not started is told to start."""
        stored = rows.answers.get(submission_id) if submission_id is not None else None
        return missing_items(form, unit.kind, readable_answers(form, stored)) if stored else ()

    units = []
    for unit in rows.units:
        submission = submissions.get(unit.unit_id)
        state = submission.state if submission else SubmissionState.NOT_STARTED.value
        units.append(
            UnitFacts(
                unit.unit_id,
                unit.code,
                unit.name,
                unit.kind,
                unit.parent_id,
                state,
                missing(unit, state, submission.submission_id if submission else None),
                tuple(_member(m) for m in members_by_unit.get(unit.unit_id, ())),
                items(unit, submission.submission_id if submission else None),
            )
        )
    agencies = {
        p.unit_id: AgencyFacts(
            p.unit_id,
            p.code,
            p.name,
            tuple(
                _member(m) for m in members_by_unit.get(p.unit_id, ()) if m.role == Role.SUPERVISOR
            ),
        )
        for p in rows.parents
    }
    officers = tuple(
        _member(m) for ms in members_by_unit.values() for m in ms if m.role == Role.OFFICER
    )
    return World(
        RoundFacts(
            round_.round_id,
            round_.period,
            round_.opens_at,
            round_.deadline,
            round_.closed_at,
            Policy.from_dict(round_.policy),
            round_.extensions,
            round_.extended_at,
        ),
        tuple(units),
        agencies,
        officers,
        _pending(rows, members_by_unit),
        rows.groups,
    )


def _pending(
    rows: ReminderRows, members_by_unit: Mapping[int, list[MemberRow]]
) -> tuple[PendingFacts, ...]:
    """Submissions of target units that wait for certification, with who may certify."""
    by_id = {u.unit_id: u for u in rows.units}
    certify = rows.round.certify
    pending = []
    for submission in rows.submissions:
        unit = by_id.get(submission.unit_id)
        if (
            unit is None
            or submission.state != SubmissionState.SUBMITTED.value
            or submission.submitted_at is None
        ):
            continue
        if certify == Certify.HEAD:
            certifiers = [m for m in members_by_unit.get(unit.unit_id, ()) if m.role == Role.HEAD]
        elif certify == Certify.SUPERVISOR and unit.parent_id is not None:
            certifiers = [
                m for m in members_by_unit.get(unit.parent_id, ()) if m.role == Role.SUPERVISOR
            ]
        else:
            certifiers = []
        pending.append(
            PendingFacts(
                submission.submission_id,
                unit.unit_id,
                unit.name,
                submission.submitted_at,
                tuple(_member(m) for m in certifiers),
            )
        )
    return tuple(pending)
