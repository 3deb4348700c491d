"""``tidtam forms check|load`` read XLSForm workbooks; ``forms export`` writes one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flows.form_loader import load_form_file
from flows.xlsform import read_xlsform_file
from tests.cli.conftest import Run
from tests.flows.xlsform_books import book, canonical, kobo


def test_check_load_and_export_a_workbook(cli: Run, samples: Path, tmp_path: Path) -> None:
    checked = cli("forms", "check", samples / "form.xlsx")
    assert checked.code == 0, checked.err
    assert "form pb-plan-2567 is valid: 6 sections" in checked.out
    assert cli("db", "upgrade").code == 0
    kobo_file = tmp_path / "kobo.xlsx"
    kobo_file.write_bytes(kobo())
    loaded = cli("forms", "load", kobo_file)
    assert loaded.code == 0, loaded.err
    assert "loaded form pb-budget version 2" in loaded.out
    assert cli("forms", "load", samples / "form.yaml").code == 0
    out = tmp_path / "out.xlsx"
    exported = cli("forms", "export", "pb-plan-2567", "--out", out)
    assert exported.code == 0, exported.err
    assert "wrote form pb-plan-2567 version 1" in exported.out
    sample = load_form_file(samples / "form.yaml")
    assert read_xlsform_file(out).form == replace(canonical(sample), version=1)
    missing = cli("forms", "export", "pb-plan-2567", "--version", "7", "--out", out)
    assert missing.code == 1
    assert 'no form "pb-plan-2567" (version 7) is loaded' in missing.err


def test_check_reports_every_problem_of_a_workbook(cli: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(
        book(
            (
                ("type", "name", "label"),
                ("begin group", "s1", "S"),
                ("begin group", "i1", "I"),
                ("geopoint", "a", "A"),
                ("begin repeat", "r", "R"),
                ("end repeat",),
                ("end group",),
                ("end group",),
            )
        )
    )
    result = cli("forms", "check", broken)
    assert result.code == 1
    assert "3 problem(s) in" in result.err
    assert 'broken.xlsx: survey row 4, column A "type": unknown type "geopoint"' in result.err
    assert "survey row 5: item is empty: a repeat group needs the word for one item" in result.err
    assert 'survey row 5, column A "type": the repeat group has no questions' in result.err
    assert "Traceback" not in result.err
