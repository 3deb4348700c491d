"""A small province's projects for the budget tests, with figures worked out by hand.

The tree of :data:`tests.reports.conftest.UNITS` (the round targets esa and school),
the sample project form (``tidtam/samples/projects.yaml``), the round expecting 50 %
disbursed. Projects (allocated / spent in baht; ``-``: not answered)::

    unit  item  name          status        allocated   spent    counted   unit's percent
    ESA1  1     นิเทศ          ongoing        200,000     99,999   yes       49.9995 -> lags
    S1    1     อ่านออก        ongoing        100,000     10,000   yes
    S1    2     ห้องสมุด        done            50,000     50,000   yes       60,000 / 150,000
    S1    3     ทัศนศึกษา       cancelled       20,000          0   no        = 40.0 -> lags
    S2    1     ลูกเสือ         done            10,000      6,000   yes       60.0 (with the
    S2    2     สนามกีฬา       cancelled       90,000          0   no        cancelled: 6.0)
    S3    1     ซ่อมอาคาร      not_started          0          0   yes       nothing allocated
    S3    2     คอมพิวเตอร์     ongoing         40,000          -   no
    S4    nothing answered;  VOC is not a target

Agency ESA1 (ESA1, S1, S2): 6 projects, states (0, 2, 2, 2), 4 counted, allocated
360,000, spent 165,999, left 194,001, 46.1 %. Agency ESA2 (S3): 2 projects, states
(1, 1, 0, 0), 1 counted, 0 allocated, no percent. The province: 8 projects, states
(1, 3, 2, 2), 5 counted, 360,000 / 165,999, 46.1 %. Lagging at 50 %: ESA1, S1.

Members (Telegram ids): officer of PROV 3001, supervisor of ESA1 3002, supervisor of
ESA2 3003, reporter of S1 3004.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.answers import NONE, AnswerValue, Items, Value, encode
from flows.form import Form
from flows.form_loader import load_form_file
from storage.db import transaction
from storage.forms import store_form
from storage.models import Member, Unit
from storage.rounds import open_round
from storage.submissions import save_answer, submission_for
from tests.reports.conftest import UNITS
from tidtam.core.vocabulary import Certify, Role
from tidtam.samples import PROJECTS_FILE

OFFICER, SUPERVISOR_ESA1, SUPERVISOR_ESA2, REPORTER_S1 = 3001, 3002, 3003, 3004

#: unit -> its projects: (name, status, allocated, spent); None: not answered.
PROJECTS: dict[str, list[tuple[str, str, int, int | None]]] = {
    "ESA1": [("นิเทศ", "ongoing", 200_000, 99_999)],
    "S1": [
        ("อ่านออก", "ongoing", 100_000, 10_000),
        ("ห้องสมุด", "done", 50_000, 50_000),
        ("ทัศนศึกษา", "cancelled", 20_000, 0),
    ],
    "S2": [("ลูกเสือ", "done", 10_000, 6_000), ("สนามกีฬา", "cancelled", 90_000, 0)],
    "S3": [("ซ่อมอาคาร", "not_started", 0, 0), ("คอมพิวเตอร์", "ongoing", 40_000, None)],
}


@dataclass
class BudgetProvince:
    sessions: async_sessionmaker[AsyncSession]
    round_id: int
    unit_ids: dict[str, int]
    form: Form


def project_answers(
    projects: list[tuple[str, str, int, int | None]],
) -> dict[str, Value | None]:
    """The stored answers of a unit's projects (activities and photos left out)."""
    given: dict[str, Value | None] = {
        "projects": Items(tuple(f"i{n}" for n in range(1, len(projects) + 1)), closed=True)
    }
    for n, (name, status, allocated, spent) in enumerate(projects, start=1):
        prefix = f"projects/i{n}/"
        given |= {
            prefix + "name": name,
            prefix + "owner": "กลุ่มนโยบายและแผน",
            prefix + "objective": "พัฒนาคุณภาพการศึกษา",
            prefix + "status": status,
            prefix + "allocated": Decimal(allocated),
        }
        if spent is None:
            continue  # still being answered: nothing after allocated
        given |= {prefix + "spent": Decimal(spent), prefix + "problems": None}
        given[prefix + "suggestions"] = None
        if status in ("ongoing", "done"):
            given |= {
                prefix + "activities": Items(("i1",), closed=True),
                prefix + "activities/i1/act_name": "ประชุม",
                prefix + "activities/i1/act_date": date(2025, 11, 15),
                prefix + "activities/i1/act_place": "สำนักงาน",
                prefix + "activities/i1/act_people": 20,
                prefix + "activities/i1/act_result": "ตามแผน",
            }
    return given


async def seed_budget_province(
    sessions: async_sessionmaker[AsyncSession], *, expected: str | None = "50"
) -> BudgetProvince:
    form = load_form_file(PROJECTS_FILE)
    now = datetime.now(UTC)
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
        version = await store_form(session, form, PROJECTS_FILE.read_text(encoding="utf-8"))
        round_ = await open_round(
            session,
            form=version,
            period="2569-Q1",
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=10),
            kinds=["esa", "school"],
            certify=Certify.HEAD,
            policy={} if expected is None else {"expected_disbursement": expected},
        )
        for user, code, role in (
            (OFFICER, "PROV", Role.OFFICER),
            (SUPERVISOR_ESA1, "ESA1", Role.SUPERVISOR),
            (SUPERVISOR_ESA2, "ESA2", Role.SUPERVISOR),
            (REPORTER_S1, "S1", Role.REPORTER),
        ):
            session.add(Member(telegram_user_id=user, unit_id=ids[code], role=role.value))
        for code, projects in PROJECTS.items():
            submission = await submission_for(session, round_.id, ids[code])
            for key, value in project_answers(projects).items():
                answer = NONE if value is None else AnswerValue(value)
                data = encode(form.question(key), answer)
                await save_answer(session, submission, key, data, actor=None, now=now)
        round_id = round_.id
    return BudgetProvince(sessions, round_id, ids, form)
