"""``calc``: the arithmetic parser, its values, the form file, and the walk that keeps them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.answers import NONE, AnswerValue
from flows.calc import (
    MAX_NESTING,
    Binary,
    CalcExpr,
    CalcSyntaxError,
    Negate,
    Operand,
    compute,
    operands,
    parse_calc,
    to_source,
)
from flows.errors import FormError
from flows.form import form_from_dict, form_to_dict
from flows.form_loader import load_form
from flows.walk import (
    Ask,
    Calculated,
    Edit,
    Save,
    Stale,
    Start,
    Text,
    WalkState,
    progress,
    resume,
)

# ------------------------------------------------------------------ the parser


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("allocated - spent", "allocated - spent"),
        ("spent/allocated*100", "spent / allocated * 100"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("-(a + b) * 2", "-(a + b) * 2"),
        ("a * (b + 1.5)", "a * (b + 1.5)"),
    ],
)
def test_parse_and_canonical_source(text: str, source: str) -> None:
    assert to_source(parse_calc(text)) == source
    assert parse_calc(source) == parse_calc(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a number, a question id"),
        ("a +", "found end of expression"),
        ("a b", "expected an operator or the end"),
        ("(a + b", 'expected ")"'),
        ("a ^ 2", "unexpected character '^'"),
        ("__import__('os')", "unexpected character"),
        ("a" + " + a" * 64, "more than 64 operands"),
        ("-" * (MAX_NESTING + 1) + "a", "nested too deeply"),
        ("a" * 501, "more than 500 characters"),
    ],
)
def test_syntax_errors_say_where_and_what(text: str, message: str) -> None:
    with pytest.raises(CalcSyntaxError) as raised:
        parse_calc(text)
    assert message in raised.value.message


@given(st.text(max_size=80))
def test_any_text_parses_or_is_refused_never_crashes(text: str) -> None:
    try:
        expr = parse_calc(text)
    except CalcSyntaxError:
        return
    assert parse_calc(to_source(expr)) == expr


names = st.sampled_from(["a", "b", "c"])
leaves = st.one_of(
    names.map(lambda n: Operand(question=n)),
    st.integers(0, 10**6).map(lambda n: Operand(value=Decimal(n))),
)
exprs: st.SearchStrategy[CalcExpr] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(Negate),
        st.tuples(st.sampled_from("+-*/"), inner, inner).map(lambda t: Binary(*t)),
    ),
    max_leaves=12,
)
values = st.one_of(
    st.none(),
    st.integers(-(10**9), 10**9),
    st.decimals(allow_nan=True, allow_infinity=True, places=2),
    st.text(max_size=3),
    st.booleans(),
)


@given(exprs)
def test_source_round_trips(expr: CalcExpr) -> None:
    assert parse_calc(to_source(expr)) == expr


@given(exprs, st.dictionaries(names, values))
def test_compute_never_raises_and_rounds_to_two_places(
    expr: CalcExpr, answers: dict[str, object]
) -> None:
    result = compute(expr, answers)
    assert result is None or result == result.quantize(Decimal("0.01"))


def test_compute_values() -> None:
    left = parse_calc("allocated - spent")
    share = parse_calc("spent / allocated * 100")
    assert compute(left, {"allocated": 50000, "spent": Decimal("12500.50")}) == Decimal(
        "37499.50"
    )
    assert compute(share, {"allocated": 3, "spent": 2}) == Decimal("66.67")  # half up
    assert compute(share, {"allocated": 0, "spent": 2}) is None  # no division by zero
    assert compute(left, {"allocated": 50000}) is None  # an operand without a number
    assert compute(left, {"allocated": 50000, "spent": "ไม่มี"}) is None
    assert compute(left, {"allocated": True, "spent": 1}) is None  # a bool is no number
    assert operands(share) == {"spent", "allocated"}


# ------------------------------------------------------------------ the form file

FORM = """\
form: budget
title: งบประมาณ
sections:
  - id: s1
    title: ยุทธศาสตร์ที่ 1
    indicators:
      - id: i1
        title: การเบิกจ่ายงบประมาณ
        questions:
          - id: allocated
            type: decimal
            text: งบประมาณที่ได้รับจัดสรร (บาท)
            min: 0
          - id: spent
            type: decimal
            text: งบประมาณที่เบิกจ่ายแล้ว (บาท)
            min: 0
            check:
              - rule: spent <= allocated
                message: เบิกจ่ายได้ไม่เกินงบประมาณที่ได้รับจัดสรร
          - id: left
            type: decimal
            text: งบประมาณคงเหลือ (บาท)
            calc: allocated - spent
          - id: percent
            type: integer
            text: ร้อยละการเบิกจ่าย
            calc: spent / allocated * 100
          - id: reason
            type: text
            text: เหตุผลที่เบิกจ่ายล่าช้า
            when: percent < 50
