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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal, TypeVar

import filetype
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from flows import walk
from flows.answers import AnswerValue, FileRef, encode
from flows.form import Form, Question, QuestionType
from storage import copies
from storage.chat_states import (
    ChatContext,
    already_handled,
    load_chat_context,
    load_chat_state,
    mark_delivered,
    write_chat_state,
)
from storage.db import in_transaction
from storage.forms import cached_form
from storage.members import memberships
from storage.models import Attachment, ChatState, Member, Submission
from storage.people import REVOKED
from storage.prefill import carry_unit
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
from tidtam.core.round_policy import PREFILL_FROM
from tidtam.core.vocabulary import (
    ANSWERING_ROLES,
    SubmissionState,
    TransitionRefused,
)
from tidtam.services import certification, registration
from tidtam.services.certification import Decision, Refused, SubmitNotice
from tidtam.services.deliveries import Mark
from tidtam.services.deps import ServiceDeps
from tidtam.services.loading import form_and_answers, load_submission
from tidtam.services.registration import AWAITING_CODE  # the chat mode asking for a code

ANSWERING = tuple(role.value for role in ANSWERING_ROLES)

T = TypeVar("T")

# ------------------------------------------------------------------ inputs and results


@dataclass(frozen=True, slots=True)
class ChooseRound:
    """The person picked which report to work on (one of :attr:`Outcome.choices`)."""

    member_id: int
    round_id: int


#: What a question's button does ("add" / "remove": an item of a repeat group).
Verb = Literal["pick", "toggle", "done", "skip", "back", "edit", "add", "remove", "keep"]


@dataclass(frozen=True, slots=True)
class QuestionAction:
    """A button of a question: ``question_ref`` (:meth:`flows.form.Form.ref`) names the
    question, ``choice_index`` the choice in it (for "remove": the item's number)."""

    submission_id: int
    question_ref: str
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


@dataclass(frozen=True, slots=True)
class AskReturn:
    """The unit's button on its submitted report: ask the certifiers to return it."""

    submission_id: int


Pressed = ChooseRound | QuestionAction | ReportAction | CertifyAction | AskReturn


@dataclass(frozen=True, slots=True)
class FileOffer:
    """What the channel says of a file before it is fetched: who decides fetches it."""

    name: str
    mime_type: str
    size: int  # as the channel declares it (0: not said)
    channel_file_id: str | None = None
    named: bool = True
    album: str | None = None


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
    "fetch",  # a file is wanted: download it now and give it to :func:`take_file`
    "revoked",  # the person's memberships were revoked: refused, nothing looked at
    "round_closed",  # the round is closed: nothing changed
    "return_ask",  # the unit asked its certifiers to return the report: ``return_ask``
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
    lost_file: str | None = None  # a file whose download a crash cut off: ask for it again
    lost_reply: bool = False  # the reply to the person's previous update may not have come
    return_ask: certification.ReturnAsk | None = None

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
    source = submission.round.policy.get(PREFILL_FROM) if submission.round.policy else None
    if isinstance(source, int) and submission.state == SubmissionState.NOT_STARTED.value:
        form = await cached_form(session, submission.round.form_version_id)
        await carry_unit(session, submission, source, form)
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


#: ``ChatState.data`` key of a download under way: set before a file is fetched,
#: cleared when it is stored. Found by a later update, it means a crash cut it off.
DOWNLOADING = "downloading"


#: On SQLite, a redelivered update whose reply another copy owes for longer than this
#: is answered as lost in a crash; younger, it may still be on its way. On PostgreSQL the
#: owing copy is asked instead (:func:`storage.copies.running`).
OWED_GRACE = timedelta(seconds=5)


def _owe(state: ChatState, update_id: int | None, copy: str) -> None:
    """Record that ``update_id``'s reply is owed by ``copy`` (``None``: nothing is owed)."""
    state.owed_update_id = update_id
    state.owed_by = None if update_id is None else copy
    state.owed_since = None if update_id is None else datetime.now(UTC)


async def _owing_copy_running(session: AsyncSession, state: ChatState) -> bool | None:
    """Whether the copy that owes the reply still runs (None: cannot tell, on SQLite).

    PostgreSQL says exactly: a copy that is only busy (its reply waiting behind a burst
    of answers) is not taken for dead, however long it takes.
    """
    return None if state.owed_by is None else await copies.running(session, state.owed_by)


