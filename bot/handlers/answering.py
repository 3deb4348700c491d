"""Answering the questionnaire: /report, /review, /submit, /cancel, answers and files.

Every update is one transaction: load the person's chat state, the submission and its
answers; let :func:`flows.walk.resume` decide; store every answer it saves and the new
state; commit; then reply. A restart, another phone or a second process loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import filetype
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from telegram import CallbackQuery, Document, Message, PhotoSize, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import callbacks
from bot.context import Deps, deps, user_language
from bot.delivery import send
from bot.handlers import certify
from bot.handlers.registration import AWAITING_CODE, redeem, revoked_reply
from bot.i18n import t
from bot.replies import Button, Reply, Said
from bot.walk_view import View, answered_note, render
from bot.walk_view import review as review_replies
from flows import walk
from flows.answers import AnswerValue, FileRef, decode, encode
from flows.form import Form, QuestionType
from storage.chat_states import ChatContext, already_handled, load_chat_context
from storage.db import in_transaction
from storage.files import StoredFile
from storage.forms import form_by_version_id
from storage.members import memberships
from storage.models import Attachment, ChatState, Member, Submission
from storage.people import REVOKED
from storage.submissions import (
    EDITABLE,
    add_attachment,
    change_state,
    open_rounds,
    save_answer,
    stored_answers,
    submission_by_id,
    submission_for,
    targets,
)
from tidtam.core.periods import parse_period
from tidtam.core.thai import format_date_th
from tidtam.core.vocabulary import Role, SubmissionState

log = logging.getLogger("tidtam.bot")

ANSWERING = (Role.REPORTER.value, Role.HEAD.value)
_forms: dict[int, Form] = {}  # form versions never change: a cache of parsed definitions


@dataclass(slots=True)
class Active:
    """The report a person is working on, loaded for one update."""

    member: Member
    submission: Submission
    form: Form
    answers: dict[str, AnswerValue]
    walk_state: walk.WalkState
    view: View


@dataclass(frozen=True, slots=True)
class Upload:
    """A file downloaded from Telegram and put in the file store."""

    stored: StoredFile
    name: str
    mime_type: str
    detected_ext: str | None
    telegram_file_id: str


# ------------------------------------------------------------------ loading


async def _form(session: AsyncSession, submission: Submission) -> Form:
    version_id = submission.round.form_version_id
    form = _forms.get(version_id)
    if form is None:
        form = _forms[version_id] = await form_by_version_id(session, version_id)
    return form


def _language(update: Update, member: Member | None, dependencies: Deps) -> str:
    return user_language(
        update, member.language if member else None, dependencies.settings.language
    )


async def load_submission(
    session: AsyncSession, submission_id: int
) -> tuple[Submission | None, Form | None, dict[str, AnswerValue]]:
    """A submission with its form and its stored answers, decoded."""
    with session.no_autoflush:  # the chat state is written once, at commit
        submission = await submission_by_id(session, submission_id)
        if submission is None:
            return None, None, {}
        form, answers = await _form_and_answers(session, submission)
    return submission, form, answers


async def _form_and_answers(
    session: AsyncSession, submission: Submission
) -> tuple[Form, dict[str, AnswerValue]]:
    form = await _form(session, submission)
    answers: dict[str, AnswerValue] = {}
    for question_id, data in (await stored_answers(session, submission.id)).items():
        if question_id in form:
            try:
                answers[question_id] = decode(form.question(question_id), data)
            except Exception:  # an answer stored by an older version: ask again
                log.warning("cannot read answer %s of submission %s", question_id, submission.id)
    return form, answers


async def _load_active(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    state: ChatState,
    context: ChatContext | None = None,
) -> Active | None:
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
        form, answers = await _form_and_answers(session, submission)
    language = _language(update, member, dependencies)
    view = View(
        form=form,
        submission_id=submission.id,
        unit_name=submission.unit.name,
        period_th=parse_period(submission.round.period).thai()
        if language == "th"
        else parse_period(submission.round.period).english(),
        language=language,
        download_limit_mb=dependencies.download_limit // (1024 * 1024),
    )
    return Active(
        member, submission, form, answers, walk.WalkState.from_dict(state.data.get("walk")), view
    )


async def _choose_report(
    session: AsyncSession, dependencies: Deps, update: Update, state: ChatState
) -> tuple[Active | None, list[Reply]]:
    """Pick the report to work on: the only one, or ask which."""
    user_id = state.telegram_user_id
    members = await memberships(session, user_id)
    language = _language(update, members[0] if members else None, dependencies)
    if not members:
        state.mode = AWAITING_CODE
        return None, [Reply(t(language, "report.not_registered"))]
    answering = [m for m in members if m.role in ANSWERING]
    if not answering:
        roles = ", ".join(sorted({t(language, f"role.{m.role}") for m in members}))
        return None, [Reply(t(language, "report.no_answering_role", roles=roles))]
    rounds = await open_rounds(session, dependencies.now())
    options = [(m, r) for m in answering for r in rounds if targets(r, m.unit)]
    if not options:
        return None, [Reply(t(language, "report.no_round", unit=answering[0].unit.name))]
    if len(options) == 1:
        member, round_ = options[0]
        return await _activate(session, dependencies, update, state, member, round_.id), []
    rows = tuple(
        (
            Button(
                t(
                    language,
                    "report.choice_label",
                    unit=m.unit.name,
                    period=parse_period(r.period).thai(),
                ),
                callbacks.encode(callbacks.RoundPress(m.id, r.id)),
            ),
        )
        for m, r in options
    )
    return None, [Reply(t(language, "report.choose"), rows)]


async def _activate(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    state: ChatState,
    member: Member,
    round_id: int,
) -> Active | None:
    submission = await submission_for(session, round_id, member.unit_id)
    state.member_id, state.submission_id = member.id, submission.id
    state.data = {"walk": walk.WalkState().to_dict()}
    return await _load_active(
        session, dependencies, update, state, ChatContext(state, member, submission)
    )


# ------------------------------------------------------------------ deciding


async def _step(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    state: ChatState,
    active: Active,
    event: walk.Input,
    *,
    from_press: bool = False,
) -> tuple[list[Said], list[walk.Event]]:
    """One engine step, its answers stored; the replies to send after commit."""
    submission = active.submission
    user_id = state.telegram_user_id
    now = dependencies.now()
    closed = submission.round.closed_at
    if closed is not None and closed <= now and not isinstance(event, walk.Cancel):
        return [_round_closed(active)], []  # answers stop; the submission keeps its state
    locked = submission.state not in EDITABLE
    if locked and not isinstance(event, walk.Review | walk.Start | walk.Cancel):
        return [_already_submitted(active)], []
    today = now.astimezone(dependencies.settings.tz).date()
    new_state, events = walk.resume(
        active.form, submission.unit.kind, active.answers, active.walk_state, event, today=today
    )
    if locked:  # a submitted report is shown, never changed
        reviews = [e for e in events if isinstance(e, walk.ShowReview)]
        replies: list[Said] = [_already_submitted(active)]
        for shown in reviews:
            replies += review_replies(active.view, shown, editable=False)
        return replies, list(reviews)
    after: list[Said] = []
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
            await change_state(
                session, submission, SubmissionState.SUBMITTED, actor=user_id, now=now
            )
            after += await certify.on_submitted(
                session,
                dependencies,
                submission,
                active.form,
                active.answers,
                submitter=active.member,
                language=active.view.language,
                now=now,
            )
    state.mode = "walk"
    state.question_id = new_state.question_id
    state.data = {**state.data, "walk": new_state.to_dict()}
    return [*render(active.view, events, from_press=from_press), *after], events


def _round_closed(active: Active) -> Reply:
    return Reply(
        t(
            active.view.language,
            "year.round_closed",
            unit=active.view.unit_name,
            period=active.view.period_th,
        )
    )


def _already_submitted(active: Active) -> Reply:
    lang = active.view.language
    return Reply(
        t(
            lang,
            "report.already_submitted",
            unit=active.view.unit_name,
            state=t(lang, f"state.{active.submission.state}"),
        )
    )


def _intro(active: Active, dependencies: Deps) -> Reply:
    progress = walk.progress(active.form, active.submission.unit.kind, active.answers)
    deadline = active.submission.round.deadline.astimezone(dependencies.settings.tz).date()
    return Reply(
        t(
            active.view.language,
            "report.start",
            unit=active.view.unit_name,
            title=active.form.title,
            period=active.view.period_th,
            deadline=format_date_th(deadline),
            answered=progress.answered,
            total=progress.total,
        )
    )


# ------------------------------------------------------------------ handlers


async def _run(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    decide: Callable[[AsyncSession, Deps, ChatContext], Any],
) -> None:
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None

    async def work(session: AsyncSession) -> list[Said] | None:
        loaded = await load_chat_context(session, user.id)
        if already_handled(loaded.state, update.update_id):
            log.info("update %s was handled before a restart; not again", update.update_id)
            return None
        if loaded.state.mode == REVOKED:
            return [revoked_reply(update, dependencies)]
        replies: list[Said] = await decide(session, dependencies, loaded)
        return replies

    replies = await in_transaction(dependencies.sessions, work)
    if replies is not None:
        await send(context.bot, dependencies, chat.id, replies)


def _command(event: walk.Input, *, intro: bool = False) -> Callable[..., Any]:
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        async def decide(
            session: AsyncSession, dependencies: Deps, loaded: ChatContext
        ) -> list[Said]:
            state = loaded.state
            active = await _load_active(session, dependencies, update, state, loaded)
            if active is None or (intro and active.submission.state not in EDITABLE):
                active, chosen = await _choose_report(session, dependencies, update, state)
                if active is None:
                    return list(chosen)
            prefix: list[Said] = [_intro(active, dependencies)] if intro else []
            step_event = event
            submission = active.submission
            if intro and submission.state == SubmissionState.RETURNED:
                prefix.append(
                    Reply(
                        t(
                            active.view.language,
                            "report.returned_note",
                            reason=submission.returned_reason or "",
                        )
                    )
                )
                flagged = [q for q in submission.flagged or [] if q in active.form]
                if flagged and active.walk_state.mode != "asking":
                    step_event = walk.Edit(flagged[0])  # the flagged items first
            replies, _ = await _step(session, dependencies, update, state, active, step_event)
            return prefix + replies

        await _run(update, context, decide)

    return handler


report = _command(walk.Start(), intro=True)
report.__doc__ = "Start or continue the report at the first unanswered question."
review = _command(walk.Review())
review.__doc__ = "Show the answers by section with edit buttons."
submit = _command(walk.Submit())
submit.__doc__ = "Ask to confirm the submission, or say what is missing."
cancel = _command(walk.Cancel())
cancel.__doc__ = "Pause; every answer given is already saved."


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take typed text as the answer to the question asked, or as an invite code."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text

    async def decide(session: AsyncSession, dependencies: Deps, loaded: ChatContext) -> list[Said]:
        state = loaded.state
        if state.mode == certify.AWAITING_REASON:
            submission, form, answers = await load_submission(
                session, int(state.data.get("reason_for", 0))
            )
            return await certify.take_reason(
                session, dependencies, update, state, text, submission, form, answers
            )
        active = await _load_active(session, dependencies, update, state, loaded)
        if active is None:
            members = await memberships(session, state.telegram_user_id)
            if state.mode == AWAITING_CODE or not members:
                return list(await redeem(session, dependencies, update, text))
            return [Reply(t(_language(update, members[0], dependencies), "report.unexpected_text"))]
        if active.walk_state.mode != "asking":
            return [Reply(t(active.view.language, "report.unexpected_text"))]
        replies, _ = await _step(session, dependencies, update, state, active, walk.Text(text))
        return replies

    await _run(update, context, decide)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply an inline button: a choice, a toggle, back, skip, edit, submit."""
    query = update.callback_query
    assert query is not None and query.data is not None
    try:
        press = callbacks.decode(query.data)
    except callbacks.BadCallback:
        await query.answer()
        return
    dependencies = deps(context)
    user = update.effective_user
    assert user is not None

    async def work(session: AsyncSession) -> tuple[list[Said], str | None] | None:
        loaded = await load_chat_context(session, user.id)
        if already_handled(loaded.state, update.update_id):
            return None
        if loaded.state.mode == REVOKED:
            return [revoked_reply(update, dependencies)], None
        return await _press(session, dependencies, update, loaded, query, press)

    outcome = await in_transaction(dependencies.sessions, work)
    if outcome is None:
        await _answer_query(query, None)
        return
    replies, note = outcome
    await _answer_query(query, note)
    if query.message is not None:
        await send(context.bot, dependencies, query.message.chat.id, replies)


