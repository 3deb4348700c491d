"""The fake Telegram world: people, chats, messages, files and the update queue.

Everything here is plain in-memory state mutated synchronously on one event loop: the
HTTP methods (the bot's side, :mod:`tidtam.fake_telegram.server`) and the driver (the
people's side, :mod:`tidtam.fake_telegram.driver`) both call into one :class:`World`,
and every mutation fires a :class:`~tidtam.fake_telegram.waiting.Signal`. Message ids
increase per chat; every message the bot sends or edits is also appended to its chat's
``events`` so that the driver reads the bot's replies in order, edits included.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Literal

from tidtam.fake_telegram.objects import (
    JSON,
    BotEvent,
    CallbackRecord,
    Chat,
    ChatType,
    StoredFile,
    StoredMessage,
    Update,
    User,
)
from tidtam.fake_telegram.waiting import Signal

__all__ = ["DEFAULT_UPDATES", "SUPERGROUP_BASE", "World"]

SUPERGROUP_BASE = 1_000_000_000_000
DEFAULT_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
        "inline_query", "chosen_inline_result", "my_chat_member", "chat_join_request",
        "shipping_query", "pre_checkout_query", "poll", "poll_answer",
    }
)  # fmt: skip


class World:
    """All of the fake Telegram: people, chats, messages, files and the update queue."""

    def __init__(self, bot: User, clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.clock = clock
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[Update] = []
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.signal = Signal()
        self.closing = False
        self._update_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._ids = itertools.count(7_000_000_001)

    # -- people and chats ------------------------------------------------------

    def add_user(
        self,
        id: int | None = None,
        first_name: str = "ผู้ใช้",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "th",
    ) -> User:
        """Create a person (and their private chat with the bot); return an existing one."""
        uid = id if id is not None else next(self._ids)
        if uid in self.users:
            return self.users[uid]
        if uid <= 0:
            raise ValueError(f"user ids are positive, got {uid}")
        user = User(uid, first_name, last_name, username, language_code)
        self.users[uid] = user
        self.chats[uid] = Chat(uid, "private", user=user)
        return user

    def add_group(
        self,
        id: int | None = None,
        title: str = "กลุ่ม",
        *,
        type: ChatType | None = None,
        privacy_mode: bool = True,
    ) -> Chat:
        """Create a group with the bot in it (supergroup if the id looks like ``-100...``)."""
        gid = id if id is not None else -(4_000_000_000 + next(self._ids) % 1_000_000_000)
        if gid >= 0:
            raise ValueError(f"group ids are negative, got {gid}")
        if gid in self.chats:
            return self.chats[gid]
        kind: ChatType = type or ("supergroup" if -gid > SUPERGROUP_BASE else "group")
        chat = Chat(gid, kind, title=title, privacy_mode=privacy_mode)
        chat.members[self.bot.id] = "member"
        self.chats[gid] = chat
        return chat

    def chat(self, chat_id: int) -> Chat:
        """The chat with this id (KeyError if there is none)."""
        return self.chats[chat_id]

    def find_chat(self, ref: int | str) -> Chat | None:
        """A chat by id or ``@username``."""
        if isinstance(ref, int):
            return self.chats.get(ref)
        name = ref.removeprefix("@").lower()
        for chat in self.chats.values():
            if chat.user is not None and (chat.user.username or "").lower() == name:
                return chat
        return None

    # -- updates ---------------------------------------------------------------

    def enqueue(self, kind: str, payload: JSON) -> Update | None:
        """Queue an update for ``getUpdates`` unless the bot excluded its kind."""
        if kind not in self.allowed_updates:
            return None
        update = Update(next(self._update_ids), kind, payload)
        self.updates.append(update)
        self.signal.fire()
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last -offset."""
        if offset is None:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u.update_id >= offset]

    def delivered(self, update_id: int) -> None:
        """Forget one update: the bot's webhook took it (others may still be pending)."""
        self.updates = [u for u in self.updates if u.update_id != update_id]

    def set_allowed_updates(self, kinds: Iterable[str] | None) -> None:
        """Change which kinds of update are queued from now on (empty → the default)."""
        if kinds is None:
            return
        chosen = frozenset(kinds)
        self.allowed_updates = chosen or DEFAULT_UPDATES

    # -- messages --------------------------------------------------------------

    def _new_message(self, chat: Chat, sender: User | None, fields: JSON) -> JSON:
        data: JSON = {"message_id": chat.next_message_id, "date": int(self.clock())}
        chat.next_message_id += 1
        if sender is not None:
            data["from"] = sender.to_json()
        data["chat"] = chat.to_json()
        data.update(fields)
        return data

    def person_posts(
        self, chat: Chat, user: User, fields: JSON, *, deliver: bool = True
    ) -> StoredMessage:
        """A person writes in a chat; the bot gets a ``message`` update if ``deliver``."""
        if chat.type != "private":
            chat.members.setdefault(user.id, "member")
        else:
            chat.started = True
        stored = StoredMessage(self._new_message(chat, user, fields), from_bot=False)
        chat.messages[stored.message_id] = stored
        if deliver:
            self.enqueue("message", stored.data)
        self.signal.fire()
        return stored

    def bot_posts(self, chat: Chat, fields: JSON) -> StoredMessage:
        """The bot writes in a chat (the caller has checked that it may)."""
        stored = StoredMessage(self._new_message(chat, self.bot, fields), from_bot=True)
        chat.messages[stored.message_id] = stored
        chat.events.append(BotEvent("sent", stored.message_id, _copy(stored.data)))
        chat.signal.fire()
        self.signal.fire()
        return stored

    def bot_edits(
        self, chat: Chat, stored: StoredMessage, changes: JSON, drop: Iterable[str]
    ) -> None:
        """Apply an edit by the bot (``changes`` set, ``drop`` keys removed)."""
        for key in drop:
            stored.data.pop(key, None)
        stored.data.update(changes)
        stored.data["edit_date"] = int(self.clock())
        chat.events.append(BotEvent("edited", stored.message_id, _copy(stored.data)))
        chat.signal.fire()
        self.signal.fire()

    def press(self, user: User, chat: Chat, stored: StoredMessage, data: str) -> CallbackRecord:
        """A person presses an inline button with ``data``: queue a ``callback_query``."""
        query_id = str(secrets.randbits(63))
        record = CallbackRecord(query_id, user.id, chat.id, stored.message_id, data)
        self.callbacks[query_id] = record
        instance = hashlib.sha256(f"{chat.id}".encode()).hexdigest()[:16]
        self.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_json(),
                "message": _copy(stored.data),
                "chat_instance": str(int(instance, 16)),
                "data": data,
            },
        )
        return record

    def set_blocked(self, user: User, blocked: bool) -> None:
        """The person blocks (or unblocks) the bot; the bot gets ``my_chat_member``."""
        chat = self.chats[user.id]
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self.enqueue(
            "my_chat_member",
            {
                "chat": chat.to_json(),
                "from": user.to_json(),
                "date": int(self.clock()),
                "old_chat_member": _member_json(self.bot, old),
                "new_chat_member": _member_json(self.bot, new),
            },
        )

    def migrate(self, chat: Chat, by: User | None) -> Chat:
        """Upgrade a basic group to a supergroup; return the new chat."""
        if chat.type != "group" or chat.migrated_to is not None:
            raise ValueError(f"chat {chat.id} is not a basic group")
        new = Chat(
            -(SUPERGROUP_BASE + (-chat.id)),
            "supergroup",
            title=chat.title,
            members=dict(chat.members),
            privacy_mode=chat.privacy_mode,
        )
        self.chats[new.id] = new
        chat.migrated_to = new.id
        old_note = self._new_message(chat, by, {"migrate_to_chat_id": new.id})
        chat.messages[old_note["message_id"]] = StoredMessage(old_note, from_bot=False)
        new_note = self._new_message(new, by, {"migrate_from_chat_id": chat.id})
        new.messages[new_note["message_id"]] = StoredMessage(new_note, from_bot=False)
        self.enqueue("message", old_note)
        self.enqueue("message", new_note)
        chat.signal.fire()  # whoever waits on the old chat looks again
        return new

    # -- files -----------------------------------------------------------------

    def store_file(
        self, data: bytes, kind: Literal["documents", "photos"], file_name: str | None,
        mime_type: str | None,
    ) -> StoredFile:  # fmt: skip
        """Keep bytes under a fresh ``file_id`` and ``file_path``."""
        number = next(self._file_numbers)
        suffix = ".jpg"
        if kind == "documents":
            suffix = "." + file_name.rsplit(".", 1)[1] if file_name and "." in file_name else ""
        prefix = "BQACAgUAAxkBAAI" if kind == "documents" else "AgACAgUAAxkBAAI"
        stored = StoredFile(
            file_id=f"{prefix}{number:06d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{number:06d}{secrets.token_hex(4)}",
            file_path=f"{kind}/file_{number}{suffix}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored


def _member_json(user: User, status: str) -> JSON:
    data: JSON = {"status": status, "user": user.to_json()}
    if status == "kicked":
        data["until_date"] = 0
    return data


def _copy(data: JSON) -> JSON:
    """A deep copy of a JSON dict, so that later edits do not change a snapshot."""
    return copy.deepcopy(data)