async def _owed_by_a_dead_process(
    session: AsyncSession, state: ChatState, update_id: int, copy: str
) -> bool:
    """Whether ``update_id`` (delivered again) was applied but its reply never went out.

    Only another copy can have died owing it; one that still runs may merely have taken
    the same update at the same time as this one (two webhook copies). Where the
    database cannot tell (SQLite), the reply is taken as lost once it has been owed for
    :data:`OWED_GRACE`, by the wall clock (a demo's own clock runs fast). When in doubt
    it is not answered here, but the person's next message is (:func:`_reply_lost`).
    """
    if state.owed_update_id != update_id or state.owed_by == copy:
        return False
    running = await _owing_copy_running(session, state)
    if running is not None:
        return not running
    since = state.owed_since
    return since is not None and datetime.now(UTC) - since >= OWED_GRACE


async def _reply_lost(
    session: AsyncSession, state: ChatState, update_id: int | None, copy: str
) -> bool:
    """Whether an earlier update committed but its reply never went out (a crash).

    Owed by this copy, it is lost: this copy handles one person's updates in order, so
    the earlier one's handler has finished without sending. Owed by another copy, it is
    lost if that copy is gone; one that runs (behind the same webhook address) may still
    be sending it: the person answered the reply before that copy recorded it delivered.
    SQLite serves one process at a time: another copy's reply there was owed by a
    process that has since stopped.
    """
    owed = state.owed_update_id
    if owed is None or owed == update_id:
        return False
    if state.owed_by in (None, copy):
        return True
    return not await _owing_copy_running(session, state)


async def hold_copy(deps: ServiceDeps) -> copies.CopyLock | None:
    """Announce that this copy of the bot runs, until the lock is released: other copies
    then know that a reply it owes is on its way (see :mod:`storage.copies`)."""
    return await copies.hold(deps.sessions, deps.copy)


async def delivered(
    deps: ServiceDeps, user_id: int, update_id: int | None, *, buttons_message: int | None = None
) -> None:
    """Record that the reply to ``update_id`` reached the person (after sending it), and
    which message now carries the live buttons (``buttons_message``), if the reply had any."""
    if update_id is None and buttons_message is None:
        return
    if deps.deliveries is not None:  # written with others in a moment
        deps.deliveries.note(user_id, update_id, buttons_message)
        return

    async def once(session: AsyncSession) -> None:
        await mark_delivered(session, user_id, update_id, buttons_message)

    await in_transaction(deps.sessions, once)


async def take_live_buttons(deps: ServiceDeps, user_id: int) -> int | None:
    """The message whose buttons are still live (forgotten once taken), for /cancel."""

    async def once(session: AsyncSession, mark: Mark | None) -> int | None:
        state = await load_chat_state(session, user_id)
        if mark is not None:
            mark.apply(state)
        live, state.buttons_message_id = state.buttons_message_id, None
        return live

    return await _claimed(deps, user_id, once)


async def _claimed(
    deps: ServiceDeps, user_id: int, work: Callable[[AsyncSession, Mark | None], Awaitable[T]]
) -> T:
    """``work`` in one transaction, with the person's reply noted but not yet written
    (:mod:`tidtam.services.deliveries`) handed to it to apply to the state it loads."""
    marks = deps.deliveries
    if marks is None:
        return await in_transaction(deps.sessions, lambda session: work(session, None))
    mark = await marks.claim(user_id)
    applied: Mark | None = None
    try:
        result = await in_transaction(deps.sessions, lambda session: work(session, mark))
        applied = mark
        return result
    finally:
        marks.release(user_id, applied)


def _lost_download(state: ChatState, update_id: int | None) -> str | None:
    """The name of a file whose download another update began and never finished."""
    pending = state.data.get(DOWNLOADING)
    if not isinstance(pending, dict) or pending.get("update") == update_id:
        return None
    state.data = {k: v for k, v in state.data.items() if k != DOWNLOADING}
    return str(pending.get("name") or "")


async def _run(
    deps: ServiceDeps,
    user_id: int,
    update_id: int | None,
    work: Work,
    *,
    finished: bool = True,
) -> Outcome | None:
    """``work`` in one transaction on the person's locked chat state; None if done before.

    ``finished=False``: the update is not recorded as handled (its file is still to be
    fetched, and a redelivered update must fetch it again).
    """

    async def once(session: AsyncSession, mark: Mark | None) -> Outcome | None:
        loaded = await load_chat_context(session, user_id)
        state = loaded.state
        if mark is not None:
            mark.apply(state)
        if update_id is not None:
            if finished and already_handled(state, update_id):
                if not await _owed_by_a_dead_process(session, state, update_id, deps.copy):
                    return None  # handled and answered, or being answered: not again
                # Handled, but the process died before its reply went out and before
                # Telegram heard it was handled: show where the person is now, once.
                again = await _owed_again(session, deps, loaded)
                again.lost_reply = True
                return again
            last = state.last_update_id
            if not finished and last is not None and update_id <= last:
                return None
        if state.mode == REVOKED:
            return Outcome("revoked")
        lost = _lost_download(state, update_id)
        reply_lost = await _reply_lost(session, state, update_id, deps.copy)
        outcome = await work(session, loaded)
        if lost is not None:
            outcome.lost_file = lost
        outcome.lost_reply = reply_lost
        if update_id is not None and outcome.code != "fetch":  # a reply is owed now
            _owe(state, update_id, deps.copy)
        elif reply_lost:
            _owe(state, None, deps.copy)
        await write_chat_state(session, state, datetime.now(UTC))
        return outcome

    return await _claimed(deps, user_id, once)


