"""Certification in the chat: the words for :mod:`tidtam.services.certification`.

On submit each certifier gets the answers with approve and return buttons; a return
asks for a reason, which goes to the unit's members with the flagged items; an
approval may carry a digital letter (PDF). /pending lists what waits. The use cases
decide; this module renders their results.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.context import Deps, deps, user_language
from bot.delivery import send
from bot.i18n import escape, join, t
from bot.replies import Button, Outgoing, Reply, Said
from bot.walk_view import View, review
from tidtam.core.periods import parse_period
from tidtam.core.vocabulary import Role
from tidtam.services import certification
from tidtam.services.certification import Decision, Request, ReturnAsk, SubmitNotice

#: The certifier's buttons, as the use case names them.
ACTIONS = {"a": "approve", "r": "return", "v": "view", "n": "no_letter"}


def _press(submission_id: int, action: str) -> str:
    return callbacks.encode(callbacks.CertifyPress(submission_id, action))


def _period(period: str, language: str) -> str:
    parsed = parse_period(period)
    return parsed.thai() if language == "th" else parsed.english()


def request(
    shown: Request, *, language: str, submitter: str, download_limit_mb: int
) -> list[Reply]:
    """The answers of a submitted report with approve and return buttons."""
    view = View(
        shown.form,
        shown.submission_id,
        shown.unit_name,
        _period(shown.period, language),
        language,
        download_limit_mb,
    )
    request_text = t(
        language, "certify.request", unit=shown.unit_name, period=view.period_th, who=submitter
    )
    decide = Reply(
        t(language, "certify.decide", unit=shown.unit_name),
        (
            (
                Button(t(language, "certify.button.approve"), _press(shown.submission_id, "a")),
                Button(t(language, "certify.button.return"), _press(shown.submission_id, "r")),
            ),
        ),
    )
    return review(view, shown.review, editable=False, header=request_text, footer=decide)


def submitted(notice: SubmitNotice, dependencies: Deps, language: str) -> list[Said]:
    """After a submit: say it is certified, that nobody certifies, or whom it went to."""
    if notice.code == "not_needed":
        return [Reply(t(language, "certify.not_needed"))]
    if notice.code == "nobody":
        return [Reply(t(language, "certify.nobody"))]
    names = join(language, [c.name or t(language, f"role.{c.role}") for c in notice.certifiers])
    said: list[Said] = [
        Reply(
            t(language, "certify.sent_to", names=names),
            ask_return_button(notice.request.submission_id, language),
        )
    ]
    limit = dependencies.download_limit // (1024 * 1024)
    for certifier in notice.certifiers:
        lang = certifier.language or dependencies.settings.language
        for reply in request(
            notice.request, language=lang, submitter=notice.submitter, download_limit_mb=limit
        ):
            said.append(Outgoing(certifier.telegram_user_id, reply))
    return said


def ask_return_button(submission_id: int, language: str) -> tuple[tuple[Button, ...], ...]:
    """The unit's button on a report that waits: ask the certifiers to return it."""
    data = callbacks.encode(callbacks.SubmissionPress(submission_id, "a"))
    return ((Button(t(language, "certify.button.ask_return"), data),),)


def return_asked(asked: ReturnAsk, dependencies: Deps, language: str) -> list[Said]:
    """Tell the unit what became of its request, and the certifiers the request."""
    if asked.code != "asked":
        state = t(language, f"state.{asked.state}")
        return [Reply(t(language, f"certify.ask_return.{asked.code}", state=state))]
    names = join(language, [c.name or t(language, f"role.{c.role}") for c in asked.certifiers])
    said: list[Said] = [Reply(t(language, "certify.ask_return.asked", names=names))]
    for certifier in asked.certifiers:
        lang = certifier.language or dependencies.settings.language
        text = t(
            lang,
            "certify.ask_return.request",
            who=asked.asker,
            unit=asked.unit_name,
            period=_period(asked.period, lang),
        )
        buttons = ((Button(t(lang, "certify.button.return"), _press(asked.submission_id, "r")),),)
        said.append(Outgoing(certifier.telegram_user_id, Reply(text, buttons)))
    return said


