"""The Telegram :class:`reminders.sending.Sender`: reminders sent by the bot, a few at a time.

Telegram's flood limits (about 30 messages a second in all, a short burst then one a
second per private chat, 20 a minute per group) are kept by the bot's rate limiter,
:class:`bot.ratelimit.FloodLimiter`, the one every reply goes through as well: a
background message on a bot that has it is marked
:attr:`~bot.ratelimit.Priority.BACKGROUND`, so it takes only the places in each
second that replies leave. ``in_flight`` messages wait there or are on their way,
enough to fill every place the limiter frees.

Each message ends as one :class:`~reminders.sending.Outcome`: sent (to the group's new
id if it became a supergroup), unreachable (blocked, never started, chat gone), or
retry later (a network error after retries, or a 429 that the limiter's own retries
did not get past).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import ExtBot

from bot.http import AiohttpRequest
from bot.ratelimit import FloodLimiter, Limits
from bot.ratelimit import Priority as LimiterPriority
from reminders.sending import Delivery, Outcome, Priority

log = logging.getLogger("tidtam.reminders")


class TelegramSender:
    """Send messages through ``bot``, at most ``in_flight`` at a time."""

    def __init__(
        self,
        bot: Bot,
        *,
        in_flight: int = 16,
        max_retries: int = 5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.in_flight = in_flight
        self.max_retries = max_retries
        self.sleep = sleep
        self._slots = asyncio.Semaphore(in_flight)
        self._limited = isinstance(bot, ExtBot) and bot.rate_limiter is not None
        self._ready = False

    async def _send(self, chat_id: int, text: str, photo: bytes | None, priority: Priority) -> None:
        caption = text or None
        if self._limited and priority is Priority.BACKGROUND:
            assert isinstance(self.bot, ExtBot)
            background = LimiterPriority.BACKGROUND
            if photo is None:
                await self.bot.send_message(chat_id, text, rate_limit_args=background)
            else:
                await self.bot.send_photo(
                    chat_id, photo, caption=caption, rate_limit_args=background
                )
        elif photo is None:
            await self.bot.send_message(chat_id, text)
        else:
            await self.bot.send_photo(chat_id, photo, caption=caption)

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        photo: bytes | None = None,
        priority: Priority = Priority.BACKGROUND,
    ) -> Delivery:
        """Send ``text``; follow a group that became a supergroup; back off network errors."""
        async with self._slots:
            if not self._ready:
                await self.bot.initialize()  # does nothing if it was; a standalone bot may not be
                self._ready = True
            retries = 0
            migrated_to: int | None = None

            def delivery(outcome: Outcome) -> Delivery:
                return Delivery(outcome, chat_id, migrated_to, retries)

            while True:
                try:
                    await self._send(chat_id, text, photo, priority)
                    return delivery(Outcome.SENT)
                except RetryAfter as error:  # the limiter's retries did not get past it
                    log.warning("Telegram still refuses a reminder to %s: %s", chat_id, error)
                    return delivery(Outcome.RETRY_LATER)
                except ChatMigrated as error:
                    log.info("group %s became supergroup %s", chat_id, error.new_chat_id)
                    chat_id = migrated_to = error.new_chat_id
                    retries += 1
                except Forbidden as error:
                    log.info("chat %s cannot be reached: %s", chat_id, error.message)
                    return delivery(Outcome.UNREACHABLE)
                except BadRequest as error:
                    if "chat not found" in error.message.lower():
                        return delivery(Outcome.UNREACHABLE)
                    log.error("Telegram refused a reminder to %s: %s", chat_id, error.message)
                    return delivery(Outcome.RETRY_LATER)
                except NetworkError as error:
                    log.warning("network error sending to %s: %s", chat_id, error)
                    retries += 1
                    if retries > self.max_retries:
                        return delivery(Outcome.RETRY_LATER)
                    await self.sleep(min(30.0, 2.0**retries))


def standalone_bot(
    token: str,
    base_url: str,
    base_file_url: str,
    *,
    limits: Limits | None = None,
    pool: int = 32,
) -> ExtBot[LimiterPriority]:
    """A bot for sending outside the Application (``tidtam reminders run``).

    It has the Application's rate limiter, and a connection pool for the messages in
    flight (``Bot``'s own default is one connection: every send would wait for the
    one before it).
    """
    return ExtBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=AiohttpRequest(pool, read_timeout=30, write_timeout=30),
        rate_limiter=FloodLimiter(limits),
    )
