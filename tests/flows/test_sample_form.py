"""The sample form shipped with tidtam loads cleanly and exercises every feature."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.form import (
    Form,
    QuestionType,
    applies_to_kind,
    form_from_dict,
    form_to_dict,
)
from flows.form_loader import load_form, load_form_file
from flows.when import And, Member, Or, evaluate, iter_comparisons

SAMPLE = Path(__file__).resolve().parents[2] / "tidtam" / "samples" / "form.yaml"


@pytest.fixture(scope="module")
def sample() -> Form:
    return load_form_file(SAMPLE)


def test_header(sample: Form) -> None:
    assert sample.code == "pb-plan-2567"
    assert sample.version is None
    assert sample.title == "แบบติดตามและรายงานผลการดำเนินงานตามแผนพัฒนาการศึกษาจังหวัด"


def test_six_strategies_with_two_to_four_indicators_of_two_to_three_questions(
    sample: Form,
) -> None:
    assert [s.id for s in sample.sections] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    for number, section in enumerate(sample.sections, start=1):
        assert section.title.startswith(f"ยุทธศาสตร์ที่ {number} ")
        assert 2 <= len(section.indicators) <= 4
        for indicator in section.indicators:
            assert 2 <= len(indicator.questions) <= 3, indicator.id
    assert 15 <= sum(len(s.indicators) for s in sample.sections) <= 20


def test_uses_every_question_type(sample: Form) -> None:
    # the yearly round asks no lists; repeat groups are the project form's
    assert {place.question.type for place in sample.questions()} == set(QuestionType) - {
        QuestionType.REPEAT
    }


def test_every_choice_question_offers_none_or_not_relevant(sample: Form) -> None:
    for place in sample.questions():
        if place.question.type is QuestionType.CHOICE:
            labels = [c.label for c in place.question.choices]
            assert "ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน" in labels, place.question.id


def test_reading_report_is_an_optional_file_for_esa_only(sample: Form) -> None:
    files = [p.question for p in sample.questions() if p.question.type is QuestionType.FILE]
    assert any(q.kinds == frozenset({"esa"}) and not q.required and q.accept for q in files)
    report = sample.question("s3i1_report")
    assert applies_to_kind(sample, "s3i1_report", "esa")
    assert not applies_to_kind(sample, "s3i1_report", "school")
    assert report.accept == ("pdf", "docx", "xlsx", "jpg", "png")


def test_kinds_at_indicator_level(sample: Form) -> None:
    limited = [i for s in sample.sections for i in s.indicators if i.kinds is not None]
    assert limited
    stem = sample.place("s2i2_activities")
    assert stem.indicator.kinds == frozenset({"school"})
    assert stem.kinds == frozenset({"school"})
    assert applies_to_kind(sample, "s2i2_activities", "school")
    assert not applies_to_kind(sample, "s2i2_activities", "esa")
    assert applies_to_kind(sample, "s1i1_done", "nfe")


def test_whens_use_and_or_in(sample: Form) -> None:
    whens = [p.question.when for p in sample.questions() if p.question.when is not None]
    assert len(whens) >= 10
    assert any(isinstance(w, And) for w in whens)
    assert any(isinstance(w, Or) for w in whens)
    assert any(isinstance(w, Member) for w in whens)
    assert all(list(iter_comparisons(w)) for w in whens)


def test_when_follows_the_earlier_answer(sample: Form) -> None:
    projects = sample.question("s1i1_projects").when
    assert projects is not None
    assert evaluate(projects, {"s1i1_done": "partly"})
    assert not evaluate(projects, {"s1i1_done": "na"})
    budget = sample.question("s4i1_budget").when
    assert budget is not None
    assert evaluate(budget, {"s4i1_done": "yes", "s4i1_students": 12})
    assert not evaluate(budget, {"s4i1_done": "yes", "s4i1_students": 0})


def test_dict_round_trip_is_exact_and_json_ready(sample: Form) -> None:
    data = form_to_dict(sample)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    back = form_from_dict(json.loads(json.dumps(data)))
    assert back == sample
    assert form_to_dict(back) == data
    assert data["sections"][2]["indicators"][3]["questions"][1]["when"] == (
        "s3i4_trend not in [na]"
    )


def test_sample_text_loads_the_same_as_the_file(sample: Form) -> None:
    assert load_form(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE)) == sample


@pytest.mark.parametrize("kind", ["school", "esa", "vocational", "nobody-has-this"])
def test_questions_for_a_kind_are_those_every_level_allows_in_form_order(
    sample: Form, kind: str
) -> None:
    expected = [p.question.id for p in sample.questions() if p.applies_to(kind)]
    assert [p.question.id for p in sample.questions_for(kind)] == expected
    assert sample.questions_for(kind) is sample.questions_for(kind)  # computed once
    assert 0 < len(expected) < len(sample)  # the sample form has kind-specific questions


def test_place_at_an_index_in_form_order(sample: Form) -> None:
    places = list(sample.questions())
    assert sample.place_at(0) is places[0]
    assert sample.place_at(len(places) - 1) is places[-1]
    for bad in (-1, len(places)):
        with pytest.raises(IndexError):
            sample.place_at(bad)
