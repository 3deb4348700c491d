"""Answering the questionnaire in the chat: /report, /review, /submit, /cancel, answers, files.

Each handler parses the update, calls a use case of :mod:`tidtam.services.answering`
(one transaction: load, decide with the engine, store), renders its result with
:mod:`bot.walk_view` and the catalogues, and sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Document, Message, PhotoSize, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import callbacks
from bot.context import Deps, deps, user_language
from bot.delivery import send
from bot.handlers import certify, documents
from bot.handlers.registration import newcomer, registration_replies, revoked_reply
from bot.i18n import join, t
from bot.replies import Button, Reply, Said
from bot.walk_view import View, answered_note, render
from bot.walk_view import review as review_replies
from flows import walk
from flows.form import in_language
from tidtam.core.periods import parse_period
from tidtam.core.thai import format_date_th
from tidtam.core.vocabulary import SubmissionState
from tidtam.services import answering
from tidtam.services.answering import Outcome, Report

log = logging.getLogger("tidtam.bot")

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

# Buttons of the whole report, as engine inputs.
_REPORT_ACTIONS: dict[str, walk.Input] = {
    "v": walk.Review(),
    "u": walk.Submit(),
    "c": walk.ConfirmSubmit(),
    "x": walk.Review(),
    "m": walk.Start(),
}
_QUESTION_ACTIONS: dict[str, answering.Verb] = {
    "p": "pick",
    "t": "toggle",
    "d": "done",
    "s": "skip",
    "b": "back",
    "e": "edit",
    "a": "add",
    "r": "remove",
    "k": "keep",
}


# ------------------------------------------------------------------ rendering


def _language(update: Update, outcome: Outcome, dependencies: Deps) -> str:
    return user_language(update, outcome.language, dependencies.settings.language)


def _view(report: Report, language: str, dependencies: Deps, pressed: int | None = None) -> View:
    period = parse_period(report.period)
    return View(
        form=report.form,
        submission_id=report.submission_id,
        unit_name=report.unit_name,
        period_th=period.thai() if language == "th" else period.english(),
        language=language,
        download_limit_mb=dependencies.download_limit // (1024 * 1024),
        pressed_message_id=pressed,
        now=dependencies.now().astimezone(dependencies.settings.tz),
    )


def _intro(report: Report, view: View) -> Reply:
    return Reply(
        t(
            view.language,
            "report.start",
            unit=view.unit_name,
            title=in_language(report.form.title, report.form.title_en, view.language),
            period=view.period_th,
            deadline=format_date_th(report.deadline),
            answered=report.answered,
            total=report.total,
        )
    )


def _already_submitted(report: Report, language: str, state: str | None = None) -> Reply:
    """Say the report cannot be edited; while it waits, offer to ask for its return."""
    shown = state or report.state
    waiting = shown == SubmissionState.SUBMITTED
    return Reply(
        t(
            language,
            "report.already_submitted_ask" if waiting else "report.already_submitted",
            unit=report.unit_name,
            state=t(language, f"state.{shown}"),
        ),
        certify.ask_return_button(report.submission_id, language) if waiting else (),
    )


def replies_for(
    update: Update,
    dependencies: Deps,
    outcome: Outcome,
    *,
    from_press: bool = False,
    pressed: int | None = None,
) -> list[Said]:
    """What to say for an answering step's result (first, what a crash lost)."""
    said = _replies_for(update, dependencies, outcome, from_press=from_press, pressed=pressed)
    return [*lost_file_notice(update, dependencies, outcome), *said]


def lost_file_notice(update: Update, dependencies: Deps, outcome: Outcome) -> list[Said]:
    """Say that a crash lost a reply, and ask again for a file whose download it cut off."""
    language = _language(update, outcome, dependencies)
    said: list[Said] = []
    if outcome.lost_reply:
        said.append(Reply(t(language, "reply.lost")))
    if outcome.lost_file is not None:
        said.append(Reply(t(language, "file.lost", name=outcome.lost_file)))
    return said


