"""Tests of the ``when`` expression language: parsing, canonical source, evaluation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.errors import FlowsError, WhenSyntaxError
from flows.when import (
    KEYWORDS,
    And,
    Compare,
    CompareOp,
    Expr,
    Literal,
    Member,
    Not,
    Number,
    Or,
    Text,
    Word,
    evaluate,
    literal_date,
    literals_for,
    parse_when,
    references,
    to_source,
)

EQ, NE, LT, LE, GT, GE = (CompareOp(op) for op in ("==", "!=", "<", "<=", ">", ">="))


# ----------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a == yes", Compare("a", EQ, Word("yes"))),
        ("a!=yes", Compare("a", NE, Word("yes"))),
        ("n < 3", Compare("n", LT, Number(Decimal(3)))),
        ("n <= -2.5", Compare("n", LE, Number(Decimal("-2.5")))),
        ("n > 0", Compare("n", GT, Number(Decimal(0)))),
        ("n >= 10", Compare("n", GE, Number(Decimal(10)))),
        ('t == "ไม่มี"', Compare("t", EQ, Text("ไม่มี"))),
        ("t == 'it''s'", None),  # not valid: see the error table
        (r"t == 'a\'b'", Compare("t", EQ, Text("a'b"))),
        ("a in [yes, partly]", Member("a", (Word("yes"), Word("partly")))),
        ("a not in [na]", Member("a", (Word("na"),), negated=True)),
        ("a in [x, 1, 'y']", Member("a", (Word("x"), Number(Decimal(1)), Text("y")))),
        ("not a == x", Not(Compare("a", EQ, Word("x")))),
        ("not not a == x", Not(Not(Compare("a", EQ, Word("x"))))),
        (
            "(a == x)",
            Compare("a", EQ, Word("x")),
        ),
        (
            "a == x and b == y and c == z",
            And(
                And(Compare("a", EQ, Word("x")), Compare("b", EQ, Word("y"))),
                Compare("c", EQ, Word("z")),
            ),
        ),
        (
            "a == x or (b == y or c == z)",
            Or(
                Compare("a", EQ, Word("x")),
                Or(Compare("b", EQ, Word("y")), Compare("c", EQ, Word("z"))),
            ),
        ),
    ],
)
def test_parse(text: str, expected: Expr | None) -> None:
    if expected is None:
        with pytest.raises(WhenSyntaxError):
            parse_when(text)
    else:
        assert parse_when(text) == expected


def test_precedence_not_binds_tightest_then_and_then_or() -> None:
    expr = parse_when("not a == x or b == y and c > 3")
    assert expr == Or(
        Not(Compare("a", EQ, Word("x"))),
        And(Compare("b", EQ, Word("y")), Compare("c", GT, Number(Decimal(3)))),
    )
    assert to_source(expr) == "not a == x or b == y and c > 3"


def test_parentheses_override_precedence() -> None:
    expr = parse_when("not (a == x or b == y) and c > 3")
    assert expr == And(
        Not(Or(Compare("a", EQ, Word("x")), Compare("b", EQ, Word("y")))),
        Compare("c", GT, Number(Decimal(3))),
    )
    assert to_source(expr) == "not (a == x or b == y) and c > 3"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("a==x", "a == x"),
        ("  a   in[x,y]  ", "a in [x, y]"),
        ("(a == x) and ((b == y))", "a == x and b == y"),
        ("a == x and (b == y or c == z)", "a == x and (b == y or c == z)"),
        ("t == 'x\"y'", r't == "x\"y"'),
        ("n == 1.50", "n == 1.50"),
        ("n == -0", "n == -0"),
    ],
)
def test_to_source_is_canonical(text: str, source: str) -> None:
    assert to_source(parse_when(text)) == source
    assert parse_when(source) == parse_when(text)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 1, "the expression is empty"),
        ("   ", 1, "the expression is empty"),
        (
            "a ==",
            5,
            'expected a value (choice id, number or quoted text) after "==", '
            "found end of expression",
        ),
        ("a = yes", 3, 'unexpected "="; use "==" to compare'),
        ("a in yes", 6, 'expected "[" to start the list after "in", found "yes"'),
        ("a in [yes", 10, 'expected "," or "]", found end of expression'),
        (
            "a in []",
            7,
            'expected a value (choice id, number or quoted text) in the list, found "]"',
        ),
        (
            "a in [x,]",
            9,
            'expected a value (choice id, number or quoted text) after ",", found "]"',
        ),
        ("a not yes", 7, 'expected "in" after "a not", found "yes"'),
        (
            "a yes",
            3,
            'expected a comparison (==, !=, <, <=, >, >=, in, not in) after "a", found "yes"',
        ),
        (
            "a",
            2,
            'expected a comparison (==, !=, <, <=, >, >=, in, not in) after "a", '
            "found end of expression",
        ),
        ("== yes", 1, 'expected a question id, "not" or "(", found "=="'),
        ("3 == a", 1, 'expected a question id, "not" or "(", found "3"'),
        ("and == x", 1, 'expected a question id, "not" or "(", found "and"'),
        (
            "a == and",
            6,
            'expected a value (choice id, number or quoted text) after "==", found "and"',
        ),
        ("(a == x", 8, 'expected ")", found end of expression'),
        ("a == x)", 7, 'expected "and", "or" or the end of the expression, found ")"'),
        ("a == x b == y", 8, 'expected "and", "or" or the end of the expression, found "b"'),
        ("a == x and", 11, 'expected a question id, "not" or "(", found end of expression'),
        ('a == "open', 6, "unterminated string: no closing quote"),
        ("a == 1.", 8, 'expected digits after the decimal point in "1."'),
        ("a == x && b == y", 8, "unexpected character '&'"),
        ("a == ใช่", 6, "unexpected character 'ใ'"),
        ("t == 'it''s'", 10, 'expected "and", "or" or the end of the expression, found string "s"'),
    ],
)
def test_syntax_errors_say_what_was_expected_where(text: str, column: int, message: str) -> None:
    with pytest.raises(WhenSyntaxError) as caught:
        parse_when(text)
    assert caught.value.message == message
    assert caught.value.column == column
    assert caught.value.position == column - 1
    assert str(caught.value) == f"column {column}: {message}"
    assert isinstance(caught.value, FlowsError)


def test_references_and_literals() -> None:
    expr = parse_when('a in [x, y] and (b != z or n > 3 or t == "free text") and not a == w')
    assert references(expr) == {"a", "b", "n", "t"}
    assert literals_for(expr) == {"a": {"x", "y", "w"}, "b": {"z"}, "t": {"free text"}}


def test_literal_date() -> None:
    assert literal_date(Text("2024-03-15")) == dt.date(2024, 3, 15)
    assert literal_date(Text("2024-02-30")) is None
    assert literal_date(Text("20240315")) is None
    assert literal_date(Word("yes")) is None
    assert literal_date(Number(Decimal(2024))) is None


# --------------------------------------------------------------- evaluation


def ev(text: str, **answers: object) -> bool:
    return evaluate(parse_when(text), answers)


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        # choice
        ("c == yes", {"c": "yes"}, True),
        ("c == yes", {"c": "no"}, False),
        ("c != yes", {"c": "no"}, True),
        ("c != yes", {"c": "yes"}, False),
        ("c in [yes, partly]", {"c": "partly"}, True),
        ("c in [yes, partly]", {"c": "na"}, False),
        ("c not in [na]", {"c": "yes"}, True),
        ("c not in [na]", {"c": "na"}, False),
        ("c == 'yes'", {"c": "yes"}, True),
        ("c > yes", {"c": "yes"}, False),
        ("c == 1", {"c": "1"}, False),
        # missing / unanswered: every comparison is false, != and not in too
        ("c == yes", {}, False),
        ("c != yes", {}, False),
        ("c != yes", {"c": None}, False),
        ("c not in [x]", {}, False),
        ("n > 0", {"n": None}, False),
        ("not c == yes", {}, True),
        # multi: == means contains
        ("m == a", {"m": ["a", "b"]}, True),
        ("m == c", {"m": ("a", "b")}, False),
        ("m != c", {"m": ["a", "b"]}, True),
        ("m != a", {"m": ["a", "b"]}, False),
        ("m in [c, b]", {"m": ["a", "b"]}, True),
        ("m in [c, d]", {"m": ["a", "b"]}, False),
        ("m not in [c, d]", {"m": ["a", "b"]}, True),
        ("m not in [c, a]", {"m": ["a", "b"]}, False),
        ("m == a", {"m": []}, False),
        ("m != a", {"m": []}, True),
        ("m > a", {"m": ["a"]}, False),
        # integer and decimal
        ("n > 0", {"n": 5}, True),
        ("n > 0", {"n": 0}, False),
        ("n >= 0", {"n": 0}, True),
        ("n < 2.5", {"n": Decimal("2.49")}, True),
        ("n <= 2.5", {"n": Decimal("2.50")}, True),
        ("n == 3", {"n": Decimal("3.0")}, True),
        ("n != 3", {"n": 4}, True),
        ("n in [1, 2, 3]", {"n": 2}, True),
        ("n == yes", {"n": 3}, False),
        ("n != yes", {"n": 3}, False),
        ("n > 0", {"n": "5"}, False),
        ("n > 0", {"n": True}, False),
        ("n > 0", {"n": Decimal("NaN")}, False),
        ("n != 0", {"n": Decimal("sNaN")}, False),
        ("n > 0", {"n": float("nan")}, False),
        # dates
        ('d < "2024-03-15"', {"d": dt.date(2024, 3, 14)}, True),
        ('d < "2024-03-15"', {"d": dt.date(2024, 3, 15)}, False),
        ('d == "2024-03-15"', {"d": dt.date(2024, 3, 15)}, True),
        ('d >= "2024-03-15"', {"d": dt.datetime(2024, 3, 15, 9, 30)}, True),
        ("d > 2024", {"d": dt.date(2024, 3, 15)}, False),
        ('d > "soon"', {"d": dt.date(2024, 3, 15)}, False),
        # text
        ('t == "ไม่มี"', {"t": "ไม่มี"}, True),
        ('t != "ไม่มี"', {"t": "โครงการ ก"}, True),
        ('t > "a"', {"t": "b"}, False),
        # boolean structure
        ("a == x and b == y", {"a": "x", "b": "y"}, True),
        ("a == x and b == y", {"a": "x", "b": "z"}, False),
        ("a == x or b == y", {"a": "q", "b": "y"}, True),
        ("not a == x or b == y and c > 3", {"a": "x", "b": "y", "c": 4}, True),
        ("not a == x or b == y and c > 3", {"a": "x", "b": "y", "c": 3}, False),
        ("not a == x or b == y and c > 3", {"a": "w"}, True),
        # anything else is incompatible, never an error
        ("a == x", {"a": object()}, False),
        ("a == x", {"a": {"x": 1}}, False),
        ("a == x", {"a": [None, 1, ["x"]]}, False),
    ],
)
def test_evaluate(text: str, answers: dict[str, object], expected: bool) -> None:
    assert evaluate(parse_when(text), answers) is expected


# ------------------------------------------------------------------ properties

_identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: s not in KEYWORDS
)
_literals: st.SearchStrategy[Literal] = st.one_of(
    _identifiers.map(Word),
    st.text(max_size=12).map(Text),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, max_value=10**9, min_value=-(10**9)
    ).map(Number),
    st.integers(min_value=-(10**12), max_value=10**12).map(lambda i: Number(Decimal(i))),
)
_atoms: st.SearchStrategy[Expr] = st.one_of(
    st.builds(Compare, _identifiers, st.sampled_from(list(CompareOp)), _literals),
    st.builds(
        Member, _identifiers, st.lists(_literals, min_size=1, max_size=4).map(tuple), st.booleans()
    ),
)
_exprs: st.SearchStrategy[Expr] = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(And, inner, inner),
        st.builds(Or, inner, inner),
    ),
    max_leaves=12,
)


@given(_exprs)
def test_to_source_round_trips(expr: Expr) -> None:
    source = to_source(expr)
    assert parse_when(source) == expr
    assert to_source(parse_when(source)) == source


@given(st.text(max_size=60))
def test_arbitrary_text_only_raises_when_syntax_error(text: str) -> None:
    try:
        expr = parse_when(text)
    except WhenSyntaxError as error:
        assert 0 <= error.position <= len(text)
    else:
        assert parse_when(to_source(expr)) == expr


_tokens = st.sampled_from(
    [
        "a",
        "b",
        "yes",
        "==",
        "!=",
        "<",
        ">=",
        "in",
        "not",
        "and",
        "or",
        "(",
        ")",
        "[",
        "]",
        ",",
        "3",
        "'x'",
        "1.5",
    ]
)


@given(st.lists(_tokens, max_size=14))
def test_token_soup_only_raises_when_syntax_error(tokens: list[str]) -> None:
    text = " ".join(tokens)
    try:
        parse_when(text)
    except WhenSyntaxError as error:
        assert 0 <= error.position <= len(text)


_answer_values = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=5),
    st.sampled_from(["x", "yes", "a", "b"]),
    st.integers(),
    st.decimals(),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.lists(st.one_of(st.sampled_from(["x", "yes", "a"]), st.integers(), st.none()), max_size=4),
    st.frozensets(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(_exprs, st.dictionaries(_identifiers, _answer_values, max_size=6))
def test_evaluate_never_raises(expr: Expr, answers: dict[str, object]) -> None:
    # make sure some of the referenced questions are answered
    for name in sorted(references(expr))[::2]:
        answers.setdefault(name, "x")
    assert evaluate(expr, answers) in (True, False)


@given(_exprs, st.dictionaries(_identifiers, _answer_values, max_size=6))
def test_not_negates(expr: Expr, answers: dict[str, object]) -> None:
    assert evaluate(Not(expr), answers) is (not evaluate(expr, answers))


def test_nesting_and_length_are_bounded() -> None:
    assert parse_when("not " * 32 + "a == x") is not None
    with pytest.raises(WhenSyntaxError) as caught:
        parse_when("(" * 5000 + "a == x" + ")" * 5000)
    assert caught.value.message == "the expression is nested too deeply (more than 32 levels)"
    assert caught.value.column == 33
    with pytest.raises(WhenSyntaxError, match="too deeply"):
        parse_when("not " * 33 + "a == x")
    assert parse_when(" and ".join(["a == x"] * 64)) is not None
    with pytest.raises(WhenSyntaxError) as caught:
        parse_when(" or ".join(["a == x"] * 65))
    assert caught.value.message == "the expression is too long (more than 64 comparisons)"
    assert caught.value.position == 64 * len("a == x or ")
