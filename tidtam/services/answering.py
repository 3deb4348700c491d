"""Answering the questionnaire: start or resume a report, answer, review, submit, cancel.

Every call is one transaction: load the person's chat state, the submission and its
answers; let :func:`flows.walk.resume` decide; store every answer it saves and the new
walk state; commit. The result says what happened and what to show, as the engine's
events and codes with parameters; the channel (the bot) picks the words. A restart,
another phone or a second process loses nothing: the database is the only state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import filetype
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from flows import walk
from flows.answers import AnswerValue, FileRef, encode
from flows.form import Form, QuestionType
from storage.chat_states import ChatContext, already_handled, load_chat_context
from storage.db import in_transaction
from storage.files import StoredFile
from storage.members import memberships
from storage.models import Attachment, ChatState, Member, Submission
from storage.people import REVOKED
from storage.submissions import (
    EDITABLE,
    add_attachment,
    change_state,
    open_rounds,
    save_answer,
    submission_by_id,
    submission_for,
    targets,
)
from tidtam.core.vocabulary import (
    ANSWERING_ROLES,
    SubmissionState,
    TransitionRefused,
)
from tidtam.services import certification, registration
from tidtam.services.certification import Decision, Refused, SubmitNotice
from tidtam.services.deps import ServiceDeps
from tidtam.services.loading import form_and_answers, load_submission
from tidtam.services.registration import AWAITING_CODE  # the chat mode asking for a code

ANSWERING = tuple(role.value for role in ANSWERING_ROLES)

# ------------------------------------------------------------------ inputs and results


@dataclass(frozen=True, slots=True)
class ChooseRound:
    """The person picked which report to work on (one of :attr:`Outcome.choices`)."""

    member_id: int
    round_id: int


#: What a question's button does.
Verb = Literal["pick", "toggle", "done", "skip", "back", "edit"]


@dataclass(frozen=True, slots=True)
class QuestionAction:
    """A button of a question: ``question_index`` in the form, ``choice_index`` in it."""

    submission_id: int
    question_index: int
    action: Verb
    choice_index: int | None = None


@dataclass(frozen=True, slots=True)
class ReportAction:
    """A button of the whole report (review, submit, confirm, menu) as an engine input."""

    submission_id: int
    event: walk.Input


@dataclass(frozen=True, slots=True)
class CertifyAction:
    """A certifier's button: ``approve``, ``return``, ``view`` or ``no_letter``."""

    submission_id: int
    action: str


Pressed = ChooseRound | QuestionAction | ReportAction | CertifyAction


@dataclass(frozen=True, slots=True)
class FileIn:
    """A file already fetched from the channel: its bytes, or None if too large to fetch."""

    name: str
    mime_type: str
    size: int
    data: bytes | None
    channel_file_id: str | None = None
    named: bool = True  # the sender named it (a document), not the channel (a photo)
    album: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """The report being worked on, as plain data for whoever shows it."""

    submission_id: int
    state: str
    unit_name: str
    unit_kind: str
    period: str  # the round's period code
    deadline: date  # local date
    form: Form
    answered: int
    total: int
    returned_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    member_id: int
    round_id: int
    unit_name: str
    period: str


Code = Literal[
    "step",  # the engine ran: show ``events`` (after the intro, if ``intro``)
    "locked",  # the report is submitted or certified: nothing changed; ``events`` reviews
    "not_registered",  # no membership: an invite code is awaited now
    "no_answering_role",  # params["roles"]: the person's roles, none of which answers
    "no_round",  # params["unit"]: no open round asks this unit
    "choose",  # several reports: ``choices``
    "unexpected_text",  # text when no question waits for it
    "nothing_active",  # a file when no report is open
    "unexpected_file",  # a file when the question asked takes none
    "stale",  # a button of another report
    "ignored",  # a button that does nothing (any more)
    "refused",  # the submission's life does not allow the move: ``refused``
    "certify",  # a certifier's action: ``decision``
    "registration",  # the text was tried as an invite code: see ``registration``
    "revoked",  # the person's memberships were revoked: refused, nothing looked at
    "round_closed",  # the round is closed: nothing changed
]