def _replies_for(
    update: Update,
    dependencies: Deps,
    outcome: Outcome,
    *,
    from_press: bool = False,
    pressed: int | None = None,
) -> list[Said]:
    language = _language(update, outcome, dependencies)
    report = outcome.report
    match outcome.code:
        case "unexpected_text" if report is None:  # the help fits every role
            return [Reply(t(language, "report.unexpected_text_any"))]
        case "not_registered" | "unexpected_text" | "nothing_active" | "unexpected_file":
            return [Reply(t(language, f"report.{outcome.code}"))]
        case "no_answering_role":
            roles = outcome.params["roles"]
            assert isinstance(roles, list)
            named = join(language, sorted({t(language, f"role.{r}") for r in roles}))
            return [Reply(t(language, "report.no_answering_role", roles=named))]
        case "no_round":
            return [Reply(t(language, "report.no_round", unit=outcome.params["unit"]))]
        case "choose":
            rows = tuple(
                (
                    Button(
                        t(
                            language,
                            "report.choice_label",
                            unit=c.unit_name,
                            period=parse_period(c.period).thai(),
                        ),
                        callbacks.encode(callbacks.RoundPress(c.member_id, c.round_id)),
                    ),
                )
                for c in outcome.choices
            )
            return [Reply(t(language, "report.choose"), rows)]
        case "certify":
            assert outcome.decision is not None
            said, _ = certify.decision_replies(
                update, dependencies, outcome.decision, pressed=False
            )
            return said
        case "registration":
            assert outcome.registration is not None
            return [*registration_replies(update, dependencies, outcome.registration)]
        case "revoked":
            return [revoked_reply(update, dependencies)]
        case "return_ask":
            assert outcome.return_ask is not None
            return certify.return_asked(outcome.return_ask, dependencies, language)
    if report is None:  # "ignored", "stale"
        return []
    view = _view(report, language, dependencies, pressed)
    replies: list[Said] = [_intro(report, view)] if outcome.intro else []
    if outcome.returned_note:
        replies.append(
            Reply(t(language, "report.returned_note", reason=report.returned_reason or ""))
        )
    if outcome.code == "round_closed":  # answers stop; the submission keeps its state
        return [
            *replies,
            Reply(t(language, "year.round_closed", unit=report.unit_name, period=view.period_th)),
        ]
    if outcome.code == "refused":
        assert outcome.refused is not None
        return [*replies, _already_submitted(report, language, outcome.refused.before)]
    if outcome.code == "locked":  # a submitted report is shown, never changed
        replies.append(_already_submitted(report, language))
        for shown in outcome.events:
            if isinstance(shown, walk.ShowReview):
                replies += review_replies(view, shown, editable=False)
        return replies
    replies += render(view, outcome.events, from_press=from_press)
    if outcome.submitted is not None:
        replies += certify.submitted(outcome.submitted, dependencies, language)
    return replies


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, said: list[Said]) -> None:
    """Send what a step said, then record that its reply went out (the chat state owes
    it until then: after a crash the person's next message is told)."""
    chat = update.effective_chat
    assert chat is not None
    dependencies = deps(context)
    with_buttons: list[int] = []
    await send(context.bot, dependencies, chat.id, said, with_buttons=with_buttons)
    await answering.delivered(
        dependencies.services(),
        _user_id(update),
        update.update_id,
        buttons_message=with_buttons[-1] if with_buttons else None,
    )


# ------------------------------------------------------------------ handlers


