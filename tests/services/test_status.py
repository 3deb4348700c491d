"""Status, overdue units and the workbook for the asker's scope, without Telegram."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tidtam.core.vocabulary import Role
from tidtam.samples import UNITS_FILE
from tidtam.services.status import (
    OVERSEEING,
    Overdue,
    Refusal,
    Refused,
    Status,
    Workbook,
    overdue,
    status,
    workbook,
)

from .conftest import NOW, Province

SCHOOL = "1067010001"
ROWS = list(csv.DictReader(UNITS_FILE.read_text(encoding="utf-8").splitlines()))
TARGETS = {r["code"] for r in ROWS if r["kind"] in ("esa", "school")}


def names_under(root: str) -> set[str]:
    """The names of the targets in ``root``'s subtree, from the sample units file."""
    parent = {r["code"]: r["parent_code"] for r in ROWS}
    below = set()
    for code in TARGETS:
        walk: str | None = code
        while walk and walk != root:
            walk = parent.get(walk)
        if walk == root:
            below.add(code)
    return {r["name"] for r in ROWS if r["code"] in below}


async def test_each_role_sees_its_scope(province: Province) -> None:
    officer = await province.person(1, "PBN", Role.OFFICER)
    supervisor = await province.person(2, "PBN-ESA1", Role.SUPERVISOR)
    reporter = await province.person(3, SCHOOL)
    mine = await status(province.sessions, reporter, round_id=None, now=NOW)
    assert isinstance(mine, Status) and not mine.chart
    assert mine.scope.role is Role.REPORTER and len(mine.frame) == 1
    assert int(mine.frame.iloc[-1]["total"]) == 1
    esa = await status(province.sessions, supervisor, round_id=None, now=NOW)
    assert isinstance(esa, Status) and esa.chart and esa.scope.root_name.endswith("เขต 1")
    assert int(esa.frame.iloc[-1]["total"]) == len(names_under("PBN-ESA1"))
    everything = await status(province.sessions, officer, round_id=province.round.id, now=NOW)
    assert isinstance(everything, Status) and everything.scope.role is Role.OFFICER
    assert int(everything.frame.iloc[-1]["total"]) == len(TARGETS)
    assert everything.period == province.round.period


async def test_overdue_lists_only_the_subtree(province: Province) -> None:
    supervisor = await province.person(2, "PBN-ESA1", Role.SUPERVISOR)
    await province.person(3, SCHOOL)
    late = await overdue(province.sessions, supervisor, round_id=None, now=NOW + timedelta(days=30))
    assert isinstance(late, Overdue) and late.snapshot.past_deadline
    shown = {unit.name for _, units in late.by_agency for unit in units}
    assert shown == names_under("PBN-ESA1") and late.late == late.total == len(shown)
    school = next(
        u for _, units in late.by_agency for u in units if u.name.endswith("อนุบาลเพชรบูรณ์")
    )
    assert school.registered and school.reachable and school.state == "not_started"
    others = [u for _, units in late.by_agency for u in units if u is not school]
    assert not any(u.registered for u in others)


async def test_scope_refusals(province: Province) -> None:
    reporter = await province.person(3, SCHOOL)
    for use_case in (overdue, status):
        refused = await use_case(province.sessions, 404, round_id=None, now=NOW)
        assert isinstance(refused, Refused) and refused.refusal is Refusal.NOT_ALLOWED
        assert refused.allowed == OVERSEEING
    late = await overdue(province.sessions, reporter, round_id=None, now=NOW)
    assert isinstance(late, Refused) and late.refusal is Refusal.NOT_ALLOWED
    unknown = await status(province.sessions, reporter, round_id=999, now=NOW)
    assert isinstance(unknown, Refused) and unknown.refusal is Refusal.NO_ROUND


async def test_workbook_of_the_scope(province: Province, tmp_path: Path) -> None:
    supervisor = await province.person(2, "PBN-ESA1", Role.SUPERVISOR)
    reporter = await province.person(3, SCHOOL)
    options = {
        "now": NOW,
        "reports_dir": tmp_path / "reports",
        "files_root": tmp_path / "files",
        "tz": ZoneInfo("Asia/Bangkok"),
    }
    book = await workbook(province.sessions, supervisor, round_id=None, **options)  # type: ignore[arg-type]
    assert isinstance(book, Workbook) and book.content[:2] == b"PK"
    assert book.units == len(names_under("PBN-ESA1"))
    assert book.name.endswith(".xlsx") and str(province.round.id) in book.name
    assert list((tmp_path / "reports").iterdir()) == []  # the scratch folder is gone
    refused = await workbook(province.sessions, reporter, round_id=None, **options)  # type: ignore[arg-type]
    assert isinstance(refused, Refused) and refused.refusal is Refusal.NOT_ALLOWED
