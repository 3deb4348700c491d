"""The flood limiter against Telegram's limits as the stand-in models them, scaled down.

The "server" below counts each message with the stand-in's own limit classes at a
random moment between the request leaving and the answer coming back (a round trip
of up to 20 ms each way), and refuses with 429 past them, as Telegram does. Periods
are scaled down (10 in 0.1 s overall) so that the tests take a fraction of a second.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import FloodLimiter, Limits, Priority
from tidtam.fake_telegram.limits import SlidingWindow, TokenBucket

LIMITS = Limits(
    overall=10,
    period=0.1,
    private_burst=3,
    private_per_second=20.0,
    group_per_window=4,
    group_window=0.3,
)
GROUP = -100_123


class Server:
    """Telegram's flood limits at ``LIMITS``; every call's moment and chat recorded."""

    def __init__(self, latency: float = 0.02, seed: int = 1) -> None:
        self.latency = latency
        self.rng = random.Random(seed)
        self.overall = SlidingWindow(LIMITS.overall, LIMITS.period)
        self.buckets: dict[int, TokenBucket] = {}
        self.groups: dict[int, SlidingWindow] = {}
        self.delivered: list[tuple[float, int, str]] = []  # (when counted, chat, text)
        self.refused = 0
        self.refuse_next: list[timedelta] = []  # 429s to answer whatever the limits

    def _chat_limit(self, chat_id: int, now: float) -> SlidingWindow | TokenBucket:
        if chat_id < 0:
            return self.groups.setdefault(
                chat_id, SlidingWindow(LIMITS.group_per_window, LIMITS.group_window)
            )
        if chat_id not in self.buckets:
            self.buckets[chat_id] = TokenBucket(
                LIMITS.private_burst, LIMITS.private_per_second, now
            )
        return self.buckets[chat_id]

    async def send(self, chat_id: int, text: str) -> dict[str, Any]:
        await asyncio.sleep(self.rng.uniform(0, self.latency))
        now = time.monotonic()
        if self.refuse_next:
            raise RetryAfter(self.refuse_next.pop(0))
        chat = self._chat_limit(chat_id, now)
        wait = max(self.overall.wait_time(now), chat.wait_time(now))
        if wait > 0:
            self.refused += 1
            raise RetryAfter(1)
        self.overall.record(now)
        chat.record(now)
        self.delivered.append((now, chat_id, text))
        await asyncio.sleep(self.rng.uniform(0, self.latency))
        return {"ok": True}

    def texts(self) -> list[str]:
        return [text for _, _, text in self.delivered]


def sender(
    limiter: FloodLimiter, server: Server
) -> Callable[..., Awaitable[bool | dict[str, Any] | list[dict[str, Any]]]]:
    async def send(
        chat_id: int, text: str, *, priority: Priority | None = None, endpoint: str = "sendMessage"
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        return await limiter.process_request(
            server.send, (chat_id, text), {}, endpoint, {"chat_id": chat_id}, priority
        )

    return send


async def test_never_past_the_limits_whatever_the_round_trip() -> None:
    server = Server()
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    calls = [
        send(chat, f"{chat}:{n}", priority=Priority.BACKGROUND if chat % 2 else None)
        for chat in range(1, 41)
        for n in range(4)
    ] + [send(GROUP, f"group:{n}") for n in range(6)]
    random.Random(2).shuffle(calls)
    started = time.monotonic()
    await asyncio.gather(*calls)
    took = time.monotonic() - started
    assert server.refused == 0 and limiter.rate_limited == 0
    assert len(server.delivered) == 166 and len(set(server.texts())) == 166
    # The group's 5th and 6th wait for a place in its 0.3 s window: that sets the pace.
    assert took < 3.0


async def test_replies_go_before_waiting_background_messages() -> None:
    server = Server(latency=0.0)
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    first = [asyncio.create_task(send(100 + n, "filler")) for n in range(10)]
    await asyncio.sleep(0)  # the window is full now
    background = [
        asyncio.create_task(send(200 + n, f"reminder {n}", priority=Priority.BACKGROUND))
        for n in range(15)
    ]
    await asyncio.sleep(0.01)
    replies = [asyncio.create_task(send(300 + n, f"reply {n}")) for n in range(5)]
    await asyncio.gather(*first, *background, *replies)
    order = [t for t in server.texts() if t != "filler"]
    assert order[:5] == [f"reply {n}" for n in range(5)]
    assert order[5:] == [f"reminder {n}" for n in range(15)]  # each priority in order
    assert server.refused == 0


async def test_background_messages_leave_evenly_spaced() -> None:
    server = Server(latency=0.0)
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    await asyncio.gather(*(send(n, f"r{n}", priority=Priority.BACKGROUND) for n in range(1, 9)))
    times = [at for at, _, _ in server.delivered]
    gap = LIMITS.period / LIMITS.overall
    # Never more than two within a gap (a late timer lets one catch up, no more).
    assert all(c - a >= gap - 0.002 for a, c in zip(times, times[2:], strict=False))
    assert times[-1] - times[0] < 8 * gap + 0.05  # and no slower than that


async def test_a_chat_past_its_burst_holds_up_no_other_chat() -> None:
    server = Server(latency=0.0)
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    busy = [
        asyncio.create_task(send(7, f"busy {n}", priority=Priority.BACKGROUND)) for n in range(8)
    ]
    await asyncio.sleep(0)
    other = asyncio.create_task(send(8, "other", priority=Priority.BACKGROUND))
    await asyncio.gather(*busy, other)
    texts = server.texts()
    assert texts.index("other") < texts.index("busy 3")  # busy 3 waits for a token
    times = [at for at, chat, _ in server.delivered if chat == 7]
    assert times[3] - times[0] >= 1 / LIMITS.private_per_second - 0.005
    assert [t for t in texts if t.startswith("busy")] == [f"busy {n}" for n in range(8)]
    assert server.refused == 0


async def test_a_group_gets_its_window_and_no_more() -> None:
    server = Server(latency=0.005)
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    await asyncio.gather(*(send(GROUP, f"g{n}") for n in range(6)))
    times = [at for at, _, _ in server.delivered]
    assert server.refused == 0
    assert times[3] - times[0] < 0.1 and times[4] - times[0] >= LIMITS.group_window


async def test_a_429_pauses_every_message_for_its_retry_after_then_retries() -> None:
    server = Server(latency=0.0)
    server.refuse_next = [timedelta(seconds=0.2)]
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    started = time.monotonic()
    refused = asyncio.create_task(send(1, "refused once"))
    await asyncio.sleep(0.01)
    other = asyncio.create_task(send(2, "another chat", priority=Priority.BACKGROUND))
    await asyncio.gather(refused, other)
    assert server.texts() == ["refused once", "another chat"]  # the retry first
    assert server.delivered[0][0] - started >= 0.2
    assert limiter.rate_limited == 1


async def test_after_its_retries_the_429_reaches_the_caller() -> None:
    server = Server(latency=0.0)
    server.refuse_next = [timedelta(seconds=0.01)] * 3
    limiter = FloodLimiter(LIMITS, max_retries=2)
    with pytest.raises(RetryAfter):
        await sender(limiter, server)(1, "never")
    assert limiter.rate_limited == 3 and server.delivered == []
    await sender(limiter, server)(1, "later")  # nothing is left held
    assert server.texts() == ["later"]


async def test_calls_telegram_does_not_count_never_wait() -> None:
    server = Server(latency=0.0)
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    gate = asyncio.Event()

    async def slow(chat_id: int, text: str) -> dict[str, Any]:
        await gate.wait()
        return await server.send(chat_id, text)

    held = [
        asyncio.create_task(
            limiter.process_request(slow, (n, "x"), {}, "sendMessage", {"chat_id": n}, None)
        )
        for n in range(10)
    ]
    await asyncio.sleep(0.01)  # ten on their way: the window is full
    waiting = asyncio.create_task(send(50, "waits"))

    async def edit(chat_id: int, text: str) -> bool:
        return True  # Telegram does not count edits

    edited = await asyncio.wait_for(
        limiter.process_request(edit, (1, "edit"), {}, "editMessageText", {"chat_id": 1}, None),
        timeout=0.5,
    )
    assert edited is True and not waiting.done()
    gate.set()
    await asyncio.gather(*held, waiting)
    assert server.refused == 0


async def test_a_cancelled_wait_gives_its_place_back() -> None:
    server = Server(latency=0.0)
    limiter = FloodLimiter(LIMITS)
    send = sender(limiter, server)
    await asyncio.gather(*(send(n, "fill") for n in range(10)))
    gone = [asyncio.create_task(send(20 + n, "cancelled")) for n in range(5)]
    await asyncio.sleep(0)
    for task in gone:
        task.cancel()
    await asyncio.gather(*gone, return_exceptions=True)
    await asyncio.sleep(LIMITS.period)
    started = time.monotonic()
    await asyncio.gather(*(send(40 + n, "after") for n in range(10)))  # a whole window again
    assert time.monotonic() - started < LIMITS.period / 2
    assert "cancelled" not in server.texts() and server.refused == 0
