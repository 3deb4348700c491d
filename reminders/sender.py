"""A sender for fan-outs that stays under Telegram's limits and leaves room for replies.

Telegram allows a bot about 30 messages a second in all, one a second per private
chat (short bursts pass) and 20 a minute per group. Reminders go out at
``per_second`` (25 by default), so that interactive replies, which the bot sends
through the same token, always find room; sends are spaced evenly (a pacing token
bucket) with several in flight, since each call takes a round trip. A 429's
``retry_after`` pauses every send, not only the refused one, and the message is
tried again. The outcome of each message says what the sweep records.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
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
        per_second: float = 25.0,
        private_gap: float = 1.0,
        group_gap: float = 3.0,
        in_flight: int = 16,
        max_retries: int = 5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.interval = 1.0 / per_second
        self.private_gap = private_gap
        self.group_gap = group_gap
        self.max_retries = max_retries
        self.clock = clock
        self.sleep = sleep
        self.in_flight = in_flight
        self._slots = asyncio.Semaphore(in_flight)
        self._pace = asyncio.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._last_in_chat: dict[int, float] = {}
        self.rate_limited = 0

    async def _wait_turn(self, chat_id: int) -> None:
        async with self._pace:
            now = self.clock()
            gap = self.group_gap if chat_id < 0 else self.private_gap
            start = max(
                now, self._next, self._paused_until, self._last_in_chat.get(chat_id, -gap) + gap
            )
            self._next = start + self.interval
            self._last_in_chat[chat_id] = start
        if start > now:
            await self.sleep(start - now)

    def slot(self) -> asyncio.Semaphore:
        """Hold one of the in-flight places; :meth:`send_in_slot` within it."""
        return self._slots

    async def send(self, chat_id: int, text: str) -> Delivery:
        """Send ``text``; retry on 429 and follow a group that became a supergroup."""
        async with self._slots:
            return await self.send_in_slot(chat_id, text)

    async def send_in_slot(self, chat_id: int, text: str) -> Delivery:
        """:meth:`send`, for a caller that already holds a :meth:`slot`."""
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
