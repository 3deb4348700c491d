"""Targets: imported from a file, then achieved against target by agency and province."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reports.round_snapshot import RoundSnapshot
from reports.snapshot import load_round_snapshot
from reports.targets import achievement
from storage.models import Round, Target
from storage.targets import targets_of
from tests.reports.conftest import Tiny
from tidtam.core.unitsfile import UnitsFileError
from tidtam.services.targets import import_targets_file


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text(text, encoding="utf-8")
    return path


async def test_achieved_against_target_computed_by_hand(tiny: Tiny, tmp_path: Path) -> None:
    # students: S1 120, S2 not asked (done = no), S3 30, ESA1 0, S4 and ESA2 nothing
    done = await import_targets_file(
        tiny.sessions,
        write(
            tmp_path,
            "unit_code,question,period,target\n"
            "S1,students,2567,100\n"
            "S3,1.1.2,๒๕๖๗,50\n"  # an item number and Thai digits
            'ESA2,students,2567,"1,000"\n',  # the agency as a whole
        ),
        "tiny",
    )
    assert (done.stored, done.periods) == (3, ("2567",))
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id)
        targets = await targets_of(session, "tiny", "2567")
    agencies, province = achievement(snapshot, "students", targets)
    by_agency = {a.unit_id: a for a in agencies}
    esa1, esa2 = by_agency[tiny.unit_ids["ESA1"]], by_agency[tiny.unit_ids["ESA2"]]
    # ESA1: 0 + 120 of the members' targets 100 (S1's): 120.0 %, met
    assert (esa1.achieved, esa1.reported, esa1.units) == (Decimal(120), 2, 3)
    assert (esa1.target, esa1.percent, esa1.met) == (Decimal(100), Decimal("120.0"), True)
    # ESA2: its own target (1,000) counts for the whole agency, not S3's 50
    assert (esa2.achieved, esa2.target, esa2.percent, esa2.met) == (
        Decimal(30),
        Decimal(1000),
        Decimal("3.0"),
        False,
    )
    # the province: 150 of the agencies' 1,100
    assert (province.achieved, province.target, province.percent) == (
        Decimal(150),
        Decimal(1100),
        Decimal("13.6"),
    )


async def test_the_form_target_is_the_province_target_when_no_file_gives_one(
    tiny: Tiny,
) -> None:
    from dataclasses import replace

    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id)
    question = replace(snapshot.form.question("students"), target=Decimal(300))
    form = replace(
        snapshot.form,
        sections=tuple(
            replace(
                s,
                indicators=tuple(
                    replace(
                        i,
                        questions=tuple(question if q.id == "students" else q for q in i.questions),
                    )
                    for i in s.indicators
                ),
            )
            for s in snapshot.form.sections
        ),
    )
    agencies, province = achievement(replace(snapshot, form=form), "students", {})
    assert all(a.target is None and a.met is None for a in agencies)
    assert (province.achieved, province.target, province.percent, province.met) == (
        Decimal(150),
        Decimal(300),
        Decimal("50.0"),
        False,
    )


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        ("NOPE,students,2567,1\n", ['row 3, column unit_code: unknown unit "NOPE"']),
        ("S1,project,2567,1\n", ['row 3, column question: "project" is not a number question']),
        ("S1,students,2024,1\n", ["row 3, column period: period '2024'"]),
        ("S1,students,2567,-5\n", ['row 3, column target: "-5" is not a number from 0']),
        (
            "S1,students,2567,1\nS1,students,2567,2\n",
            ["row 4, column question: the same unit, question and period as row 3"],
        ),
    ],
)
async def test_every_problem_is_placed_and_nothing_is_written(
    tiny: Tiny, tmp_path: Path, rows: str, problems: list[str]
) -> None:
    good = "S3,students,2567,50\n"  # row 2, good: not written either
    path = write(tmp_path, "unit_code,question,period,target\n" + good + rows)
    with pytest.raises(UnitsFileError) as raised:
        await import_targets_file(tiny.sessions, path, "tiny")
    said = [str(p) for p in raised.value.problems]
    assert len(said) == len(problems), said
    for text, expected in zip(said, problems, strict=True):
        assert text.startswith("targets.csv ") and expected in text, text
    async with tiny.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Target)) == 0


async def test_an_unknown_form_is_refused(tiny: Tiny, tmp_path: Path) -> None:
    path = write(tmp_path, "unit_code,question,period,target\nS1,students,2567,1\n")
    with pytest.raises(UnitsFileError, match='no stored form "nope"'):
        await import_targets_file(tiny.sessions, path, "nope")


async def with_a_school_target(
    tiny: Tiny, tmp_path: Path
) -> tuple[RoundSnapshot, dict[tuple[int, str], Decimal]]:
    """S1's target of 100 students imported; the round's snapshot and stored targets."""
    await import_targets_file(
        tiny.sessions,
        write(tmp_path, "unit_code,question,period,target\nS1,students,2567,100\n"),
        "tiny",
    )
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id)
        return snapshot, await targets_of(session, "tiny", "2567")


async def test_the_workbook_has_a_targets_sheet_with_the_same_figures(
    tiny: Tiny, tmp_path: Path
) -> None:
    import pandas as pd

    from reports.workbook import TARGET_SHEET, write_workbook

    snapshot, targets = await with_a_school_target(tiny, tmp_path)
    path = tmp_path / "round.xlsx"
    write_workbook(snapshot, path, targets=targets)
    sheet = pd.read_excel(path, sheet_name=TARGET_SHEET)
    rows = {str(r["หน่วยงาน"]): r for r in sheet.to_dict("records")}
    esa1 = rows["สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1"]
    assert (esa1["ข้อ"], esa1["ผลการดำเนินงาน"], esa1["ค่าเป้าหมาย"]) == ("1.1.2", 120, 100)
    assert (esa1["ร้อยละของค่าเป้าหมาย"], esa1["บรรลุเป้าหมาย"]) == (120.0, "บรรลุ")
    assert rows["รวม"]["ผลการดำเนินงาน"] == 150 and rows["รวม"]["ค่าเป้าหมาย"] == 100
    write_workbook(snapshot, tmp_path / "none.xlsx")  # no targets anywhere: no such sheet
    with pd.ExcelFile(tmp_path / "none.xlsx") as book:
        assert TARGET_SHEET not in book.sheet_names


async def test_the_committee_report_shows_achieved_against_target(
    tiny: Tiny, tmp_path: Path
) -> None:
    from datetime import UTC

    from reports.committee import committee_report
    from reports.committee_docx import committee_docx
    from reports.committee_pdf import committee_pdf
    from tests.reports.pdfcheck import bases, page_texts

    snapshot, targets = await with_a_school_target(tiny, tmp_path)
    report = committee_report(snapshot, scope_name="จังหวัดทดสอบ", tz=UTC, targets=targets)
    students = next(
        q for s in report.sections for i in s.indicators for q in i.questions if q.no == "1.1.2"
    )
    assert [(t.group, t.achieved, t.target, t.percent, t.met) for t in students.targets] == [
        ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 1", 120.0, 100.0, 120.0, True),
        ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา เขต 2", 30.0, None, None, None),
        ("รวม", 150.0, 100.0, 150.0, True),
    ]
    text = bases("".join(page_texts(committee_pdf(report))))
    assert bases("ผลการดำเนินงานเทียบค่าเป้าหมาย") in text and bases("ไม่บรรลุ") not in text
    cells = [c.text for t in committee_docx(report).tables for r in t.rows for c in r.cells]
    assert "ค่าเป้าหมาย" in cells and "บรรลุ" in cells


async def test_the_round_s_threshold_decides_what_is_met(tiny: Tiny, tmp_path: Path) -> None:
    """A round opened with --target-met 3 counts ESA2's 3.0 % as met (and 2.9 % would not)."""
    await import_targets_file(
        tiny.sessions,
        write(tmp_path, 'unit_code,question,period,target\nESA2,students,2567,"1,000"\n'),
        "tiny",
    )
    async with tiny.sessions() as session, session.begin():
        opened = await session.get(Round, tiny.round_id)
        assert opened is not None
        opened.policy = {**opened.policy, "target_met": "3"}
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id)
        targets = await targets_of(session, "tiny", "2567")
    assert snapshot.round.met_percent == 3
    agencies, _ = achievement(snapshot, "students", targets)
    esa2 = next(a for a in agencies if a.unit_id == tiny.unit_ids["ESA2"])
    assert (esa2.percent, esa2.met) == (Decimal("3.0"), True)


async def test_an_indicator_names_its_target_only_when_it_has_one_number(
    tiny: Tiny, tmp_path: Path
) -> None:
    """Indicator 1.1 asks two numbers (students, budget): naming it is refused, placed."""
    with pytest.raises(UnitsFileError) as raised:
        await import_targets_file(
            tiny.sessions,
            write(tmp_path, "unit_code,question,period,target\nS1,1.1,2567,5\n"),
            "tiny",
        )
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (2, "question")
    assert "nor an indicator with one" in problem.message
