"""A sender for fan-outs that stays under Telegram's limits and leaves room for replies.

Telegram allows a bot about 30 messages a second in all, one a second per private
chat (short bursts pass) and 20 a minute per group. Reminders go out at most
``per_second`` (28 by default), evenly spaced, with several in flight since each
call takes a round trip; and at most ``per_second`` in any second counting the room
kept for replies: :meth:`PacedSender.make_room` (called for every update the bot
receives, see :mod:`reminders.scheduler`) holds one place for the reply to come, for
a second plus ``reply_hold``. So replies go first and reminders take what is left.
A 429's ``retry_after`` pauses every reminder, not only the refused one, and the
message is tried again. The outcome of each message says what the sweep records.

Reminders should go through a bot of their own (:func:`standalone_bot`), not through
the Application's rate-limited one: python-telegram-bot's ``AIORateLimiter`` halts
*every* request, replies too, for as long as any 429 asks, and queues the paced
reminders meanwhile, to let them out in one burst afterwards.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

log = logging.getLogger("tidtam.reminders")


class Outcome(enum.StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked, deactivated, never started, chat gone
    FAILED = "failed"  # a passing failure: try again in a later sweep


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Outcome
    chat_id: int  # where it went in the end (a migrated group's new id)
    retries: int = 0


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PacedSender:
    """Send plain-text messages at most ``per_second``, ``per_chat`` apart per chat."""

    def __init__(
        self,
        bot: Bot,
        *,
        per_second: float = 28.0,
        private_gap: float = 1.0,
        group_gap: float = 3.0,
        in_flight: int = 16,
        max_retries: int = 5,
        reply_hold: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.interval = 1.0 / per_second
        self.budget = max(1, int(per_second))  # reminders + replies expected, in any second
        self.private_gap = private_gap
        self.group_gap = group_gap
        self.max_retries = max_retries
        self.reply_hold = reply_hold
        self.clock = clock
        self.sleep = sleep
        self.in_flight = in_flight
        self._slots = asyncio.Semaphore(in_flight)
        self._pace = asyncio.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._last_in_chat: dict[int, float] = {}
        self._sent: deque[float] = deque()  # when recent reminders went
        self._held: deque[float] = deque()  # when recent updates asked for room
        self._ready = False
        self.rate_limited = 0

    def make_room(self) -> None:
        """A reply is coming (the bot got an update): keep a place for it."""
        self._held.append(self.clock())

    def _room_at(self, now: float) -> float:
        """When one more reminder fits in the last second with the room kept for replies."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        held_for = 1.0 + self.reply_hold
        while self._held and self._held[0] <= now - held_for:
            self._held.popleft()
        over = len(self._sent) + len(self._held) - self.budget
        if over < 0:
            return now
        frees = sorted([t + 1.0 for t in self._sent] + [t + held_for for t in self._held])
        return frees[over]

    async def _wait_turn(self, chat_id: int) -> None:
        gap = self.group_gap if chat_id < 0 else self.private_gap
        while True:
            async with self._pace:  # one at a time, in order
                now = self.clock()
                chat_wait = self._last_in_chat.get(chat_id, -gap) + gap - now
                if chat_wait <= 0:
                    while True:
                        start = max(self._next, self._paused_until, self._room_at(now))
                        if start <= now:
                            break
                        await self.sleep(start - now)
                        now = self.clock()
                    self._next = now + self.interval
                    self._last_in_chat[chat_id] = now
                    self._sent.append(now)
                    return
            await self.sleep(chat_wait)  # not holding up the other chats

    def slot(self) -> asyncio.Semaphore:
        """Hold one of the in-flight places; :meth:`send_in_slot` within it."""
        return self._slots

    async def send(self, chat_id: int, text: str) -> Delivery:
        """Send ``text``; retry on 429 and follow a group that became a supergroup."""
        async with self._slots:
            return await self.send_in_slot(chat_id, text)

    async def send_in_slot(self, chat_id: int, text: str) -> Delivery:
        """:meth:`send`, for a caller that already holds a :meth:`slot`."""
        if not self._ready:
            await self.bot.initialize()  # does nothing if it was; a standalone bot may not be
            self._ready = True
        retries = 0
        while True:
            await self._wait_turn(chat_id)
            try:
                await self.bot.send_message(chat_id, text)
                return Delivery(Outcome.SENT, chat_id, retries)
            except RetryAfter as error:
                self.rate_limited += 1
                retries += 1
                wait = _seconds(error.retry_after)
                self._paused_until = max(self._paused_until, self.clock() + wait)
                log.warning("Telegram asks to wait %.0f s (chat %s)", wait, chat_id)
                if retries > self.max_retries:
                    return Delivery(Outcome.FAILED, chat_id, retries)
            except ChatMigrated as error:
                log.info("group %s became supergroup %s", chat_id, error.new_chat_id)
                chat_id = error.new_chat_id
                retries += 1
            except Forbidden as error:
                log.info("chat %s cannot be reached: %s", chat_id, error.message)
                return Delivery(Outcome.UNREACHABLE, chat_id, retries)
            except BadRequest as error:
                if "chat not found" in error.message.lower():
                    return Delivery(Outcome.UNREACHABLE, chat_id, retries)
                log.error("Telegram refused a reminder to %s: %s", chat_id, error.message)
                return Delivery(Outcome.FAILED, chat_id, retries)
            except NetworkError as error:
                log.warning("network error sending to %s: %s", chat_id, error)
                retries += 1
                if retries > self.max_retries:
                    return Delivery(Outcome.FAILED, chat_id, retries)
                await self.sleep(min(30.0, 2.0**retries))


def standalone_bot(token: str, base_url: str, base_file_url: str, pool: int = 32) -> Bot:
    """A Bot for sending outside the Application, with a pool for concurrent sends.

    (``Bot``'s own default is one connection, which would make every send wait for
    the one before it.)
    """
    from telegram.request import HTTPXRequest

    return Bot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=HTTPXRequest(connection_pool_size=pool, read_timeout=30, write_timeout=30),
    )
