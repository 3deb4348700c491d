"""The administrator's walkthrough of the README, through the real ``tidtam`` command."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]


def test_help_lists_the_commands(tidtam: Run) -> None:
    result = tidtam("--help")
    assert result.code == 0
    for command in ("db", "units", "forms", "rounds", "invites"):
        assert command in result.out


def test_whole_walkthrough(tidtam: Run, samples: Path, tmp_path: Path) -> None:
    assert tidtam("db", "upgrade").out.startswith("database upgraded from empty")
    again = tidtam("db", "upgrade")
    assert again.code == 0 and "already at revision" in again.out

    imported = tidtam("units", "import", samples / "units.csv")
    assert imported.code == 0, imported.err
    added = int(re.search(r"(\d+) added", imported.out).group(1))  # type: ignore[union-attr]
    assert added >= 300
    assert "0 updated, 0 unchanged" in imported.out
    reimported = tidtam("units", "import", samples / "units.csv")
    assert f"0 added, 0 updated, {added} unchanged" in reimported.out

    checked = tidtam("forms", "check", samples / "form.yaml")
    assert checked.code == 0 and "is valid" in checked.out
    loaded = tidtam("forms", "load", samples / "form.yaml")
    assert loaded.code == 0 and "version 1" in loaded.out
    assert "version 2" in tidtam("forms", "load", samples / "form.yaml").out

    opened = tidtam(
        "rounds",
        "open",
        "--form",
        "pb-plan-2567",
        "--period",
        "2567-Q2",
        "--opens",
        "2024-01-01",
        "--deadline",
        "2099-03-31",
        "--kinds",
        "esa,school",
    )
    assert opened.code == 0, opened.err
    assert opened.out.strip().splitlines()[-1] == "1"
    listed = tidtam("rounds", "list")
    assert "ปีงบประมาณ พ.ศ. 2567 ไตรมาสที่ 2" in listed.out
    assert "1 ม.ค. 2567 – 31 มี.ค. 2567" in listed.out
    assert "pb-plan-2567 v2" in listed.out
    assert "state open" in listed.out

    out = tmp_path / "invites.csv"
    created = tidtam(
        "invites", "create", "--role", "reporter", "--all", "--kinds", "school", "--out", out
    )
    assert created.code == 0, created.err
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["unit_code", "unit_name", "role", "code", "link"]
    assert len(rows) == int(re.search(r"wrote (\d+)", created.out).group(1))  # type: ignore[union-attr]
    codes = {row["code"] for row in rows}
    assert len(codes) == len(rows)
    first = rows[0]
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", first["code"])
    assert first["link"] == f"https://t.me/tidtam_test_bot?start={first['code'].replace('-', '')}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["rounds", "open", "--form", "nope", "--period", "2567", "--deadline", "2099-01-01"],
            'no form "nope" is loaded',
        ),
        (
            [
                "rounds",
                "open",
                "--form",
                "pb-plan-2567",
                "--period",
                "2024",
                "--deadline",
                "2099-01-01",
            ],
            "Christian-era",
        ),
        (
            [
                "rounds",
                "open",
                "--form",
                "pb-plan-2567",
                "--period",
                "2567-Q5",
                "--deadline",
                "2099-01-01",
            ],
            "--period",
        ),
        (
            [
                "rounds",
                "open",
                "--form",
                "pb-plan-2567",
                "--period",
                "2567",
                "--opens",
                "2099-02-01",
                "--deadline",
                "2099-01-01",
            ],
            "is not after the opening",
        ),
        (
            [
                "rounds",
                "open",
                "--form",
                "pb-plan-2567",
                "--period",
                "2567",
                "--deadline",
                "2099-13-01",
            ],
            "is not a date",
        ),
        (
            [
                "rounds",
                "open",
                "--form",
                "pb-plan-2567",
                "--period",
                "2567",
                "--deadline",
                "2099-01-01",
                "--kinds",
                "school,castle",
            ],
            "no unit has kind castle",
        ),
        (
            ["invites", "create", "--role", "reporter", "--out", "x.csv"],
            "give either --unit CODE or --all",
        ),
        (
            ["invites", "create", "--role", "reporter", "--unit", "NOPE", "--out", "x.csv"],
            'no unit has code "NOPE"',
        ),
    ],
)
def test_bad_round_and_invite_input(cli: Run, samples: Path, args: list[str], message: str) -> None:
    cli("db", "upgrade")
    cli("units", "import", samples / "units.csv")
    cli("forms", "load", samples / "form.yaml")
    result = cli(*args)
    assert result.code != 0
    assert message in result.err
    assert "rounds" not in args or "no rounds yet" in cli("rounds", "list").out


def test_commands_refuse_an_unmigrated_database(cli: Run, samples: Path) -> None:
    result = cli("units", "import", samples / "units.csv")
    assert result.code == 1
    assert "run `tidtam db upgrade` first" in result.err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "code,name,kind,parent_code\nP,Province,province,\nS1,School,school,P\n"
            ",Nameless,school,P\nS1,Again,school,P\n",
            ["bad.csv row 4, column code: missing code", "bad.csv row 5, column code"],
        ),
        (
            "code,name,kind,parent_code\nP,Province,province,\nS1,School,school,NOPE\n"
            "S2,School 2,school,S3\nS3,School 3,school,S2\n",
            ["bad.csv row 3, column parent_code: unknown parent", "cycle in the unit tree"],
        ),
        (  # every problem at once: a duplicate does not hide an unknown parent or a cycle
            "code,name,kind,parent_code\nP,Province,province,\nS1,School,school,NOPE\n"
            "S1,Again,school,P\nS2,,school,S3\nS3,School 3,school,S4\nS4,School 4,school,S3\n",
            [
                "5 problem(s), nothing was imported",
                "bad.csv row 3, column parent_code: unknown parent",
                'bad.csv row 4, column code: duplicate code "S1"',
                "bad.csv row 5, column name: missing name",
                "bad.csv row 6, column parent_code: cycle in the unit tree: S3 -> S4 -> S3",
                "bad.csv row 7, column parent_code: cycle",
            ],
        ),
    ],
)
def test_bad_units_file_changes_nothing(
    cli: Run, samples: Path, tmp_path: Path, content: str, expected: list[str]
) -> None:
    cli("db", "upgrade")
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    result = cli("units", "import", bad)
    assert result.code == 1
    assert "nothing was imported" in result.err
    for message in expected:
        assert message in result.err
    good = cli("units", "import", samples / "units.csv")
    assert " 0 updated, 0 unchanged" in good.out  # nothing of the bad file was written


def test_bad_form_lists_every_problem(cli: Run, tmp_path: Path) -> None:
    form = tmp_path / "form.yaml"
    form.write_text(
        "form: f\ntitle: t\nsections:\n  - id: s1\n    title: S\n    indicators:\n"
        "      - id: i1\n        title: I\n        questions:\n"
        "          - {id: q1, type: choice, text: Q, choices: [{id: a, label: A}]}\n"
        "          - {id: q2, type: number, text: Q}\n",
        encoding="utf-8",
    )
    result = cli("forms", "check", form)
    assert result.code == 1
    assert "2 problem(s)" in result.err
    assert "questions[0]" in result.err and "questions[1]" in result.err
