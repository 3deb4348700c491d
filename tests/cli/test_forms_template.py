"""``tidtam forms template``: the officers' starting workbook, and the shipped workbooks
are what their YAML gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from flows.form import QuestionType
from flows.form_loader import load_form_file
from flows.xlsform import read_xlsform_file
from flows.xlsform_write import EXPLANATION_SHEET
from tests.cli.conftest import Run
from tests.flows.xlsform_books import canonical
from tidtam.samples.make_workbooks import WORKBOOKS, workbook_bytes


def test_the_template_is_written_checked_and_loaded(
    cli: Run, samples: Path, tmp_path: Path
) -> None:
    out = tmp_path / "แบบติดตามใหม่.xlsx"
    written = cli("forms", "template", "--out", out)
    assert written.code == 0, written.err
    assert f"wrote the form template to {out}: 1 sections, 1 indicators, 8 questions" in written.out
    assert f"then: tidtam forms check {out}" in written.out
    assert out.read_bytes() == (samples / "template.xlsx").read_bytes()
    form = read_xlsform_file(out).form
    assert form == load_form_file(samples / "template.yaml")
    # one question of each common type, a repeat group, and English throughout
    kinds = {q.type for p in form.questions() for q in (p.question, *p.question.questions)}
    assert kinds >= set(QuestionType)
    every = [q for p in form.questions() for q in (p.question, *p.question.questions)]
    assert all(q.text_en for q in every) and form.title_en
    assert cli("forms", "check", out).code == 0
    assert cli("db", "upgrade").code == 0
    loaded = cli("forms", "load", out)
    assert "loaded form template-2570 version 1" in loaded.out, loaded.err


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("template.yaml", "--out must name an Excel workbook ending in .xlsx"),
        ("taken.xlsx", "taken.xlsx already exists: give another name (nothing was written)"),
    ],
)
def test_the_template_is_not_written_where_it_should_not_be(
    cli: Run, tmp_path: Path, name: str, words: str
) -> None:
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"a form being filled in")
    result = cli("forms", "template", "--out", tmp_path / name)
    assert result.code == 1 and words in result.err
    assert taken.read_bytes() == b"a form being filled in"
    assert not (tmp_path / "template.yaml").exists()


@pytest.mark.parametrize("workbook", sorted(WORKBOOKS), ids=lambda p: p.name)
def test_each_shipped_workbook_is_what_its_yaml_gives(workbook: Path) -> None:
    """After changing a sample's YAML or the workbook's wording, run
    ``python tidtam/samples/make_workbooks.py``."""
    source = WORKBOOKS[workbook]
    assert workbook.read_bytes() == workbook_bytes(source), "run tidtam/samples/make_workbooks.py"
    assert read_xlsform_file(workbook).form == canonical(load_form_file(source))


def test_the_explanation_sheet_explains_every_column_of_the_template(samples: Path) -> None:
    book = load_workbook(io.BytesIO((samples / "template.xlsx").read_bytes()))
    rows = list(book[EXPLANATION_SHEET].iter_rows(values_only=True))
    explained = {
        (sheet, column.strip())
        for sheet, columns, _ in rows[1:]
        for column in str(columns).split(", ")
    }
    for sheet in ("survey", "choices", "settings"):
        headers = next(book[sheet].iter_rows(max_row=1, values_only=True))
        missing = [h for h in headers if (sheet, h) not in explained]
        assert missing == [], (sheet, missing)
    assert all(text and "\n" not in str(column) for _, column, text in rows[1:])
