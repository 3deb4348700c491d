"""Bot API methods that write in a chat: send, edit, delete, answer a button press.

Each checks the request as Telegram does (:class:`~tidtam.fake_telegram.api.Api`) and
changes the world, so that a person in the driver sees the bot's message, or its edit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tidtam.fake_telegram.api import Api
from tidtam.fake_telegram.errors import BadRequest
from tidtam.fake_telegram.objects import JSON, Chat, StoredMessage
from tidtam.fake_telegram.params import Params

__all__ = ["METHODS"]

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


async def send_message(api: Api, params: Params) -> JSON:
    """Post a text message in a chat (``sendMessage``)."""
    chat = api.chat(params)
    text, entities = api.formatted(params, "text", required=True)
    fields: JSON = {"text": text}
    if entities:
        fields["entities"] = entities
    markup = api.markup(chat, params)
    fields.update(api.reply_fields(chat, params))
    if markup is not None:
        fields["reply_markup"] = markup
    return api.deliver(chat, "sendMessage", fields)


async def send_media(api: Api, params: Params, *, photo: bool) -> JSON:
    """Post a document or photo with an optional caption."""
    chat = api.chat(params)
    name = "photo" if photo else "document"
    stored = api.stored_file(params, name, photo=photo)
    caption, entities = api.formatted(params, "caption", required=False)
    fields: JSON = {}
    if photo:
        fields["photo"] = stored.photo_json()
    else:
        fields["document"] = stored.document_json()
    if caption is not None:
        fields["caption"] = caption
        if entities:
            fields["caption_entities"] = entities
    markup = api.markup(chat, params)
    fields.update(api.reply_fields(chat, params))
    if markup is not None:
        fields["reply_markup"] = markup
    return api.deliver(chat, "sendPhoto" if photo else "sendDocument", fields)


async def send_document(api: Api, params: Params) -> JSON:
    """Post a document (``sendDocument``)."""
    return await send_media(api, params, photo=False)


async def send_photo(api: Api, params: Params) -> JSON:
    """Post a photo (``sendPhoto``)."""
    return await send_media(api, params, photo=True)


def edit(api: Api, chat: Chat, stored: StoredMessage, changes: JSON, drop: set[str]) -> JSON:
    """Apply an edit, refused like Telegram when nothing changes."""
    before = {k: v for k, v in stored.data.items() if k not in ("edit_date",)}
    after = {k: v for k, v in before.items() if k not in drop} | changes
    if before == after:
        raise BadRequest(_NOT_MODIFIED)
    api.world.bot_edits(chat, stored, changes, drop)
    return stored.data


async def edit_message_text(api: Api, params: Params) -> JSON:
    """Change a bot message's text and buttons (``editMessageText``)."""
    chat = api.chat(params)
    stored = api.message(chat, params, "message to edit not found")
    if not stored.from_bot:
        raise BadRequest("message can't be edited")
    if "text" not in stored.data:
        raise BadRequest("there is no text in the message to edit")
    text, entities = api.formatted(params, "text", required=True)
    changes: JSON = {"text": text}
    drop = {"reply_markup", "entities"}
    if entities:
        changes["entities"] = entities
    markup = api.markup(chat, params)
    if markup is not None:
        changes["reply_markup"] = markup
    return edit(api, chat, stored, changes, drop)


async def edit_message_caption(api: Api, params: Params) -> JSON:
    """Change a bot message's caption (``editMessageCaption``)."""
    chat = api.chat(params)
    stored = api.message(chat, params, "message to edit not found")
    if not stored.from_bot:
        raise BadRequest("message can't be edited")
    if "text" in stored.data:
        raise BadRequest("there is no caption in the message to edit")
    caption, entities = api.formatted(params, "caption", required=False)
    changes: JSON = {}
    drop = {"reply_markup", "caption", "caption_entities"}
    if caption is not None:
        changes["caption"] = caption
    if entities:
        changes["caption_entities"] = entities
    markup = api.markup(chat, params)
    if markup is not None:
        changes["reply_markup"] = markup
    return edit(api, chat, stored, changes, drop)


async def edit_message_reply_markup(api: Api, params: Params) -> JSON:
    """Change a bot message's buttons (``editMessageReplyMarkup``)."""
    chat = api.chat(params)
    stored = api.message(chat, params, "message to edit not found")
    if not stored.from_bot:
        raise BadRequest("message can't be edited")
    markup = api.markup(chat, params)
    changes: JSON = {} if markup is None else {"reply_markup": markup}
    return edit(api, chat, stored, changes, {"reply_markup"})


async def delete_message(api: Api, params: Params) -> bool:
    """Mark a message deleted (``deleteMessage``)."""
    chat = api.chat(params)
    stored = api.message(chat, params, "message to delete not found")
    bot_is_admin = chat.members.get(api.world.bot.id) in ("administrator", "creator")
    if chat.type != "private" and not stored.from_bot and not bot_is_admin:
        raise BadRequest("message can't be deleted")
    stored.deleted = True
    api.world.signal.fire()
    return True


async def answer_callback_query(api: Api, params: Params) -> bool:
    """Record the answer to a button press (``answerCallbackQuery``)."""
    record = api.world.callbacks.get(params.text("callback_query_id") or "")
    if record is None or record.answered:
        raise BadRequest("query is too old and response timeout expired or query ID is invalid")
    text = params.text("text")
    if text is not None and len(text) > 200:
        raise BadRequest("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer = {
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": params.text("url"),
    }
    api.world.signal.fire()
    return True


METHODS: dict[str, Callable[[Api, Params], Awaitable[Any]]] = {
    "sendmessage": send_message,
    "senddocument": send_document,
    "sendphoto": send_photo,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
}
