"""The CSV export never hands a formula to a spreadsheet (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from flows.answers import AnswerValue, encode
from reports.snapshot import load_round_snapshot
from reports.workbook import MAX_ZIP_NAME_BYTES, write_csv, zip_name
from storage.db import transaction
from storage.models import Unit
from storage.submissions import save_answer, submission_for
from tests.reports.conftest import Tiny
from tidtam.core.csv_cells import FORMULA_STARTS, restore


async def test_hostile_names_and_answers_are_text_and_numbers_stay_numbers(
    tiny: Tiny, tmp_path: Path
) -> None:
    hostile_name = '=HYPERLINK("http://evil.example","คลิก")'
    async with transaction(tiny.sessions) as session:
        await session.execute(
            update(Unit)
            .where(Unit.id == tiny.unit_ids["S4"])
            .values(name=hostile_name, district="@SUM(1+1)")
        )
        submission = await submission_for(session, tiny.round_id, tiny.unit_ids["S4"])
        for question_id, value in {
            "done": AnswerValue("yes"),
            "project": AnswerValue("+cmd|' /C calc'!A0"),
            "students": AnswerValue(-0),
        }.items():
            await save_answer(
                session,
                submission,
                question_id,
                encode(tiny.form.question(question_id), value),
                actor=None,
                now=tiny.deadline,
            )
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, tiny.round_id)
    path = tmp_path / "round.csv"
    write_csv(snapshot, path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in FORMULA_STARTS, cell
    s4 = next(row for row in rows if row[0] == "S4")
    assert hostile_name in [restore(cell) for cell in s4]
    assert "@SUM(1+1)" in [restore(cell) for cell in s4]
    assert "+cmd|' /C calc'!A0" in [restore(cell) for cell in s4]
    s1 = next(row for row in rows if row[0] == "S1")
    assert "120" in s1  # a number is written as a number, unquoted


@given(
    st.text(st.characters(categories=("L", "M", "N")), min_size=1, max_size=400),
    st.text(st.characters(categories=("L", "N")), max_size=40),
)
def test_zip_names_fit_255_bytes_and_keep_the_extension(stem: str, code: str) -> None:
    name = zip_name(code or "S1", "s1i1_report", 12, f"{stem}.pdf")
    assert len(name.encode("utf-8")) <= MAX_ZIP_NAME_BYTES
    assert name.endswith(".pdf")
    kept = name.rsplit("/", 1)[-1].removeprefix("s1i1_report-12-").removesuffix(".pdf")
    assert stem.startswith(kept) or kept == "file"


def test_a_long_thai_name_is_cut_between_characters() -> None:
    name = zip_name("S1", "q", 1, "รายงานผลการดำเนินงานด้านการอ่านการเขียน" * 6 + ".docx")
    assert len(name.encode("utf-8")) <= MAX_ZIP_NAME_BYTES
    assert name.endswith(".docx") and name.startswith("S1/q-1-รายงาน")
    stem = name[: -len(".docx")]
    assert unicodedata.category(stem[-1]) != "Mn" or unicodedata.category(stem[-2]) != "Mn"
