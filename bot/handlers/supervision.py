"""Supervisors and officers: /remind, /linkgroup, and keeping group links current."""

from __future__ import annotations

from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes

from bot.context import asker, deps, user_language
from bot.delivery import send
from bot.i18n import join, t
from bot.replies import Reply
from reminders.nudge import nudge
from reminders.sender import Sender
from storage import audit
from storage.db import transaction
from storage.members import memberships
from storage.models import GroupLink, Member
from storage.reminder_facts import move_group
from storage.submissions import open_rounds
from storage.tree import parent_map
from tidtam.core.tree import subtree
from tidtam.core.vocabulary import Role

OVERSEEING = (Role.SUPERVISOR.value, Role.OFFICER.value)


def overseen_roots(members: list[Member]) -> list[int]:
    """The units whose subtrees these memberships oversee."""
    return sorted({m.unit_id for m in members if m.role in OVERSEEING})


def _roles_text(language: str, roles: tuple[str, ...]) -> str:
    return join(language, [t(language, f"role.{r}") for r in roles])


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nudge the units in the asker's care that have not submitted (once a day each)."""
    dependencies = deps(context)
    async with transaction(dependencies.sessions) as session:
        who = await asker(session, update, dependencies)
        parents = await parent_map(session)
        rounds = await open_rounds(session, dependencies.now())
    members, language, chat_id = who.members, who.language, who.chat_id
    roots = overseen_roots(members)
    if not roots:
        await send(
            context.bot,
            dependencies,
            chat_id,
            [Reply(t(language, "error.not_allowed", roles=_roles_text(language, OVERSEEING)))],
        )
        return
    if not rounds:
        await send(context.bot, dependencies, chat_id, [Reply(t(language, "remind.no_round"))])
        return
    scope: set[int] = set()
    for root in roots:
        scope |= subtree(parents, root)
    scope -= set(roots)
    sender = Sender(context.bot)  # in the background of the bot's rate limiter
    replies = []
    for round_ in rounds:
        report = await nudge(dependencies.sessions, sender, round_, scope, dependencies.now())
        replies.append(
            Reply(
                t(
                    language,
                    "remind.done",
                    units=report.units,
                    people=report.people,
                    already=report.already_today,
                    nobody=report.nobody,
                )
            )
        )
    async with transaction(dependencies.sessions) as session:
        audit.record(session, "remind", actor=who.user_id, units=len(scope))
    await send(context.bot, dependencies, chat_id, replies)


async def link_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Make this group the province group (officers only): it gets the daily digest."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    async with transaction(dependencies.sessions) as session:
        members = await memberships(session, user.id)
        officer = next((m for m in members if m.role == Role.OFFICER), None)
        language = user_language(
            update, officer.language if officer else None, dependencies.settings.language
        )
        if officer is None:
            reply = Reply(
                t(language, "error.not_allowed", roles=t(language, f"role.{Role.OFFICER.value}"))
            )
        else:
            link = await session.scalar(select(GroupLink).where(GroupLink.chat_id == chat.id))
            if link is None:
                session.add(
                    GroupLink(
                        chat_id=chat.id,
                        unit_id=officer.unit_id,
                        title=chat.title or "",
                        linked_by=user.id,
                    )
                )
            audit.record(
                session, "group.link", actor=user.id, unit_id=officer.unit_id, chat=chat.id
            )
            reply = Reply(t(language, "group.linked", title=chat.title or ""))
    await context.bot.send_message(chat.id, reply.text, parse_mode="HTML")


async def group_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep a linked group's id when Telegram turns it into a supergroup."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    async with transaction(deps(context).sessions) as session:
        await move_group(session, message.chat.id, message.migrate_to_chat_id)
