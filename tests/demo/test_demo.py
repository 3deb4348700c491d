"""The demo end to end: a small province, a fixed seed, its outputs checked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from reports.labels import STATE_TH
from reports.workbook import SUMMARY_HEADERS, SUMMARY_TABLE_ROW, UNIT_HEADERS
from tidtam.cli import app
from tidtam.demo.run import DemoOptions, DemoResult, run_demo
from tidtam.demo.scenario import Fate

PNG = b"\x89PNG\r\n\x1a\n"


async def test_a_small_round_from_invitations_to_the_workbook(tmp_path: Path) -> None:
    result = await run_demo(DemoOptions(tmp_path / "data", units=30, seed=7))
    plan = result.plan
    expected = plan.expected_states()
    assert len(plan.units) == 34  # four esa offices and thirty schools
    assert {u.fate for u in plan.units} == set(Fate)
    assert result.final_states == expected | {"returned": 0}
    assert result.answers_stored > 100
    assert result.answers_by_bot == result.answers_stored  # none stored another way
    assert result.answers_given >= result.answers_stored  # corrections are given again

    # The workbook read back: the summary's total row and every unit's state.
    summary = pd.read_excel(result.workbook, sheet_name="สรุป", header=SUMMARY_TABLE_ROW)
    total = summary[summary[SUMMARY_HEADERS["name"]] == "รวม"].iloc[0]
    for state in ("certified", "submitted", "in_progress", "not_started"):
        assert total[SUMMARY_HEADERS[state]] == expected[state], state
    assert total[SUMMARY_HEADERS["total"]] == len(plan.units)
    units = pd.read_excel(result.workbook, sheet_name="รายหน่วยงาน", dtype=str)
    shown = dict(zip(units[UNIT_HEADERS["code"]], units[UNIT_HEADERS["state"]], strict=True))
    assert shown == {u.unit.code: STATE_TH[u.final_state] for u in plan.units}
    assert result.chart.read_bytes().startswith(PNG)
    _escalations_went_to_the_right_people(result)


def _escalations_went_to_the_right_people(result: DemoResult) -> None:
    plan = result.plan
    overdue = plan.overdue_by_agency()
    for agency in plan.agencies:
        late = overdue.get(agency.unit.code, [])
        if agency.supervisor is None:  # the province root: its units go to the officer
            messages = result.received[plan.officer.id]
        else:
            messages = result.received.get(agency.supervisor.id, [])
        alerts = [m for m in messages if m.startswith("📣") and agency.unit.name in m]
        if not late:
            assert not alerts, agency.unit.code
            continue
        assert alerts, f"{agency.unit.code}: no escalation"
        for unit in late:
            assert unit.unit.code in alerts[0], (agency.unit.code, unit.unit.code)
            if unit.fate is Fate.BLOCKED:
                line = next(x for x in alerts[0].splitlines() if unit.unit.code in x)
                assert "ติดต่อไม่ได้" in line  # the reporter blocked the bot
            line = next(x for x in alerts[0].splitlines() if unit.unit.code in x)
            if unit.fate is Fate.UNREGISTERED:
                assert "ยังไม่มีผู้ลงทะเบียน" in line
            elif unit.fate is not Fate.BLOCKED:
                assert "ติดต่อไม่ได้" not in line, line  # they were reached
    with sqlite3.connect(result.database) as db:
        steps = db.execute(
            "SELECT recipient FROM reminder_ledger WHERE step LIKE 'sup:%' AND status = 'sent'"
        ).fetchall()
    supervisors = {
        f"user:{a.supervisor.id}"
        for a in plan.agencies
        if a.supervisor is not None and a.unit.code in overdue
    }
    assert {r for (r,) in steps} == supervisors
    assert any("📣" in m for m in result.received[plan.officer.id])  # day 7 after
    blocked = sum(u.fate is Fate.BLOCKED for u in plan.units)
    assert sum(s.unreachable for s in result.sweeps) == blocked  # only they


def test_the_command_runs_in_english_and_prints_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    outcome = CliRunner().invoke(
        app,
        ["demo", "--units", "6", "--seed", "2", "--lang", "en",
         "--data-dir", str(folder)],
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    assert "Simulated day 13" in outcome.output and "Province status" in outcome.output
    workbooks = list((folder / "reports").glob("*.xlsx"))
    assert len(workbooks) == 1 and workbooks[0].name in outcome.output.replace("\n", "")
    assert (folder / "tidtam.db").exists() is False  # the demo keeps to demo.db
