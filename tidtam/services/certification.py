"""Certification: certifiers approve submitted reports or return them for correction.

On submit each certifier of the round's rule (the unit's head, or the supervisors of
its parent agency) is to get the answers with approve and return buttons; a return
carries a reason and the flagged items, which go to the unit's members; an approval
may carry a digital letter (PDF). Every state change goes through
:func:`storage.submissions.change_state`, so a move outside
:data:`tidtam.core.vocabulary.TRANSITIONS` comes back as a :class:`Refused` result.

The functions taking a ``session`` run inside a caller's transaction (the answering
use cases route a chat's text, files and presses here); the others open their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from flows import walk
from flows.answers import AnswerValue
from flows.form import Form, Question, QuestionType
from flows.item_numbers import item_numbers
from storage import audit
from storage.certification import (
    RETURN_ASKED,
    certifiers_of,
    may_certify,
    pending_for,
    return_asked_since,
    return_for_correction,
)
from storage.certification import (
    approve as store_approval,
)
from storage.chat_states import load_chat_state
from storage.db import transaction
from storage.files import StoredFile
from storage.members import members_of_unit, memberships, reachable_again
from storage.models import ChatState, Member, Submission
from storage.submissions import add_attachment
from tidtam.core.vocabulary import Certify, Role, SubmissionState, TransitionRefused
from tidtam.services.deps import ServiceDeps
from tidtam.services.loading import load_submission

AWAITING_REASON = "awaiting_reason"
AWAITING_LETTER = "awaiting_letter"
LETTER_QUESTION = "_certification_letter"
REASON_LIMIT = 1000
LETTER_FILE = Question(LETTER_QUESTION, QuestionType.FILE, "", accept=("pdf",))
"""A certification letter as a file question: a PDF (checked before it is fetched)."""


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class Person:
    """Someone to tell, as plain data: the bot picks the words in ``language``."""

    telegram_user_id: int
    name: str
    role: str
    language: str | None  # their stored choice; None for the default


@dataclass(frozen=True, slots=True)
class Request:
    """A submitted report as a certifier sees it: its answers by section."""

    submission_id: int
    unit_name: str
    period: str  # the round's period code, e.g. "2567-Q2"
    form: Form
    review: walk.ShowReview


@dataclass(frozen=True, slots=True)
class Refused:
    """A move outside the submission's life: ``before`` -> ``after``."""

    before: str
    after: str


@dataclass(frozen=True, slots=True)
class SubmitNotice:
    """What follows a submit: certified at once, nobody to ask, or these certifiers."""

    code: Literal["not_needed", "nobody", "sent"]
    request: Request
    submitter: str
    certifiers: tuple[Person, ...] = ()


Code = Literal[
    "gone",  # the submission is not there (or the state points nowhere)
    "not_yours",  # the person may not certify it
    "already",  # it is no longer waiting: params["state"]
    "refused",  # the transition table refused the move: ``refused``
    "view",  # show the answers: ``request``
    "approved",  # certified; the unit's members in ``tell``
    "ask_reason",  # say why it goes back
    "returned",  # returned for correction; ``tell``, params reason and flagged
    "no_letter",  # the certifier has no letter to attach
    "letter_pdf_only",  # a letter must be a PDF
    "letter_too_large",  # params size and limit, in MB
    "letter_saved",  # params["name"]
    "ignored",  # a button that does nothing
]


@dataclass(frozen=True, slots=True)
class Decision:
    """What a certifier's action did, and whom to tell (as codes and plain data)."""

    code: Code
    submission_id: int | None = None
    unit_name: str = ""
    period: str = ""
    language: str | None = None  # the certifier's stored language
    params: dict[str, object] = field(default_factory=dict)
    request: Request | None = None
    tell: tuple[Person, ...] = ()
    refused: Refused | None = None


@dataclass(frozen=True, slots=True)
class Waiting:
    submission_id: int
    unit_name: str
    period: str
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Pending:
    """The reports that wait for the asker; ``allowed`` False if no role certifies."""

    allowed: bool
    waiting: tuple[Waiting, ...] = ()
    language: str | None = None


# ------------------------------------------------------------------ helpers


def _person(member: Member) -> Person:
    return Person(member.telegram_user_id, member.display_name, member.role, member.language)


def review_of(
    form: Form, submission: Submission, answers: dict[str, AnswerValue]
) -> walk.ShowReview:
    """The submission's answers by section, as the engine's review shows them."""
    _, events = walk.resume(form, submission.unit.kind, answers, walk.WalkState(), walk.Review())
    return next(e for e in events if isinstance(e, walk.ShowReview))


def request_of(form: Form, submission: Submission, answers: dict[str, AnswerValue]) -> Request:
    return Request(
        submission.id,
        submission.unit.name,
        submission.round.period,
        form,
        review_of(form, submission, answers),
    )


def _decision(submission: Submission, code: Code, **more: object) -> Decision:
    return Decision(
        code,
        submission.id,
        submission.unit.name,
        submission.round.period,
        **more,  # type: ignore[arg-type]
    )


