"""What the use cases need from outside, handed in by the bot, the CLI or a test."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.files import FileStore
from tidtam.services.deliveries import DeliveryMarks


def _utcnow() -> datetime:
    return datetime.now(UTC)


def new_copy_id() -> str:
    """A name for one running copy of the bot (its replies owed are recorded under it)."""
    return uuid.uuid4().hex[:12]


#: The copy a use case runs in when its caller names none (the CLI, a test).
THIS_PROCESS = new_copy_id()


@dataclass(frozen=True, slots=True)
class ServiceDeps:
    """Sessions, the file store, the clock and the few settings the use cases read."""

    sessions: async_sessionmaker[AsyncSession]
    files: FileStore
    tz: tzinfo
    language: str = "th"  # for people who never chose one
    download_limit: int = 20 * 1024 * 1024  # bytes a file may have
    clock: Callable[[], datetime] = field(default=_utcnow)
    # Which copy of the bot this is: one person's updates are handled in order within a
    # copy (bot.ordering), not across copies behind one webhook address.
    copy: str = THIS_PROCESS
    # The copy's replies gone out, written in batches; None: each written at once (the
    # CLI, a test), as :func:`tidtam.services.answering.delivered` does without it.
    deliveries: DeliveryMarks | None = None

    def now(self) -> datetime:
        return self.clock()
