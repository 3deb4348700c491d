"""``tidtam demo --form projects`` end to end: two quarters, its counts and its workbook."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from flows.form_loader import load_form_file
from tidtam.cli import app
from tidtam.demo.projects import expected_tallies, plan_quarters
from tidtam.demo.run import TARGET_KINDS, sample_units
from tidtam.demo.scenario import pick_units
from tidtam.samples import PROJECTS_FILE

SCHOOLS, SEED = 2, 4
NAME = "ข้อ 1.1.1.1 ชื่อโครงการ"
SPENT = "ข้อ 1.1.1.6 งบประมาณที่เบิกจ่ายแล้วสะสมถึงสิ้นไตรมาส (บาท)"
PEOPLE = "ข้อ 1.1.1.9.4 จำนวนกลุ่มเป้าหมายที่เข้าร่วม (คน)"


def _count(output: str, pattern: str) -> list[int]:
    found = re.search(pattern, output)
    assert found is not None, f"{pattern!r} not in {output}"
    return [int(n.replace(",", "")) for n in found.groups()]


def _sheet(path: Path, name: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    [header, *rows] = list(book[name].iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_two_quarters_of_projects_through_the_bot_and_the_second_quarters_workbook(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    outcome = CliRunner().invoke(
        app,
        ["demo", "--form", "projects", "--units", str(SCHOOLS), "--seed", str(SEED),
         "--data-dir", str(folder)],
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    said = " ".join(outcome.output.split())  # the console wraps lines at its width

    # The plan, made again: what every unit reports, and what its people will do.
    form = load_form_file(PROJECTS_FILE)
    targets = [u for u in pick_units(sample_units(), SCHOOLS) if u.kind in TARGET_KINDS]
    days = (dt.date(2026, 11, 20), dt.date(2027, 1, 5))  # the dates change no count
    planned = plan_quarters(targets, form, SEED, days)
    first, second = expected_tallies(form, planned)
    assert len(targets) == 6  # four ESA offices and two schools
    projects = sum(u.first.projects for u in planned)
    assert projects == sum(u.second.projects for u in planned) >= 6
    activities = [sum(getattr(u, q).activities for u in planned) for q in ("first", "second")]
    assert second.kept > second.changed >= second.confirmed > 0  # the plan is worth checking

    assert _count(said, r"(\d+) หน่วยงานรายงานโครงการของตน") == [6]
    assert _count(said, r"ไตรมาสที่ 1: รายงาน (\d+) โครงการ (\d+) กิจกรรม · ตอบผ่านบอต (\d+) ข้อ"
                  r" · กดเพิ่มรายการ (\d+) ครั้ง · ส่งรายงานครบ (\d+) หน่วยงาน") == [
        projects, activities[0], first.given, first.added, 6
    ]  # fmt: skip
    assert first.added == projects + activities[0]
    assert _count(said, r"ยกคำตอบเดิม (\d+) ข้อของ (\d+) หน่วยงาน")[1] == 6
    assert _count(
        said,
        r"ไตรมาสที่ 2: รายงาน (\d+) โครงการ (\d+) กิจกรรม · ตอบผ่านบอต (\d+) ข้อ"
        r" · ยืนยันคำตอบเดิม \(ยังเป็นเหมือนเดิม\) (\d+) ข้อ · แก้คำตอบเดิม (\d+) ข้อ"
        r" \(ตัวเลขต่างจากเดิมเกินร้อยละ 40 ยืนยันด้วย \"ใช่\" (\d+) ข้อ\) · ตอบข้อใหม่ (\d+) ข้อ"
        r" · ปิดรายการเดิม (\d+) รายการ · เพิ่มกิจกรรมใหม่ (\d+) กิจกรรม · ส่งรายงานครบ (\d+)",
    ) == [
        projects, activities[1], second.given, second.kept, second.changed, second.confirmed,
        second.fresh, second.closed, second.added, 6,
    ]  # fmt: skip
    proofs = re.findall(
        r"คำตอบในฐานข้อมูล (\d+) ข้อ บันทึกผ่านบอต (\d+) ข้อ · บันทึกทางอื่น 0 ข้อ"
        r" · คำตอบเดิมที่ยังไม่ได้ยืนยัน 0 ข้อ",
        said,
    )
    assert len(proofs) == 2 and all(stored == by_bot for stored, by_bot in proofs)

    # The database: every carried answer confirmed or replaced, by the person who answered.
    with sqlite3.connect(folder / "demo.db") as db:
        carried = db.execute(
            "SELECT count(*) FROM answers a JOIN submissions s ON s.id = a.submission_id"
            " WHERE s.round_id = 2 AND json_extract(a.value, '$.prefilled') IS NOT NULL"
        ).fetchone()
        states = db.execute("SELECT round_id, state FROM submissions ORDER BY 1").fetchall()
    assert carried == (0,)
    assert states == [(1, "certified")] * 6 + [(2, "certified")] * 6

    # The second quarter's workbook: every project and activity, with this quarter's figures.
    workbooks = list((folder / "reports").glob("*.xlsx"))
    assert [w.name for w in workbooks] == ["demo-projects-round-2.xlsx"]
    assert workbooks[0].name in said.replace(" ", "")
    codes = {u.unit.code: u for u in planned}
    rows = _sheet(workbooks[0], "โครงการ")
    assert len(rows) == projects
    for row in rows:
        unit = codes[str(row["รหัสหน่วยงาน"])]
        key = f"projects/i{row['โครงการที่']}"
        assert row[NAME] == unit.second.answers[f"{key}/name"].answer.value
        assert row[SPENT] == unit.second.answers[f"{key}/spent"].answer.value
    acts = _sheet(workbooks[0], "กิจกรรม")
    assert len(acts) == activities[1]
    for row in acts:
        unit = codes[str(row["รหัสหน่วยงาน"])]
        key = f"projects/i{row['โครงการที่']}/activities/i{row['กิจกรรมที่']}/act_people"
        assert row[PEOPLE] == unit.second.answers[key].answer.value
