"""Snapshot, completion and per-question aggregates on the tiny round (see conftest)."""

from __future__ import annotations

import datetime as dt
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from reports.aggregates import (
    answered_files,
    choice_aggregates,
    completion,
    indicators_table,
    question_aggregates,
    texts,
    unit_answers_wide,
    unit_status,
)
from reports.chart import status_chart
from reports.errors import UnknownRound, UnknownUnit
from reports.snapshot import RoundSnapshot, load_round_snapshot
from reports.workbook import write_workbook
from storage.db import transaction
from storage.models import FormVersion
from storage.rounds import open_round
from tests.reports.conftest import Tiny
from tidtam.core.vocabulary import Certify

ORDER = ["ESA1", "S1", "S2", "ESA2", "S3", "S4"]  # by agency, then depth, then code


async def snapshot_of(tiny: Tiny, **kwargs: object) -> RoundSnapshot:
    async with tiny.sessions() as session:
        return await load_round_snapshot(session, tiny.round_id, **kwargs)  # type: ignore[arg-type]


def counts(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[int]]:
    return {
        str(code): [int(v) for v in row]
        for code, row in zip(frame["code"], frame[columns].to_numpy(), strict=True)
    }


async def test_snapshot_frames(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny)
    units = snapshot.units.set_index("code")
    assert list(snapshot.targets["code"]) == ORDER
    assert set(units.index) == {"PROV", "ESA1", "ESA2", "VOC", "S1", "S2", "S3", "S4"}
    assert units.loc["S3", "agency_code"] == "ESA2"
    assert units.loc["ESA1", "agency_code"] == "ESA1"
    assert units.loc["PROV", "agency_code"] == "PROV"
    assert units.loc["S1", "depth"] == 2
    assert not units.loc["VOC", "is_target"] and not units.loc["PROV", "is_target"]
    # reporters and heads count; the ESA1 supervisor does not
    members = units[["registered", "reachable"]].to_dict("index")
    assert members["ESA1"] == {"registered": 1, "reachable": 1}
    assert members["S3"] == {"registered": 1, "reachable": 0}
    assert members["S4"] == {"registered": 0, "reachable": 0}
    assert len(snapshot.answers) == 18
    assert len(snapshot.attachments) == 2
    assert snapshot.form.code == "tiny"
    assert snapshot.round.kinds == ("esa", "school")


async def test_snapshot_of_a_subtree(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny, subtree_of=tiny.unit_ids["ESA2"])
    assert list(snapshot.units["code"]) == ["ESA2", "S3", "S4"]
    assert set(snapshot.submissions["unit_id"]) == {tiny.unit_ids["S3"]}
    assert set(snapshot.answers["unit_id"]) == {tiny.unit_ids["S3"]}
    assert snapshot.attachments.empty
    # the agency is still found above the scope
    assert set(snapshot.units["agency_code"]) == {"ESA2"}


async def test_snapshot_without_answers(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny, answers=False)
    assert snapshot.answers.empty and snapshot.attachments.empty
    assert not snapshot.answers_loaded
    assert completion(snapshot)["total"].tolist() == [3, 3]


async def test_unknown_round_and_unit(tiny: Tiny) -> None:
    async with tiny.sessions() as session:
        with pytest.raises(UnknownRound):
            await load_round_snapshot(session, 999)
        with pytest.raises(UnknownUnit):
            await load_round_snapshot(session, tiny.round_id, subtree_of=999)
    snapshot = await snapshot_of(tiny, subtree_of=tiny.unit_ids["ESA2"])
    with pytest.raises(UnknownUnit):
        completion(snapshot, by="unit", root_unit_id=tiny.unit_ids["ESA1"])


STATE_COLUMNS = ["total", "not_started", "in_progress", "returned", "submitted", "certified"]


async def test_completion_by_agency_before_the_deadline(tiny: Tiny) -> None:
    frame = completion(await snapshot_of(tiny), total=True)
    assert list(frame["name"])[-1] == "รวม"
    assert counts(frame, [*STATE_COLUMNS, "done", "overdue", "unreachable"]) == {
        "ESA1": [3, 0, 0, 1, 1, 1, 2, 0, 1],
        "ESA2": [3, 2, 1, 0, 0, 0, 0, 0, 3],
        "": [6, 2, 1, 1, 1, 1, 2, 0, 4],
    }
    assert frame["done_pct"].tolist() == [66.7, 0.0, 33.3]
    assert frame["certified_pct"].tolist() == [33.3, 0.0, 16.7]


