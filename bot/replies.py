"""Replies as plain data (text and buttons), and the thin layer that sends them.

Handlers decide *what* to say by building :class:`Reply` values; :func:`deliver` is
the only place that talks to Telegram for it. Texts are HTML; a text longer than
Telegram's 4096 characters is split at line breaks, buttons going with the last part.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden

log = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit_message_id: int | None = None  # edit this message instead of sending a new one
    document: tuple[str, bytes] | None = None  # (file name, content), sent with the text as caption
    photo: bytes | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply for someone else's private chat (a certifier, a unit's members)."""

    chat_id: int
    reply: Reply


Said = Reply | Outgoing


def keyboard(buttons: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in buttons]
    )


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at line breaks if possible."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single over-long line: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


async def deliver(bot: Bot, chat_id: int, replies: Sequence[Said]) -> list[int]:
    """Send replies to ``chat_id`` and outgoing messages to theirs, in order.

    A person who blocked the bot is skipped (their chat id is returned, so that the
    caller can mark them unreachable); the others still get their messages.
    """
    unreachable: list[int] = []
    for said in replies:
        target, reply = (
            (said.chat_id, said.reply) if isinstance(said, Outgoing) else (chat_id, said)
        )
        if target in unreachable:
            continue
        try:
            await _deliver_one(bot, target, reply)
        except Forbidden:
            if target == chat_id:
                raise
            log.info("chat %s blocked the bot; marked unreachable", target)
            unreachable.append(target)
    return unreachable


async def _deliver_one(bot: Bot, chat_id: int, reply: Reply) -> None:
    markup = keyboard(reply.buttons)
    if reply.document is not None:
        name, content = reply.document
        await bot.send_document(
            chat_id,
            document=content,
            filename=name,
            caption=reply.text[:1024] or None,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return
    if reply.photo is not None:
        await bot.send_photo(
            chat_id,
            photo=reply.photo,
            caption=reply.text[:1024] or None,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return
    parts = split_text(reply.text)
    if reply.edit_message_id is not None and len(parts) == 1:
        try:
            await bot.edit_message_text(
                parts[0],
                chat_id=chat_id,
                message_id=reply.edit_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return
            log.info(
                "could not edit message %s in %s (%s); sending anew",
                reply.edit_message_id,
                chat_id,
                error.message,
            )
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await bot.send_message(
            chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )
