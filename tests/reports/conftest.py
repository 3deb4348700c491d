"""A tiny hand-made round with known answers, on SQLite and PostgreSQL.

The tree (kinds in brackets; the round targets esa and school)::

    PROV [province]                      district เมือง
    ├── ESA1 [esa]  returned             เมือง       head (reachable), supervisor
    │   ├── S1 [school]  submitted       เมือง       reporter (reachable)
    │   └── S2 [school]  certified       หล่มสัก
    ├── ESA2 [esa]  not started          (none)
    │   ├── S3 [school]  in progress     หล่มสัก      reporter (blocked the bot)
    │   └── S4 [school]  not started     หล่มสัก
    └── VOC [vocational]  not a target

Answers (``*`` = left out: its question is not asked):

====  ====  ========  ========  =========  ==================  ==========  ====================
unit  done  students  budget    project    threats             held        report (esa only)
====  ====  ========  ========  =========  ==================  ==========  ====================
S1    yes   120       1500.50   โครงการ ก  drugs, cyber        2024-03-15
S2    no    99*                 none       drugs
S3    yes   30        skipped   โครงการ ข
ESA1  yes   0                   none                                       a.pdf, b.jpg
====  ====  ========  ========  =========  ==================  ==========  ====================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.answers import NONE, SKIPPED, AnswerValue, FileRef, encode
from flows.form import Form
from flows.form_loader import load_form
from storage.db import transaction
from storage.files import FileStore
from storage.forms import store_form
from storage.models import Member, Unit
from storage.rounds import open_round
from storage.submissions import add_attachment, change_state, save_answer, submission_for
from tidtam.core.vocabulary import Certify, Role, SubmissionState

TINY_FORM = """\
form: tiny
title: แบบทดสอบรายงาน
sections:
  - id: s1
    title: ยุทธศาสตร์ที่ 1 ความมั่นคง
    indicators:
      - id: i1
        title: ตัวชี้วัดที่ 1 กิจกรรม
        questions:
          - id: done
            type: choice
            text: หน่วยงานของท่านดำเนินการตามตัวชี้วัดนี้หรือไม่
            choices:
              - {id: "yes", label: ดำเนินการแล้ว}
              - {id: "no", label: ยังไม่ดำเนินการ}
          - id: students
            type: integer
            text: จำนวนนักเรียนที่เข้าร่วม (คน)
            min: 0
            when: done == yes
          - id: budget
            type: decimal
            text: งบประมาณ (บาท)
            required: false
            when: done == yes
          - id: project
            type: text
            text: ชื่อโครงการ
          - id: threats
            type: multi
            text: ภัยคุกคามที่มีมาตรการป้องกัน
            choices:
              - {id: drugs, label: ยาเสพติด}
              - {id: cyber, label: ภัยไซเบอร์}
              - {id: other, label: อื่น ๆ}
          - id: held
            type: date
            text: วันที่จัดกิจกรรม
          - id: report
            type: file
            text: เอกสารผลการดำเนินงาน
            kinds: [esa]
            required: false
"""

UNITS = [  # code, name, kind, parent, district
    ("PROV", "สำนักงานศึกษาธิการจังหวัดทดสอบ", "province", None, "เมือง"),
    ("ESA1", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1", "esa", "PROV", "เมือง"),
    ("ESA2", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 2", "esa", "PROV", None),
    ("VOC", "สำนักงานอาชีวศึกษาจังหวัด", "vocational", "PROV", "เมือง"),
    ("S1", "โรงเรียนบ้านหนึ่ง", "school", "ESA1", "เมือง"),
    ("S2", "โรงเรียนบ้านสอง", "school", "ESA1", "หล่มสัก"),
    ("S3", "โรงเรียนบ้านสาม", "school", "ESA2", "หล่มสัก"),
    ("S4", "โรงเรียนบ้านสี่", "school", "ESA2", "หล่มสัก"),
]

FILES = {"a.pdf": b"%PDF-1.4 tiny report", "b.jpg": b"\xff\xd8\xff tiny photo"}


@dataclass
class Tiny:
    sessions: async_sessionmaker[AsyncSession]
    round_id: int
    unit_ids: dict[str, int]
    form: Form
    deadline: datetime
    files_root: Path


async def seed_tiny(sessions: async_sessionmaker[AsyncSession], files_root: Path) -> Tiny:
    form = load_form(TINY_FORM, "tiny.yaml")
    now = datetime.now(UTC)
    deadline = now + timedelta(days=10)
    store = FileStore(files_root)
    async with transaction(sessions) as session:
        ids: dict[str, int] = {}
        for code, name, kind, parent, district in UNITS:
            unit = Unit(
                code=code,
                name=name,
                kind=kind,
                parent_id=ids[parent] if parent else None,
                district=district,
            )
            session.add(unit)
            await session.flush()
            ids[code] = unit.id
        version = await store_form(session, form, TINY_FORM)
        round_ = await open_round(
            session,
            form=version,
            period="2567",
            opens_at=now - timedelta(days=1),
            deadline=deadline,
            kinds=["esa", "school"],
            certify=Certify.HEAD,
        )
        members = [
            ("ESA1", Role.HEAD, True),
            ("ESA1", Role.SUPERVISOR, True),
            ("S1", Role.REPORTER, True),
            ("S3", Role.REPORTER, False),
        ]
        for n, (code, role, reachable) in enumerate(members, start=1):
            session.add(
                Member(
                    telegram_user_id=1000 + n,
                    unit_id=ids[code],
                    role=role.value,
                    reachable=reachable,
                )
            )

        async def answer(code: str, given: dict[str, AnswerValue]) -> None:
            submission = await submission_for(session, round_.id, ids[code])
            for question_id, value in given.items():
                await save_answer(
                    session,
                    submission,
                    question_id,
                    encode(form.question(question_id), value),
                    actor=None,
                    now=now,
                )

        await answer(
            "S1",
            {
                "done": AnswerValue("yes"),
                "students": AnswerValue(120),
                "budget": AnswerValue(Decimal("1500.50")),
                "project": AnswerValue("โครงการ ก"),
                "threats": AnswerValue(("drugs", "cyber")),
                "held": AnswerValue(dt.date(2024, 3, 15)),
            },
        )
        await answer(
            "S2",
            {
                "done": AnswerValue("yes"),
                "students": AnswerValue(99),
                "project": NONE,
                "threats": AnswerValue(("drugs",)),
            },
        )
        # S2 changes its mind: "students" stays stored but is no longer asked.
        await answer("S2", {"done": AnswerValue("no")})
        await answer(
            "S3",
            {
                "done": AnswerValue("yes"),
                "students": AnswerValue(30),
                "budget": SKIPPED,
                "project": AnswerValue("โครงการ ข"),
            },
        )
        esa1 = await submission_for(session, round_.id, ids["ESA1"])
        refs = []
        for name, data in FILES.items():
            stored = store.put(data)
            attachment = await add_attachment(
                session,
                esa1,
                "report",
                original_name=name,
                size=stored.size,
                mime_type="application/octet-stream",
                sha256=stored.sha256,
                storage_key=stored.key,
                telegram_file_id=None,
                actor=None,
                now=now,
            )
            refs.append(FileRef(attachment.id, name))
        await answer(
            "ESA1",
            {
                "done": AnswerValue("yes"),
                "students": AnswerValue(0),
                "project": NONE,
                "report": AnswerValue(tuple(refs)),
            },
        )
        for code, states in {
            "S1": [SubmissionState.SUBMITTED],
            "S2": [SubmissionState.SUBMITTED, SubmissionState.CERTIFIED],
            "ESA1": [SubmissionState.SUBMITTED, SubmissionState.RETURNED],
        }.items():
            submission = await submission_for(session, round_.id, ids[code])
            for state in states:
                await change_state(session, submission, state, actor=None, now=now)
        round_id = round_.id
    return Tiny(sessions, round_id, ids, form, deadline, files_root)


@pytest.fixture
async def tiny(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> Tiny:
    return await seed_tiny(sessions, tmp_path / "files")
