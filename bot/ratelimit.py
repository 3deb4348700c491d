"""One rate limiter for every message the bot sends: replies first, reminders in the gaps.

Telegram (https://core.telegram.org/bots/faq) lets a bot send about 30 messages in any
second, about one a second per private chat after a short burst, and 20 a minute per
group; past them it answers 429 with ``retry_after``. :class:`FloodLimiter` is a
python-telegram-bot :class:`~telegram.ext.BaseRateLimiter` that keeps every sending
call (``sendMessage``, ``sendDocument``, ...) within them *before* it leaves:

- overall: at most :attr:`Limits.overall` messages in any :attr:`Limits.period`. A
  message holds its place from the moment its request starts until a period after its
  answer arrives: Telegram counted it somewhere in between, so however long the round
  trip, no second as Telegram counts it holds more.
- private chat: a bucket of :attr:`Limits.private_burst` refilled at
  :attr:`Limits.private_per_second`; a message takes its token as late as Telegram
  could have counted it (when its answer arrives), and the messages still on their
  way are counted as already taken.
- group (a negative or ``@name`` chat id): at most :attr:`Limits.group_per_window` in
  any :attr:`Limits.group_window`, held like the overall places.

Two priorities. A call without ``rate_limit_args`` (every reply a handler sends) is
*interactive*; one with ``rate_limit_args=Priority.BACKGROUND`` (reminders, nudges) takes
an overall place only when no interactive message is waiting for one, and background
messages leave evenly spaced (``period / overall`` apart): so places come free one by
one, not in clumps, and a reply finds one within a few tens of milliseconds even when
reminders keep every place busy. Each priority is served in order; a message waiting
for its own chat's limit waits aside and holds up no other chat. Calls that Telegram
does not count (edits, callback answers, chat actions, ``getFile``, ``setMyCommands``,
...) go straight through.

A 429 that comes all the same pauses every sending call for its ``retry_after``; the
refused message is tried again first, up to :attr:`FloodLimiter.max_retries` times,
then the :class:`~telegram.error.RetryAfter` is raised to the caller.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger("tidtam.ratelimit")

JSONDict = dict[str, Any]

# The Bot API methods that post a message (what Telegram's flood limits count).
SENDING = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation",
        "sendVoice", "sendVideoNote", "sendPaidMedia", "sendMediaGroup", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendChecklist", "sendDice", "sendSticker",
        "sendInvoice", "sendGame", "copyMessage", "copyMessages", "forwardMessage",
        "forwardMessages",
    }
)  # fmt: skip
BATCHES = {
    "sendMediaGroup": "media",
    "copyMessages": "message_ids",
    "forwardMessages": "message_ids",
}

Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class Priority(enum.Enum):
    """``rate_limit_args`` of a call; none means interactive."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's limits as the limiter keeps them (a place short of 30 overall)."""

    overall: int = 29
    period: float = 1.0
    private_burst: int = 5
    private_per_second: float = 1.0
    group_per_window: int = 20
    group_window: float = 60.0


class _Window:
    """At most ``limit`` in any ``period``: places held by pending calls, then for a period."""

    __slots__ = ("limit", "pending", "period", "recent")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.pending = 0  # reserved or on their way
        self.recent: deque[float] = deque()  # when each answered place frees (in order)

    def wait(self, now: float, cost: int) -> float:
        """Seconds until ``cost`` more places are free; ``inf`` until a pending call ends."""
        recent = self.recent
        while recent and recent[0] <= now:
            recent.popleft()
        short = min(cost, self.limit) - (self.limit - self.pending - len(recent))
        if short <= 0:
            return 0.0
        if short > len(recent):
            return math.inf
        return recent[short - 1] - now

    def release(self, now: float, cost: int, counted: bool) -> None:
        self.pending -= cost
        if counted:
            self.recent.extend([now + self.period] * cost)

    def idle(self, now: float) -> bool:
        return self.pending == 0 and (not self.recent or self.recent[-1] <= now)


class _Bucket:
    """A token bucket whose tokens are taken when the answer comes, pending ones set aside."""

    __slots__ = ("capacity", "pending", "rate", "tokens", "updated")

    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.updated = now
        self.pending = 0

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait(self, now: float, cost: int) -> float:
        """Seconds until ``cost`` more tokens are there; ``inf`` until a pending call ends."""
        if self.pending and self.pending + cost > self.capacity:
            return math.inf
        self._refill(now)
        need = min(self.pending + cost, self.capacity)
        return max(0.0, (need - self.tokens) / self.rate)

    def release(self, now: float, cost: int, counted: bool) -> None:
        self.pending -= cost
        if counted:
            self._refill(now)
            self.tokens -= cost

    def idle(self, now: float) -> bool:
        self._refill(now)
        return self.pending == 0 and self.tokens >= self.capacity