async def test_overdue_after_the_deadline_counts_returned_as_not_submitted(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny, now=tiny.deadline + timedelta(minutes=1))
    frame = completion(snapshot)
    assert counts(frame, ["overdue"]) == {"ESA1": [1], "ESA2": [3]}
    assert frame["overdue_pct"].tolist() == [33.3, 100.0]
    status = unit_status(snapshot).set_index("code")
    assert status["overdue"].to_dict() == {
        "ESA1": True,
        "S1": False,
        "S2": False,
        "ESA2": True,
        "S3": True,
        "S4": True,
    }


async def test_completion_by_child_unit_and_by_district(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny)
    by_unit = completion(snapshot, by="unit", root_unit_id=tiny.unit_ids["ESA1"])
    assert counts(by_unit, STATE_COLUMNS) == {
        "ESA1": [1, 0, 0, 1, 0, 0],
        "S1": [1, 0, 0, 0, 1, 0],
        "S2": [1, 0, 0, 0, 0, 1],
    }
    # no root given: the children of the single root, i.e. the agencies
    assert counts(completion(snapshot, by="unit"), ["total"]) == {"ESA1": [3], "ESA2": [3]}
    by_district = completion(snapshot, by="district")
    assert counts(by_district, ["total", "done"]) == {
        "เมือง": [2, 1],
        "หล่มสัก": [3, 1],
        "ไม่ระบุอำเภอ": [1, 0],
    }
    scoped = completion(snapshot, by="district", root_unit_id=tiny.unit_ids["ESA2"])
    assert counts(scoped, ["total"]) == {"หล่มสัก": [2], "ไม่ระบุอำเภอ": [1]}


def row_of(frame: pd.DataFrame, question_id: str) -> dict[str, object]:
    [row] = frame[frame["question_id"] == question_id].to_dict("records")
    return {str(k): v for k, v in row.items()}


async def test_question_aggregates(tiny: Tiny) -> None:
    frame = question_aggregates(await snapshot_of(tiny))
    assert list(frame["question_id"]) == [
        "done",
        "students",
        "budget",
        "project",
        "threats",
        "held",
        "report",
    ]
    columns = ["units", "not_applicable", "asked", "answered", "none", "skipped", "unanswered"]
    got = {q: [int(row_of(frame, q)[c]) for c in columns] for q in frame["question_id"]}  # type: ignore[call-overload]
    assert got == {
        "done": [4, 0, 4, 4, 0, 0, 0],
        "students": [4, 1, 3, 3, 0, 0, 0],  # S2's 99 is left out: done == no
        "budget": [4, 1, 3, 1, 0, 1, 1],
        "project": [4, 0, 4, 4, 2, 0, 0],  # "none" is an answer, and counted
        "threats": [4, 0, 4, 2, 0, 0, 2],
        "held": [4, 0, 4, 1, 0, 0, 3],
        "report": [4, 3, 1, 1, 0, 0, 0],  # asked of esa offices only
    }
    students = row_of(frame, "students")
    assert [students[c] for c in ("sum", "mean", "min", "max")] == [150.0, 50.0, 0.0, 120.0]
    budget = row_of(frame, "budget")
    assert [budget[c] for c in ("sum", "mean", "min", "max")] == [1500.5] * 4
    assert math.isnan(float(row_of(frame, "done")["sum"]))  # type: ignore[arg-type]
    assert row_of(frame, "report")["files"] == 2
    assert row_of(frame, "budget")["answered_pct"] == 33.3


async def test_done_only_counts_submitted_and_certified_units(tiny: Tiny) -> None:
    frame = question_aggregates(await snapshot_of(tiny), done_only=True)
    students = row_of(frame, "students")
    assert students["units"] == 2  # S1 submitted, S2 certified
    assert [students["answered"], students["sum"]] == [1, 120.0]


