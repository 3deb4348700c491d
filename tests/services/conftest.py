"""The sample province on SQLite and PostgreSQL, and people registered through the use case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.invites import create_invites
from storage.models import Round
from storage.units import unit_by_code
from tidtam.core.vocabulary import Role
from tidtam.samples import seed_sample_province
from tidtam.services.registration import Newcomer, Outcome, register

NOW = datetime(2024, 1, 15, 3, 0, tzinfo=UTC)


@dataclass
class Province:
    sessions: async_sessionmaker[AsyncSession]
    round: Round

    async def invite(
        self,
        unit_code: str,
        role: Role = Role.REPORTER,
        *,
        now: datetime = NOW,
        valid_for: timedelta = timedelta(days=60),
    ) -> str:
        async with transaction(self.sessions) as session:
            unit = await unit_by_code(session, unit_code)
            assert unit is not None, unit_code
            [issued] = await create_invites(session, [unit], role, now=now, valid_for=valid_for)
        return issued.code

    async def person(self, user_id: int, unit_code: str, role: Role = Role.REPORTER) -> int:
        """Register ``user_id`` as ``role`` of the unit; return the id."""
        code = await self.invite(unit_code, role)
        result = await register(self.sessions, Newcomer(user_id, f"คน {user_id}"), code, NOW)
        assert result.outcome is Outcome.REGISTERED, result
        return user_id


@pytest.fixture
async def province(sessions: async_sessionmaker[AsyncSession]) -> Province:
    async with transaction(sessions) as session:
        round_ = await seed_sample_province(
            session, opens_at=NOW - timedelta(days=1), deadline=NOW + timedelta(days=20)
        )
    return Province(sessions, round_)
