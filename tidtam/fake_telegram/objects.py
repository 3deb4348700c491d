"""The Bot API's objects as the fake Telegram keeps them: users, chats, messages, files.

Messages are kept as the JSON dicts Telegram would return (``Message`` objects that
python-telegram-bot's ``de_json`` accepts); each ``to_json`` is the Bot API's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tidtam.fake_telegram.images import image_size
from tidtam.fake_telegram.waiting import Signal

__all__ = [
    "JSON",
    "BotEvent",
    "CallbackRecord",
    "Chat",
    "ChatType",
    "EventKind",
    "StoredFile",
    "StoredMessage",
    "Update",
    "User",
]

JSON = dict[str, Any]
ChatType = Literal["private", "group", "supergroup"]
EventKind = Literal["sent", "edited"]


@dataclass
class User:
    """A Telegram user (a person, or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> JSON:
        """Telegram ``User``."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class StoredMessage:
    """A message as Telegram holds it: the current JSON plus who wrote it."""

    data: JSON
    from_bot: bool
    deleted: bool = False

    @property
    def message_id(self) -> int:
        """The id, unique in its chat."""
        return int(self.data["message_id"])


@dataclass(frozen=True)
class BotEvent:
    """One message the bot sent or edited in a chat, as it looked right then."""

    kind: EventKind
    message_id: int
    snapshot: JSON


@dataclass
class Chat:
    """A private chat (id = the user's id) or a group (negative id) with members."""

    id: int
    type: ChatType
    title: str | None = None
    user: User | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    privacy_mode: bool = True
    blocked: bool = False
    started: bool = False
    migrated_to: int | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[BotEvent] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: JSON | None = None
    next_message_id: int = 1
    signal: Signal = field(default_factory=Signal, repr=False, compare=False)
    """Fired when the bot sends or edits here: a person waits on their own chat only."""

    def to_json(self) -> JSON:
        """Telegram ``Chat``."""
        data: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            data.update({"first_name": self.user.first_name})
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or ""
        return data

    def history(self) -> list[StoredMessage]:
        """Every message in order of id, deleted ones included."""
        return [self.messages[k] for k in sorted(self.messages)]


@dataclass
class StoredFile:
    """An uploaded file, kept in memory, reachable by ``file_id`` and ``file_path``."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def document_json(self) -> JSON:
        """Telegram ``Document``."""
        data: JSON = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        data["file_size"] = self.file_size
        return data

    def photo_json(self) -> list[JSON]:
        """Telegram's ``photo`` field: the sizes of one photo (here just the original)."""
        width, height = image_size(self.data)
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": width,
                "height": height,
                "file_size": self.file_size,
            }
        ]


@dataclass(frozen=True)
class Update:
    """One queued update."""

    update_id: int
    kind: str
    payload: JSON

    def to_json(self) -> JSON:
        """Telegram ``Update``."""
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class CallbackRecord:
    """A button press and the bot's answer to it, if any."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: JSON = field(default_factory=dict)
