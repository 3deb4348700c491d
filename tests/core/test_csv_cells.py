"""Tests for tidtam.core.csv_cells: no text becomes a formula, every text comes back."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidtam.core.csv_cells import FORMULA_STARTS, csv_cell, neutralise, restore


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+66812345678", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")', "＝1"],
)
def test_formula_starts_are_quoted(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "ไม่มี", "โครงการ ก", "120", "a=b", "1-2"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_numbers_stay_numbers() -> None:
    assert csv_cell(-5) == -5
    assert csv_cell(1500.5) == 1500.5
    assert csv_cell("-5") == "'-5"


@given(st.text())
def test_any_text_round_trips_through_a_csv_file_and_is_never_a_formula(text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(text)])
    [[cell]] = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert not cell or cell[0] not in FORMULA_STARTS
    assert restore(cell) == text