async def _owed_again(session: AsyncSession, deps: ServiceDeps, loaded: ChatContext) -> Outcome:
    """The view owed to an update that was applied but never answered (nothing changes)."""
    state = loaded.state
    active = await _load_active(session, state, loaded)
    if active is None:
        members = await memberships(session, state.telegram_user_id)
        return Outcome("ignored", members[0].language if members else None)
    # where the walk stands now: the first unanswered question, else the review
    return await _step(session, deps, state, active, walk.Start())


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
        asked = active.walk_state.question_id
        if asked is not None and await _reply_lost(session, state, update_id, deps.copy):
            # The person never saw the question now asked: show it, do not take the text
            # (it may well answer the previous one again).
            return await _step(session, deps, state, active, walk.Edit(asked))
        return await _step(session, deps, state, active, walk.Text(text))

    return await _run(deps, user_id, update_id, work)


def _event_of(form: Form, pressed: QuestionAction) -> walk.Input | None:
    try:
        question = form.question(form.key_of(pressed.question_ref))
    except KeyError:
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
        case "add":
            return walk.AddItem(question.id)
        case "keep":
            return walk.Keep(question.id)
        case "remove" if pressed.choice_index is not None:
            return walk.RemoveItem(question.id, f"i{pressed.choice_index}")
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
            # The round must be open now and ask the member's unit: a button says which,
            # but an old or forged one may name any round.
            round_ = next(
                (r for r in await open_rounds(session, deps.now()) if r.id == pressed.round_id),
                None,
            )
            if member is None or round_ is None or not targets(round_, member.unit):
                return Outcome("stale", member.language if member else None)
            active = await _activate(session, state, member, round_.id)
            if active is None:
                return Outcome("ignored")
            return await _step(session, deps, state, active, walk.Start(), intro=True)
        active = await _load_active(session, state, loaded)
        if active is None or pressed.submission_id != active.submission.id:
            return Outcome("stale", active.member.language if active else None)
        if isinstance(pressed, AskReturn):
            asked = await certification.ask_return(
                session, active.submission, active.member, now=deps.now()
            )
            return Outcome(
                "return_ask",
                active.member.language,
                report=_report(active, deps),
                return_ask=asked,
            )
        event = (
            pressed.event if isinstance(pressed, ReportAction) else _event_of(active.form, pressed)
        )
        if event is None:
            return Outcome("ignored", active.member.language)
        return await _step(session, deps, state, active, event)

    return await _run(deps, user_id, update_id, work)


def _file_question(active: _Active, album: str | None) -> Question | None:
    """The file question a file sent now answers, if one is asked."""
    walk_state = active.walk_state
    question_id = walk_state.question_id if walk_state.mode == "asking" else None
    if album is not None and album == walk_state.album and walk_state.album_question:
        question_id = walk_state.album_question  # a later part of an accepted album
    question = active.form.question(question_id) if question_id else None
    if question is None or question.type is not QuestionType.FILE:
        return None
    return question


def _check_offer(question: Question, offer: FileOffer, limit: int) -> walk.Rejected | None:
    """What can be refused from the name and declared size, before anything is fetched."""
    named_ext = offer.name.rsplit(".", 1)[1] if offer.named and "." in offer.name else None
    hint = named_ext if offer.named else "jpg"  # a photo sent as a photo is a JPEG
    if hint is None:  # no extension: only the content can tell; check the size alone
        question = replace(question, accept=())
    name = offer.name if offer.named else None
    return walk.check_file(question, name, max(offer.size, 1), hint, limit)


