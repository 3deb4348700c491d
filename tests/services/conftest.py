"""Provinces for the use cases: a tiny one (a school under an agency, a tiny form, a
round) and the sample province with people registered through the registration use case.

No Telegram: the use cases are called as the bot, the CLI and the demo call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.form_loader import load_form
from storage.db import transaction
from storage.files import FileStore
from storage.forms import store_form
from storage.invites import create_invites
from storage.models import Member, Round, Submission, Unit
from storage.rounds import open_round
from storage.units import unit_by_code
from tidtam.core.vocabulary import Certify, Role
from tidtam.samples import seed_sample_province
from tidtam.services.deps import ServiceDeps
from tidtam.services.registration import Newcomer, Outcome, register

NOW = datetime(2024, 1, 15, 3, 0, tzinfo=UTC)
FORM = """\
form: tiny
title: แบบทดสอบ
sections:
  - id: s1
    title: ยุทธศาสตร์ที่ 1
    indicators:
      - id: i1
        title: ตัวชี้วัดที่ 1
        questions:
          - id: count
            type: integer
            text: จำนวนนักเรียน
            min: 0
          - id: note
            type: text
            text: หมายเหตุ
            required: false
          - id: doc
            type: file
            text: เอกสารประกอบ
            required: false
            accept: [pdf]
"""

REPORTER, HEAD, SUPERVISOR, STRANGER, NEWCOMER = 100, 101, 200, 300, 400


@dataclass
class Place:
    deps: ServiceDeps
    round_id: int
    school_id: int

    async def submission(self) -> Submission:
        """The school's submission as stored now."""
        async with transaction(self.deps.sessions) as session:
            found = await session.scalar(
                select(Submission).where(
                    Submission.round_id == self.round_id, Submission.unit_id == self.school_id
                )
            )
            assert found is not None
            return found


async def seed(
    sessions: async_sessionmaker[AsyncSession], *, certify: Certify = Certify.HEAD
) -> tuple[int, int]:
    """Units, people, the tiny form and an open round; (round id, school id)."""
    async with transaction(sessions) as session:
        agency = Unit(code="ESA1", name="สพป. ทดสอบ", kind="esa")
        session.add(agency)
        await session.flush()
        school = Unit(code="S1", name="โรงเรียนทดสอบ", kind="school", parent_id=agency.id)
        other = Unit(code="S2", name="โรงเรียนอื่น", kind="school", parent_id=agency.id)
        session.add_all([school, other])
        await session.flush()
        session.add_all(
            [
                Member(
                    telegram_user_id=REPORTER,
                    unit_id=school.id,
                    role=Role.REPORTER.value,
                    display_name="ครูผู้รายงาน",
                ),
                Member(
                    telegram_user_id=HEAD,
                    unit_id=school.id,
                    role=Role.HEAD.value,
                    display_name="ผู้อำนวยการ",
                ),
                Member(
                    telegram_user_id=SUPERVISOR,
                    unit_id=agency.id,
                    role=Role.SUPERVISOR.value,
                    display_name="ผู้กำกับ",
                ),
                Member(
                    telegram_user_id=STRANGER,
                    unit_id=other.id,
                    role=Role.REPORTER.value,
                    display_name="ครูโรงเรียนอื่น",
                ),
            ]
        )
        version = await store_form(session, load_form(FORM), FORM)
        round_ = await open_round(
            session,
            form=version,
            period="2567",
            opens_at=NOW - timedelta(days=1),
            deadline=NOW + timedelta(days=20),
            kinds=["school"],
            certify=certify,
        )
        return round_.id, school.id


def service_deps(sessions: async_sessionmaker[AsyncSession], root: Path) -> ServiceDeps:
    return ServiceDeps(
        sessions=sessions,
        files=FileStore(root),
        tz=ZoneInfo("Asia/Bangkok"),
        clock=lambda: NOW,
    )


@pytest.fixture
async def place(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> Place:
    round_id, school_id = await seed(sessions)
    return Place(service_deps(sessions, tmp_path / "files"), round_id, school_id)


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
