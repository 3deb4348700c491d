"""The invites CSV never hands a formula to a spreadsheet: unit names come from a file."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tidtam.core.csv_cells import restore

Run = Callable[..., Any]


def test_unit_names_in_the_invites_csv_are_never_formulas(cli: Run, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,kind,parent_code\n"
        "P,Province,province,\n"
        'S1,"=HYPERLINK(""http://evil.example"",""click"")",school,P\n'
        "-2,@SUM(A1:A9),school,P\n"
        "S3,โรงเรียนบ้านนา,school,P\n",
        encoding="utf-8",
    )
    assert cli("units", "import", units).code == 0
    out = tmp_path / "invites.csv"
    created = cli(
        "invites", "create", "--role", "reporter", "--all", "--kinds", "school", "--out", out
    )
    assert created.code == 0, created.err
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["unit_name"]: row for row in csv.DictReader(handle)}
    names = set(rows)
    assert names == {'\'=HYPERLINK("http://evil.example","click")', "'@SUM(A1:A9)", "โรงเรียนบ้านนา"}
    assert {restore(n) for n in names} == {
        '=HYPERLINK("http://evil.example","click")',
        "@SUM(A1:A9)",
        "โรงเรียนบ้านนา",
    }
    assert rows["'@SUM(A1:A9)"]["unit_code"] == "'-2"  # a code may start with "-"
