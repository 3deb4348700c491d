"""Registration with invite codes, /start, /help, /language and unknown commands: parse,
call the use case, render."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Deps, deps, user_language
from bot.i18n import t
from bot.replies import Reply, deliver
from tidtam.core.vocabulary import Role
from tidtam.services.people import Membership, person, set_language
from tidtam.services.registration import (
    AWAITING_CODE,
    Newcomer,
    Outcome,
    Registration,
)
from tidtam.services.registration import start as start_use_case
from tidtam.settings import Settings

__all__ = [
    "AWAITING_CODE",
    "contact_line",
    "help_command",
    "help_text",
    "language_command",
    "membership_lines",
    "newcomer",
    "registration_replies",
    "revoked_reply",
    "start",
    "unknown_command",
]


def membership_lines(language: str, members: Sequence[Membership]) -> str:
    return "\n".join(f"• {t(language, f'role.{m.role}')} · {m.unit_name}" for m in members)


def _next_step(language: str, members: Sequence[Membership]) -> str:
    answering = any(m.role in (Role.REPORTER, Role.HEAD) for m in members)
    return t(language, "start.next_report" if answering else "start.next_help")


def newcomer(update: Update) -> Newcomer:
    user = update.effective_user
    assert user is not None
    return Newcomer(user.id, user.full_name)


def _minutes(wait: timedelta | None) -> int:
    assert wait is not None
    return max(1, math.ceil(wait.total_seconds() / 60))


def render(language: str, result: Registration) -> list[Reply]:
    """The replies that say what became of a code or a bare /start."""
    match result.outcome:
        case Outcome.REGISTERED | Outcome.ALREADY:
            member = result.membership
            assert member is not None
            key = "start.registered" if result.outcome is Outcome.REGISTERED else "start.already"
            return [
                Reply(
                    t(
                        language,
                        key,
                        role=t(language, f"role.{member.role}"),
                        unit=member.unit_name,
                        next=_next_step(language, result.memberships),
                    )
                )
            ]
        case Outcome.LOCKED:
            return [Reply(t(language, "start.locked", minutes=_minutes(result.retry_after)))]
        case Outcome.WRONG:
            return [Reply(t(language, "start.wrong", code=result.code, left=result.tries_left))]
        case Outcome.EXPIRED:
            return [Reply(t(language, "start.expired"))]
        case Outcome.USED:
            return [Reply(t(language, "start.used"))]
        case Outcome.WELCOME_BACK:
            return [
                Reply(
                    t(
                        language,
                        "start.welcome_back",
                        memberships=membership_lines(language, result.memberships),
                        next=_next_step(language, result.memberships),
                    )
                )
            ]
        case Outcome.ASK_CODE:
            return [Reply(t(language, "start.ask_code"))]


def registration_replies(update: Update, dependencies: Deps, result: Registration) -> list[Reply]:
    """What to say about an invite code typed as text (the sender has no stored language)."""
    return render(user_language(update, None, dependencies.settings.language), result)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register with the code after /start, or greet a registered person."""
    dependencies = deps(context)
    chat = update.effective_chat
    assert chat is not None
    code = " ".join(context.args) if context.args else None
    result = await start_use_case(dependencies.sessions, newcomer(update), code, dependencies.now())
    stored = result.memberships[0].language if code is None and result.memberships else None
    language = user_language(update, stored, dependencies.settings.language)
    await deliver(context.bot, chat.id, render(language, result))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the commands that fit the person's roles."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    who = await person(dependencies.sessions, user.id)
    language = user_language(update, who.language, dependencies.settings.language)
    text = help_text(language, who.memberships)
    contact = contact_line(language, dependencies.settings)
    await deliver(context.bot, chat.id, [Reply(f"{text}\n\n{contact}" if contact else text)])


def contact_line(language: str, settings: Settings) -> str:
    """ "ติดต่อ ..." with the province's contact for help, or "" when none is set."""
    return t(language, "year.contact", contact=settings.contact) if settings.contact else ""


def revoked_reply(update: Update, dependencies: Deps) -> Reply:
    """The polite refusal for a person whose memberships were all revoked."""
    language = user_language(update, None, dependencies.settings.language)
    contact = contact_line(language, dependencies.settings)
    text = t(language, "year.revoked")
    return Reply(f"{text}\n{contact}" if contact else text)


def help_text(language: str, members: Sequence[Membership]) -> str:
    roles = {m.role for m in members}
    keys = ["help.start"]
    if roles & {Role.REPORTER, Role.HEAD}:
        keys += ["help.report", "help.review", "help.submit", "help.cancel"]
    if Role.HEAD in roles or Role.SUPERVISOR in roles:
        keys.append("help.pending")
    if roles & {Role.SUPERVISOR, Role.OFFICER}:
        keys += [
            "help.status",
            "help.overdue",
            "help.lagging",
            "help.export",
            "help.remind",
            "year.help_invite",
        ]
    if roles & {Role.HEAD, Role.SUPERVISOR, Role.OFFICER}:
        keys.append("year.help_members")
    if roles:
        keys.append("help.pdf")
    if roles & {Role.SUPERVISOR, Role.OFFICER}:
        keys.append("help.summary")
    if Role.OFFICER in roles:
        keys.append("help.linkgroup")
    keys.append("help.language")
    lines = [t(language, "help.header"), *(t(language, k) for k in keys)]
    if members:
        lines += [
            "",
            t(
                language,
                "help.memberships",
                memberships="; ".join(
                    f"{t(language, f'role.{m.role}')} · {m.unit_name}" for m in members
                ),
            ),
        ]
    else:
        lines += ["", t(language, "help.unregistered")]
    return "\n".join(lines)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say the command is not known and list the ones the person may use."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    who = await person(dependencies.sessions, user.id)
    language = user_language(update, who.language, dependencies.settings.language)
    text = t(language, "help.unknown_command") + "\n" + help_text(language, who.memberships)
    await deliver(context.bot, chat.id, [Reply(text)])


_LANGUAGES = {"th": "th", "thai": "th", "ไทย": "th", "en": "en", "english": "en"}


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Switch the messages to Thai or English and remember the choice."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    chosen = _LANGUAGES.get((context.args or [""])[0].strip().lower())
    if chosen is None:
        who = await person(dependencies.sessions, user.id)
        language = user_language(update, who.language, dependencies.settings.language)
        await deliver(context.bot, chat.id, [Reply(t(language, "language.choose"))])
        return
    who = await set_language(dependencies.sessions, user.id, chosen)
    key = "language.chosen" if who.memberships else "language.unregistered"
    await deliver(context.bot, chat.id, [Reply(t(chosen, key))])