@dataclass(slots=True)
class Outcome:
    """What one answering step did and what to show, in codes and plain data."""

    code: Code
    language: str | None = None  # the person's stored language (None: the channel's)
    report: Report | None = None
    events: list[walk.Event] = field(default_factory=list)
    intro: bool = False  # show the report's intro first
    returned_note: bool = False  # say why it was returned (after the intro)
    params: dict[str, object] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    submitted: SubmitNotice | None = None
    decision: Decision | None = None
    refused: Refused | None = None
    registration: registration.Registration | None = None

    @property
    def saved(self) -> walk.Save | None:
        """The first answer this step saved, if any."""
        return next((e for e in self.events if isinstance(e, walk.Save)), None)


@dataclass(slots=True)
class _Active:
    """The report a person is working on, loaded for one step."""

    member: Member
    submission: Submission
    form: Form
    answers: dict[str, AnswerValue]
    walk_state: walk.WalkState


# ------------------------------------------------------------------ loading


async def _load_active(
    session: AsyncSession, state: ChatState, context: ChatContext | None = None
) -> _Active | None:
    """The report the state points at; ``context`` has it already loaded, if it matches."""
    if state.submission_id is None or state.member_id is None:
        return None
    member, submission = (context.member, context.submission) if context else (None, None)
    with session.no_autoflush:  # the chat state is written once, at commit
        if member is None or member.id != state.member_id:
            member = await session.get(
                Member, state.member_id, options=[joinedload(Member.unit)], populate_existing=True
            )
        if submission is None or submission.id != state.submission_id:
            submission = await submission_by_id(session, state.submission_id)
        if (
            submission is None
            or member is None
            or member.telegram_user_id != state.telegram_user_id
            or member.unit_id != submission.unit_id
        ):
            state.submission_id = state.member_id = None
            return None
        form, answers = await form_and_answers(session, submission)
    return _Active(
        member, submission, form, answers, walk.WalkState.from_dict(state.data.get("walk"))
    )


def _report(active: _Active, deps: ServiceDeps) -> Report:
    submission = active.submission
    progress = walk.progress(active.form, submission.unit.kind, active.answers)
    return Report(
        submission.id,
        submission.state,
        submission.unit.name,
        submission.unit.kind,
        submission.round.period,
        submission.round.deadline.astimezone(deps.tz).date(),
        active.form,
        progress.answered,
        progress.total,
        submission.returned_reason,
    )


async def _activate(
    session: AsyncSession, state: ChatState, member: Member, round_id: int
) -> _Active | None:
    submission = await submission_for(session, round_id, member.unit_id)
    state.member_id, state.submission_id = member.id, submission.id
    state.data = {"walk": walk.WalkState().to_dict()}
    return await _load_active(session, state, ChatContext(state, member, submission))


async def _choose_report(
    session: AsyncSession, deps: ServiceDeps, state: ChatState
) -> tuple[_Active | None, Outcome | None]:
    """Pick the report to work on: the only one, or say which there are (or why none)."""
    members = await memberships(session, state.telegram_user_id)
    language = members[0].language if members else None
    if not members:
        state.mode = AWAITING_CODE
        return None, Outcome("not_registered")
    answering = [m for m in members if m.role in ANSWERING]
    if not answering:
        roles = sorted({m.role for m in members})
        return None, Outcome("no_answering_role", language, params={"roles": roles})
    rounds = await open_rounds(session, deps.now())
    options = [(m, r) for m in answering for r in rounds if targets(r, m.unit)]
    if not options:
        return None, Outcome("no_round", language, params={"unit": answering[0].unit.name})
    if len(options) == 1:
        member, round_ = options[0]
        active = await _activate(session, state, member, round_.id)
        return active, None if active else Outcome("ignored", language)
    choices = tuple(Choice(m.id, r.id, m.unit.name, r.period) for m, r in options)
    return None, Outcome("choose", language, choices=choices)


