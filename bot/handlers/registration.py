"""Registration with invite codes, /start and /help."""

from __future__ import annotations

import math

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot.context import Deps, asker, deps, user_language
from bot.i18n import t
from bot.replies import Reply, deliver
from storage.chat_states import load_chat_state
from storage.db import transaction
from storage.members import MAX_WRONG_TRIES, Redeem, memberships, redeem_invite, wrong_tries_lock
from storage.models import Member
from tidtam.core.vocabulary import Role
from tidtam.settings import Settings

AWAITING_CODE = "awaiting_code"


def membership_lines(language: str, members: list[Member]) -> str:
    return "\n".join(f"• {t(language, f'role.{m.role}')} · {m.unit.name}" for m in members)


def _next_step(language: str, members: list[Member]) -> str:
    answering = any(m.role in (Role.REPORTER, Role.HEAD) for m in members)
    return t(language, "start.next_report" if answering else "start.next_help")


async def redeem(
    session: AsyncSession, dependencies: Deps, update: Update, text: str
) -> list[Reply]:
    """Try ``text`` as an invite code for the sender; say what happened."""
    user = update.effective_user
    assert user is not None
    now = dependencies.now()
    result = await redeem_invite(
        session,
        user.id,
        text,
        display_name=user.full_name,
        language=None,
        now=now,
    )
    language = user_language(update, None, dependencies.settings.language)
    state = await load_chat_state(session, user.id)
    match result.outcome:
        case Redeem.REGISTERED | Redeem.ALREADY:
            member = result.member
            assert member is not None
            state.mode = "idle"
            all_members = await memberships(session, user.id)
            key = "start.registered" if result.outcome is Redeem.REGISTERED else "start.already"
            return [
                Reply(
                    t(
                        language,
                        key,
                        role=t(language, f"role.{member.role}"),
                        unit=member.unit.name,
                        next=_next_step(language, all_members),
                    )
                )
            ]
        case Redeem.LOCKED:
            assert result.retry_after is not None
            minutes = max(1, math.ceil(result.retry_after.total_seconds() / 60))
            return [Reply(t(language, "start.locked", minutes=minutes))]
        case Redeem.WRONG:
            state.mode = AWAITING_CODE
            locked = await wrong_tries_lock(session, user.id, now)
            if locked is not None:
                minutes = max(1, math.ceil(locked.total_seconds() / 60))
                return [Reply(t(language, "start.locked", minutes=minutes))]
            left = MAX_WRONG_TRIES - await _recent_wrong(session, dependencies, user.id)
            return [Reply(t(language, "start.wrong", code=text.strip()[:32], left=left))]
        case Redeem.EXPIRED:
            return [Reply(t(language, "start.expired"))]
        case Redeem.USED:
            return [Reply(t(language, "start.used"))]


async def _recent_wrong(session: AsyncSession, dependencies: Deps, user_id: int) -> int:
    from sqlalchemy import func, select

    from storage.members import WRONG_TRIES_WINDOW
    from storage.models import InviteAttempt

    since = dependencies.now() - WRONG_TRIES_WINDOW
    count = await session.scalar(
        select(func.count(InviteAttempt.id)).where(
            InviteAttempt.telegram_user_id == user_id, InviteAttempt.at > since
        )
    )
    return int(count or 0)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register with the code after /start, or greet a registered person."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    async with transaction(dependencies.sessions) as session:
        if context.args:
            replies = await redeem(session, dependencies, update, " ".join(context.args))
        else:
            members = await memberships(session, user.id)
            stored = members[0].language if members else None
            language = user_language(update, stored, dependencies.settings.language)
            if members:
                replies = [
                    Reply(
                        t(
                            language,
                            "start.welcome_back",
                            memberships=membership_lines(language, members),
                            next=_next_step(language, members),
                        )
                    )
                ]
            else:
                (await load_chat_state(session, user.id)).mode = AWAITING_CODE
                replies = [Reply(t(language, "start.ask_code"))]
    await deliver(context.bot, chat.id, replies)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the commands that fit the person's roles."""
    dependencies = deps(context)
    async with transaction(dependencies.sessions) as session:
        who = await asker(session, update, dependencies)
    text = help_text(who.language, who.members)
    contact = contact_line(who.language, dependencies.settings)
    await deliver(context.bot, who.chat_id, [Reply(f"{text}\n\n{contact}" if contact else text)])


def contact_line(language: str, settings: Settings) -> str:
    """ "ติดต่อ ..." with the province's contact for help, or "" when none is set."""
    return t(language, "year.contact", contact=settings.contact) if settings.contact else ""


def revoked_reply(update: Update, dependencies: Deps) -> Reply:
    """The polite refusal for a person whose memberships were all revoked."""
    language = user_language(update, None, dependencies.settings.language)
    contact = contact_line(language, dependencies.settings)
    text = t(language, "year.revoked")
    return Reply(f"{text}\n{contact}" if contact else text)


def help_text(language: str, members: list[Member]) -> str:
    roles = {m.role for m in members}
    keys = ["help.start"]
    if roles & {Role.REPORTER, Role.HEAD}:
        keys += ["help.report", "help.review", "help.submit", "help.cancel"]
    if Role.HEAD in roles or Role.SUPERVISOR in roles:
        keys.append("help.pending")
    if roles & {Role.SUPERVISOR, Role.OFFICER}:
        keys += ["help.status", "help.overdue", "help.export", "help.remind", "year.help_invite"]
    if roles & {Role.HEAD, Role.SUPERVISOR, Role.OFFICER}:
        keys.append("year.help_members")
    if Role.OFFICER in roles:
        keys.append("help.linkgroup")
    lines = [t(language, "help.header"), *(t(language, k) for k in keys)]
    if members:
        lines += [
            "",
            t(
                language,
                "help.memberships",
                memberships="; ".join(
                    f"{t(language, f'role.{m.role}')} · {m.unit.name}" for m in members
                ),
            ),
        ]
    else:
        lines += ["", t(language, "help.unregistered")]
    return "\n".join(lines)
