"""The sample province with a round open, for tests that need a whole province."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import Round
from tidtam.core.vocabulary import Certify
from tidtam.samples import FORM_FILE, seed_sample_province


async def open_sample_round(
    sessions: async_sessionmaker[AsyncSession],
    *,
    form_file: Path = FORM_FILE,
    period: str = "2567",
    certify: Certify = Certify.HEAD,
) -> Round:
    """The sample units and ``form_file``, a round of ``period`` opened yesterday for esa
    offices and schools, due in 20 days."""
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        return await seed_sample_province(
            session,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=20),
            period=period,
            form_file=form_file,
            certify=certify,
        )