async def _answer_query(query: CallbackQuery, note: str | None) -> None:
    """Stop the button's spinner; a press answered already (delivered twice) is no matter.

    The replies are sent whatever happens here: the press is already applied.
    """
    try:
        await query.answer(note)
    except BadRequest as error:
        log.info("callback %s not answered: %s", query.id, error.message)


async def _press(
    session: AsyncSession,
    dependencies: Deps,
    update: Update,
    loaded: ChatContext,
    query: CallbackQuery,
    press: callbacks.Press,
) -> tuple[list[Said], str | None]:
    state = loaded.state
    if isinstance(press, callbacks.CertifyPress):
        submission, form, answers = await load_submission(session, press.submission_id)
        return await certify.press(
            session, dependencies, update, state, query, press, submission, form, answers
        )
    if isinstance(press, callbacks.RoundPress):
        member = next(
            (
                m
                for m in await memberships(session, state.telegram_user_id)
                if m.id == press.member_id and m.role in ANSWERING
            ),
            None,
        )
        if member is None:
            return [], None
        active = await _activate(session, dependencies, update, state, member, press.round_id)
        if active is None:
            return [], None
        replies, _ = await _step(session, dependencies, update, state, active, walk.Start())
        return [_intro(active, dependencies), *replies], None
    active = await _load_active(session, dependencies, update, state, loaded)
    if active is None or press.submission_id != active.submission.id:
        lang = _language(update, active.member if active else None, dependencies)
        return [], t(lang, "report.stale").rstrip(":")
    pressed = query.message.message_id if isinstance(query.message, Message) else None
    view = active.view
    active.view = View(
        view.form,
        view.submission_id,
        view.unit_name,
        view.period_th,
        view.language,
        view.download_limit_mb,
        pressed,
    )
    event = _event_of(active.form, press)
    if event is None:
        return [], None
    replies, events = await _step(
        session, dependencies, update, state, active, event, from_press=True
    )
    saved = next((e for e in events if isinstance(e, walk.Save)), None)
    if saved is not None and isinstance(query.message, Message) and query.message.text_html:
        replies.insert(
            0, answered_note(active.view, saved.question_id, saved.answer, query.message.text_html)
        )
    return replies, None


