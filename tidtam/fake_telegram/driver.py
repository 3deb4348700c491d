"""The people's side of the fake Telegram: users and groups that talk to the bot.

Obtained from a running fake Telegram (``telegram.user(...)``, ``telegram.group(...)``), they
write into the fake world exactly what Telegram would deliver to the bot (``message``
and ``callback_query`` updates) and read back what the bot did::

    user = telegram.user(id=1001, first_name="สมศรี", language_code="th")
    await user.send("/start ABCDE")
    reply = await user.wait_reply()
    await user.click("ดำเนินการแล้ว")          # button text or callback_data
    edited = await user.wait_reply()            # edits count as replies

Replies are a queue: every message the bot sends or edits in the chat is returned by
:meth:`Conversation.wait_reply` exactly once, in order, as it looked at that moment
(:meth:`Conversation.skip_replies` drops what is pending). ``messages`` is the current
transcript of both sides and ``last_message`` the bot's latest message as it is now.

Misuse by a test (pressing a button that is not there, waiting for a reply that does
not come) raises ``AssertionError`` with what the chat shows instead.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from typing import Any

from tidtam.fake_telegram.entities import command_entities
from tidtam.fake_telegram.objects import JSON, BotEvent, Chat, StoredMessage, User
from tidtam.fake_telegram.views import BotMessage, CallbackPress, FileView
from tidtam.fake_telegram.world import World

__all__ = ["BotMessage", "CallbackPress", "Conversation", "DriverGroup", "DriverUser", "FileView"]


class Conversation:
    """What users and groups share: reading the bot's replies and pressing buttons."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._cursor = 0
        self._cursor_chat = 0

    @property
    def chat(self) -> Chat:
        """The chat this conversation happens in."""
        raise NotImplementedError

    @property
    def name(self) -> str:
        """For messages in assertions."""
        return str(self.chat.id)

    def _pending(self) -> list[BotEvent]:
        chat = self.chat
        if chat.id != self._cursor_chat:
            self._cursor_chat, self._cursor = chat.id, 0
        return chat.events[self._cursor :]

    def _view(self, event: BotEvent) -> BotMessage:
        return BotMessage.of(self._world, event.snapshot, True, is_edit=event.kind == "edited")

    async def wait_reply(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next message the bot sends or edits here (AssertionError after ``timeout``)."""
        return (await self.wait_replies(1, timeout))[0]

    async def wait_replies(self, count: int, timeout: float = 5.0) -> list[BotMessage]:  # noqa: ASYNC109
        """The next ``count`` messages the bot sends or edits here."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            pending = self._pending()
            if len(pending) >= count:
                self._cursor += count
                return [self._view(event) for event in pending[:count]]
            remaining = deadline - loop.time()
            if remaining <= 0:
                last = self.last_message
                raise AssertionError(
                    f"{self.name}: expected {count} repl{'y' if count == 1 else 'ies'} from "
                    f"the bot within {timeout} s, got {len(pending)}; the bot's last message: "
                    f"{last.text if last else None!r}"
                )
            await self.chat.signal.wait(remaining)  # not the world's: 1,000 waiters

    async def expect_no_reply(self, within: float = 0.3) -> None:
        """Assert that the bot sends and edits nothing here for ``within`` seconds."""
        await asyncio.sleep(within)
        pending = self._pending()
        if pending:
            raise AssertionError(
                f"{self.name}: expected no reply, the bot sent {self._view(pending[0]).text!r}"
            )

    def skip_replies(self) -> list[BotMessage]:
        """Mark every pending reply as read; return them."""
        pending = self._pending()
        self._cursor += len(pending)
        return [self._view(event) for event in pending]

    @property
    def messages(self) -> list[BotMessage]:
        """The transcript as it is now: both sides, in order, deleted ones left out."""
        return [
            BotMessage.of(self._world, stored.data, stored.from_bot)
            for stored in self.chat.history()
            if not stored.deleted
        ]

    @property
    def last_message(self) -> BotMessage | None:
        """The bot's latest message here as it is now (None if there is none)."""
        for stored in reversed(self.chat.history()):
            if stored.from_bot and not stored.deleted:
                return BotMessage.of(self._world, stored.data, True)
        return None

    @property
    def chat_actions(self) -> list[str]:
        """Chat actions ("typing", ...) the bot sent here, in order."""
        return list(self.chat.actions)

    def _stored(self, ref: BotMessage | int) -> StoredMessage:
        message_id = ref.message_id if isinstance(ref, BotMessage) else ref
        stored = self.chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise AssertionError(f"{self.name}: there is no message {message_id}")
        return stored

    def _button(self, button: str, message: BotMessage | int | None) -> tuple[StoredMessage, str]:
        if message is not None:
            candidates = [self._stored(message)]
        else:
            candidates = [s for s in reversed(self.chat.history()) if s.from_bot and not s.deleted]
        for stored in candidates:
            rows = (stored.data.get("reply_markup") or {}).get("inline_keyboard", [])
            for row in rows:
                for key in row:
                    if button not in (key.get("text"), key.get("callback_data")):
                        continue
                    data = key.get("callback_data")
                    if data is None:
                        raise AssertionError(
                            f"{self.name}: button {button!r} has no callback_data: {key}"
                        )
                    return stored, str(data)
        shown = [BotMessage.of(self._world, s.data, True).buttons for s in candidates[:1]]
        raise AssertionError(
            f"{self.name}: no inline button {button!r} on "
            f"{'that message' if message is not None else 'any bot message'}; "
            f"the latest keyboard: {shown[0] if shown else None}"
        )

    async def _press(
        self, user: User, button: str, message: BotMessage | int | None
    ) -> CallbackPress:
        stored, data = self._button(button, message)
        record = self._world.press(user, self.chat, stored, data)
        await asyncio.sleep(0)
        return CallbackPress(record)

    def _post(self, user: User, fields: JSON, reply_to: BotMessage | int | None) -> StoredMessage:
        if reply_to is not None:
            replied = self._stored(reply_to)
            fields["reply_to_message"] = {
                k: v for k, v in replied.data.items() if k != "reply_to_message"
            }
        return self._world.person_posts(self.chat, user, fields, deliver=self._delivers(fields))

    def _delivers(self, fields: JSON) -> bool:
        return True


def text_fields(text: str) -> JSON:
    """A text message's fields, with ``bot_command`` entities like Telegram adds."""
    fields: JSON = {"text": text}
    entities = command_entities(text)
    if entities:
        fields["entities"] = entities
    return fields


class DriverUser(Conversation):
    """A person in their private chat with the bot."""

    def __init__(self, world: World, user: User) -> None:
        super().__init__(world)
        self.user = user

    @property
    def id(self) -> int:
        """The user's id (also the private chat's id)."""
        return self.user.id

    @property
    def first_name(self) -> str:
        """The user's first name."""
        return self.user.first_name

    @property
    def chat(self) -> Chat:
        """The private chat with the bot."""
        return self._world.chats[self.user.id]

    @property
    def name(self) -> str:
        """For messages in assertions."""
        return f"user {self.user.id} ({self.user.first_name})"

    @property
    def blocked(self) -> bool:
        """Whether the user has blocked the bot."""
        return self.chat.blocked

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The custom reply keyboard the bot shows this user, as rows of texts."""
        markup = self.chat.reply_keyboard
        if markup is None:
            return None
        return [
            [key if isinstance(key, str) else str(key.get("text", "")) for key in row]
            for row in markup.get("keyboard", [])
        ]

    async def _say(self, fields: JSON, reply_to: BotMessage | int | None = None) -> BotMessage:
        if self.chat.blocked:
            self._world.set_blocked(self.user, False)
        stored = self._post(self.user, fields, reply_to)
        await asyncio.sleep(0)
        return BotMessage.of(self._world, stored.data, False)

    async def send(self, text: str, *, reply_to: BotMessage | int | None = None) -> BotMessage:
        """Send a text message (``/commands`` get ``bot_command`` entities)."""
        return await self._say(text_fields(text), reply_to)

    async def send_document(
        self,
        data: bytes,
        filename: str = "document.pdf",
        mime_type: str | None = "application/pdf",
        *,
        caption: str | None = None,
    ) -> BotMessage:
        """Send a file as a document."""
        stored = self._world.store_file(data, "documents", filename, mime_type)
        fields: JSON = {"document": stored.document_json()}
        if caption:
            fields["caption"] = caption
        return await self._say(fields)

    async def send_photo(
        self, data: bytes, *, caption: str | None = None, media_group_id: str | None = None
    ) -> BotMessage:
        """Send a photo (the bytes are kept as they are)."""
        stored = self._world.store_file(data, "photos", None, "image/jpeg")
        fields: JSON = {"photo": stored.photo_json()}
        if media_group_id:
            fields["media_group_id"] = media_group_id
        if caption:
            fields["caption"] = caption
        return await self._say(fields)

    async def send_album(
        self, photos: Sequence[bytes], *, caption: str | None = None
    ) -> list[BotMessage]:
        """Send several photos as one album (one ``media_group_id``, caption on the first)."""
        group_id = str(13_000_000_000_000_000 + secrets.randbits(48))
        sent: list[BotMessage] = []
        for index, data in enumerate(photos):
            first_caption = caption if index == 0 else None
            sent.append(await self.send_photo(data, caption=first_caption, media_group_id=group_id))
        return sent

    async def click(self, button: str, message: BotMessage | int | None = None) -> CallbackPress:
        """Press the inline button with this text or callback_data.

        On ``message`` if given, else on the latest bot message that has such a button.
        """
        if self.chat.blocked:
            self._world.set_blocked(self.user, False)
        return await self._press(self.user, button, message)

    def block(self) -> None:
        """Block the bot: its sends here get 403 until the user writes again."""
        self._world.set_blocked(self.user, True)

    def unblock(self) -> None:
        """Unblock the bot."""
        self._world.set_blocked(self.user, False)


class DriverGroup(Conversation):
    """A group (or supergroup) with the bot and some people in it."""

    def __init__(self, world: World, chat: Chat) -> None:
        super().__init__(world)
        self._chat_id = chat.id

    @property
    def chat(self) -> Chat:
        """The group's chat (the supergroup after a migration)."""
        return self._world.chats[self._chat_id]

    @property
    def id(self) -> int:
        """The group's current id."""
        return self._chat_id

    @property
    def title(self) -> str:
        """The group's title."""
        return self.chat.title or ""

    @property
    def name(self) -> str:
        """For messages in assertions."""
        return f"group {self._chat_id} ({self.title})"

    def add(self, user: DriverUser, status: str = "member") -> None:
        """Add a person (status ``member``, ``administrator`` or ``creator``)."""
        self.chat.members[user.id] = status

    def _delivers(self, fields: JSON) -> bool:
        """Privacy mode: the bot gets only commands (for it) and replies to its messages."""
        chat = self.chat
        if not chat.privacy_mode:
            return True
        replied = fields.get("reply_to_message")
        if isinstance(replied, dict) and (replied.get("from") or {}).get("id") == (
            self._world.bot.id
        ):
            return True
        text = str(fields.get("text", ""))
        entities: list[Any] = fields.get("entities", [])
        if not entities or entities[0]["offset"] != 0 or not text.startswith("/"):
            return False
        command = text[: entities[0]["length"]]
        _, _, target = command.partition("@")
        return not target or target.lower() == (self._world.bot.username or "").lower()

    async def send(
        self, user: DriverUser, text: str, *, reply_to: BotMessage | int | None = None
    ) -> BotMessage:
        """``user`` writes ``text`` in the group."""
        self.chat.members.setdefault(user.id, "member")
        stored = self._post(user.user, text_fields(text), reply_to)
        await asyncio.sleep(0)
        return BotMessage.of(self._world, stored.data, False)

    async def click(
        self, user: DriverUser, button: str, message: BotMessage | int | None = None
    ) -> CallbackPress:
        """``user`` presses an inline button on a bot message in the group."""
        return await self._press(user.user, button, message)

    def migrate_to_supergroup(self, by: DriverUser | None = None) -> int:
        """Upgrade the basic group to a supergroup; return the new id (``-100...``)."""
        new = self._world.migrate(self.chat, by.user if by else None)
        self._chat_id = new.id
        return new.id