# ------------------------------------------------------------------ deciding


async def _step(
    session: AsyncSession,
    deps: ServiceDeps,
    state: ChatState,
    active: _Active,
    event: walk.Input,
    **shown: object,
) -> Outcome:
    """One engine step with its answers stored and the new walk state kept."""
    submission = active.submission
    user_id = state.telegram_user_id
    now = deps.now()
    language = active.member.language
    intro, returned_note = bool(shown.get("intro")), bool(shown.get("returned_note"))
    closed = submission.round.closed_at
    if closed is not None and closed <= now and not isinstance(event, walk.Cancel):
        return Outcome("round_closed", language, _report(active, deps))  # state kept
    locked = submission.state not in EDITABLE
    if locked and not isinstance(event, walk.Review | walk.Start | walk.Cancel):
        return Outcome("locked", language, _report(active, deps), intro=intro)
    new_state, events = walk.resume(
        active.form,
        submission.unit.kind,
        active.answers,
        active.walk_state,
        event,
        today=now.astimezone(deps.tz).date(),
    )
    if locked:  # a submitted report is shown, never changed
        reviews: list[walk.Event] = [e for e in events if isinstance(e, walk.ShowReview)]
        return Outcome("locked", language, _report(active, deps), reviews, intro=intro)
    notice: SubmitNotice | None = None
    for e in events:
        if isinstance(e, walk.Save):
            question = active.form.question(e.question_id)
            with session.no_autoflush:  # the chat state is written once, at commit
                await save_answer(
                    session,
                    submission,
                    e.question_id,
                    encode(question, e.answer),
                    actor=user_id,
                    now=now,
                )
            active.answers[e.question_id] = e.answer
        elif isinstance(e, walk.Submitted):
            try:
                await change_state(
                    session, submission, SubmissionState.SUBMITTED, actor=user_id, now=now
                )
            except TransitionRefused as refused:
                return Outcome(
                    "refused",
                    language,
                    _report(active, deps),
                    refused=Refused(refused.before, refused.after),
                )
            notice = await certification.after_submit(
                session, submission, active.form, active.answers, submitter=active.member, now=now
            )
    state.mode = "walk"
    state.question_id = new_state.question_id
    state.data = {**state.data, "walk": new_state.to_dict()}
    return Outcome(
        "step",
        language,
        _report(active, deps),
        list(events),
        submitted=notice,
        intro=intro,
        returned_note=returned_note,
    )


Work = Callable[[AsyncSession, ChatContext], Awaitable[Outcome]]


async def _run(
    deps: ServiceDeps, user_id: int, update_id: int | None, work: Work
) -> Outcome | None:
    """``work`` in one transaction on the person's locked chat state; None if done before."""

    async def once(session: AsyncSession) -> Outcome | None:
        loaded = await load_chat_context(session, user_id)
        if update_id is not None and already_handled(loaded.state, update_id):
            return None  # handled before a restart: not again
        if loaded.state.mode == REVOKED:
            return Outcome("revoked")
        return await work(session, loaded)

    return await in_transaction(deps.sessions, once)


# ------------------------------------------------------------------ use cases


async def command(
    deps: ServiceDeps,
    user_id: int,
    event: walk.Input,
    *,
    intro: bool = False,
    update_id: int | None = None,
) -> Outcome | None:
    """Start or resume (``intro``), review, submit or pause the person's report.

    With ``intro`` and no report open (or the open one submitted), the person's report
    is chosen: the only one, or :attr:`Outcome.choices`. A returned report resumes at
    its first flagged item. None if ``update_id`` was handled before.
    """

    async def work(session: AsyncSession, loaded: ChatContext) -> Outcome:
        state = loaded.state
        active = await _load_active(session, state, loaded)
        if active is None or (intro and active.submission.state not in EDITABLE):
            active, refusal = await _choose_report(session, deps, state)
            if active is None:
                assert refusal is not None
                return refusal
        step_event = event
        submission = active.submission
        returned = intro and submission.state == SubmissionState.RETURNED
        if returned:
            flagged = [q for q in submission.flagged or [] if q in active.form]
            if flagged and active.walk_state.mode != "asking":
                step_event = walk.Edit(flagged[0])  # the flagged items first
        return await _step(
            session, deps, state, active, step_event, intro=intro, returned_note=returned
        )

    return await _run(deps, user_id, update_id, work)