async def test_choice_aggregates(tiny: Tiny) -> None:
    frame = choice_aggregates(await snapshot_of(tiny))
    got = {
        (q, c): (int(n), float(p))
        for q, c, n, p in frame[["question_id", "choice_id", "count", "percent"]].to_numpy()
    }
    assert got == {
        ("done", "yes"): (3, 75.0),
        ("done", "no"): (1, 25.0),
        ("threats", "drugs"): (2, 100.0),
        ("threats", "cyber"): (1, 50.0),
        ("threats", "other"): (0, 0.0),
    }
    assert row_of(frame[frame["choice_id"] == "cyber"], "threats")["label"] == "ภัยไซเบอร์"


async def test_indicators_table_interleaves_choices(tiny: Tiny) -> None:
    frame = indicators_table(await snapshot_of(tiny))
    assert list(zip(frame["question_id"], frame["choice"], strict=True))[:4] == [
        ("done", ""),
        ("done", "ดำเนินการแล้ว"),
        ("done", "ยังไม่ดำเนินการ"),
        ("students", ""),
    ]
    assert len(frame) == 7 + 5


async def test_texts(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny)
    assert texts(snapshot, "project") == [("S1", "โครงการ ก"), ("S3", "โครงการ ข")]
    with pytest.raises(ValueError, match="not text"):
        texts(snapshot, "done")
    with pytest.raises(KeyError):
        texts(snapshot, "nope")


async def test_unit_answers_wide(tiny: Tiny) -> None:
    snapshot = await snapshot_of(tiny)
    wide = unit_answers_wide(snapshot)
    assert list(wide.index) == ORDER == list(unit_status(snapshot)["code"])
    assert list(wide.columns) == [p.question.id for p in tiny.form.questions()]
    assert str(wide["students"].dtype) == "Int64"
    s1 = wide.loc["S1"]
    assert s1["done"] == "ดำเนินการแล้ว"
    assert s1["students"] == 120
    assert s1["budget"] == 1500.5
    assert s1["threats"] == "ยาเสพติด, ภัยไซเบอร์"
    assert s1["held"] == dt.date(2024, 3, 15)
    assert pd.isna(s1["report"])
    assert wide.loc["S2", "project"] == "ไม่มี"
    assert pd.isna(wide.loc["S2", "students"])  # stale answer left out
    assert pd.isna(wide.loc["S3", "budget"])  # skipped
    assert wide.loc["ESA1", "report"] == "a.pdf, b.jpg"
    assert wide.loc["S4"].isna().all()


async def test_answered_files(tiny: Tiny) -> None:
    files = answered_files(await snapshot_of(tiny))
    assert files[["code", "question_id", "n", "original_name", "size"]].to_dict("records") == [
        {"code": "ESA1", "question_id": "report", "n": 1, "original_name": "a.pdf", "size": 20},
        {"code": "ESA1", "question_id": "report", "n": 2, "original_name": "b.jpg", "size": 14},
    ]
    assert files["sha256"].str.len().tolist() == [64, 64]


async def test_a_round_nobody_is_asked_to_report(tiny: Tiny, tmp_path: Path) -> None:
    async with transaction(tiny.sessions) as session:
        version = await session.scalar(select(FormVersion))
        assert version is not None
        now = datetime.now(UTC)
        round_ = await open_round(
            session,
            form=version,
            period="2567-Q1",
            opens_at=now - timedelta(days=2),
            deadline=now - timedelta(days=1),
            kinds=["nfe"],
            certify=Certify.NONE,
        )
        round_id = round_.id
    async with tiny.sessions() as session:
        snapshot = await load_round_snapshot(session, round_id)
    assert snapshot.targets.empty and snapshot.answers.empty
    frame = completion(snapshot, total=True)
    assert frame["name"].tolist() == ["รวม"] and frame["total"].tolist() == [0]
    assert completion(snapshot, by="district").empty
    assert (question_aggregates(snapshot)["units"] == 0).all()
    assert unit_answers_wide(snapshot).empty
    write_workbook(snapshot, tmp_path / "empty.xlsx")
    units = pd.read_excel(tmp_path / "empty.xlsx", sheet_name="รายหน่วยงาน")
    assert units.empty and len(units.columns) == 9 + len(tiny.form)
    assert status_chart(frame, "ว่าง").startswith(b"\x89PNG")
