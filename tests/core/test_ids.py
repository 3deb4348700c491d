"""Ids from people and buttons: ASCII digits that fit the database, or nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidtam.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999", None),
        ("0", None),
        ("²", None),
        ("๓", None),
        ("٣", None),
        ("+3", None),
        ("-3", None),
        (" 3", None),
        ("3_0", None),
        ("", None),
    ],
)
def test_parse_id(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


@given(st.text(max_size=12))
def test_anything_parsed_fits_a_database_integer(text: str) -> None:
    value = parse_id(text)
    assert value is None or (1 <= value <= MAX_ID and str(value) == text.lstrip("0"))
