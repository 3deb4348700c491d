"""The demo's virtual clock, as the bot's process reads it."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from tidtam.demo.bot_process import VirtualClock

MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _read_twice(clock: VirtualClock, seen: Queue[str], changed: Event) -> None:
    seen.put(clock.now().isoformat())
    changed.wait(30)
    seen.put(clock.now().isoformat())


def test_the_clock_stops_and_flows_no_further_than_told() -> None:
    clock = VirtualClock(MORNING)
    assert clock.now() == MORNING
    clock.flow(MORNING, MORNING)  # flowing, but capped where it starts
    assert clock.now() == MORNING
    clock.flow(MORNING, MORNING + timedelta(hours=8))
    assert MORNING <= clock.now() <= MORNING + timedelta(hours=8)
    clock.set(MORNING + timedelta(days=1))
    assert clock.now() == MORNING + timedelta(days=1)


def test_another_process_reads_the_time_the_demo_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parents[2]))  # the child imports this module
    context = multiprocessing.get_context("spawn")
    clock = VirtualClock(MORNING)
    seen: Queue[str] = context.Queue()
    changed = context.Event()
    child = context.Process(target=_read_twice, args=(clock, seen, changed), daemon=True)
    child.start()
    try:
        assert seen.get(timeout=60) == MORNING.isoformat()
        clock.set(MORNING + timedelta(days=3))
        changed.set()
        assert seen.get(timeout=60) == (MORNING + timedelta(days=3)).isoformat()
    finally:
        child.join(30)
    assert child.exitcode == 0