def _tell_unit(decision: Decision, dependencies: Deps, key: str, **params: object) -> list[Said]:
    """Message ``key`` for the unit's reporters and heads, each in their language."""
    said: list[Said] = []
    for person in decision.tell:
        lang = person.language or dependencies.settings.language
        text = t(
            lang,
            key,
            unit=decision.unit_name,
            period=_period(decision.period, lang),
            **params,
        )
        said.append(Outgoing(person.telegram_user_id, Reply(text)))
    return said


def decision_replies(
    update: Update, dependencies: Deps, decision: Decision, *, pressed: bool
) -> tuple[list[Said], str | None]:
    """The replies to a certifier's action; a refusal as a button's note if ``pressed``."""
    default = dependencies.settings.language
    language = user_language(update, decision.language if pressed else None, default)
    refusal: str | None = None
    match decision.code:
        case "gone":
            refusal = t(user_language(update, None, default), "certify.gone")
        case "not_yours":
            refusal = t(user_language(update, None, default), "certify.not_yours")
        case "already":
            state = str(decision.params["state"])
            refusal = t(language, "certify.already", state=t(language, f"state.{state}"))
        case "refused":
            assert decision.refused is not None
            before = decision.refused.before
            refusal = t(language, "certify.already", state=t(language, f"state.{before}"))
        case "no_letter":
            return [Reply(t(language, "certify.no_letter"))], None
        case "view":
            assert decision.request is not None
            limit = dependencies.download_limit >> 20
            return list(
                request(decision.request, language=language, submitter="", download_limit_mb=limit)
            ), None
        case "approved":
            assert decision.submission_id is not None
            said: list[Said] = [
                Reply(
                    t(language, "certify.approved", unit=decision.unit_name),
                    (
                        (
                            Button(
                                t(language, "certify.button.no_letter"),
                                _press(decision.submission_id, "n"),
                            ),
                        ),
                    ),
                )
            ]
            return said + _tell_unit(decision, dependencies, "certify.unit_approved"), None
        case "ask_reason":
            return [Reply(t(language, "certify.ask_reason", unit=decision.unit_name))], None
        case "returned":
            reason = decision.params["reason"]
            return [
                Reply(t(language, "certify.returned", unit=decision.unit_name)),
                *_tell_unit(decision, dependencies, "certify.unit_returned", reason=reason),
            ], None
        case "letter_pdf_only":
            return [Reply(t(language, "certify.letter_pdf_only"))], None
        case "letter_too_large":
            params = decision.params
            text = t(language, "problem.too_large", size=params["size"], limit=params["limit"])
            return [Reply(text)], None
        case "letter_saved":
            return [Reply(t(language, "certify.letter_saved", name=decision.params["name"]))], None
    if refusal is None:
        return [], None
    return ([], refusal) if pressed else ([Reply(refusal)], None)


async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the submitted reports that wait for the asker to certify them."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    found = await certification.pending(dependencies.services(), user.id)
    language = user_language(update, found.language, dependencies.settings.language)
    if not found.allowed:
        roles = join(language, [t(language, f"role.{r}") for r in (Role.HEAD, Role.SUPERVISOR)])
        replies = [Reply(t(language, "error.not_allowed", roles=roles))]
    elif not found.waiting:
        replies = [Reply(t(language, "certify.pending_none"))]
    else:
        tz = dependencies.settings.tz
        rows = tuple(
            (
                Button(
                    f"{w.unit_name} · {_period(w.period, language)}", _press(w.submission_id, "v")
                ),
            )
            for w in found.waiting[:50]
        )
        lines = [t(language, "certify.pending_header", count=len(found.waiting))]
        lines += [
            f"• {escape(w.unit_name)} — {w.submitted_at.astimezone(tz):%d/%m %H:%M}"
            for w in found.waiting
            if w.submitted_at is not None
        ]
        replies = [Reply("\n".join(lines), rows)]
    await send(context.bot, dependencies, chat.id, replies)