async def start(deps: ServiceDeps, user_id: int, *, update_id: int | None = None) -> Outcome | None:
    """Start or continue the person's report at the first unanswered question."""
    return await command(deps, user_id, walk.Start(), intro=True, update_id=update_id)


async def take_text(
    deps: ServiceDeps,
    user_id: int,
    text: str,
    *,
    update_id: int | None = None,
    newcomer: registration.Newcomer | None = None,
) -> Outcome | None:
    """Take typed text as the answer to the question asked, or a certifier's reason.

    Text that is for neither, from someone with no membership yet or who was asked
    for a code, is tried as an invite code for ``newcomer`` in the same transaction
    (:func:`tidtam.services.registration.redeem_code`); the result is
    :attr:`Outcome.registration`.
    """

    async def work(session: AsyncSession, loaded: ChatContext) -> Outcome:
        state = loaded.state
        if state.mode == certification.AWAITING_REASON:
            submission, form, answers = await load_submission(
                session, int(state.data.get("reason_for", 0))
            )
            decision = await certification.take_reason(
                session, state, text, submission, form, answers, now=deps.now()
            )
            return Outcome("certify", decision.language, decision=decision)
        active = await _load_active(session, state, loaded)
        if active is None:
            members = await memberships(session, state.telegram_user_id)
            if (state.mode == AWAITING_CODE or not members) and newcomer is not None:
                registered = await registration.redeem_code(session, newcomer, text, deps.now())
                return Outcome("registration", registration=registered)
            return Outcome("unexpected_text", members[0].language if members else None)
        if active.walk_state.mode != "asking":
            return Outcome("unexpected_text", active.member.language, _report(active, deps))
        return await _step(session, deps, state, active, walk.Text(text))

    return await _run(deps, user_id, update_id, work)


def _event_of(form: Form, pressed: QuestionAction) -> walk.Input | None:
    try:
        question = form.place_at(pressed.question_index).question
    except IndexError:
        return None
    choice_id: str | None = None
    if pressed.choice_index is not None:
        if not 0 <= pressed.choice_index < len(question.choices):
            return None
        choice_id = question.choices[pressed.choice_index].id
    match pressed.action:
        case "pick" if choice_id is not None:
            return walk.Pick(question.id, choice_id)
        case "toggle" if choice_id is not None:
            return walk.Toggle(question.id, choice_id)
        case "done":
            return walk.Done(question.id)
        case "skip":
            return walk.Skip(question.id)
        case "back":
            return walk.Back(question.id)
        case "edit":
            return walk.Edit(question.id)
    return None


async def press(
    deps: ServiceDeps, user_id: int, pressed: Pressed, *, update_id: int | None = None
) -> Outcome | None:
    """Apply a button: a choice of report, a question's button, the report's, a certifier's."""

    async def work(session: AsyncSession, loaded: ChatContext) -> Outcome:
        state = loaded.state
        if isinstance(pressed, CertifyAction):
            submission, form, answers = await load_submission(session, pressed.submission_id)
            decision = await certification.decide(
                session, state, submission, form, answers, pressed.action, now=deps.now()
            )
            return Outcome("certify", decision.language, decision=decision)
        if isinstance(pressed, ChooseRound):
            member = next(
                (
                    m
                    for m in await memberships(session, state.telegram_user_id)
                    if m.id == pressed.member_id and m.role in ANSWERING
                ),
                None,
            )
            active = await _activate(session, state, member, pressed.round_id) if member else None
            if active is None:
                return Outcome("ignored")
            return await _step(session, deps, state, active, walk.Start(), intro=True)
        active = await _load_active(session, state, loaded)
        if active is None or pressed.submission_id != active.submission.id:
            return Outcome("stale", active.member.language if active else None)
        event = (
            pressed.event if isinstance(pressed, ReportAction) else _event_of(active.form, pressed)
        )
        if event is None:
            return Outcome("ignored", active.member.language)
        return await _step(session, deps, state, active, event)

    return await _run(deps, user_id, update_id, work)