def letter_refused(submission: Submission | None, problem: walk.Rejected) -> Decision:
    """A letter refused by its name or declared size, before anything is fetched."""
    if submission is None:
        return Decision("gone")
    if problem.code == "too_large":
        return _decision(submission, "letter_too_large", params=dict(problem.params))
    return _decision(submission, "letter_pdf_only")


async def _certifier(session: AsyncSession, user_id: int, submission: Submission) -> Member | None:
    return next(
        (m for m in await memberships(session, user_id) if may_certify(m, submission)), None
    )


async def _unit_people(session: AsyncSession, submission: Submission) -> tuple[Person, ...]:
    """Every reachable reporter and head of the submission's unit."""
    return tuple(
        _person(m)
        for m in await members_of_unit(session, submission.unit_id)
        if m.role in (Role.REPORTER, Role.HEAD) and m.reachable
    )


def flagged_numbers(reason: str) -> list[str]:
    """Item numbers named in a reason: "ข้อ 2.1.3 และ 3.4.2" -> ["2.1.3", "3.4.2"]."""
    return item_numbers(reason)


def flagged_items(review: walk.ShowReview, reason: str) -> list[str]:
    """The question ids of the item numbers a reason names (unknown numbers dropped)."""
    by_number = {item.number: item.question_id for s in review.sections for item in s.items}
    return [by_number[n] for n in flagged_numbers(reason) if n in by_number]


# ------------------------------------------------------------------ in a transaction


async def after_submit(
    session: AsyncSession,
    submission: Submission,
    form: Form,
    answers: dict[str, AnswerValue],
    *,
    submitter: Member,
    now: datetime,
) -> SubmitNotice:
    """After a submit: certify at once (rule none) or name the certifiers to ask."""
    request = request_of(form, submission, answers)
    if submission.round.certify == Certify.NONE:
        await store_approval(session, submission, actor=submitter.telegram_user_id, now=now)
        return SubmitNotice("not_needed", request, submitter.display_name)
    certifiers = tuple(_person(m) for m in await certifiers_of(session, submission) if m.reachable)
    if not certifiers:
        return SubmitNotice("nobody", request, submitter.display_name)
    return SubmitNotice("sent", request, submitter.display_name, certifiers)


@dataclass(frozen=True, slots=True)
class ReturnAsk:
    """A unit's request that its submitted report be returned for correction.

    ``code``: ``asked`` (``certifiers`` are told), ``already`` (asked within the
    last day: not sent again), ``nobody`` (no reachable certifier), ``not_waiting``
    (the report is not waiting for certification: ``state``).
    """

    code: Literal["asked", "already", "nobody", "not_waiting"]
    submission_id: int
    unit_name: str
    period: str
    asker: str
    state: str
    certifiers: tuple[Person, ...] = ()


ASK_RETURN_EVERY = timedelta(days=1)
"""A unit asks its certifiers at most once a day per submission."""


async def ask_return(
    session: AsyncSession, submission: Submission, asker: Member, *, now: datetime
) -> ReturnAsk:
    """Ask the certifiers of a submitted report to return it; audited, once a day."""

    def result(code: Literal["asked", "already", "nobody", "not_waiting"]) -> ReturnAsk:
        return ReturnAsk(
            code,
            submission.id,
            submission.unit.name,
            submission.round.period,
            asker.display_name,
            submission.state,
            certifiers,
        )

    certifiers: tuple[Person, ...] = ()
    if submission.state != SubmissionState.SUBMITTED:
        return result("not_waiting")
    if await return_asked_since(session, submission.id, now - ASK_RETURN_EVERY):
        return result("already")
    certifiers = tuple(_person(m) for m in await certifiers_of(session, submission) if m.reachable)
    if not certifiers:
        return result("nobody")
    audit.record(
        session,
        RETURN_ASKED,
        actor=asker.telegram_user_id,
        round_id=submission.round_id,
        unit_id=submission.unit_id,
        submission_id=submission.id,
        at=now,
    )
    return result("asked")


async def decide(
    session: AsyncSession,
    state: ChatState,
    submission: Submission | None,
    form: Form | None,
    answers: dict[str, AnswerValue],
    action: Literal["approve", "return", "view", "no_letter"] | str,
    *,
    now: datetime,
) -> Decision:
    """Apply a certifier's approve, return, view or no-letter action."""
    if submission is None or form is None:
        return Decision("gone")
    certifier = await _certifier(session, state.telegram_user_id, submission)
    if certifier is None:
        return _decision(submission, "not_yours")
    language = certifier.language
    if action == "no_letter":
        state.mode = "idle"
        return _decision(submission, "no_letter", language=language)
    if action == "view":
        return _decision(
            submission, "view", language=language, request=request_of(form, submission, answers)
        )
    if submission.state != SubmissionState.SUBMITTED:
        return _decision(
            submission, "already", language=language, params={"state": submission.state}
        )
    if action == "approve":
        try:
            await store_approval(session, submission, actor=certifier.telegram_user_id, now=now)
        except TransitionRefused as refused:
            return _decision(
                submission,
                "refused",
                language=language,
                refused=Refused(refused.before, refused.after),
            )
        state.mode = AWAITING_LETTER
        state.data = {**state.data, "letter_for": submission.id}
        return _decision(
            submission, "approved", language=language, tell=await _unit_people(session, submission)
        )
    if action == "return":
        state.mode = AWAITING_REASON
        state.data = {**state.data, "reason_for": submission.id}
        return _decision(submission, "ask_reason", language=language)
    return _decision(submission, "ignored", language=language)


