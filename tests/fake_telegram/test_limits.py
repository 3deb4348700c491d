"""Flood limits and delivery statistics, on a hand-driven clock."""

from __future__ import annotations

import pytest

from tidtam.fake_telegram.limits import Delivery, LimitConfig, RateLimiter, Stats


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_private_chat_allows_a_burst_then_one_a_second(clock: Clock) -> None:
    limiter = RateLimiter(LimitConfig(private_burst=3), clock)
    assert [limiter.acquire(1, is_group=False) for _ in range(3)] == [None, None, None]
    assert limiter.acquire(1, is_group=False) == 1
    assert limiter.acquire(2, is_group=False) is None, "other chats are not affected"
    clock.now += 0.5
    assert limiter.acquire(1, is_group=False) == 1
    clock.now += 0.5
    assert limiter.acquire(1, is_group=False) is None
    assert limiter.acquire(1, is_group=False) == 1


def test_group_allows_twenty_a_minute(clock: Clock) -> None:
    limiter = RateLimiter(LimitConfig(), clock)
    for _ in range(20):
        assert limiter.acquire(-5, is_group=True) is None
        clock.now += 0.1
    assert limiter.acquire(-5, is_group=True) == 58
    clock.now = 1000.0 + 60.0
    assert limiter.acquire(-5, is_group=True) is None


def test_thirty_a_second_overall(clock: Clock) -> None:
    limiter = RateLimiter(LimitConfig(), clock)
    for chat in range(30):
        assert limiter.acquire(chat + 1, is_group=False) is None
    assert limiter.acquire(99, is_group=False) == 1
    clock.now += 1.0
    assert limiter.acquire(99, is_group=False) is None


def test_refused_messages_are_not_counted(clock: Clock) -> None:
    limiter = RateLimiter(LimitConfig(private_burst=1), clock)
    assert limiter.acquire(1, is_group=False) is None
    for _ in range(10):
        assert limiter.acquire(1, is_group=False) == 1
    clock.now += 1.0
    assert limiter.acquire(1, is_group=False) is None


def test_stats_count_and_find_the_busiest_window() -> None:
    stats = Stats()
    for index, at in enumerate([0.0, 0.2, 0.4, 1.5, 1.6, 3.0]):
        stats.record_delivery(at, 7 if index % 2 else 8, index + 1, "sendMessage")
    stats.record_rate_limited(7)
    assert stats.total_sent == 6
    assert stats.sent_per_chat == {7: 3, 8: 3}
    assert stats.rate_limited == 1 and stats.rate_limited_per_chat[7] == 1
    assert stats.max_in_window(1.0) == 3
    assert stats.max_in_window(1.0, chat_id=7) == 1
    assert stats.max_in_window(1.0, chat_id=8) == 2
    assert stats.max_in_window(2.0, chat_id=8) == 3
    assert stats.deliveries[0] == Delivery(0.0, 8, 1, "sendMessage")
