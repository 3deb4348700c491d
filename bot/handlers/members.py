"""/members: a head manages its unit's members, a supervisor or officer its subtree's.

Button data (at most 64 bytes): ``m.a.<member>`` asks to revoke, ``m.y.<member>``
confirms, ``m.n.<member>`` keeps. Every press checks the presser's care again.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import deps, user_language
from bot.delivery import send
from bot.handlers.registration import contact_line
from bot.i18n import t
from bot.replies import Button, Reply
from storage.people import MemberRow
from tidtam.services import members

PATTERN = r"^m\.[ayn]\.\d+$"
#: Up to this many memberships get a revoke button each; more: pick a unit first.
MAX_BUTTONS = 20


def _line(language: str, row: MemberRow) -> str:
    reach = "" if row.reachable else t(language, "year.members_unreachable")
    return t(
        language,
        "year.members_line",
        name=row.name or "-",
        role=t(language, f"role.{row.role}"),
        unit=row.unit_name,
        reach=reach,
    )


async def members_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the members in the asker's care, with revoke buttons; ``/members CODE``: one unit."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    language = user_language(update, None, dependencies.settings.language)
    listing = await members.members_in_care(dependencies.sessions, user.id)
    if listing.outcome is members.Outcome.NOT_ALLOWED:
        roles = ", ".join(t(language, f"role.{r}") for r in members.MANAGING)
        text = t(language, "error.not_allowed", roles=roles)
        contact = contact_line(language, dependencies.settings)
        await send(context.bot, dependencies, chat.id, [Reply(f"{text}\n{contact}".strip())])
        return
    rows = list(listing.rows)
    if context.args:
        code = context.args[0].strip()
        rows = [r for r in rows if r.unit_code == code]
        if not rows:
            reply = Reply(t(language, "year.members_no_unit", code=code[:32]))
            await send(context.bot, dependencies, chat.id, [reply])
            return
    if not rows:
        await send(context.bot, dependencies, chat.id, [Reply(t(language, "year.members_none"))])
        return
    lines = [t(language, "year.members_header", count=len(rows))]
    lines += [_line(language, row) for row in rows]
    if len(rows) > MAX_BUTTONS:
        lines.append(t(language, "year.members_pick_unit"))
        buttons: tuple[tuple[Button, ...], ...] = ()
    else:
        buttons = tuple(
            (
                Button(
                    t(
                        language,
                        "year.members_revoke_button",
                        name=row.name or "-",
                        role=t(language, f"role.{row.role}"),
                    ),
                    f"m.a.{row.member_id}",
                ),
            )
            for row in rows
        )
    await send(context.bot, dependencies, chat.id, [Reply("\n".join(lines), buttons)])


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask to confirm a revocation, revoke (scope checked again), or keep."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    dependencies = deps(context)
    language = user_language(update, None, dependencies.settings.language)
    _, action, number = query.data.split(".")
    member_id = int(number)
    if action == "n":
        await query.answer(t(language, "year.members_kept"))
        return
    if action == "a":  # look before asking: the member may be gone or out of care now
        listing = await members.members_in_care(dependencies.sessions, user.id)
        row = next((r for r in listing.rows if r.member_id == member_id), None)
        if row is None:
            await query.answer(t(language, "year.members_not_allowed"), show_alert=True)
            return
        await query.answer()
        confirm = Reply(
            t(
                language,
                "year.members_confirm",
                name=row.name or "-",
                role=t(language, f"role.{row.role}"),
                unit=row.unit_name,
            ),
            (
                (
                    Button(t(language, "year.members_yes"), f"m.y.{member_id}"),
                    Button(t(language, "year.members_no"), f"m.n.{member_id}"),
                ),
            ),
        )
        if query.message is not None:
            await send(context.bot, dependencies, query.message.chat.id, [confirm])
        return
    change = await members.revoke(
        dependencies.sessions, member_id, now=dependencies.now(), actor=user.id, scoped=True
    )
    if change.outcome is not members.Outcome.DONE or change.row is None:
        await query.answer(t(language, "year.members_not_allowed"), show_alert=True)
        return
    await query.answer()
    row = change.row
    done = Reply(
        t(
            language,
            "year.members_revoked",
            name=row.name or "-",
            role=t(language, f"role.{row.role}"),
            unit=row.unit_name,
        )
    )
    if query.message is not None:
        await send(context.bot, dependencies, query.message.chat.id, [done])
