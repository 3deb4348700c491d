"""Exclusive choices, check rules and dates to confirm: loaded, placed, and kept by the walk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from flows.answers import NONE, SKIPPED, AnswerValue
from flows.checks import broken_check, broken_checks
from flows.errors import FormError
from flows.form import form_from_dict, form_to_dict
from flows.form_loader import load_form
from flows.walk import (
    Ask,
    Contradicted,
    Done,
    Invalid,
    Pick,
    Save,
    Start,
    Submit,
    Text,
    Toggle,
    WalkState,
    resume,
)

FORM = """\
form: rules
title: กฎ
sections:
  - id: s1
    title: ยุทธศาสตร์ที่ 1
    indicators:
      - id: i1
        title: งบประมาณ
        questions:
          - id: tools
            type: multi
            text: เครื่องมือ
            choices:
              - {id: web, label: เว็บไซต์}
              - {id: app, label: แอป}
              - {id: none, label: ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน, exclusive: true}
          - id: count
            type: integer
            text: จำนวนโครงการ
            min: 0
          - id: names
            type: text
            text: ชื่อโครงการ
            check:
              - rule: count == 0 or names != ""
                message: ต้องระบุชื่อโครงการ
          - id: allocated
            type: decimal
            text: งบที่ได้รับ (บาท)
          - id: spent
            type: decimal
            text: งบที่ใช้ (บาท)
            check:
              - rule: spent <= allocated
                message: งบที่ใช้ต้องไม่เกินงบที่ได้รับ
          - id: held
            type: date
            text: วันที่จัด
