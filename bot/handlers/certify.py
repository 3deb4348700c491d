"""Certification: certifiers approve or return submitted reports from their phones.

On submit each certifier of the round's rule (the unit's head, or the supervisors of
its parent agency) gets the answers with approve and return buttons. A return asks
for a reason, which goes to the unit's members with the flagged items; an approval
may carry a digital letter (PDF). /pending lists what waits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.context import Deps, asker, deps, user_language
from bot.delivery import send
from bot.i18n import escape, join, t
from bot.replies import Button, Outgoing, Reply, Said
from bot.walk_view import View, review
from flows import walk
from flows.answers import AnswerValue
from flows.form import Form
from flows.item_numbers import item_numbers
from storage import audit
from storage.certification import (
    approve,
    certifiers_of,
    may_certify,
    pending_for,
    return_for_correction,
)
from storage.db import transaction
from storage.files import StoredFile
from storage.members import members_of_unit, memberships
from storage.models import ChatState, Member, Submission
from storage.submissions import add_attachment
from tidtam.core.periods import parse_period
from tidtam.core.vocabulary import Certify, Role, SubmissionState

AWAITING_REASON = "awaiting_reason"
AWAITING_LETTER = "awaiting_letter"
LETTER_QUESTION = "_certification_letter"


def _press(submission_id: int, action: str) -> str:
    return callbacks.encode(callbacks.CertifyPress(submission_id, action))


def _period(submission: Submission, language: str) -> str:
    period = parse_period(submission.round.period)
    return period.thai() if language == "th" else period.english()


def request(
    submission: Submission,
    form: Form,
    answers: dict[str, AnswerValue],
    *,
    language: str,
    submitter: str,
    download_limit_mb: int,
) -> list[Reply]:
    """The answers of a submitted report with approve and return buttons."""
    view = View(
        form,
        submission.id,
        submission.unit.name,
        _period(submission, language),
        language,
        download_limit_mb,
    )
    shown = _review_of(form, submission, answers)
    request_text = t(
        language, "certify.request", unit=submission.unit.name, period=view.period_th, who=submitter
    )
    decide = Reply(
        t(language, "certify.decide", unit=submission.unit.name),
        (
            (
                Button(t(language, "certify.button.approve"), _press(submission.id, "a")),
                Button(t(language, "certify.button.return"), _press(submission.id, "r")),
            ),
        ),
    )
    return review(view, shown, editable=False, header=request_text, footer=decide)


async def on_submitted(
    session: AsyncSession,
    dependencies: Deps,
    submission: Submission,
    form: Form,
    answers: dict[str, AnswerValue],
    *,
    submitter: Member,
    language: str,
    now: datetime,
) -> list[Said]:
    """After a submit: certify at once (rule none) or ask the certifiers."""
    if submission.round.certify == Certify.NONE:
        await approve(session, submission, actor=submitter.telegram_user_id, now=now)
        return [Reply(t(language, "certify.not_needed"))]
    certifiers = [m for m in await certifiers_of(session, submission) if m.reachable]
    if not certifiers:
        return [Reply(t(language, "certify.nobody"))]
    said: list[Said] = [
        Reply(
            t(
                language,
                "certify.sent_to",
                names=join(
                    language, [m.display_name or t(language, f"role.{m.role}") for m in certifiers]
                ),
            )
        )
    ]
    limit = dependencies.download_limit // (1024 * 1024)
    for certifier in certifiers:
        lang = certifier.language or dependencies.settings.language
        for reply in request(
            submission,
            form,
            answers,
            language=lang,
            submitter=submitter.display_name,
            download_limit_mb=limit,
        ):
            said.append(Outgoing(certifier.telegram_user_id, reply))
    return said


async def _certifier(session: AsyncSession, user_id: int, submission: Submission) -> Member | None:
    return next(
        (m for m in await memberships(session, user_id) if may_certify(m, submission)), None
    )


async def _tell_unit(
    session: AsyncSession, dependencies: Deps, submission: Submission, key: str, **params: object
) -> list[Said]:
    """Message ``key`` for every reachable reporter and head of the unit, in their language."""
    said: list[Said] = []
    for member in await members_of_unit(session, submission.unit_id):
        if member.role in (Role.REPORTER, Role.HEAD) and member.reachable:
            lang = member.language or dependencies.settings.language
            text = t(
                lang, key, unit=submission.unit.name, period=_period(submission, lang), **params
            )
            said.append(Outgoing(member.telegram_user_id, Reply(text)))
    return said


def _review_of(
    form: Form, submission: Submission, answers: dict[str, AnswerValue]
) -> walk.ShowReview:
    """The submission's answers by section, as the engine's review shows them."""
    _, events = walk.resume(form, submission.unit.kind, answers, walk.WalkState(), walk.Review())
    return next(e for e in events if isinstance(e, walk.ShowReview))


async def press(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    state: ChatState,
    query: CallbackQuery,
    pressed: callbacks.CertifyPress,
    submission: Submission | None,
    form: Form | None,
    answers: dict[str, AnswerValue],
) -> tuple[list[Said], str | None]:
    """Apply an approve, return, view or no-letter button."""
    language = user_language(update, None, dependencies.settings.language)
    if submission is None or form is None:
        return [], t(language, "certify.gone")
    certifier = await _certifier(session, state.telegram_user_id, submission)
    if certifier is None:
        return [], t(language, "certify.not_yours")
    language = user_language(update, certifier.language, dependencies.settings.language)
    now = dependencies.now()
    if pressed.action == "n":  # no letter to attach
        state.mode = "idle"
        return [Reply(t(language, "certify.no_letter"))], None
    if pressed.action == "v":
        return list(
            request(
                submission,
                form,
                answers,
                language=language,
                submitter="",
                download_limit_mb=dependencies.download_limit >> 20,
            )
        ), None
    if submission.state != SubmissionState.SUBMITTED:
        return [], t(language, "certify.already", state=t(language, f"state.{submission.state}"))
    if pressed.action == "a":
        await approve(session, submission, actor=certifier.telegram_user_id, now=now)
        state.mode = AWAITING_LETTER
        state.data = {**state.data, "letter_for": submission.id}
        said: list[Said] = [
            Reply(
                t(language, "certify.approved", unit=submission.unit.name),
                ((Button(t(language, "certify.button.no_letter"), _press(submission.id, "n")),),),
            )
        ]
        said += await _tell_unit(session, dependencies, submission, "certify.unit_approved")
        return said, None
    if pressed.action == "r":
        state.mode = AWAITING_REASON
        state.data = {**state.data, "reason_for": submission.id}
        return [Reply(t(language, "certify.ask_reason", unit=submission.unit.name))], None
    return [], None


def flagged_numbers(reason: str) -> list[str]:
    """Item numbers named in a reason: "ข้อ 2.1.3 และ 3.4.2" -> ["2.1.3", "3.4.2"]."""
    return item_numbers(reason)


async def take_reason(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    state: ChatState,
    text: str,
    submission: Submission | None,
    form: Form | None,
    answers: dict[str, AnswerValue],
) -> list[Said]:
    """The reason typed after pressing return: reopen the report and tell the unit."""
    language = user_language(update, None, dependencies.settings.language)
    state.mode = "idle"
    state.data = {k: v for k, v in state.data.items() if k != "reason_for"}
    if submission is None or form is None:
        return [Reply(t(language, "certify.gone"))]
    certifier = await _certifier(session, state.telegram_user_id, submission)
    if certifier is None:
        return [Reply(t(language, "certify.not_yours"))]
    if submission.state != SubmissionState.SUBMITTED:
        return [
            Reply(t(language, "certify.already", state=t(language, f"state.{submission.state}")))
        ]
    reason = text.strip()[:1000]
    if not reason:
        state.mode = AWAITING_REASON
        state.data = {**state.data, "reason_for": submission.id}
        return [Reply(t(language, "certify.ask_reason", unit=submission.unit.name))]
    shown = _review_of(form, submission, answers)
    by_number = {item.number: item.question_id for s in shown.sections for item in s.items}
    flagged = [by_number[n] for n in flagged_numbers(reason) if n in by_number]
    now = dependencies.now()
    await return_for_correction(
        session, submission, reason=reason, flagged=flagged, actor=state.telegram_user_id, now=now
    )
    said: list[Said] = [Reply(t(language, "certify.returned", unit=submission.unit.name))]
    said += await _tell_unit(
        session, dependencies, submission, "certify.unit_returned", reason=reason
    )
    return said


async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the submitted reports that wait for the asker to certify them."""
    dependencies = deps(context)
    async with transaction(dependencies.sessions) as session:
        who = await asker(session, update, dependencies)
        members, language = who.members, who.language
        if not any(m.role in (Role.HEAD, Role.SUPERVISOR) for m in members):
            replies = [
                Reply(
                    t(
                        language,
                        "error.not_allowed",
                        roles=join(
                            language,
                            [t(language, f"role.{r}") for r in (Role.HEAD, Role.SUPERVISOR)],
                        ),
                    )
                )
            ]
        else:
            waiting = await pending_for(session, members)
            if not waiting:
                replies = [Reply(t(language, "certify.pending_none"))]
            else:
                tz = dependencies.settings.tz
                rows = tuple(
                    (Button(f"{s.unit.name} · {_period(s, language)}", _press(s.id, "v")),)
                    for s in waiting[:50]
                )
                lines = [t(language, "certify.pending_header", count=len(waiting))]
                lines += [
                    f"• {escape(s.unit.name)} — {s.submitted_at.astimezone(tz):%d/%m %H:%M}"
                    for s in waiting
                    if s.submitted_at is not None
                ]
                replies = [Reply("\n".join(lines), rows)]
    await send(context.bot, dependencies, who.chat_id, replies)


async def take_letter(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    state: ChatState,
    submission: Submission | None,
    stored: StoredFile,
    *,
    name: str,
    mime_type: str,
    detected_ext: str | None,
    telegram_file_id: str,
) -> list[Said]:
    """A digital letter (PDF) sent after an approval: attach it to the certification."""
    language = user_language(update, None, dependencies.settings.language)
    if submission is None or await _certifier(session, state.telegram_user_id, submission) is None:
        state.mode = "idle"
        return [Reply(t(language, "certify.gone"))]
    if detected_ext != "pdf":
        return [Reply(t(language, "certify.letter_pdf_only"))]
    now = dependencies.now()
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
    return [Reply(t(language, "certify.letter_saved", name=name))]