def _user_id(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id


def _command(event: walk.Input, *, intro: bool = False) -> Handler:
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        dependencies = deps(context)
        outcome = await answering.command(
            dependencies.services(),
            _user_id(update),
            event,
            intro=intro,
            update_id=update.update_id,
        )
        if outcome is not None:
            await _reply(update, context, replies_for(update, dependencies, outcome))
            documents.send_unit_pdfs_later(context, _user_id(update), outcome)

    return handler


report = _command(walk.Start(), intro=True)
report.__doc__ = "Start or continue the report at the first unanswered question."
review = _command(walk.Review())
review.__doc__ = "Show the answers by section with edit buttons."
submit = _command(walk.Submit())
submit.__doc__ = "Ask to confirm the submission, or say what is missing."
_pause = _command(walk.Cancel())


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pause, and take the live buttons off the paused question; answers stay saved."""
    live = await answering.take_live_buttons(deps(context).services(), _user_id(update))
    await _pause(update, context)  # its own reply may carry buttons of its own
    chat = update.effective_chat
    if live is None or chat is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat.id, live, reply_markup=None)
    except BadRequest as error:  # deleted, too old, or already without buttons
        log.info("could not take the buttons off message %s: %s", live, error.message)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take typed text as the answer to the question asked, or as an invite code."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text
    dependencies = deps(context)

    outcome = await answering.take_text(
        dependencies.services(),
        _user_id(update),
        text,
        update_id=update.update_id,
        newcomer=newcomer(update),
    )
    if outcome is not None:
        await _reply(update, context, replies_for(update, dependencies, outcome))


def _pressed(press: callbacks.Press) -> answering.Pressed:
    match press:
        case callbacks.CertifyPress(submission_id, action):
            return answering.CertifyAction(submission_id, certify.ACTIONS[action])
        case callbacks.RoundPress(member_id, round_id):
            return answering.ChooseRound(member_id, round_id)
        case callbacks.SubmissionPress(submission_id, "a"):
            return answering.AskReturn(submission_id)
        case callbacks.SubmissionPress(submission_id, action):
            return answering.ReportAction(submission_id, _REPORT_ACTIONS[action])
        case callbacks.QuestionPress(submission_id, index, action, choice):
            return answering.QuestionAction(submission_id, index, _QUESTION_ACTIONS[action], choice)
    raise AssertionError(press)  # pragma: no cover - callbacks.decode makes only these


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply an inline button: a choice, a toggle, back, skip, edit, submit."""
    query = update.callback_query
    assert query is not None and query.data is not None
    try:
        press = callbacks.decode(query.data)
    except callbacks.BadCallback:  # forged or from an older version: like a stale button
        dependencies = deps(context)
        language = user_language(update, None, dependencies.settings.language)
        await _answer_query(query, t(language, "report.stale").rstrip(":"))
        return
    dependencies = deps(context)
    outcome = await answering.press(
        dependencies.services(), _user_id(update), _pressed(press), update_id=update.update_id
    )
    if outcome is None:
        await _answer_query(query, None)
        return
    note: str | None = None
    message = query.message if isinstance(query.message, Message) else None
    if outcome.code == "certify":
        assert outcome.decision is not None
        replies, note = certify.decision_replies(
            update, dependencies, outcome.decision, pressed=True
        )
        replies = [*lost_file_notice(update, dependencies, outcome), *replies]
    elif outcome.code == "stale":
        note = t(_language(update, outcome, dependencies), "report.stale").rstrip(":")
        replies = lost_file_notice(update, dependencies, outcome)
    else:
        replies = replies_for(
            update,
            dependencies,
            outcome,
            from_press=not outcome.intro,  # a chosen report starts afresh
            pressed=message.message_id if message and not outcome.intro else None,
        )
        saved = outcome.saved
        if saved is not None and message is not None and message.text_html:
            assert outcome.report is not None
            view = _view(
                outcome.report,
                _language(update, outcome, dependencies),
                dependencies,
                message.message_id,
            )
            replies.insert(
                0, answered_note(view, saved.question_id, saved.answer, message.text_html)
            )
    await _answer_query(query, note)
    if query.message is not None:
        await send(context.bot, dependencies, query.message.chat.id, replies)
        documents.send_unit_pdfs_later(context, query.message.chat.id, outcome)
    await answering.delivered(dependencies.services(), _user_id(update), update.update_id)


async def _answer_query(query: CallbackQuery, note: str | None) -> None:
    """Stop the button's spinner; a press answered already (delivered twice) is no matter.

    The replies are sent whatever happens here: the press is already applied.
    """
    try:
        await query.answer(note)
    except BadRequest as error:
        log.info("callback %s not answered: %s", query.id, error.message)


# ------------------------------------------------------------------ files


async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fetch an uploaded document or photo if the question asked wants it, and store it."""
    message = update.effective_message
    assert message is not None
    dependencies = deps(context)
    media, offer = _offer(message)
    services = dependencies.services()
    user_id = _user_id(update)
    outcome = await answering.offer_file(services, user_id, offer, update_id=update.update_id)
    if outcome is not None and outcome.code == "fetch":  # only now is anything downloaded
        data = bytes(await (await media.get_file()).download_as_bytearray())
        upload = answering.FileIn(
            offer.name,
            offer.mime_type,
            len(data),
            data,
            channel_file_id=offer.channel_file_id,
            named=offer.named,
            album=offer.album,
        )
        outcome = await answering.take_file(services, user_id, upload, update_id=update.update_id)
    if outcome is not None:
        await _reply(update, context, replies_for(update, dependencies, outcome))


def _offer(message: Message) -> tuple[Document | PhotoSize, answering.FileOffer]:
    """The file of a message and what Telegram says of it, before anything is fetched."""
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
    return media, answering.FileOffer(
        name,
        mime,
        media.file_size or 0,
        channel_file_id=media.file_id,
        named=message.document is not None,
        album=message.media_group_id,
    )
