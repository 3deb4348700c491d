"""The fake Telegram world behind the stand-in: people, chats, messages, updates, files.

Everything here is plain in-memory state mutated synchronously on one event loop: the
HTTP handlers (the bot's side, :mod:`tidtam.standin.server`) and the driver (the
people's side, :mod:`tidtam.standin.driver`) both call into one :class:`World`.
Waiting (long polling, ``wait_reply``) uses :class:`Signal`, which any synchronous
mutation fires.

Messages are kept as the JSON dicts Telegram would return (``Message`` objects that
python-telegram-bot's ``de_json`` accepts); message ids increase per chat. Every
message the bot sends or edits is also appended to its chat's ``events`` so that the
driver can read the bot's replies in order, edits included.

The text-with-entities rules live here too because both sides need them:
:func:`parse_html` is Telegram's HTML ``parse_mode`` (same tags, same error texts,
UTF-16 offsets) and :func:`command_entities` marks ``/commands`` in people's texts.

Exceptions (one tree; each becomes a Bot API error answer)::

    StandInError                 anything the stand-in refuses
    └── ApiError                 .code (HTTP status), .description, .parameters
        ├── BadRequest           400 "Bad Request: ..."
        ├── Unauthorized         401 "Unauthorized"
        ├── Forbidden            403 "Forbidden: ..."
        ├── NotFound             404 "Not Found"
        └── TooManyRequests      429 "Too Many Requests: retry after N", .retry_after
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import itertools
import re
import secrets
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]

# --------------------------------------------------------------------------- errors


class StandInError(Exception):
    """Base of everything the stand-in refuses."""


class ApiError(StandInError):
    """A Bot API error answer: ``{"ok": false, "error_code", "description", "parameters"}``."""

    code = 400

    def __init__(self, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSON:
        """The JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class Conflict(ApiError):
    """409: another getUpdates or a webhook is in the way."""

    code = 409


class BadRequest(ApiError):
    """400: the request is wrong; ``description`` starts with "Bad Request: "."""

    code = 400

    def __init__(self, reason: str, parameters: JSON | None = None) -> None:
        super().__init__(f"Bad Request: {reason}", parameters)


class Unauthorized(ApiError):
    """401: the token is not the bot's."""

    code = 401

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class Forbidden(ApiError):
    """403: the bot may not act there (blocked, not a member, never started)."""

    code = 403

    def __init__(self, reason: str) -> None:
        super().__init__(f"Forbidden: {reason}")


class NotFound(ApiError):
    """404: unknown method."""

    code = 404

    def __init__(self) -> None:
        super().__init__("Not Found")


class TooManyRequests(ApiError):
    """429: flood control; ``retry_after`` whole seconds, at least 1."""

    code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            f"Too Many Requests: retry after {self.retry_after}",
            {"retry_after": self.retry_after},
        )


# ------------------------------------------------------------------- text & entities

HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "code": "code",
    "pre": "pre", "blockquote": "blockquote", "a": "text_link", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or a numeric entity at ``index``."""
    match = _ENTITY_RE.match(text, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int  # UTF-16 offset in the parsed text


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse ``name=value`` pairs up to ``>``; returns them and the index of ``>``."""
    attributes: dict[str, str] = {}
    n = len(text)
    at = _byte_offset(text, begin)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {at}")
        if text[i] == ">":
            return attributes, i
        start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[start:i].lower()
        if not name:
            raise BadRequest(
                f'can\'t parse entities: Empty attribute name in the tag "{tag}" '
                f"at byte offset {at}"
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            attributes[name] = ""
            continue
        if i >= n or text[i] != "=":
            raise BadRequest(
                "can't parse entities: Expected equal sign in declaration of an attribute "
                f'of the tag "{tag}" at byte offset {at}'
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {at}")
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value: list[str] = []
            while i < n and text[i] != quote:
                decoded = _decode_entity(text, i) if text[i] == "&" else None
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                else:
                    value.append(text[i])
                    i += 1
            if i >= n:
                raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {at}")
            i += 1
            attributes[name] = "".join(value)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and not text[i].isspace() and text[i] != ">":
                raise BadRequest(
                    "can't parse entities: Unexpected end of name token at byte offset "
                    f"{_byte_offset(text, start)}"
                )
            attributes[name] = text[start:i].lower()


def _entity_for(tag: _OpenTag, length: int) -> JSON | None:
    entity: JSON = {"type": _TAG_ENTITY[tag.name], "offset": tag.offset, "length": length}
    if tag.name == "a":
        url = tag.attributes.get("href", "")
        if not url:
            return None
        entity["url"] = url
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "code":
        css = tag.attributes.get("class", "")
        if css.startswith("language-"):
            entity["_language"] = css.removeprefix("language-")
    return entity


def _merge_pre_code(pre: JSON, entities: list[JSON]) -> None:
    """``<pre><code class="language-x">`` becomes one ``pre`` entity with a language."""
    for child in entities:
        if (
            child["type"] == "code"
            and child["offset"] == pre["offset"]
            and child["length"] == pre["length"]
            and "_language" in child
        ):
            pre["language"] = child["_language"]
            entities.remove(child)
            return


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into plain text and MessageEntity dicts.

    Raises :class:`BadRequest` with Telegram's wording ("can't parse entities: ...")
    for unsupported tags, unclosed or unmatched tags and malformed attributes.
    Unknown ``&name;`` sequences stay literal, like Telegram.
    """
    out: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                utf16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if char != "<":
            out.append(char)
            utf16 += utf16_len(char)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise BadRequest(
                    "can't parse entities: Unexpected end tag at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            i += 1
            start = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            end_name = text[start:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise BadRequest(
                    "can't parse entities: Unclosed end tag at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            i += 1
            tag = stack.pop()
            if end_name and end_name != tag.name:
                raise BadRequest(
                    "can't parse entities: Unmatched end tag at byte offset "
                    f'{_byte_offset(text, begin)}, expected "</{tag.name}>", '
                    f'found "</{end_name}>"'
                )
            length = utf16 - tag.offset
            entity = _entity_for(tag, length)
            if entity is not None and length > 0:
                if entity["type"] == "pre":
                    _merge_pre_code(entity, entities)
                entities.append(entity)
            continue
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise BadRequest(
                "can't parse entities: Unclosed start tag at byte offset "
                f"{_byte_offset(text, begin)}"
            )
        name = text[begin + 1 : i].lower()
        if name not in HTML_TAGS:
            raise BadRequest(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        attributes, i = _parse_attributes(text, i, name, begin)
        i += 1
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise BadRequest(
                'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_OpenTag(name, attributes, utf16))
    if stack:
        raise BadRequest(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities for every ``/command`` (optionally ``@bot``) in ``text``."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND_RE.finditer(text)
    ]


# ------------------------------------------------------------------------- signal


class Signal:
    """Wakes every coroutine waiting in :meth:`wait`; :meth:`fire` is synchronous."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        """Wake all current waiters."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, within: float) -> None:
        """Return at the next :meth:`fire` or after ``within`` seconds, whichever is first."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a
            # cancellation that comes as the waiter is woken (a benchmark then never
            # stopped its simulated people).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, within)):
                    await waiter
        finally:
            self._waiters.discard(waiter)


# -------------------------------------------------------------------------- world

ChatType = Literal["private", "group", "supergroup"]
EventKind = Literal["sent", "edited"]
SUPERGROUP_BASE = 1_000_000_000_000
DEFAULT_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
        "inline_query", "chosen_inline_result", "my_chat_member", "chat_join_request",
        "shipping_query", "pre_checkout_query", "poll", "poll_answer",
    }
)  # fmt: skip


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


def image_size(data: bytes, default: tuple[int, int] = (1280, 960)) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image (``default`` for anything else)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in _JPEG_FRAMES:
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return default


_JPEG_FRAMES = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)


def _member_json(user: User, status: str) -> JSON:
    data: JSON = {"status": status, "user": user.to_json()}
    if status == "kicked":
        data["until_date"] = 0
    return data


def _copy(data: JSON) -> JSON:
    """A deep copy of a JSON dict, so that later edits do not change a snapshot."""
    return copy.deepcopy(data)
