"""What a person sees in the fake Telegram: the bot's messages, their files, a press.

Read-only views over the world's JSON, so that a test or a simulated person reads
``message.text``, ``message.button_texts`` or ``press.answer_text`` instead of digging
in Bot API dicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from tidtam.fake_telegram.objects import JSON, CallbackRecord
from tidtam.fake_telegram.world import World

__all__ = ["BotMessage", "CallbackPress", "FileView"]


@dataclass(frozen=True)
class FileView:
    """A document or photo in a message, with its bytes."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class BotMessage:
    """A view of one message (usually the bot's) as it looked when it was taken."""

    raw: JSON
    from_bot: bool
    document: FileView | None = None
    photo: FileView | None = None
    is_edit: bool = False

    @classmethod
    def of(cls, world: World, raw: JSON, from_bot: bool, *, is_edit: bool = False) -> BotMessage:
        """Build a view, looking up the bytes of any file in the message."""
        document = photo = None
        if isinstance(raw.get("document"), dict):
            doc = raw["document"]
            stored = world.files.get(doc["file_id"])
            document = FileView(
                doc["file_id"], doc["file_unique_id"], stored.data if stored else b"",
                doc.get("file_name"), doc.get("mime_type"),
            )  # fmt: skip
        if isinstance(raw.get("photo"), list) and raw["photo"]:
            size = raw["photo"][-1]
            stored = world.files.get(size["file_id"])
            photo = FileView(
                size["file_id"], size["file_unique_id"], stored.data if stored else b"",
                None, "image/jpeg", size.get("width"), size.get("height"),
            )  # fmt: skip
        return cls(raw, from_bot, document, photo, is_edit)

    @property
    def message_id(self) -> int:
        """Id of the message in its chat."""
        return int(self.raw["message_id"])

    @property
    def chat_id(self) -> int:
        """Id of the chat it is in."""
        return int(self.raw["chat"]["id"])

    @property
    def sender_id(self) -> int | None:
        """Id of the user who wrote it."""
        sender = self.raw.get("from")
        return int(sender["id"]) if isinstance(sender, dict) else None

    @property
    def text(self) -> str:
        """The text, or the caption of a document or photo ("" if none)."""
        return str(self.raw.get("text", self.raw.get("caption", "")))

    @property
    def entities(self) -> list[JSON]:
        """The text's (or caption's) entities."""
        found: list[JSON] = self.raw.get("entities") or self.raw.get("caption_entities") or []
        return list(found)

    @property
    def edited(self) -> bool:
        """Whether the message had been edited when the view was taken."""
        return "edit_date" in self.raw

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows of (text, callback_data); None for URL and other buttons."""
        rows = (self.raw.get("reply_markup") or {}).get("inline_keyboard", [])
        return [[(b["text"], b.get("callback_data")) for b in row] for row in rows]

    @property
    def button_texts(self) -> list[str]:
        """The inline buttons' texts, row by row, flattened."""
        return [text for row in self.buttons for text, _ in row]

    def __str__(self) -> str:
        return self.text


@dataclass
class CallbackPress:
    """A pressed inline button and, once the bot answers, its answer."""

    record: CallbackRecord

    @property
    def id(self) -> str:
        """The callback query id the bot sees."""
        return self.record.id

    @property
    def data(self) -> str:
        """The button's callback_data."""
        return self.record.data

    @property
    def answered(self) -> bool:
        """Whether the bot called answerCallbackQuery for it."""
        return self.record.answered

    @property
    def answer_text(self) -> str | None:
        """The text of the bot's answer (toast or alert)."""
        text = self.record.answer.get("text")
        return None if text is None else str(text)

    @property
    def show_alert(self) -> bool:
        """Whether the answer is an alert rather than a toast."""
        return bool(self.record.answer.get("show_alert"))