WAITING, READY, GRANTED, ABANDONED = range(4)


class _Ticket:
    """One sending call waiting: for its chat, then (ready) for an overall place."""

    __slots__ = ("background", "chat", "cost", "future", "retry", "stage")

    def __init__(self, chat: _Chat, cost: int, background: bool, retry: bool) -> None:
        self.chat = chat
        self.cost = cost
        self.background = background
        self.retry = retry
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.stage = WAITING


class _Chat:
    __slots__ = ("key", "limit", "timer", "waiting")

    def __init__(self, key: int | str, limit: _Window | _Bucket) -> None:
        self.key = key
        self.limit = limit
        self.waiting: deque[_Ticket] = deque()
        self.timer: asyncio.TimerHandle | None = None


class FloodLimiter(BaseRateLimiter[Priority]):
    """Telegram's flood limits, kept before sending, replies before reminders."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or Limits()
        self.max_retries = max_retries
        self.clock = clock  # seconds as the event loop counts them: timers get its delays
        self.rate_limited = 0  # 429s Telegram answered all the same
        self._overall = _Window(self.limits.overall, self.limits.period)
        self._chats: dict[int | str, _Chat] = {}
        self._ready: tuple[deque[_Ticket], deque[_Ticket]] = (deque(), deque())  # by priority
        self._paused_until = 0.0
        self._gap = self.limits.period / self.limits.overall
        self._next_background = 0.0  # evenly spaced, so that places free one by one
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._next_cleanup = 0.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Forget the timers (the waiting calls are cancelled with their tasks)."""
        if self._timer is not None:
            self._timer.cancel()
        for chat in self._chats.values():
            if chat.timer is not None:
                chat.timer.cancel()
        self._timer, self._timer_at = None, math.inf

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Send when Telegram's limits allow it; honour a 429's ``retry_after``."""
        if endpoint not in SENDING:
            return await callback(*args, **kwargs)
        cost = _cost(endpoint, data)
        background = rate_limit_args is Priority.BACKGROUND
        attempt = 0
        while True:
            chat = self._chat(data.get("chat_id"))  # again after a 429: it may be forgotten
            await self._acquire(chat, cost, background, retry=attempt > 0)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as error:
                self._release(chat, cost, counted=False)
                self.rate_limited += 1
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                self._pause(seconds)
                log.warning(
                    "429 on %s to %s: sending paused %.0f s (attempt %d of %d)",
                    endpoint,
                    chat.key,
                    seconds,
                    attempt + 1,
                    self.max_retries + 1,
                )
                if attempt >= self.max_retries:
                    raise
                attempt += 1
                continue
            except BaseException:
                self._release(chat, cost, counted=True)  # it may have been counted
                raise
            self._release(chat, cost, counted=True)
            return result

    # -- the queues ----------------------------------------------------------------

    def _chat(self, chat_id: object) -> _Chat:
        key: int | str
        if isinstance(chat_id, int):
            key = chat_id
        else:
            text = str(chat_id)
            key = int(text) if text.lstrip("-").isdigit() else text
        chat = self._chats.get(key)
        if chat is None:
            limits = self.limits
            limit: _Window | _Bucket
            if isinstance(key, str) or key < 0:  # a group, supergroup or channel
                limit = _Window(limits.group_per_window, limits.group_window)
            else:
                limit = _Bucket(limits.private_burst, limits.private_per_second, self.clock())
            chat = self._chats[key] = _Chat(key, limit)
        return chat

    async def _acquire(self, chat: _Chat, cost: int, background: bool, *, retry: bool) -> None:
        now = self.clock()
        ahead = self._ready[0] or (background and (self._ready[1] or now < self._next_background))
        if (
            not ahead
            and not chat.waiting
            and now >= self._paused_until
            and chat.limit.wait(now, cost) == 0.0
            and self._overall.wait(now, cost) == 0.0
        ):
            chat.limit.pending += cost
            self._overall.pending += cost
            if background:
                self._spaced(now, cost)
            return
        ticket = _Ticket(chat, cost, background, retry)
        waiting = chat.waiting
        if retry:  # it was refused: it goes first
            waiting.appendleft(ticket)
        elif background:
            waiting.append(ticket)
        else:  # ahead of the chat's background calls
            index = next((i for i, o in enumerate(waiting) if o.background), len(waiting))
            waiting.insert(index, ticket)
        self._pump_chat(chat)
        try:
            await ticket.future
        except asyncio.CancelledError:
            self._abandon(ticket)
            raise

    def _pump_chat(self, chat: _Chat) -> None:
        """Move the chat's waiting calls that its limit allows to the ready queues."""
        now = self.clock()
        while chat.waiting:
            ticket = chat.waiting[0]
            if ticket.future.done():  # cancelled
                chat.waiting.popleft()
                ticket.stage = ABANDONED
                continue
            wait = chat.limit.wait(now, ticket.cost)
            if wait > 0.0:
                if wait != math.inf:
                    self._chat_timer(chat, wait)
                break
            chat.waiting.popleft()
            chat.limit.pending += ticket.cost
            ticket.stage = READY
            queue = self._ready[ticket.background]
            if ticket.retry:
                queue.appendleft(ticket)
            else:
                queue.append(ticket)
        self._pump()

    def _pump(self) -> None:
        """Give free overall places to the ready calls, interactive ones first."""
        interactive, background = self._ready
        if not interactive and not background:
            return
        now = self.clock()
        if now < self._paused_until:
            self._overall_timer(self._paused_until - now)
            return
        while interactive or background:
            queue = interactive or background
            ticket = queue[0]
            if ticket.future.done():  # cancelled
                queue.popleft()
                self._abandon(ticket)
                continue
            wait = self._overall.wait(now, ticket.cost)
            if ticket.background:
                wait = max(wait, self._next_background - now)
            if wait > 0.0:
                if wait != math.inf:
                    self._overall_timer(wait)
                return
            queue.popleft()
            self._overall.pending += ticket.cost
            if ticket.background:
                self._spaced(now, ticket.cost)
            ticket.stage = GRANTED
            ticket.future.set_result(None)

    def _spaced(self, now: float, cost: int) -> None:
        """Keep background messages evenly spaced (a catch-up of one gap at most)."""
        self._next_background = max(self._next_background + self._gap * cost, now)

    def _release(self, chat: _Chat, cost: int, *, counted: bool) -> None:
        now = self.clock()
        self._overall.release(now, cost, counted)
        chat.limit.release(now, cost, counted)
        if chat.waiting:
            self._pump_chat(chat)
        else:
            self._pump()
        if now >= self._next_cleanup:
            self._cleanup(now)

    def _abandon(self, ticket: _Ticket) -> None:
        """Undo what a cancelled call holds, wherever it waits."""
        stage, ticket.stage = ticket.stage, ABANDONED
        chat = ticket.chat
        if stage == WAITING:
            if ticket in chat.waiting:
                chat.waiting.remove(ticket)
        elif stage == READY:
            queue = self._ready[ticket.background]
            if ticket in queue:
                queue.remove(ticket)
            chat.limit.release(self.clock(), ticket.cost, counted=False)
            self._pump_chat(chat)
        elif stage == GRANTED:
            self._release(chat, ticket.cost, counted=False)

    def _pause(self, seconds: float) -> None:
        now = self.clock()
        self._paused_until = max(self._paused_until, now + seconds)

    # -- timers -----------------------------------------------------------------------

    def _overall_timer(self, delay: float) -> None:
        at = self.clock() + delay
        if self._timer is not None and self._timer_at <= at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_overall_timer)

    def _on_overall_timer(self) -> None:
        self._timer, self._timer_at = None, math.inf
        self._pump()

    def _chat_timer(self, chat: _Chat, delay: float) -> None:
        if chat.timer is not None:
            chat.timer.cancel()
        chat.timer = asyncio.get_running_loop().call_later(delay, self._on_chat_timer, chat)

    def _on_chat_timer(self, chat: _Chat) -> None:
        chat.timer = None
        self._pump_chat(chat)

    def _cleanup(self, now: float) -> None:
        """Forget the chats with nothing pending and a full allowance (every 10 s)."""
        self._next_cleanup = now + 10.0
        if len(self._chats) > 256:
            idle = [k for k, c in self._chats.items() if not c.waiting and c.limit.idle(now)]
            for key in idle:
                del self._chats[key]


def _cost(endpoint: str, data: dict[str, Any]) -> int:
    """How many messages a call posts (an album or a batch copy: one per item)."""
    field = BATCHES.get(endpoint)
    if field is None:
        return 1
    items = data.get(field)
    return max(1, len(items)) if isinstance(items, list | tuple) else 1
