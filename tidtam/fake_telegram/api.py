"""What every Bot API method of the fake Telegram works on, and the checks they share.

Telegram refuses a message to a chat that blocked the bot, a too long text, a broken
keyboard, a reply to a deleted message, with texts PTB turns into its exceptions; the
methods (:mod:`~tidtam.fake_telegram.bot_methods`,
:mod:`~tidtam.fake_telegram.message_methods`, :mod:`~tidtam.fake_telegram.chat_methods`)
check once, here, the way Telegram does, and post through :meth:`Api.deliver`, which
keeps the flood limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import filetype

from tidtam.fake_telegram.entities import parse_html
from tidtam.fake_telegram.errors import BadRequest, Forbidden, TooManyRequests
from tidtam.fake_telegram.limits import RateLimiter, Stats
from tidtam.fake_telegram.objects import JSON, Chat, StoredFile, StoredMessage
from tidtam.fake_telegram.params import Params
from tidtam.fake_telegram.webhook import Webhook
from tidtam.fake_telegram.world import World

__all__ = ["MAX_CAPTION", "MAX_TEXT", "Api"]

MAX_TEXT = 4096
MAX_CAPTION = 1024
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


@dataclass
class Api:
    """The world, the flood limits and the bot's profile texts, with the shared checks."""

    world: World
    limiter: RateLimiter
    stats: Stats
    enforce_limits: bool = False
    profile: dict[tuple[str, str], str] = field(default_factory=dict)
    webhook: Webhook = field(default_factory=Webhook)

    def chat(self, params: Params) -> Chat:
        """The chat a bot request is about, with Telegram's refusals."""
        chat = self.world.find_chat(params.chat_id())
        if chat is None:
            raise BadRequest("chat not found")
        if chat.migrated_to is not None:
            raise BadRequest(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            if chat.blocked:
                raise Forbidden("bot was blocked by the user")
            if not chat.started:
                raise Forbidden("bot can't initiate conversation with a user")
        elif self.world.bot.id not in chat.members:
            raise Forbidden("bot is not a member of the group chat")
        return chat

    def deliver(self, chat: Chat, method: str, fields: JSON) -> JSON:
        """Apply the flood limits, then post the bot's message and count it."""
        if self.enforce_limits:
            retry_after = self.limiter.acquire(chat.id, chat.type != "private")
            if retry_after is not None:
                self.stats.record_rate_limited(chat.id)
                raise TooManyRequests(retry_after)
        stored = self.world.bot_posts(chat, fields)
        self.stats.record_delivery(self.limiter.clock(), chat.id, stored.message_id, method)
        return stored.data

    def message(self, chat: Chat, params: Params, missing: str) -> StoredMessage:
        message_id = params.integer("message_id")
        if params.values.get("inline_message_id"):
            raise BadRequest("MESSAGE_ID_INVALID")
        stored = chat.messages.get(message_id) if message_id is not None else None
        if stored is None or stored.deleted:
            raise BadRequest(missing)
        return stored

    def reply_fields(self, chat: Chat, params: Params) -> JSON:
        reply = params.json("reply_parameters")
        legacy = params.integer("reply_to_message_id")
        if not isinstance(reply, dict):
            reply = {"message_id": legacy} if legacy is not None else None
        if reply is None:
            return {}
        message_id = reply.get("message_id")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            if reply.get("allow_sending_without_reply") or params.flag(
                "allow_sending_without_reply"
            ):
                return {}
            raise BadRequest("message to be replied not found")
        return {
            "reply_to_message": {k: v for k, v in stored.data.items() if k != "reply_to_message"}
        }

    def markup(self, chat: Chat, params: Params) -> JSON | None:
        """Validate ``reply_markup``; return it if it is an inline keyboard."""
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BadRequest("can't parse reply keyboard markup JSON object")
        if "keyboard" in markup:
            chat.reply_keyboard = markup
            return None
        if markup.get("remove_keyboard"):
            chat.reply_keyboard = None
            return None
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise BadRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        clean: list[list[JSON]] = []
        for row in rows:
            clean.append([check_button(button) for button in row])
        return {"inline_keyboard": clean} if any(clean) else None

    def formatted(
        self, params: Params, field: Literal["text", "caption"], *, required: bool
    ) -> tuple[str | None, list[JSON]]:
        """The text or caption after ``parse_mode``/entities, checked like Telegram."""
        raw = params.text(field)
        if raw is None or raw == "":
            if required:
                raise BadRequest("message text is empty")
            return None, []
        entities_param = params.json("entities" if field == "text" else "caption_entities")
        parse_mode = (params.text("parse_mode") or "").strip()
        entities: list[JSON] = []
        text = raw
        if isinstance(entities_param, list):
            entities = [e for e in entities_param if isinstance(e, dict)]
        elif parse_mode.lower() == "html":
            text, entities = parse_html(raw)
        elif parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
            raise BadRequest(f"unsupported parse_mode {parse_mode}")
        if not text.strip():
            if required:
                raise BadRequest("message text is empty")
            return None, []
        limit = MAX_TEXT if field == "text" else MAX_CAPTION
        if len(text) > limit:
            raise BadRequest(
                "message is too long" if field == "text" else "message caption is too long"
            )
        return text, entities

    def stored_file(self, params: Params, name: str, *, photo: bool) -> StoredFile:
        value = params.file(name)
        if value is None or value == "":
            raise BadRequest(f"there is no {name} in the request")
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is None:
                raise BadRequest("wrong file identifier/HTTP URL specified")
            return known
        if not value.data:
            raise BadRequest("file must be non-empty")
        if photo and not filetype.is_image(value.data):
            raise BadRequest("IMAGE_PROCESS_FAILED")
        return self.world.store_file(
            value.data, "photos" if photo else "documents", value.filename, value.content_type
        )


def check_button(button: Any) -> JSON:
    """An inline keyboard button, checked like Telegram (``None`` fields dropped)."""
    if not isinstance(button, dict):
        raise BadRequest("can't parse inline keyboard button: object expected")
    clean = {k: v for k, v in button.items() if v is not None}
    if not isinstance(clean.get("text"), str) or not clean["text"]:
        raise BadRequest("can't parse inline keyboard button: Text must be non-empty")
    if not any(key in clean for key in _BUTTON_ACTIONS):
        raise BadRequest(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = clean.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
        raise BadRequest("BUTTON_DATA_INVALID")
    url = clean.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise BadRequest(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return clean
