"""The demo's real bot in a process of its own, on the demo's virtual clock.

In one process the bot, the fake Telegram and a province of simulated people share
one core (the GIL): every answer costs the bot its update and the people and the fake
Telegram their HTTP, and the whole province through the bot took over four minutes.
With the bot in a second process the two halves run on the machine's two cores.

The bot reads the time from :class:`VirtualClock`, whose state lives in shared memory:
the day loop (in the demo's process) sets and lets it flow, the bot reads it.
``time.monotonic`` is the system's monotonic clock, the same in both processes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.sharedctypes import SynchronizedArray
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tidtam.settings import Settings

__all__ = [
    "FAKE_TOKEN",
    "VIRTUAL_PER_REAL",
    "BotConfig",
    "BotProcess",
    "VirtualClock",
    "bot_settings",
]

FAKE_TOKEN = "100000:DEMO-not-a-real-token"  # noqa: S105 - the fake Telegram takes any
VIRTUAL_PER_REAL = 600.0  # virtual seconds per real second while people act
STARTUP = 120.0  # seconds the bot may take to start (imports on a busy machine)
#: Seconds the bot may take to stop: it first sends the documents still being drawn
#: (the last certifications' PDFs). On a busy machine that took over 30 s, and a bot
#: stopped by force sent none of them.
SHUTDOWN = 180.0
_STOPPED = -1.0


class VirtualClock:
    """The demo's time: set by the day loop, flowing faster than real time while people act.

    Three shared cells: the base time and the limit (POSIX seconds) and the monotonic
    moment it started flowing (negative: stopped). Picklable, for the bot's process.
    """

    def __init__(self, start: datetime, cells: SynchronizedArray[float] | None = None) -> None:
        self.cells = cells if cells is not None else _new_cells()
        self.set(start)

    def now(self) -> datetime:
        with self.cells.get_lock():
            base, until, flow_from = self.cells[:]
        if flow_from >= 0:
            elapsed = (time.monotonic() - flow_from) * VIRTUAL_PER_REAL
            base = min(base + elapsed, until)
        return datetime.fromtimestamp(base, UTC)

    def set(self, moment: datetime) -> None:
        """Stop at ``moment``."""
        with self.cells.get_lock():
            self.cells[:] = [moment.timestamp(), moment.timestamp(), _STOPPED]

    def flow(self, start: datetime, until: datetime) -> None:
        """Run from ``start``, never past ``until``."""
        with self.cells.get_lock():
            self.cells[:] = [start.timestamp(), until.timestamp(), time.monotonic()]

    def __getstate__(self) -> dict[str, Any]:
        return {"cells": self.cells}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.cells = state["cells"]


def _new_cells() -> SynchronizedArray[float]:
    return multiprocessing.get_context("spawn").Array("d", 3)


def bot_settings(
    api_url: str, file_url: str, data_dir: Path, database: Path, timezone: str, language: str
) -> Settings:
    """The bot's settings in the sandbox: the fake Telegram's URLs and a fake token."""
    return Settings(
        bot_token=SecretStr(FAKE_TOKEN),
        bot_username="tidtam_demo_bot",
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{database}",
        telegram_api_url=api_url,
        telegram_file_url=file_url,
        timezone=timezone,
        language=language,
        # The demo plays two weeks of a province in two minutes: the PDFs sent on
        # every submit and certification queue up; a second worker drains them on
        # the second core once the people are done.
        document_workers=2,
    )


@dataclass(frozen=True)
class BotConfig:
    """What the bot's process needs, as plain picklable values."""

    api_url: str
    file_url: str
    data_dir: Path
    database: Path
    timezone: str
    language: str


def _serve(config: BotConfig, clock: VirtualClock, ready: Event, stop: Event, parent: int) -> None:
    from bot.rendering import exit_with_parent
    from bot.runner import use_fast_event_loop

    exit_with_parent(parent)  # the demo killed (not stopped): the bot goes too

    use_fast_event_loop()  # as `tidtam run`: uvloop, where it is installed
    loop = asyncio.get_event_loop()
    try:
        loop.run_until_complete(_poll(config, clock, ready, stop))
    finally:
        loop.close()


async def _poll(config: BotConfig, clock: VirtualClock, ready: Event, stop: Event) -> None:
    from bot.app import build_application
    from bot.context import Deps
    from bot.runner import freeze_startup_objects, polling
    from storage.db import create_engine, session_factory
    from storage.files import FileStore

    settings = bot_settings(
        config.api_url, config.file_url, config.data_dir, config.database,
        config.timezone, config.language,
    )  # fmt: skip
    # One connection: writers queue in the pool instead of sleeping in SQLite's busy wait.
    engine = create_engine(f"sqlite+aiosqlite:///{config.database}", pool_size=1, max_overflow=0)
    try:
        sessions = session_factory(engine)
        dependencies = Deps(settings, sessions, FileStore(settings.files_dir), clock=clock.now)
        application = build_application(dependencies, rate_limit=False)
        freeze_startup_objects()  # as `tidtam run`: start-up objects out of full collections
        async with polling(application, poll_timeout=timedelta(seconds=1)):
            ready.set()
            await asyncio.to_thread(stop.wait)
    finally:
        await engine.dispose()


class BotProcess:
    """Start the bot in a process of its own; stop it at the end of an ``async with`` block."""

    def __init__(self, config: BotConfig, clock: VirtualClock) -> None:
        context = multiprocessing.get_context("spawn")
        self._ready = context.Event()
        self._stop = context.Event()
        self.process = context.Process(
            # not daemonic: the bot draws its documents in a worker process of its own,
            # which a daemonic process may not start; __aexit__ stops it in any case
            target=_serve, args=(config, clock, self._ready, self._stop, os.getpid()), daemon=False,
            name="tidtam-demo-bot",
        )  # fmt: skip

    async def __aenter__(self) -> BotProcess:
        self.process.start()
        started = await asyncio.to_thread(self._ready.wait, STARTUP)
        if not started:
            await self._end()
            raise RuntimeError(f"the demo's bot did not start within {STARTUP:.0f} s")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._end()

    async def _end(self) -> None:
        self._stop.set()
        await asyncio.to_thread(self.process.join, SHUTDOWN)
        if self.process.is_alive():
            self.process.terminate()
            await asyncio.to_thread(self.process.join, 5)
