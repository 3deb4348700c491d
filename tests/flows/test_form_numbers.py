"""Item numbers: derived from the structure or given by ``no:``, unique, never moving."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.errors import FormError
from flows.form import (
    Form,
    Indicator,
    Question,
    QuestionType,
    Section,
    form_from_dict,
    form_to_dict,
)
from flows.form_loader import load_form, load_form_file

SAMPLE = Path(__file__).parents[2] / "tidtam" / "samples" / "form.yaml"


def _numbers(form: Form) -> list[str]:
    out: list[str] = []
    for s in form.sections:
        out.append(s.no)
        for i in s.indicators:
            out.append(i.no)
            out.extend(q.no for q in i.questions)
    return out


def test_sample_form_is_numbered_by_position() -> None:
    form = load_form_file(SAMPLE)
    assert form.sections[0].no == "1"
    assert form.sections[0].indicators[0].no == "1.1"
    assert form.sections[0].indicators[0].questions[0].no == "1.1.1"
    last = form.sections[-1]
    assert last.no == str(len(form.sections))
    assert last.indicators[-1].questions[-1].no == (
        f"{last.no}.{len(last.indicators)}.{len(last.indicators[-1].questions)}"
    )
    assert len(set(_numbers(form))) == len(_numbers(form))


GIVEN = textwrap.dedent(
    """\
    form: t
    title: T
    sections:
      - id: s1
        no: "ก"
        title: S
        indicators:
          - id: i1
            title: I
            questions:
              - {id: a, type: text, text: A}
              - {id: b, type: text, text: B, no: "ก.1.9"}
          - id: i2
            no: "7.4"
            title: J
            questions:
              - {id: c, type: text, text: C}
      - id: s2
        title: S2
        indicators:
          - id: i3
            title: K
            questions:
              - {id: d, type: integer, text: D, no: 12}
    """
)


def test_given_numbers_are_used_and_prefix_the_ones_below() -> None:
    form = load_form(GIVEN)
    assert [form.question(q).no for q in "abcd"] == ["ก.1.1", "ก.1.9", "7.4.1", "12"]
    assert form.sections[0].indicators[1].no == "7.4"
    assert form.sections[1].no == "2"
    assert form.sections[1].indicators[0].no == "2.1"
    assert form_from_dict(form_to_dict(form)) == form
    assert [q.question.no for q in form_from_dict(form_to_dict(form)).questions()] == [
        "ก.1.1",
        "ก.1.9",
        "7.4.1",
        "12",
    ]


def test_stored_forms_without_numbers_get_the_derived_ones() -> None:
    data = form_to_dict(load_form_file(SAMPLE))
    assert "no" not in data["sections"][0]
    assert "no" not in data["sections"][0]["indicators"][0]["questions"][0]
    assert form_from_dict(data).sections[0].indicators[0].questions[0].no == "1.1.1"


def test_duplicate_numbers_are_reported_with_their_path() -> None:
    text = GIVEN.replace('no: "ก.1.9"', 'no: "ก.1.1"').replace("no: 12", 'no: "7.4"')
    with pytest.raises(FormError) as caught:
        load_form(text, "f.yaml")
    shown = [str(p) for p in caught.value.problems]
    assert shown == [
        'f.yaml:12: sections[0].indicators[0].questions[1]: duplicate item number "ก.1.1" '
        "(already used by sections[0].indicators[0].questions[0])",
        'f.yaml:24: sections[1].indicators[0].questions[0]: duplicate item number "7.4" '
        "(already used by sections[0].indicators[1])",
    ]


@pytest.mark.parametrize("bad", ['""', "2.1", "[1]", "true", "-3"])
def test_a_number_that_is_not_text_or_a_whole_number_is_refused(bad: str) -> None:
    with pytest.raises(FormError) as caught:
        load_form(GIVEN.replace("no: 12", f"no: {bad}"), "f.yaml")
    [problem] = caught.value.problems
    assert problem.path == "sections[1].indicators[0].questions[0]"
    assert problem.message.startswith("no must be an item number")


def _question(qid: str, no: str) -> Question:
    return Question(id=qid, type=QuestionType.TEXT, text=qid, no=no)


shapes = st.lists(st.lists(st.integers(1, 4), min_size=1, max_size=4), min_size=1, max_size=5)


@given(shapes, st.data())
def test_numbers_are_unique_and_do_not_depend_on_anything_but_the_form(
    shape: list[list[int]], data: st.DataObject
) -> None:
    counter = iter(range(10_000))
    sections: list[Section] = []
    for s_index, indicators in enumerate(shape):
        built: list[Indicator] = []
        for i_index, count in enumerate(indicators):
            questions = tuple(
                # Some questions carry a given number in a namespace no derived number uses.
                _question(f"q{n}", f"x{n}" if data.draw(st.booleans()) else "")
                for n in (next(counter) for _ in range(count))
            )
            built.append(Indicator(f"i{s_index}_{i_index}", "I", None, questions))
        sections.append(Section(f"s{s_index}", "S", None, tuple(built)))
    form = Form("f", 1, "F", tuple(sections))
    numbers = _numbers(form)
    assert all(numbers)
    assert len(set(numbers)) == len(numbers)
    # Stable: rebuilding, storing and reading back, or numbering again changes nothing.
    assert _numbers(Form("f", 1, "F", tuple(sections))) == numbers
    assert _numbers(form_from_dict(form_to_dict(form))) == numbers
    assert _numbers(Form("f", 1, "F", form.sections)) == numbers
    # Derived numbers follow the structure.
    for place in form.questions():
        if not place.question.no.startswith("x"):
            assert place.question.no.startswith(place.indicator.no + ".")
        assert place.indicator.no.startswith(place.section.no + ".")
