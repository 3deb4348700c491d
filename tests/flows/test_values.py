"""Tests for flows.values: numbers, dates and "none" as people type them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.values import (
    ValueProblem,
    is_none_text,
    parse_date,
    parse_decimal,
    parse_integer,
    read_date,
)
from tidtam.core.thai import (
    THAI_MONTHS_LONG,
    THAI_MONTHS_SHORT,
    format_date_th,
    format_date_th_long,
    thai_to_arabic_digits,
)

TODAY = date(2024, 6, 1)
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def problem_code(excinfo: pytest.ExceptionInfo[ValueProblem]) -> str:
    return excinfo.value.code


# ------------------------------------------------------------------ digits, none


def test_thai_to_arabic_digits() -> None:
    assert thai_to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert thai_to_arabic_digits("๑,๒๕๐ คน") == "1,250 คน"
    assert thai_to_arabic_digits("abc ไทย") == "abc ไทย"


@pytest.mark.parametrize(
    "text",
    [
        "ไม่มี",
        "-",
        "–",
        "—",
        "--",
        "ไม่มี.",
        "  ไม่มี  ",
        "ไม่ มี",
        '"ไม่มี"',
        "“ไม่มี”",
        "ไม่มีครับ",
        "ไม่มี ค่ะ",
        "ไม่มีค่ะ.",
        "none",
        "None",
        "N/A",
        "n / a",
        "ไม่เกี่ยวข้อง",
        "ไม่เกี่ยวข้องกับหน่วยงาน",
        "ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน",
        "ไม่มี\u200b",
    ],
)
def test_none_text(text: str) -> None:
    assert is_none_text(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ไม่มีปัญหา",
        "ไม่มีโครงการใหม่",
        "โครงการส่งเสริมการอ่าน",
        "มี",
        "no",
        "0",
        "- โครงการ A",
        "ครับ",
    ],
)
def test_not_none_text(text: str) -> None:
    assert is_none_text(text) is False


# ------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120", 120),
        (" 120 ", 120),
        ("0", 0),
        ("-0", 0),
        ("๑,๒๕๐ คน", 1250),
        ("๑๒๐", 120),
        ("1,250", 1250),
        ("1,250,000 บาท", 1_250_000),
        ("120คน", 120),
        ("120 คน ครับ", 120),
        ("3 โครงการ", 3),
        ("12 ครั้ง/ปี", 12),
        ("5 persons", 5),
        ("50%", 50),
        ("50 %", 50),
        ("ร้อยละ 50", 50),
        ("จำนวน 120 คน", 120),
        ("ประมาณ 40", 40),
        ("฿1,250", 1250),
        ("-5", -5),
        ("−5", -5),
        ("+7", 7),
        ("- 7", -7),
        ("007", 7),
        ("12\u200b0", 120),
    ],
)
def test_parse_integer_accepts(text: str, expected: int) -> None:
    value = parse_integer(text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200b", "empty"),
        ("abc", "not_a_number"),
        ("-", "not_a_number"),
        ("ไม่มี", "not_a_number"),
        ("1,25", "comma"),
        ("12,5", "comma"),
        ("1,2,3", "not_a_number"),
        (",125", "not_a_number"),
        ("1250,", "not_a_number"),
        ("1.5 ล้าน", "multiplier"),
        ("3 ล้านบาท", "multiplier"),
        ("5 พัน", "multiplier"),
        ("2 แสน", "multiplier"),
        ("12k", "multiplier"),
        ("2 million", "multiplier"),
        ("10-20", "not_a_number"),
        ("12 ถึง 15", "not_a_number"),
        ("12 15", "not_a_number"),
        ("สิบ", "not_a_number"),
        ("12e3", "not_a_number"),
        ("0x1f", "not_a_number"),
        ("٣", "not_a_number"),
        ("1" * 50, "not_a_number"),
        ("12.5", "not_an_integer"),
        ("12.0", "not_an_integer"),
        (".5", "not_an_integer"),
        ("1,250.75 บาท", "not_an_integer"),
    ],
)
def test_parse_integer_rejects(text: str, code: str) -> None:
    with pytest.raises(ValueProblem) as excinfo:
        parse_integer(text)
    assert problem_code(excinfo) == code


def test_parse_integer_bounds() -> None:
    assert parse_integer("0", min=0) == 0
    assert parse_integer("100", max=100) == 100
    with pytest.raises(ValueProblem) as low:
        parse_integer("-1", min=0, max=100)
    assert low.value.code == "below_min"
    assert low.value.params == {"min": 0, "max": 100}
    with pytest.raises(ValueProblem) as high:
        parse_integer("1,001", min=0, max=1000)
    assert high.value.code == "above_max"
    assert high.value.params["max"] == 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", Decimal("12.5")),
        ("12.50", Decimal("12.50")),
        ("1,250.75 บาท", Decimal("1250.75")),
        ("๓.๑๔", Decimal("3.14")),
        ("0.5", Decimal("0.5")),
        (".5", Decimal("0.5")),
        ("-2.25", Decimal("-2.25")),
        ("ร้อยละ 87.5", Decimal("87.5")),
        ("87.5%", Decimal("87.5")),
        ("120", Decimal("120")),
        ("-0.0", Decimal("0.0")),
    ],
)
def test_parse_decimal_accepts(text: str, expected: Decimal) -> None:
    value = parse_decimal(text)
    assert value == expected
    assert isinstance(value, Decimal)
    assert str(value) == str(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("12,5", "comma"),
        ("1.2.3", "not_a_number"),
        ("12.", "not_a_number"),
        ("1.5 ล้าน", "multiplier"),
        ("NaN", "not_a_number"),
        ("inf", "not_a_number"),
    ],
)
def test_parse_decimal_rejects(text: str, code: str) -> None:
    with pytest.raises(ValueProblem) as excinfo:
        parse_decimal(text)
    assert problem_code(excinfo) == code


def test_parse_decimal_bounds() -> None:
    assert parse_decimal("0.0", min=0) == 0
    assert parse_decimal("100", max=Decimal("100.0")) == 100
    with pytest.raises(ValueProblem) as low:
        parse_decimal("-0.01", min=0)
    assert low.value.code == "below_min"
    with pytest.raises(ValueProblem) as high:
        parse_decimal("100.5", max=Decimal("100"))
    assert high.value.code == "above_max"


def test_no_catastrophic_backtracking() -> None:
    # Many ways to split 60 letters into unit words: must still fail at once.
    with pytest.raises(ValueProblem):
        parse_integer("12 " + "ก" * 60 + "5")
    with pytest.raises(ValueProblem):
        parse_date("1 " + "มี" * 2000 + "123")


# ----------------------------------------------------------------------- messages


def test_problems_carry_codes_not_sentences() -> None:
    # The wording is in the bot's catalogues (tests/bot/test_problem_text.py).
    problem = ValueProblem("below_min", min=3)
    assert problem.code == "below_min" and problem.params == {"min": 3}
    assert "below_min" in repr(problem) and "below_min" in str(problem)
    assert isinstance(problem, ValueError)


# -------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/3/2567", date(2024, 3, 15)),
        ("15/03/2567", date(2024, 3, 15)),
        ("15-3-2567", date(2024, 3, 15)),
        ("15.3.2567", date(2024, 3, 15)),
        ("15 / 3 / 2567", date(2024, 3, 15)),
        ("15/03/67", date(2024, 3, 15)),
        ("๑๕/๓/๒๕๖๗", date(2024, 3, 15)),
        ("2024-03-15", date(2024, 3, 15)),
        ("2567-03-15", date(2024, 3, 15)),
        ("15/3/2024", date(2024, 3, 15)),
        ("15 มีนาคม 2567", date(2024, 3, 15)),
        ("15 มี.ค. 2567", date(2024, 3, 15)),
        ("15 มี.ค. 67", date(2024, 3, 15)),
        ("15 มี.ค.67", date(2024, 3, 15)),
        ("15มี.ค.67", date(2024, 3, 15)),
        ("15 มีค 67", date(2024, 3, 15)),
        ("15 มีนา 67", date(2024, 3, 15)),
        ("15-มี.ค.-67", date(2024, 3, 15)),
        ("๑๕ มี.ค. ๒๕๖๗", date(2024, 3, 15)),
        ("15 มีนาคม พ.ศ. 2567", date(2024, 3, 15)),
        ("วันที่ 15 มีนาคม 2567", date(2024, 3, 15)),
        ("วันศุกร์ที่ 15 มีนาคม พ.ศ. 2567", date(2024, 3, 15)),
        ("15 มีนาคม ค.ศ. 2024", date(2024, 3, 15)),
        ("1 ต.ค. 2562", date(2019, 10, 1)),
        ("30 ก.ย. 63", date(2020, 9, 30)),
        ("15 กรกฎาคม 2567", date(2024, 7, 15)),
        ("15 กรกฏาคม 2567", date(2024, 7, 15)),
        ("29 ก.พ. 2567", date(2024, 2, 29)),
        ("15 March 2024", date(2024, 3, 15)),
        ("15 mar 2024", date(2024, 3, 15)),
        ("Mar 15, 2024", date(2024, 3, 15)),
        ("March 15th 2024", date(2024, 3, 15)),
        ("15 มี.ค.", date(2024, 3, 15)),
        ("15/3", date(2024, 3, 15)),
        ("วันนี้", TODAY),
        ("เมื่อวาน", date(2024, 5, 31)),
        ("พรุ่งนี้", date(2024, 6, 2)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("เมื่อไหร่ก็ได้", "not_a_date"),
        ("15", "not_a_date"),
        ("2567", "not_a_date"),
        ("15.3", "not_a_date"),
        ("15/3/567", "not_a_date"),
        ("15 มีนาคม พ.ศ. ค.ศ. 2567", "not_a_date"),
        ("15 เดือนหน้า 2567", "not_a_date"),
        ("31/2/2567", "impossible_date"),
        ("29/2/2566", "impossible_date"),
        ("31 เม.ย. 2567", "impossible_date"),
        ("0/3/2567", "impossible_date"),
        ("15/13/2567", "impossible_date"),
        ("3/15/2024", "impossible_date"),
        ("15/3/1000", "impossible_date"),
        ("1/10/2399", "impossible_date"),  # CE by the year rule, beyond 2300
        ("15 มีนาคม ค.ศ. 2567", "impossible_date"),
        ("15 มีนาคม พ.ศ. 2024", "impossible_date"),
    ],
)
def test_parse_date_rejects(text: str, code: str) -> None:
    with pytest.raises(ValueProblem) as excinfo:
        parse_date(text, today=TODAY)
    assert problem_code(excinfo) == code


def test_parse_date_year_rule_boundary() -> None:
    # 2400 and above: Buddhist era; below: Christian era.
    assert parse_date("1/1/2400") == date(1857, 1, 1)
    assert parse_date("1/1/2300") == date(2300, 1, 1)
    # a two-digit year: the nearer to today of 25xx BE and 20xx CE
    assert parse_date("1/1/00", today=TODAY) == date(2000, 1, 1)
    assert parse_date("1/1/00", today=date(1960, 1, 1)) == date(1957, 1, 1)  # 2500 BE


@pytest.mark.parametrize(
    ("text", "expected", "two_digit"),
    [
        ("15/3/24", date(2024, 3, 15), True),
        ("15/03/67", date(2024, 3, 15), True),
        ("15 มี.ค. 67", date(2024, 3, 15), True),
        ("15/3/2567", date(2024, 3, 15), False),
        ("2024-03-15", date(2024, 3, 15), False),
        ("15/3", date(2024, 3, 15), False),
        ("15 มีนาคม", date(2024, 3, 15), False),
    ],
)
def test_read_date_tells_two_digit_years(text: str, expected: date, two_digit: bool) -> None:
    reading = read_date(text, today=TODAY)
    assert (reading.value, reading.two_digit_year) == (expected, two_digit)
    assert parse_date("1/1/99") == date(2056, 1, 1)  # 2599 BE


def test_parse_date_default_today_is_system_date() -> None:
    assert parse_date("วันนี้") == date.today()


def test_format_date_th() -> None:
    assert format_date_th(date(2024, 3, 15)) == "15 มี.ค. 2567"
    assert format_date_th_long(date(2024, 3, 15)) == "15 มีนาคม 2567"
    assert format_date_th(date(2019, 10, 1)) == "1 ต.ค. 2562"
    assert format_date_th_long(date(2020, 9, 30)) == "30 กันยายน 2563"
    assert len(THAI_MONTHS_LONG) == len(THAI_MONTHS_SHORT) == 12


# ----------------------------------------------------------------------- property

UNIT_WORDS = ["", " คน", "คน", " บาท", " โครงการ", " persons", "%", " คน ครับ", " ครั้ง/ปี"]


def to_thai_digits(text: str) -> str:
    return "".join(THAI_DIGITS[int(c)] if c.isdigit() else c for c in text)


@given(
    n=st.integers(min_value=-(10**15), max_value=10**15),
    commas=st.booleans(),
    thai=st.booleans(),
    unit=st.sampled_from(UNIT_WORDS),
    plus=st.booleans(),
    pad=st.sampled_from(["", " ", "  ", "\u200b"]),
)
def test_parse_integer_roundtrip(
    n: int, commas: bool, thai: bool, unit: str, plus: bool, pad: str
) -> None:
    digits = f"{abs(n):,}" if commas else str(abs(n))
    sign = "-" if n < 0 else ("+" if plus else "")
    text = f"{pad}{sign}{digits}{unit}{pad}"
    if thai:
        text = to_thai_digits(text)
    assert parse_integer(text) == n


@given(
    value=st.decimals(
        min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False
    ),
    commas=st.booleans(),
    thai=st.booleans(),
    unit=st.sampled_from(UNIT_WORDS),
)
def test_parse_decimal_roundtrip(value: Decimal, commas: bool, thai: bool, unit: str) -> None:
    text = (f"{value:,f}" if commas else f"{value:f}") + unit
    if thai:
        text = to_thai_digits(text)
    assert parse_decimal(text) == value


@given(
    d=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
    sep=st.sampled_from(["/", "-", "."]),
    zero_pad=st.booleans(),
    thai=st.booleans(),
)
def test_parse_date_roundtrip_be(d: date, sep: str, zero_pad: bool, thai: bool) -> None:
    day, month = (f"{d.day:02}", f"{d.month:02}") if zero_pad else (str(d.day), str(d.month))
    text = sep.join([day, month, str(d.year + 543)])
    if thai:
        text = to_thai_digits(text)
    assert parse_date(text) == d


@given(d=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_roundtrip_formats(d: date) -> None:
    assert parse_date(format_date_th(d)) == d
    assert parse_date(format_date_th_long(d)) == d
    assert parse_date(d.isoformat()) == d


NUMBERISH = st.text(
    alphabet=st.sampled_from(list("0123456789๐๑๒๓๔๕๖๗๘๙,.-+/ %คนบาทมีค.พศลานk")), max_size=30
)


@given(text=st.one_of(st.text(max_size=60), NUMBERISH))
def test_parsers_only_raise_value_problem(text: str) -> None:
    for parse in (parse_integer, parse_decimal):
        try:
            parse(text, min=-5, max=10**6)
        except ValueProblem as problem:
            assert str(problem)
    try:
        parse_date(text, today=TODAY)
    except ValueProblem as problem:
        assert problem.code
    assert isinstance(is_none_text(text), bool)