def _event_of(form: Form, press: callbacks.Press) -> walk.Input | None:
    if isinstance(press, callbacks.SubmissionPress):
        actions: dict[str, walk.Input] = {
            "v": walk.Review(),
            "u": walk.Submit(),
            "c": walk.ConfirmSubmit(),
            "x": walk.Review(),
            "m": walk.Start(),
        }
        return actions[press.action]
    assert isinstance(press, callbacks.QuestionPress)
    try:
        question = form.place_at(press.question_index).question
    except IndexError:
        return None
    choice_id: str | None = None
    if press.choice_index is not None:
        if not 0 <= press.choice_index < len(question.choices):
            return None
        choice_id = question.choices[press.choice_index].id
    match press.action:
        case "p" if choice_id is not None:
            return walk.Pick(question.id, choice_id)
        case "t" if choice_id is not None:
            return walk.Toggle(question.id, choice_id)
        case "d":
            return walk.Done(question.id)
        case "s":
            return walk.Skip(question.id)
        case "b":
            return walk.Back(question.id)
        case "e":
            return walk.Edit(question.id)
    return None


# ------------------------------------------------------------------ files


async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store an uploaded document or photo and give it to the question asked."""
    message = update.effective_message
    assert message is not None
    dependencies = deps(context)
    upload, too_large = await _download(message, dependencies)

    async def decide(session: AsyncSession, dependencies: Deps, loaded: ChatContext) -> list[Said]:
        state = loaded.state
        if state.mode == certify.AWAITING_LETTER and upload is not None:
            submission, _, _ = await load_submission(session, int(state.data.get("letter_for", 0)))
            return await certify.take_letter(
                session,
                dependencies,
                update,
                state,
                submission,
                upload.stored,
                name=upload.name,
                mime_type=upload.mime_type,
                detected_ext=upload.detected_ext,
                telegram_file_id=upload.telegram_file_id,
            )
        active = await _load_active(session, dependencies, update, state, loaded)
        if active is None:
            return [Reply(t(_language(update, None, dependencies), "report.nothing_active"))]
        walk_state = active.walk_state
        question_id = walk_state.question_id if walk_state.mode == "asking" else None
        album = message.media_group_id
        if album is not None and album == walk_state.album and walk_state.album_question:
            question_id = walk_state.album_question  # a later part of an accepted album
        question = active.form.question(question_id) if question_id else None
        if question is None or question.type is not QuestionType.FILE:
            return [Reply(t(active.view.language, "report.unexpected_file"))]
        files: tuple[FileRef, ...] = ()
        problem: walk.Rejected | None
        if upload is None:
            problem = walk.Rejected(
                "too_large", size=too_large, limit=active.view.download_limit_mb
            )
        else:
            problem = walk.check_file(
                question,
                upload.name if message.document else None,
                upload.stored.size,
                upload.detected_ext,
                dependencies.download_limit,
            )
        attachment = None
        if problem is None and upload is not None:
            attachment = await add_attachment(
                session,
                active.submission,
                question.id,
                original_name=upload.name,
                size=upload.stored.size,
                mime_type=upload.mime_type,
                sha256=upload.stored.sha256,
                storage_key=upload.stored.key,
                telegram_file_id=upload.telegram_file_id,
                actor=state.telegram_user_id,
                now=dependencies.now(),
            )
            files = (FileRef(attachment.id, upload.name),)
        event = walk.Files(
            question.id,
            files,
            album=message.media_group_id,
            problem=problem.code if problem else None,
            params=problem.params if problem else {},
        )
        replies, events = await _step(session, dependencies, update, state, active, event)
        if attachment is not None and not any(isinstance(e, walk.Save) for e in events):
            await session.execute(delete(Attachment).where(Attachment.id == attachment.id))
        if attachment is not None and message.media_group_id and not replies:
            return []
        return replies

    await _run(update, context, decide)


async def _download(message: Message, dependencies: Deps) -> tuple[Upload | None, int | None]:
    """Fetch the file from Telegram into the store; (None, size in MB) if it is too large."""
    media: Document | PhotoSize
    if message.document is not None:
        media = message.document
        name = media.file_name or "document"
        mime = media.mime_type or "application/octet-stream"
    else:
        assert message.photo
        media = message.photo[-1]
        name = f"photo-{message.message_id}.jpg"
        mime = "image/jpeg"
    size = media.file_size or 0
    if size > dependencies.download_limit:
        return None, -(-size // (1024 * 1024))
    telegram_file = await media.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    stored = await asyncio.to_thread(dependencies.files.put, data)
    kind = filetype.guess(data)
    return Upload(
        stored, name, kind.mime if kind else mime, kind.extension if kind else None, media.file_id
    ), None