"""
TODAY = dt.date(2026, 11, 24)


def form():  # type: ignore[no-untyped-def]
    return load_form(FORM, "rules.yaml")


def run(answers: dict[str, AnswerValue], state: WalkState, event: object):  # type: ignore[no-untyped-def]
    new, events = resume(form(), "school", answers, state, event, today=TODAY)  # type: ignore[arg-type]
    for e in events:
        if isinstance(e, Save):
            answers[e.question_id] = e.answer
    return new, events


def test_the_loader_keeps_exclusive_and_checks_and_the_dict_round_trips() -> None:
    f = form()
    assert [c.exclusive for c in f.question("tools").choices] == [False, False, True]
    (rule,) = f.question("spent").checks
    assert (rule.source, rule.message) == ("spent <= allocated", "งบที่ใช้ต้องไม่เกินงบที่ได้รับ")
    assert form_from_dict(form_to_dict(f)) == f


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("{id: web, label: เว็บไซต์}", "{id: web, label: เว็บไซต์, exclusive: 1}"),
            "14: sections[0].indicators[0].questions[0].choices[0]: "
            "exclusive must be true or false, got 1",
        ),
        (
            ("rule: spent <= allocated", "rule: later <= spent"),
            "34: sections[0].indicators[0].questions[4].check[0]: "
            'rule refers to unknown question "later"',
        ),
        (
            ("rule: spent <= allocated", "rule: spent <= held"),
            '34: sections[0].indicators[0].questions[4].check[0]: rule refers to question "held", '
            "which comes later; a check reads the question itself and earlier ones",
        ),
        (
            ("rule: count == 0 or", "rule: count = 0 or"),
            "25: sections[0].indicators[0].questions[2].check[0]: rule has a syntax error at "
            'column 7: unexpected "="; use "==" to compare',
        ),
    ],
)
def test_the_loader_places_each_problem(change: tuple[str, str], message: str) -> None:
    with pytest.raises(FormError) as error:
        load_form(FORM.replace(*change), "rules.yaml")
    assert [str(p) for p in error.value.problems] == [f"rules.yaml:{message}"]


def test_an_exclusive_choice_clears_the_others_and_the_others_clear_it() -> None:
    answers: dict[str, AnswerValue] = {}
    state, _ = run(answers, WalkState(), Start())
    state, _ = run(answers, state, Toggle("tools", "web"))
    state, _ = run(answers, state, Toggle("tools", "app"))
    assert state.pending == ("web", "app")
    state, _ = run(answers, state, Toggle("tools", "none"))
    assert state.pending == ("none",)
    state, _ = run(answers, state, Toggle("tools", "app"))
    assert state.pending == ("app",)
    state, _ = run(answers, state, Toggle("tools", "none"))
    run(answers, state, Done("tools"))
    assert answers["tools"] == AnswerValue(("none",))


def test_a_broken_rule_refuses_the_answer_at_the_question() -> None:
    answers = {"tools": AnswerValue(("web",)), "count": AnswerValue(2)}
    state, _ = run(answers, WalkState(), Start())
    assert state.question_id == "names"
    state, events = run(answers, state, Text("ไม่มี"))
    assert events[0] == Invalid("names", "check", {"message": "ต้องระบุชื่อโครงการ"})
    assert "names" not in answers and state.question_id == "names"
    state, events = run(answers, state, Text("ค่ายวิทย์"))
    assert answers["names"] == AnswerValue("ค่ายวิทย์")
    # a question named on the right stands for its answer
    state, _ = run(answers, state, Text("1,000"))
    state, events = run(answers, state, Text("1,500"))
    assert events[0] == Invalid("spent", "check", {"message": "งบที่ใช้ต้องไม่เกินงบที่ได้รับ"})
    state, events = run(answers, state, Text("900.50"))
    assert answers["spent"] == AnswerValue(Decimal("900.50"))


def test_rules_are_judged_only_over_answers_given() -> None:
    f = form()
    assert broken_check(f, "spent", {"spent": AnswerValue(Decimal(5))}) is None  # no allocated
    assert broken_check(f, "spent", {"spent": AnswerValue(Decimal(5)), "allocated": NONE}) is None
    assert broken_check(f, "names", {"count": AnswerValue(0), "names": NONE}) is None
    assert broken_check(f, "names", {"count": AnswerValue(1), "names": SKIPPED}) is None
    broken = broken_check(f, "names", {"count": AnswerValue(1), "names": NONE})
    assert broken is not None and broken.message == "ต้องระบุชื่อโครงการ"


def test_an_edit_that_breaks_a_later_rule_is_caught_at_submit() -> None:
    answers = {
        "tools": AnswerValue(("web",)),
        "count": AnswerValue(0),
        "names": NONE,
        "allocated": AnswerValue(Decimal(100)),
        "spent": AnswerValue(Decimal(50)),
        "held": AnswerValue(TODAY),
    }
    answers["count"] = AnswerValue(3)  # edited later: "none" names no longer do
    answers["allocated"] = AnswerValue(Decimal(10))
    places = list(form().questions())
    assert [q for q, _ in broken_checks(form(), places, answers)] == ["names", "spent"]
    state, events = run(answers, WalkState("review"), Submit())
    assert events[0] == Contradicted(
        (("names", "ต้องระบุชื่อโครงการ"), ("spent", "งบที่ใช้ต้องไม่เกินงบที่ได้รับ"))
    )
    assert isinstance(events[1], Ask) and events[1].question_id == "names"
    assert state.mode == "asking"


@pytest.mark.parametrize(
    ("typed", "reason", "meant"),
    [
        ("15/3/69", "two_digit_year", dt.date(2026, 3, 15)),
        ("15/3/24", "two_digit_year", dt.date(2024, 3, 15)),
        ("15 มี.ค. 2560", "far", dt.date(2017, 3, 15)),
        ("1/1/2028", "far", dt.date(2028, 1, 1)),
    ],
)
def test_a_date_to_confirm_is_kept_only_once_confirmed(
    typed: str, reason: str, meant: dt.date
) -> None:
    answers = {
        "tools": AnswerValue(("web",)),
        "count": AnswerValue(0),
        "names": NONE,
        "allocated": AnswerValue(Decimal(1)),
        "spent": AnswerValue(Decimal(1)),
    }
    state, _ = run(answers, WalkState(), Start())
    state, events = run(answers, state, Text(typed))
    assert events == [Invalid("held", "confirm_date", {"date": meant, "reason": reason})]
    assert "held" not in answers and state.proposed == meant.isoformat()
    # typing the same date again confirms it; so does "ใช่"
    again, _ = run(dict(answers), state, Text(typed))
    assert again.mode == "review"
    state, events = run(answers, state, Text("ใช่ค่ะ"))
    assert answers["held"] == AnswerValue(meant) and state.proposed is None


def test_another_date_replaces_the_proposal_and_a_button_forgets_it() -> None:
    answers = {"tools": AnswerValue(("web",)), "count": AnswerValue(0), "names": NONE}
    answers |= {"allocated": AnswerValue(Decimal(1)), "spent": AnswerValue(Decimal(1))}
    state, _ = run(answers, WalkState(), Start())
    state, _ = run(answers, state, Text("15/3/60"))
    state, _ = run(answers, state, Text("20/11/2569"))
    assert answers["held"] == AnswerValue(dt.date(2026, 11, 20))
    assert WalkState.from_dict(state.to_dict()) == state


def test_yes_without_a_proposal_is_just_text() -> None:
    answers = {"tools": AnswerValue(("web",)), "count": AnswerValue(0), "names": NONE}
    answers |= {"allocated": AnswerValue(Decimal(1)), "spent": AnswerValue(Decimal(1))}
    state, _ = run(answers, WalkState(), Start())
    state, events = run(answers, state, Text("ใช่"))
    assert isinstance(events[0], Invalid) and events[0].code == "not_a_date"
    _ = Pick  # the walk's inputs are all imported from flows.walk
