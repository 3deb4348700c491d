"""Rounds that continue: answers carried from the earlier round count once confirmed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.answers import AnswerValue, Items, decode, encode, is_answered
from flows.errors import FormError
from flows.form import form_from_dict, form_to_dict
from flows.form_loader import load_form
from flows.walk import (
    Ask,
    Done,
    Invalid,
    Keep,
    Save,
    ShowReview,
    Start,
    Text,
    WalkState,
    progress,
    resume,
)

FORM = load_form("""\
form: quarterly
title: รายงานรายไตรมาส
change_threshold: 40
sections:
  - id: s1
    title: งบประมาณ
    indicators:
      - id: i1
        title: โครงการ
        questions:
          - id: projects
            type: repeat
            text: โครงการ
            item: โครงการ
            questions:
              - {id: name, type: text, text: ชื่อโครงการ}
              - {id: allocated, type: decimal, text: งบประมาณที่ได้รับจัดสรร (บาท), min: 0}
              - {id: spent_q, type: decimal, text: เบิกจ่ายในไตรมาสนี้ (บาท), cumulative: true}
          - {id: note, type: text, text: หมายเหตุ}
""")


def carried(**answers: AnswerValue) -> dict[str, AnswerValue]:
    return {k.replace("__", "/"): replace(v, prefilled=True) for k, v in answers.items()}


def step(
    answers: dict[str, AnswerValue], state: WalkState, event: object
) -> tuple[WalkState, list[object]]:
    state, events = resume(FORM, "school", answers, state, event)  # type: ignore[arg-type]
    for e in events:
        if isinstance(e, Save):
            answers[e.question_id] = e.answer
    return state, list(events)


def asked(events: list[object]) -> str | None:
    return next((e.question_id for e in events if isinstance(e, Ask)), None)


def quarter_two() -> dict[str, AnswerValue]:
    return carried(
        projects=AnswerValue(Items(("i1",), closed=True)),
        projects__i1__name=AnswerValue("ส่งเสริมการอ่าน"),
        projects__i1__allocated=AnswerValue(Decimal(50000)),
        note=AnswerValue("ตามแผน"),
    )


def test_the_form_keeps_its_threshold_and_cumulative_questions() -> None:
    assert FORM.change_threshold == 40
    assert FORM.question("projects/i1/spent_q").cumulative
    assert form_from_dict(form_to_dict(FORM)) == FORM
    for bad in ("change_threshold: 0", "change_threshold: lots"):
        with pytest.raises(FormError, match="change_threshold must be a percentage"):
            load_form(form_to_yaml_with(bad))
    with pytest.raises(FormError, match="cumulative must be true or false"):
        load_form(
            form_to_yaml_with("change_threshold: 40").replace(
                "{id: note, type: text, text: หมายเหตุ}",
                "{id: note, type: text, text: X, cumulative: true}",
            )
        )


def form_to_yaml_with(line: str) -> str:
    return (
        "form: q\ntitle: Q\n" + line + "\nsections:\n  - id: s1\n    title: S\n    indicators:\n"
        "      - id: i1\n        title: I\n        questions:\n"
        "          - {id: note, type: text, text: หมายเหตุ}\n"
    )


def test_a_carried_answer_is_asked_and_kept_with_one_press() -> None:
    answers = quarter_two()
    assert not is_answered(answers["note"])
    assert progress(FORM, "school", answers).answered == 0
    state, events = step(answers, WalkState(), Start())
    assert asked(events) == "projects/i1/name"
    ask = next(e for e in events if isinstance(e, Ask))
    assert ask.current is not None and ask.current.prefilled
    state, events = step(answers, state, Keep("projects/i1/name"))
    assert answers["projects/i1/name"] == AnswerValue("ส่งเสริมการอ่าน")  # confirmed as it was
    assert asked(events) == "projects/i1/allocated"


def test_a_number_that_jumps_is_confirmed_with_the_earlier_value_shown() -> None:
    answers = quarter_two()
    state, _ = step(answers, WalkState(), Start())
    state, _ = step(answers, state, Keep("projects/i1/name"))
    state, events = step(answers, state, Text("80,000"))  # +60 % > 40 %
    [invalid] = [e for e in events if isinstance(e, Invalid)]
    assert invalid.code == "changed_much"
    assert invalid.params == {"previous": Decimal(50000), "value": Decimal(80000), "percent": 60}
    assert answers["projects/i1/allocated"].prefilled  # nothing stored yet
    state, events = step(answers, state, Text("ใช่"))
    assert answers["projects/i1/allocated"] == AnswerValue(Decimal(80000))
    assert asked(events) == "projects/i1/spent_q"  # a cumulative figure is new each quarter


def test_a_small_change_or_the_same_number_typed_again_is_taken() -> None:
    answers = quarter_two()
    state, _ = step(answers, WalkState(), Start())
    state, _ = step(answers, state, Keep("projects/i1/name"))
    state, _ = step(answers, state, Text("60000"))  # +20 %
    assert answers["projects/i1/allocated"] == AnswerValue(Decimal(60000))
    answers = quarter_two()
    state, _ = step(answers, WalkState(), Start())
    state, _ = step(answers, state, Keep("projects/i1/name"))
    state, _ = step(answers, state, Text("10"))
    state, _ = step(answers, state, Text("10"))  # typed again: sure
    assert answers["projects/i1/allocated"] == AnswerValue(Decimal(10))


def test_the_carried_list_is_confirmed_by_done_and_then_everything_counts() -> None:
    answers = quarter_two()
    state, _ = step(answers, WalkState(), Start())
    state, _ = step(answers, state, Keep("projects/i1/name"))
    state, _ = step(answers, state, Keep("projects/i1/allocated"))
    state, events = step(answers, state, Text("1000"))
    assert asked(events) == "projects"
    state, events = step(answers, state, Done("projects"))
    assert answers["projects"] == AnswerValue(Items(("i1",), closed=True))
    assert asked(events) == "note"
    state, events = step(answers, state, Keep("note"))
    assert any(isinstance(e, ShowReview) for e in events)
    assert not any(a.prefilled for a in answers.values())


def test_keep_on_an_answer_that_was_not_carried_changes_nothing() -> None:
    answers = {"note": AnswerValue("เดิม")}
    state, _ = step(answers, WalkState("asking", "note"), Keep("note"))
    assert answers == {"note": AnswerValue("เดิม")} and state.question_id == "note"


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([AnswerValue("x"), AnswerValue(Decimal("1.50")), AnswerValue(None, none=True)])
)
def test_the_prefilled_mark_round_trips(answer: AnswerValue) -> None:
    question = (
        FORM.question("note")
        if not isinstance(answer.value, Decimal)
        else FORM.question("projects/i1/allocated")
    )
    marked = replace(answer, prefilled=True)
    assert encode(question, marked)["prefilled"] is True
    assert decode(question, encode(question, marked)) == marked
    assert decode(question, encode(question, answer)) == answer


def test_threshold_and_cumulative_go_through_an_xlsform_workbook() -> None:
    from flows.xlsform import read_xlsform
    from flows.xlsform_write import form_to_xlsform

    back = read_xlsform(form_to_xlsform(FORM), "quarterly.xlsx").form
    assert back.change_threshold == 40 and back.question("projects/i1/spent_q").cumulative
    assert back == FORM
