"""Telegram's flood limits for the fake Telegram, and the delivery statistics.

Telegram documents three limits for bots (https://core.telegram.org/bots/faq): about
30 messages a second overall, about one message a second per chat ("short bursts
that go over this limit" are allowed), and no more than 20 messages a minute per
group. The fake Telegram models them as:

- overall: a sliding window, at most ``global_per_second`` messages in any 1 s;
- private chat: a token bucket of ``private_burst`` tokens refilled at
  ``private_per_second`` (so a burst of a few, then one a second);
- group or supergroup: a sliding window, at most ``group_per_minute`` in any 60 s.

A message may go out only if every limit that applies has room; then it is counted
in each. Otherwise the answer is 429 with ``retry_after`` = the whole seconds (at
least 1) until the tightest limit has room again. Refused messages are not counted.
Only sending methods count (``sendMessage``, ``sendDocument``, ``sendPhoto``, ...);
edits, chat actions and callback answers do not.

:class:`Stats` is kept whether limits are enforced or not, so that tests and
benchmarks can check that a sender stayed within them (:meth:`Stats.max_in_window`).
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LimitConfig:
    """The numbers behind :class:`RateLimiter` (Telegram's defaults)."""

    global_per_second: int = 30
    private_burst: int = 5
    private_per_second: float = 1.0
    group_per_minute: int = 20


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """Seconds until one more event fits (0 if it fits now)."""
        while self._times and self._times[0] <= now - self.period:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.period - now

    def record(self, now: float) -> None:
        """Count an event at ``now``."""
        self._times.append(now)


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second; an event takes one."""

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self._tokens = capacity
        self._updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is there (0 if one is there now)."""
        self._refill(now)
        if self._tokens >= 1.0:
            return 0.0
        return (1.0 - self._tokens) / self.rate

    def record(self, now: float) -> None:
        """Take a token at ``now``."""
        self._refill(now)
        self._tokens -= 1.0


class RateLimiter:
    """Decides whether one more message may go to a chat now."""

    def __init__(
        self, config: LimitConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config or LimitConfig()
        self.clock = clock
        self._global = SlidingWindow(self.config.global_per_second, 1.0)
        self._private: dict[int, TokenBucket] = {}
        self._groups: dict[int, SlidingWindow] = {}

    def _chat_limit(self, chat_id: int, is_group: bool, now: float) -> SlidingWindow | TokenBucket:
        if is_group:
            return self._groups.setdefault(
                chat_id, SlidingWindow(self.config.group_per_minute, 60.0)
            )
        bucket = self._private.get(chat_id)
        if bucket is None:
            bucket = TokenBucket(self.config.private_burst, self.config.private_per_second, now)
            self._private[chat_id] = bucket
        return bucket

    def acquire(self, chat_id: int, is_group: bool) -> int | None:
        """Count a message and return None, or return ``retry_after`` seconds (>= 1)."""
        now = self.clock()
        chat_limit = self._chat_limit(chat_id, is_group, now)
        wait = max(self._global.wait_time(now), chat_limit.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.record(now)
        chat_limit.record(now)
        return None


@dataclass(frozen=True)
class Delivery:
    """One message the bot got out: when (monotonic seconds), where, which, how."""

    at: float
    chat_id: int
    message_id: int
    method: str


@dataclass
class Stats:
    """What the bot sent and how often it was refused with 429."""

    sent_per_chat: Counter[int] = field(default_factory=Counter)
    rate_limited: int = 0
    rate_limited_per_chat: Counter[int] = field(default_factory=Counter)
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def total_sent(self) -> int:
        """Messages delivered in all chats."""
        return len(self.deliveries)

    def record_delivery(self, at: float, chat_id: int, message_id: int, method: str) -> None:
        """Count a delivered message."""
        self.sent_per_chat[chat_id] += 1
        self.deliveries.append(Delivery(at, chat_id, message_id, method))

    def record_rate_limited(self, chat_id: int) -> None:
        """Count a 429 answer."""
        self.rate_limited += 1
        self.rate_limited_per_chat[chat_id] += 1

    def max_in_window(self, window: float, chat_id: int | None = None) -> int:
        """The most deliveries (to ``chat_id``, or anywhere) in any ``window`` seconds."""
        times = [d.at for d in self.deliveries if chat_id is None or d.chat_id == chat_id]
        best = 0
        start = 0
        for end, moment in enumerate(times):
            while moment - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best
