"""Export and read back: the same form; translations parse and keep their meaning."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from flows.calc import parse_calc
from flows.calc import to_source as calc_source
from flows.form import QuestionType
from flows.form_loader import load_form, load_form_file
from flows.when import (
    And,
    Compare,
    CompareOp,
    Expr,
    Member,
    Not,
    Number,
    Or,
    Word,
    evaluate,
    parse_when,
)
from flows.xlsform import read_xlsform
from flows.xlsform_expr import (
    QuestionInfo,
    calc_to_xpath,
    calculation_to_calc,
    relevant_to_when,
    when_to_xpath,
)
from flows.xlsform_write import EXPLANATION_SHEET, form_to_xlsform
from tests.flows.xlsform_books import canonical

SAMPLES = Path(__file__).resolve().parents[2] / "tidtam" / "samples"

INFOS = {
    "c": QuestionInfo(QuestionType.CHOICE, ("yes", "no", "na")),
    "m": QuestionInfo(QuestionType.MULTI, ("gov", "ngo", "none")),
    "n": QuestionInfo(QuestionType.INTEGER),
}
CHOICE_OF = {"c": ("yes", "no", "na"), "m": ("gov", "ngo", "none")}


def test_the_sample_form_comes_back() -> None:
    form = load_form_file(SAMPLES / "form.yaml")
    data = form_to_xlsform(form)
    assert read_xlsform(data, "sample.xlsx").form == canonical(form)
    assert form_to_xlsform(form) == data  # the same form gives the same bytes


def test_the_export_is_an_xlsform_pyxform_converts() -> None:
    data = form_to_xlsform(load_form_file(SAMPLES / "form.yaml"))
    result = convert(xlsform=data, file_type=".xlsx")
    assert "<h:title>" in result.xform


def test_the_export_explains_its_columns_in_thai() -> None:
    book = load_workbook(io.BytesIO(form_to_xlsform(load_form_file(SAMPLES / "form.yaml"))))
    assert book.sheetnames == ["survey", "choices", "settings", EXPLANATION_SHEET]
    rows = list(book[EXPLANATION_SHEET].iter_rows(values_only=True))
    assert rows[0] == ("แผ่นงาน", "คอลัมน์", "คำอธิบาย")
    assert {r[1] for r in rows[1:]} >= {"type", "name", "label", "relevant", "calculation"}


def test_typed_text_never_becomes_a_formula() -> None:
    text = """\
form: t
title: "=HYPERLINK(\\"http://x\\",\\"y\\")"
sections:
  - id: s1
    title: "+1"
    indicators:
      - id: i1
        title: "-2"
        questions:
          - id: a
            type: text
            text: "@SUM(A1)"
            help: "=1+1"
