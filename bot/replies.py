"""Replies as plain data (text and buttons), and the thin layer that sends them.

Handlers decide *what* to say by building :class:`Reply` values; :func:`deliver` is
the only place that talks to Telegram for it. Texts are HTML; a text longer than
Telegram's 4096 characters (1024 for a caption) is split at line breaks, never inside a
tag or an entity, buttons going with the last part.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden

log = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH


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


_TOKEN = re.compile(r"<[^<>]*>|&#?[A-Za-z0-9]+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>")


def _lines(text: str) -> list[list[str]]:
    """The HTML tokens (tags, entities, text) of each line, the line breaks left out."""
    lines: list[list[str]] = [[]]
    for token in _TOKEN.findall(text):
        if token[0] in "<&":
            lines[-1].append(token)
            continue
        first, *rest = token.split("\n")
        if first:
            lines[-1].append(first)
        for piece in rest:
            lines.append([piece] if piece else [])
    return lines


class _Parts:
    """Parts of at most ``limit`` characters of HTML, closing tags included.

    A tag open at a cut is closed there and opened again in the next part, so every
    part is valid HTML on its own. Sizes are counted on the HTML, so a part is never
    longer than Telegram's limit once parsed either.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.open: list[tuple[str, str]] = []  # (name, opening tag), outermost first
        self.tokens: list[str] = []
        self.length = 0  # of self.tokens
        self.has_text = False

    def closers(self) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(self.open))

    def room(self) -> int:
        return self.limit - self.length - len(self.closers())

    def add(self, token: str) -> None:
        self.tokens.append(token)
        self.length += len(token)
        tag = _TAG.fullmatch(token)
        if tag is None:
            self.has_text = True
        elif tag[1]:
            for index in range(len(self.open) - 1, -1, -1):
                if self.open[index][0] == tag[2].lower():
                    del self.open[index]
                    break
        else:
            self.open.append((tag[2].lower(), token))

    def cut(self, last: bool = False) -> None:
        if self.has_text:
            self.parts.append("".join(self.tokens) + ("" if last else self.closers()))
            self.tokens = [opening for _, opening in self.open]
            self.length = sum(len(t) for t in self.tokens)
            self.has_text = False

    def try_line(self, tokens: list[str], newline: bool) -> bool:
        """Add a whole line if it fits (undone otherwise); whether it did."""
        saved = (len(self.tokens), self.length, list(self.open), self.has_text)
        for token in (["\n"] if newline else []) + tokens:
            self.add(token)
        if self.room() >= 0:
            return True
        kept, self.length, self.open, self.has_text = saved
        del self.tokens[kept:]
        return False

    def add_long_line(self, tokens: list[str]) -> None:
        """A line longer than a part: cut between tags and entities, never inside one."""
        for token in tokens:
            if token[0] in "<&" and len(token) > 1:  # a tag or an entity: whole
                if self.try_line([token], newline=False):
                    continue
                self.cut()
                self.add(token)
                continue
            while len(token) > self.room() > 0 or (token and self.room() <= 0 and self.has_text):
                head, token = token[: max(self.room(), 0)], token[max(self.room(), 0) :]
                if head:
                    self.add(head)
                self.cut()
            if token:
                self.add(token)


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Split HTML ``text`` into parts of at most ``limit`` characters, at line breaks
    where it can and never inside a tag or an entity (``&amp;``); a tag open at a cut
    is closed there and opened again in the next part."""
    if len(text) <= limit:
        return [text]
    parts = _Parts(limit)
    for index, tokens in enumerate(_lines(text)):
        if parts.try_line(tokens, newline=index > 0 and parts.has_text):
            continue
        parts.cut()
        if not parts.try_line(tokens, newline=False):
            parts.add_long_line(tokens)
    parts.cut(last=True)
    return parts.parts or [text]


async def deliver(
    bot: Bot, chat_id: int, replies: Sequence[Said], *, with_buttons: list[int] | None = None
) -> list[int]:
    """Send replies to ``chat_id`` and outgoing messages to theirs, in order.

    A person who blocked the bot is skipped (their chat id is returned, so that the
    caller can mark them unreachable); the others still get their messages. The ids
    of the messages in ``chat_id`` that carry buttons are appended to ``with_buttons``
    (so that /cancel can take the live buttons away later).
    """
    unreachable: list[int] = []
    for said in replies:
        target, reply = (
            (said.chat_id, said.reply) if isinstance(said, Outgoing) else (chat_id, said)
        )
        if target in unreachable:
            continue
        try:
            message_id = await _deliver_one(bot, target, reply)
        except Forbidden:
            if target == chat_id:
                raise
            log.info("chat %s blocked the bot; marked unreachable", target)
            unreachable.append(target)
            continue
        if with_buttons is not None and target == chat_id and message_id is not None:
            with_buttons.append(message_id)
    return unreachable


async def _deliver_one(bot: Bot, chat_id: int, reply: Reply) -> int | None:
    """Send or edit one reply; the id of the message that carries its buttons, if any."""
    markup = keyboard(reply.buttons)
    if reply.document is not None or reply.photo is not None:
        caption, *rest = split_text(reply.text, CAPTION_LIMIT) if reply.text else [""]
        if reply.document is not None:
            name, content = reply.document
            sent = await bot.send_document(
                chat_id,
                document=content,
                filename=name,
                caption=caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        else:
            assert reply.photo is not None
            sent = await bot.send_photo(
                chat_id,
                photo=reply.photo,
                caption=caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        for part in split_text("\n".join(rest)) if rest else ():
            await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
        return sent.message_id if markup is not None else None
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
            return reply.edit_message_id if markup is not None else None
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return reply.edit_message_id if markup is not None else None
            log.info(
                "could not edit message %s in %s (%s); sending anew",
                reply.edit_message_id,
                chat_id,
                error.message,
            )
    message_id: int | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await bot.send_message(
            chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )
        message_id = sent.message_id
    return message_id if markup is not None else None