async def take_reason(
    session: AsyncSession,
    state: ChatState,
    text: str,
    submission: Submission | None,
    form: Form | None,
    answers: dict[str, AnswerValue],
    *,
    now: datetime,
) -> Decision:
    """The reason typed after a return: reopen the report with its flagged items."""
    state.mode = "idle"
    state.data = {k: v for k, v in state.data.items() if k != "reason_for"}
    if submission is None or form is None:
        return Decision("gone")
    certifier = await _certifier(session, state.telegram_user_id, submission)
    if certifier is None:
        return _decision(submission, "not_yours")
    language = certifier.language
    if submission.state != SubmissionState.SUBMITTED:
        return _decision(
            submission, "already", language=language, params={"state": submission.state}
        )
    reason = text.strip()[:REASON_LIMIT]
    if not reason:
        state.mode = AWAITING_REASON
        state.data = {**state.data, "reason_for": submission.id}
        return _decision(submission, "ask_reason", language=language)
    flagged = flagged_items(review_of(form, submission, answers), reason)
    try:
        await return_for_correction(
            session,
            submission,
            reason=reason,
            flagged=flagged,
            actor=state.telegram_user_id,
            now=now,
        )
    except TransitionRefused as refused:
        return _decision(
            submission, "refused", language=language, refused=Refused(refused.before, refused.after)
        )
    return _decision(
        submission,
        "returned",
        language=language,
        params={"reason": reason, "flagged": flagged},
        tell=await _unit_people(session, submission),
    )


async def take_letter(
    session: AsyncSession,
    state: ChatState,
    submission: Submission | None,
    stored: StoredFile,
    *,
    name: str,
    mime_type: str,
    detected_ext: str | None,
    telegram_file_id: str | None,
    now: datetime,
) -> Decision:
    """A digital letter (PDF) sent after an approval: attach it to the certification."""
    if submission is None or await _certifier(session, state.telegram_user_id, submission) is None:
        state.mode = "idle"
        return Decision("gone")
    if detected_ext != "pdf":
        return _decision(submission, "letter_pdf_only")
    await add_attachment(
        session,
        submission,
        LETTER_QUESTION,
        original_name=name,
        size=stored.size,
        mime_type=mime_type,
        sha256=stored.sha256,
        storage_key=stored.key,
        telegram_file_id=telegram_file_id,
        actor=state.telegram_user_id,
        now=now,
    )
    audit.record(
        session,
        "certification.letter",
        actor=state.telegram_user_id,
        round_id=submission.round_id,
        unit_id=submission.unit_id,
        submission_id=submission.id,
        sha256=stored.sha256,
    )
    state.mode = "idle"
    return _decision(submission, "letter_saved", params={"name": name})


# ------------------------------------------------------------------ own transaction


async def pending(deps: ServiceDeps, telegram_user_id: int) -> Pending:
    """The submitted reports that wait for this person to certify them."""
    async with transaction(deps.sessions) as session:
        members = await memberships(session, telegram_user_id)
        await reachable_again(session, telegram_user_id, members)  # they wrote: /pending
        language = members[0].language if members else None
        if not any(m.role in (Role.HEAD, Role.SUPERVISOR) for m in members):
            return Pending(False, language=language)
        waiting = await pending_for(session, members)
        return Pending(
            True,
            tuple(Waiting(s.id, s.unit.name, s.round.period, s.submitted_at) for s in waiting),
            language,
        )


async def act(
    deps: ServiceDeps,
    telegram_user_id: int,
    submission_id: int,
    action: str,
    *,
    reason: str | None = None,
) -> Decision:
    """Approve (``"approve"``) or return (``"return"`` with ``reason``) in one transaction.

    The same decisions as the buttons, for callers without a conversation (the CLI,
    the tests): a return with its reason at once.
    """
    async with transaction(deps.sessions) as session:
        state = await load_chat_state(session, telegram_user_id)
        submission, form, answers = await load_submission(session, submission_id)
        now = deps.now()
        decision = await decide(session, state, submission, form, answers, action, now=now)
        if action == "return" and decision.code == "ask_reason":
            decision = await take_reason(
                session, state, reason or "", submission, form, answers, now=now
            )
        if decision.code in ("approved", "ask_reason"):
            state.mode = "idle"  # outside a chat no letter or reason follows
            state.data = {
                k: v for k, v in state.data.items() if k not in ("letter_for", "reason_for")
            }
        return decision
