"""Tests for tidtam.core.invite_codes: generation, printing, reading back, hashing."""

from __future__ import annotations

import hashlib
import hmac
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tidtam.core.invite_codes import (
    ALPHABET,
    CODE_LENGTH,
    format_code,
    hash_code,
    new_code,
    normalize_code,
)

CODES = st.text(alphabet=st.sampled_from(ALPHABET), min_size=CODE_LENGTH, max_size=CODE_LENGTH)


def test_alphabet_is_unambiguous() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 30
    assert not set("0O1IL") & set(ALPHABET)
    assert "U" not in ALPHABET
    assert ALPHABET.upper() == ALPHABET
    assert ALPHABET.isascii() and ALPHABET.isalnum()


def test_entropy_is_about_fifty_bits() -> None:
    bits = CODE_LENGTH * math.log2(len(ALPHABET))
    assert 48 < bits < 50


def test_new_code_shape() -> None:
    for _ in range(200):
        code = new_code()
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
    assert len(new_code(12)) == 12


def test_new_code_refuses_short_codes() -> None:
    with pytest.raises(ValueError, match="at least 8"):
        new_code(7)


def test_new_codes_are_distinct_and_use_the_whole_alphabet() -> None:
    codes = [new_code() for _ in range(10_000)]
    assert len(set(codes)) == len(codes)
    assert set("".join(codes)) == set(ALPHABET)


def test_format_code() -> None:
    assert format_code("ABCDEFGHJK") == "ABCDE-FGHJK"
    assert format_code("abcde fghjk") == "ABCDE-FGHJK"
    assert format_code("ABCDEFGHJKMN") == "ABCDE-FGHJK-MN"
    with pytest.raises(ValueError):
        format_code("ABCDE-FGHJ0")
    with pytest.raises(ValueError):
        format_code("")


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDE-FGHJK",
        "abcde-fghjk",
        "  AbCdE fGhJk  ",
        "ABCDE – FGHJK",
        "A B C D E F G H J K",
        "ABCDE_FGHJK",
        "ＡＢＣＤＥ－ＦＧＨＪＫ",
    ],
)
def test_normalize_typed_variants(typed: str) -> None:
    assert normalize_code(typed) == "ABCDEFGHJK"


def test_normalize_maps_thai_digits_and_u() -> None:
    assert normalize_code("๒๓๔๕๖-๗๘๙AB") == "23456789AB"
    assert normalize_code("uvwxy-z2345") == "VVWXYZ2345"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ABCDE",
        "ABCDE-FGHJ",
        "ABCDE-FGHJKM",
        "ABCDE-FGHJ0",  # 0 is never printed
        "ABCDE-FGHJO",
        "ABCDE-FGHJ1",
        "ABCDE-FGHJI",
        "ABCDE-FGHJL",
        "ABCDE.FGHJK",
        "ABCDE-FGHJ!",
        "กขคงจ-ฉชซฌญ",
    ],
)
def test_normalize_rejects(typed: str) -> None:
    assert normalize_code(typed) is None


def test_normalize_other_length() -> None:
    assert normalize_code("ABCDE-FGHJK-MN", length=12) == "ABCDEFGHJKMN"
    assert normalize_code("ABCDE-FGHJK-MN") is None


@given(code=CODES)
def test_normalize_format_roundtrip(code: str) -> None:
    assert normalize_code(format_code(code)) == code
    assert normalize_code(format_code(code).lower()) == code
    assert normalize_code(" ".join(code)) == code


def test_new_code_roundtrips() -> None:
    for _ in range(100):
        code = new_code()
        assert normalize_code(format_code(code)) == code


def test_hash_is_plain_sha256_of_normalized_code() -> None:
    expected = hashlib.sha256(b"ABCDEFGHJK").hexdigest()
    assert hash_code("ABCDEFGHJK") == expected
    assert hash_code("abcde-fghjk") == expected
    assert len(expected) == 64


def test_hash_with_pepper() -> None:
    peppered = hash_code("ABCDEFGHJK", pepper=b"install secret")
    assert peppered == hmac.new(b"install secret", b"ABCDEFGHJK", hashlib.sha256).hexdigest()
    assert peppered != hash_code("ABCDEFGHJK")
    assert peppered != hash_code("ABCDEFGHJK", pepper=b"other secret")


def test_hash_rejects_non_codes() -> None:
    with pytest.raises(ValueError):
        hash_code("ABCDE-FGHJ0")
    with pytest.raises(ValueError):
        hash_code("  ")


@given(a=CODES, b=CODES)
def test_hash_stable_and_distinct(a: str, b: str) -> None:
    assert hash_code(a) == hash_code(a)
    assert hash_code(format_code(a)) == hash_code(a)
    assert (hash_code(a) == hash_code(b)) == (a == b)
    assert set(hash_code(a)) <= set("0123456789abcdef")
