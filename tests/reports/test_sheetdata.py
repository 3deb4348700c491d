"""Rows written as SpreadsheetML and spliced into an XlsxWriter workbook, read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from reports.sheetdata import (
    ColumnStyle,
    column_letter,
    reserve_formats,
    sheet_rows,
    splice_rows,
    style_indices,
)


@given(st.integers(min_value=0, max_value=16_383))
def test_column_letters_match_openpyxl(index: int) -> None:
    assert column_letter(index) == get_column_letter(index + 1)


def write(path: Path, columns: list[list[object]]) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    first = book.add_worksheet("First")
    first.write_string(0, 0, "before")
    sheet = book.add_worksheet("Data")
    for col in range(len(columns)):
        sheet.write_string(0, col, f"h{col}")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    number_format = book.add_format({"num_format": "0.00"})
    reserve_formats(sheet, [number_format, date_format])
    sheet.freeze_panes(1, 0)
    book.add_worksheet("After").write_string(0, 0, "after")
    book.close()
    number, date = style_indices([number_format, date_format])
    style = ColumnStyle(number=number, date=date, datetime=date)
    splice_rows(
        path,
        "xl/worksheets/sheet2.xml",
        sheet_rows(columns, [style] * len(columns), first_row=1),
        last_row=len(columns[0]),
        last_col=len(columns) - 1,
    )


def test_cells_read_back(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    columns: list[list[object]] = [
        ["ก & ข <ค>", "  เว้นวรรค ", "bell\x07gone", None, pd.NA],
        [1, 2.5, Decimal("1500.50"), float("nan"), True],
        [dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 12, 30), None, pd.NaT, 7],
    ]
    write(path, columns)
    book = load_workbook(path)
    assert book.sheetnames == ["First", "Data", "After"]
    assert book["First"]["A1"].value == "before" and book["After"]["A1"].value == "after"
    sheet = book["Data"]
    assert [c.value for c in sheet[1]] == ["h0", "h1", "h2"]
    assert [sheet.cell(r, 1).value for r in range(2, 7)] == [
        "ก & ข <ค>",
        "  เว้นวรรค ",
        "bellgone",
        None,
        None,
    ]
    assert [sheet.cell(r, 2).value for r in range(2, 7)] == [1, 2.5, 1500.5, None, True]
    assert sheet.cell(2, 2).number_format == "0.00"
    assert sheet.cell(2, 3).value == dt.datetime(2024, 3, 15)
    assert sheet.cell(3, 3).value == dt.datetime(2024, 3, 15, 12, 30)
    assert sheet.cell(2, 3).number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 6


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_any_text_round_trips_without_illegal_characters(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("p") / "x.xlsx"
    write(path, [list(texts)])
    sheet = load_workbook(path)["Data"]
    got = [sheet.cell(r, 1).value for r in range(2, len(texts) + 2)]
    legal = [
        "".join(ch for ch in t if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))
        for t in texts
    ]
    assert [g or "" for g in got] == legal
