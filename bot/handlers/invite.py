"""/invite: a supervisor or officer gets a workbook of invitations for the units below.

Button data: ``i.<role>``; the right to invite that role is checked again on the press.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import deps, user_language
from bot.delivery import send
from bot.handlers.registration import contact_line
from bot.i18n import t
from bot.replies import Button, Reply
from tidtam.core.invite_codes import format_code
from tidtam.core.thai import format_date_th
from tidtam.core.vocabulary import Role
from tidtam.services import invites

PATTERN = r"^i\.(reporter|head|supervisor)$"


async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask which role to invite, with one button per role the asker may hand out."""
    dependencies = deps(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    language = user_language(update, None, dependencies.settings.language)
    roles = await invites.roles_to_invite(dependencies.sessions, user.id)
    if not roles:
        allowed = ", ".join(t(language, f"role.{r}") for r in invites.INVITING)
        text = t(language, "error.not_allowed", roles=allowed)
        contact = contact_line(language, dependencies.settings)
        await send(context.bot, dependencies, chat.id, [Reply(f"{text}\n{contact}".strip())])
        return
    buttons = tuple((Button(t(language, f"role.{r.value}"), f"i.{r.value}"),) for r in roles)
    await send(
        context.bot, dependencies, chat.id, [Reply(t(language, "year.invite_choose"), buttons)]
    )


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Issue codes for the chosen role and send the workbook."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    dependencies = deps(context)
    language = user_language(update, None, dependencies.settings.language)
    role = Role(query.data.split(".", 1)[1])
    issued = await invites.invite_for_care(
        dependencies.sessions, user.id, role, now=dependencies.now()
    )
    if issued.outcome is invites.Outcome.NOT_ALLOWED:
        await query.answer(t(language, "year.invite_not_allowed"), show_alert=True)
        return
    await query.answer()
    if query.message is None:
        return
    chat_id = query.message.chat.id
    if issued.outcome is invites.Outcome.NO_UNITS:
        await send(context.bot, dependencies, chat_id, [Reply(t(language, "year.invite_none"))])
        return
    username = (dependencies.settings.bot_username or context.bot.username or "").lstrip("@")
    role_shown = t(language, f"role.{role.value}")
    rows = [
        (
            i.unit_code,
            i.unit_name,
            role_shown,
            format_code(i.code),
            f"https://t.me/{username}?start={i.code}" if username else "",
        )
        for i in issued.invites
    ]
    headers = [
        t(language, f"year.invite_col_{c}") for c in ("code", "unit", "role", "invite", "link")
    ]
    from reports.invite_book import invite_workbook  # xlsxwriter: loaded when first needed

    book = invite_workbook(headers, rows)
    expires = issued.invites[0].expires_at.astimezone(dependencies.settings.tz).date()
    caption = t(
        language,
        "year.invite_caption",
        count=len(rows),
        role=role_shown,
        expires=format_date_th(expires),
    )
    name = f"invites-{role.value}-{dependencies.now():%Y%m%d}.xlsx"
    await send(context.bot, dependencies, chat_id, [Reply(caption, document=(name, book))])
