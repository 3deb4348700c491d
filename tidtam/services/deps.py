"""What the use cases need from outside, handed in by the bot, the CLI or a test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.files import FileStore


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ServiceDeps:
    """Sessions, the file store, the clock and the few settings the use cases read."""

    sessions: async_sessionmaker[AsyncSession]
    files: FileStore
    tz: tzinfo
    language: str = "th"  # for people who never chose one
    download_limit: int = 20 * 1024 * 1024  # bytes a file may have
    clock: Callable[[], datetime] = field(default=_utcnow)

    def now(self) -> datetime:
        return self.clock()