async def offer_file(
    deps: ServiceDeps, user_id: int, offer: FileOffer, *, update_id: int | None = None
) -> Outcome | None:
    """Decide, before anything is downloaded, whether this person's file is wanted.

    Only a registered person who is being asked a file question (or a certifier asked
    for a letter) gets ``"fetch"``; the download is recorded in the chat state first,
    so that a crash before the file is stored is told on the person's next message.
    A file refused by its name or declared size is refused here, never fetched.
    """

    async def work(session: AsyncSession, loaded: ChatContext) -> Outcome:
        state = loaded.state
        pending = {"update": update_id, "name": offer.name}
        if state.mode == certification.AWAITING_LETTER:
            problem = _check_offer(certification.LETTER_FILE, offer, deps.download_limit)
            if problem is not None:  # not a PDF, or too large: never fetched
                _finish(state, update_id)
                letter_for = int(state.data.get("letter_for", 0))
                submission, _, _ = await load_submission(session, letter_for)
                decision = certification.letter_refused(submission, problem)
                return Outcome("certify", decision.language, decision=decision)
            state.data = {**state.data, DOWNLOADING: pending}
            return Outcome("fetch")
        active = await _load_active(session, state, loaded)
        if active is None:
            _finish(state, update_id)
            if not await memberships(session, state.telegram_user_id):
                return Outcome("not_registered")  # a stranger: nothing is fetched
            return Outcome("nothing_active")
        question = _file_question(active, offer.album)
        if question is None:
            _finish(state, update_id)
            return Outcome("unexpected_file", active.member.language, _report(active, deps))
        problem = _check_offer(question, offer, deps.download_limit)
        if problem is not None:
            _finish(state, update_id)
            event = walk.Files(
                question.id, (), album=offer.album, problem=problem.code, params=problem.params
            )
            return await _step(session, deps, state, active, event)
        state.data = {**state.data, DOWNLOADING: pending}
        return Outcome("fetch", active.member.language)

    return await _run(deps, user_id, update_id, work, finished=False)


def _finish(state: ChatState, update_id: int | None) -> None:
    if update_id is not None:
        already_handled(state, update_id)


async def take_file(
    deps: ServiceDeps, user_id: int, upload: FileIn, *, update_id: int | None = None
) -> Outcome | None:
    """Give a fetched file to the question asked (or take a certifier's letter).

    The file is checked in memory first (type, content, size): a refused file is
    reported as the engine's problem and never touches the disk. An accepted one is
    stored (idempotently: the same bytes, the same key) and recorded in this
    transaction; if the transaction fails, :func:`storage.file_sweep` removes it later.
    """

    async def work(session: AsyncSession, loaded: ChatContext) -> Outcome:
        state = loaded.state
        state.data = {k: v for k, v in state.data.items() if k != DOWNLOADING}
        now = deps.now()
        data = upload.data
        too_large = data is None or len(data) > deps.download_limit
        kind = None if data is None else filetype.guess(data)
        mime_type = kind.mime if kind else upload.mime_type
        detected_ext = kind.extension if kind else None
        if state.mode == certification.AWAITING_LETTER and data is not None and not too_large:
            submission, _, _ = await load_submission(session, int(state.data.get("letter_for", 0)))
            stored = await asyncio.to_thread(deps.files.put, data)
            decision = await certification.take_letter(
                session,
                state,
                submission,
                stored,
                name=upload.name,
                mime_type=mime_type,
                detected_ext=detected_ext,
                telegram_file_id=upload.channel_file_id,
                now=now,
            )
            return Outcome("certify", decision.language, decision=decision)
        active = await _load_active(session, state, loaded)
        if active is None:
            return Outcome("nothing_active")
        question = _file_question(active, upload.album)
        if question is None:
            return Outcome("unexpected_file", active.member.language, _report(active, deps))
        size = upload.size if data is None else len(data)
        problem: walk.Rejected | None
        if too_large:
            problem = walk.Rejected(
                "too_large",
                size=-(-size // (1024 * 1024)),
                limit=deps.download_limit // (1024 * 1024),
            )
        else:
            problem = walk.check_file(
                question,
                upload.name if upload.named else None,
                size,
                detected_ext,
                deps.download_limit,
            )
        files: tuple[FileRef, ...] = ()
        attachment = None
        if problem is None and data is not None:
            stored = await asyncio.to_thread(deps.files.put, data)
            attachment = await add_attachment(
                session,
                active.submission,
                question.id,
                original_name=upload.name,
                size=stored.size,
                mime_type=mime_type,
                sha256=stored.sha256,
                storage_key=stored.key,
                telegram_file_id=upload.channel_file_id,
                actor=state.telegram_user_id,
                now=now,
            )
            files = (FileRef(attachment.id, upload.name),)
        event = walk.Files(
            question.id,
            files,
            album=upload.album,
            problem=problem.code if problem else None,
            params=problem.params if problem else {},
        )
        outcome = await _step(session, deps, state, active, event)
        if attachment is not None and outcome.saved is None:
            await session.execute(delete(Attachment).where(Attachment.id == attachment.id))
        return outcome

    return await _run(deps, user_id, update_id, work)