@dataclass(frozen=True, slots=True)
class _Stored:
    stored: StoredFile
    mime_type: str
    detected_ext: str | None


async def _store(deps: ServiceDeps, upload: FileIn) -> _Stored | None:
    """Put the bytes in the file store (before the transaction: storing is idempotent)."""
    if upload.data is None or upload.size > deps.download_limit:
        return None
    stored = await asyncio.to_thread(deps.files.put, upload.data)
    kind = filetype.guess(upload.data)
    return _Stored(
        stored, kind.mime if kind else upload.mime_type, kind.extension if kind else None
    )


async def take_file(
    deps: ServiceDeps, user_id: int, upload: FileIn, *, update_id: int | None = None
) -> Outcome | None:
    """Store a file and give it to the question asked (or a certifier's letter).

    A file the question refuses (type, size) is reported as the engine's problem and
    leaves no attachment behind.
    """
    kept = await _store(deps, upload)

    async def work(session: AsyncSession, loaded: ChatContext) -> Outcome:
        state = loaded.state
        now = deps.now()
        if state.mode == certification.AWAITING_LETTER and kept is not None:
            submission, _, _ = await load_submission(session, int(state.data.get("letter_for", 0)))
            decision = await certification.take_letter(
                session,
                state,
                submission,
                kept.stored,
                name=upload.name,
                mime_type=kept.mime_type,
                detected_ext=kept.detected_ext,
                telegram_file_id=upload.channel_file_id,
                now=now,
            )
            return Outcome("certify", decision.language, decision=decision)
        active = await _load_active(session, state, loaded)
        if active is None:
            return Outcome("nothing_active")
        walk_state = active.walk_state
        question_id = walk_state.question_id if walk_state.mode == "asking" else None
        album = upload.album
        if album is not None and album == walk_state.album and walk_state.album_question:
            question_id = walk_state.album_question  # a later part of an accepted album
        question = active.form.question(question_id) if question_id else None
        if question is None or question.type is not QuestionType.FILE:
            return Outcome("unexpected_file", active.member.language, _report(active, deps))
        files: tuple[FileRef, ...] = ()
        problem: walk.Rejected | None
        if kept is None:
            problem = walk.Rejected(
                "too_large",
                size=-(-upload.size // (1024 * 1024)),
                limit=deps.download_limit // (1024 * 1024),
            )
        else:
            problem = walk.check_file(
                question,
                upload.name if upload.named else None,
                kept.stored.size,
                kept.detected_ext,
                deps.download_limit,
            )
        attachment = None
        if problem is None and kept is not None:
            attachment = await add_attachment(
                session,
                active.submission,
                question.id,
                original_name=upload.name,
                size=kept.stored.size,
                mime_type=kept.mime_type,
                sha256=kept.stored.sha256,
                storage_key=kept.stored.key,
                telegram_file_id=upload.channel_file_id,
                actor=state.telegram_user_id,
                now=now,
            )
            files = (FileRef(attachment.id, upload.name),)
        event = walk.Files(
            question.id,
            files,
            album=album,
            problem=problem.code if problem else None,
            params=problem.params if problem else {},
        )
        outcome = await _step(session, deps, state, active, event)
        if attachment is not None and outcome.saved is None:
            await session.execute(delete(Attachment).where(Attachment.id == attachment.id))
        return outcome

    return await _run(deps, user_id, update_id, work)