"""
    form = load_form(text)
    data = form_to_xlsform(form)
    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert read_xlsform(data).form == form


# ----------------------------------------------------------------- properties

literal_for = {
    "c": st.sampled_from(CHOICE_OF["c"]).map(Word),
    "m": st.sampled_from(CHOICE_OF["m"]).map(Word),
    "n": st.integers(-50, 50).map(lambda i: Number(Decimal(i))),
}


@st.composite
def comparisons(draw: st.DrawFn) -> Expr:
    question = draw(st.sampled_from(sorted(literal_for)))
    if draw(st.booleans()):
        ops = list(CompareOp) if question == "n" else [CompareOp.EQ, CompareOp.NE]
        return Compare(question, draw(st.sampled_from(ops)), draw(literal_for[question]))
    values = draw(st.lists(literal_for[question], min_size=1, max_size=3, unique=True))
    return Member(question, tuple(values), draw(st.booleans()))


whens = st.recursive(
    comparisons(),
    lambda inner: st.one_of(
        inner.map(Not),
        st.tuples(inner, inner).map(lambda p: And(*p)),
        st.tuples(inner, inner).map(lambda p: Or(*p)),
    ),
    max_leaves=8,
)
answers = st.fixed_dictionaries(
    {
        "c": st.one_of(st.none(), st.sampled_from(CHOICE_OF["c"])),
        "m": st.one_of(st.none(), st.lists(st.sampled_from(CHOICE_OF["m"]), unique=True)),
        "n": st.one_of(st.none(), st.integers(-60, 60)),
    }
)


@settings(max_examples=200, deadline=None)
@given(whens, answers)
def test_a_when_exported_and_read_back_parses_and_means_the_same(expr: Expr, given: dict) -> None:  # type: ignore[type-arg]
    back = parse_when(relevant_to_when(when_to_xpath(expr, INFOS), INFOS))
    assert evaluate(back, given) == evaluate(expr, given)


xpath_values = {
    "c": st.sampled_from(["'yes'", "'no'", '"na"']),
    "m": st.sampled_from(["'gov'", "'ngo'", "'none'"]),
    "n": st.integers(-50, 50).map(str),
}


@st.composite
def xpath_comparisons(draw: st.DrawFn) -> str:
    q = draw(st.sampled_from(sorted(xpath_values)))
    value = draw(xpath_values[q])
    form = draw(st.integers(0, 3))
    if form == 0 or q == "n":
        op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="] if q == "n" else ["=", "!="]))
        return f"${{{q}}} {op} {value}"
    if form == 1:
        return f"selected(${{{q}}}, {value})"
    if q == "m" and form == 2:
        return draw(st.sampled_from(["count-selected(${m}) > 0", "count-selected(${m}) = 0"]))
    return f"not(${{{q}}} = {value})"


xpaths = st.recursive(
    xpath_comparisons(),
    lambda inner: st.one_of(
        inner.map(lambda e: f"not({e})"),
        inner.map(lambda e: f"({e})"),
        st.tuples(inner, inner).map(lambda p: f"{p[0]} and {p[1]}"),
        st.tuples(inner, inner).map(lambda p: f"{p[0]} or {p[1]}"),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(xpaths)
def test_every_supported_relevant_translates_to_a_when_that_parses(xpath: str) -> None:
    parse_when(relevant_to_when(xpath, INFOS))


calcs = st.recursive(
    st.one_of(st.sampled_from(["${a}", "${b}", "${c}"]), st.integers(0, 999).map(str)),
    lambda inner: st.one_of(
        inner.map(lambda e: f"-{e}"),
        inner.map(lambda e: f"({e})"),
        st.tuples(inner, st.sampled_from(["+", "-", "*", "div"]), inner).map(" ".join),
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(calcs)
def test_every_supported_calculation_parses_and_comes_back(xpath: str) -> None:
    expr = parse_calc(calculation_to_calc(xpath))
    assert parse_calc(calculation_to_calc(calc_to_xpath(expr))) == expr
    assert calculation_to_calc(calc_to_xpath(expr)) == calc_source(expr)


@st.composite
def small_forms(draw: st.DrawFn) -> str:
    """A small YAML form: numbers, choices, text, calc, checks, whens, kinds, no."""
    n = draw(st.integers(0, 100))
    kinds = draw(st.sampled_from(["", "    kinds: [esa, school]\n"]))
    req = draw(st.sampled_from(["", "            required: false\n"]))
    when = draw(st.sampled_from(["", "            when: c == yes or c == na\n",
                                 "            when: not c in [yes, no]\n"]))  # fmt: skip
    # cells are read without surrounding spaces, a no-break space as a space (as pyxform)
    label = draw(
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
        ).filter(lambda s: s.strip() == s and s and "\xa0" not in s)
    )
    return f"""\
form: t
version: {draw(st.integers(1, 9))}
title: T
sections:
  - id: s1
    title: S
{kinds}    indicators:
      - id: i1
        no: "{draw(st.sampled_from(["1.1", "ก.1"]))}"
        title: I
        questions:
          - id: c
            type: choice
            text: {json.dumps(label, ensure_ascii=False)}
            choices: [{{id: yes, label: Y}}, {{id: no, label: N}}, {{id: na, label: X}}]
          - id: a
            type: integer
            text: A
            min: {n}
            target: {n * 10}
{req}{when}          - id: b
            type: decimal
            text: B
            check:
              - {{rule: b <= a, message: too big}}
              - {{rule: b > 0, message: positive}}
          - id: left
            type: decimal
            text: L
            calc: a - b / 2
"""


@settings(max_examples=30, deadline=None)
@given(small_forms())
def test_small_forms_come_back(text: str) -> None:
    form = load_form(text)
    assert read_xlsform(form_to_xlsform(form)).form == canonical(form)