"""


def test_a_calc_question_loads_never_required_and_round_trips() -> None:
    form = load_form(FORM)
    left = form.question("left")
    assert left.calc == parse_calc("allocated - spent") and not left.required
    assert form_from_dict(form_to_dict(form)) == form


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("{id: x, type: text, text: X, calc: a - b}", "only allowed on integer and decimal"),
        ("{id: x, type: decimal, text: X, calc: allocated -}", "calc has a syntax error at column"),
        ("{id: x, type: decimal, text: X, calc: 5}", None),
        ("{id: x, type: decimal, text: X, calc: x + 1}", "calc refers to the question itself"),
        ("{id: x, type: decimal, text: X, calc: nowhere * 2}", 'unknown question "nowhere"'),
        ("{id: x, type: decimal, text: X, calc: name + 1}", '"name", a text question'),
    ],
)
def test_calc_problems_are_placed(question: str, message: str | None) -> None:
    text = FORM.replace(
        "          - id: allocated\n",
        f"          - {{id: name, type: text, text: ชื่อ}}\n          - {question}\n"
        "          - id: allocated\n",
    )
    if message is None:
        load_form(text)
        return
    with pytest.raises(FormError) as raised:
        load_form(text)
    [problem] = raised.value.problems
    assert message in problem.message and problem.path.endswith("questions[1]")


def test_a_calc_may_not_read_a_later_question() -> None:
    text = FORM.replace("calc: allocated - spent", "calc: allocated - later").replace(
        "          - id: reason\n",
        "          - {id: later, type: integer, text: ทีหลัง}\n          - id: reason\n",
    )
    with pytest.raises(FormError) as raised:
        load_form(text)
    assert 'calc refers to question "later", which comes later' in str(raised.value)


# ------------------------------------------------------------------ the walk

BUDGET = load_form(FORM)


def walk_through(*typed: str) -> tuple[WalkState, dict[str, AnswerValue], list[object]]:
    answers: dict[str, AnswerValue] = {}
    state, events = resume(BUDGET, "school", answers, WalkState(), Start())
    seen: list[object] = list(events)
    for text in typed:
        state, events = resume(BUDGET, "school", answers, state, Text(text))
        for event in events:
            if isinstance(event, Save):
                answers[event.question_id] = event.answer
        seen += events
    return state, answers, seen


def test_the_walk_computes_saves_and_shows_calc_values_and_never_asks_them() -> None:
    state, answers, seen = walk_through("50,000", "12,500.50")
    assert answers["left"] == AnswerValue(Decimal("37499.50"))
    assert answers["percent"] == AnswerValue(25)  # an integer calc is rounded
    assert Calculated("left", AnswerValue(Decimal("37499.50"))) in seen
    asked = [e.question_id for e in seen if isinstance(e, Ask)]
    assert asked == ["allocated", "spent", "reason"]  # a calc is never asked
    # the when of "reason" reads the computed percent
    assert state.question_id == "reason"
    # progress counts what people answer: 2 of the 3 asked, not the computed two
    figures = progress(BUDGET, "school", answers)
    assert (figures.answered, figures.total) == (2, 3)


def test_changing_an_operand_recomputes_and_a_calc_cannot_be_edited() -> None:
    state, answers, _ = walk_through("50,000", "12,500.50", "ล่าช้าเพราะรอการอนุมัติ")
    state, events = resume(BUDGET, "school", answers, state, Edit("left"))
    assert isinstance(events[0], Stale)  # the computed value follows its operands only
    state, events = resume(BUDGET, "school", answers, state, Edit("allocated"))
    state, events = resume(BUDGET, "school", answers, state, Text("0"))
    saved = {e.question_id: e.answer for e in events if isinstance(e, Save)}
    assert saved["percent"] == NONE  # spent / 0: no value, not a crash
    assert saved["allocated"] == AnswerValue(Decimal(0))
