"""Answer values: JSON round trip, validation, the value for ``when``, display."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.answers import (
    NONE,
    SKIPPED,
    AnswerError,
    AnswerValue,
    DisplayWords,
    FileRef,
    Items,
    decode,
    display,
    encode,
    validate,
    when_value,
)
from flows.form import Choice, Question, QuestionType

CHOICES = (Choice("yes", "ดำเนินการแล้ว"), Choice("partly", "อยู่ระหว่างดำเนินการ"), Choice("na", "ไม่มี"))


def q(kind: QuestionType, **kw: Any) -> Question:
    if kind in (QuestionType.CHOICE, QuestionType.MULTI):
        kw.setdefault("choices", CHOICES)
    return Question(id=f"q_{kind.value}", type=kind, text="?", **kw)


def _json_round_trip(question: Question, answer: AnswerValue) -> AnswerValue:
    data = json.loads(json.dumps(encode(question, answer), ensure_ascii=False))
    return decode(question, data)


file_refs = st.builds(FileRef, st.integers(min_value=1, max_value=2**53), st.text())
VALUES: dict[QuestionType, st.SearchStrategy[Any]] = {
    QuestionType.CHOICE: st.sampled_from([c.id for c in CHOICES]),
    QuestionType.MULTI: st.sets(st.sampled_from([c.id for c in CHOICES]), min_size=1).map(
        lambda s: tuple(c.id for c in CHOICES if c.id in s)
    ),
    QuestionType.TEXT: st.text(min_size=1),
    QuestionType.INTEGER: st.integers(),
    QuestionType.DECIMAL: st.decimals(allow_nan=False, allow_infinity=False),
    QuestionType.DATE: st.dates(),
    QuestionType.FILE: st.lists(file_refs, min_size=1, max_size=4).map(tuple),
    QuestionType.REPEAT: st.builds(
        Items,
        st.lists(st.integers(1, 999_999).map(lambda n: f"i{n}"), unique=True).map(tuple),
        st.booleans(),
    ),
}


@pytest.mark.parametrize("kind", list(QuestionType))
@given(data=st.data())
def test_encode_decode_round_trip_is_exact(kind: QuestionType, data: st.DataObject) -> None:
    question = q(kind)
    answer = data.draw(st.one_of(VALUES[kind].map(AnswerValue), st.sampled_from([NONE, SKIPPED])))
    back = _json_round_trip(question, answer)
    assert back == answer
    assert type(back.value) is type(answer.value)
    if isinstance(answer.value, Decimal):
        assert isinstance(back.value, Decimal)
        assert back.value.as_tuple() == answer.value.as_tuple()  # 1.50 stays 1.50


def test_encoded_layout() -> None:
    assert encode(q(QuestionType.DECIMAL), AnswerValue(Decimal("12.50"))) == {"v": "12.50"}
    assert encode(q(QuestionType.DATE), AnswerValue(dt.date(2024, 3, 15))) == {"v": "2024-03-15"}
    assert encode(q(QuestionType.MULTI), AnswerValue(("yes", "na"))) == {"v": ["yes", "na"]}
    assert encode(q(QuestionType.FILE), AnswerValue((FileRef(7, "a.pdf"),))) == {
        "v": [{"id": 7, "name": "a.pdf"}]
    }
    assert encode(q(QuestionType.TEXT), NONE) == {"v": None, "none": True}
    assert encode(q(QuestionType.TEXT), SKIPPED) == {"v": None, "skipped": True}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (QuestionType.INTEGER, True),
        (QuestionType.INTEGER, Decimal(1)),
        (QuestionType.DECIMAL, 1),
        (QuestionType.DATE, dt.datetime(2024, 3, 15, 10, 0)),
        (QuestionType.MULTI, "yes"),
        (QuestionType.FILE, ("a.pdf",)),
        (QuestionType.TEXT, 5),
    ],
)
def test_encode_refuses_a_value_of_the_wrong_type(kind: QuestionType, value: Any) -> None:
    with pytest.raises(AnswerError):
        encode(q(kind), AnswerValue(value))


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (QuestionType.TEXT, {}),
        (QuestionType.TEXT, {"v": 5}),
        (QuestionType.INTEGER, {"v": "12"}),
        (QuestionType.INTEGER, {"v": True}),
        (QuestionType.DECIMAL, {"v": "twelve"}),
        (QuestionType.DATE, {"v": "15/3/2567"}),
        (QuestionType.MULTI, {"v": "yes"}),
        (QuestionType.FILE, {"v": [{"id": "x", "name": "a.pdf"}]}),
        (QuestionType.FILE, {"v": ["a.pdf"]}),
        (QuestionType.TEXT, {"v": "x", "none": True}),
        (QuestionType.TEXT, {"v": None, "none": True, "skipped": True}),
        (QuestionType.TEXT, {"v": None}),
    ],
)
def test_decode_refuses_malformed_data(kind: QuestionType, data: dict[str, Any]) -> None:
    with pytest.raises(AnswerError):
        decode(q(kind), data)


def test_answer_value_invariants() -> None:
    with pytest.raises(AnswerError):
        AnswerValue(None)
    with pytest.raises(AnswerError):
        AnswerValue("x", none=True)
    with pytest.raises(AnswerError):
        AnswerValue(None, none=True, skipped=True)
    assert NONE.empty and SKIPPED.empty and not AnswerValue("x").empty


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (q(QuestionType.CHOICE), AnswerValue("maybe")),
        (q(QuestionType.MULTI), AnswerValue(())),
        (q(QuestionType.MULTI), AnswerValue(("na", "yes"))),  # not in form order
        (q(QuestionType.MULTI), AnswerValue(("yes", "yes"))),
        (q(QuestionType.TEXT), AnswerValue("   ")),
        (q(QuestionType.INTEGER, min=0), AnswerValue(-1)),
        (q(QuestionType.DECIMAL, max=Decimal(100)), AnswerValue(Decimal("100.5"))),
        (q(QuestionType.DECIMAL), AnswerValue(Decimal("NaN"))),
        (q(QuestionType.FILE), AnswerValue(())),
        (q(QuestionType.INTEGER), NONE),
        (q(QuestionType.TEXT), SKIPPED),  # required
    ],
)
def test_validate_refuses(question: Question, answer: AnswerValue) -> None:
    with pytest.raises(AnswerError):
        validate(question, answer)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (q(QuestionType.CHOICE), AnswerValue("na")),
        (q(QuestionType.MULTI), AnswerValue(("yes", "na"))),
        (q(QuestionType.TEXT), NONE),
        (q(QuestionType.TEXT, required=False), SKIPPED),
        (q(QuestionType.INTEGER, min=0, max=10), AnswerValue(10)),
        (q(QuestionType.DATE), AnswerValue(dt.date(2024, 3, 15))),
        (q(QuestionType.FILE, required=False), SKIPPED),
    ],
)
def test_validate_accepts(question: Question, answer: AnswerValue) -> None:
    validate(question, answer)  # does not raise
    assert _json_round_trip(question, answer) == answer


def test_when_value() -> None:
    assert when_value(AnswerValue(("yes",))) == ("yes",)
    assert when_value(AnswerValue(Decimal("1.5"))) == Decimal("1.5")
    assert when_value(NONE) is None
    assert when_value(SKIPPED) is None
    assert when_value(None) is None


WORDS = DisplayWords(
    none="NONE",
    skipped="SKIPPED",
    unanswered="UNANSWERED",
    files_one="{count} file: {names}",
    files_many="{count} files: {names}",
    date=lambda d: d.isoformat(),
)


@pytest.mark.parametrize(
    ("question", "answer", "shown"),
    [
        (q(QuestionType.CHOICE), AnswerValue("yes"), "ดำเนินการแล้ว"),
        (q(QuestionType.CHOICE), AnswerValue("gone"), "gone"),
        (q(QuestionType.MULTI), AnswerValue(("yes", "na")), "ดำเนินการแล้ว, ไม่มี"),
        (q(QuestionType.INTEGER), AnswerValue(1250), "1,250"),
        (q(QuestionType.DECIMAL), AnswerValue(Decimal("1250.50")), "1,250.50"),
        (q(QuestionType.DATE), AnswerValue(dt.date(2024, 3, 15)), "2024-03-15"),
        (q(QuestionType.TEXT), AnswerValue("โครงการ  ก\nโครงการ ข"), "โครงการ ก โครงการ ข"),
        (q(QuestionType.TEXT), NONE, "NONE"),
        (q(QuestionType.FILE, required=False), SKIPPED, "SKIPPED"),
        (
            q(QuestionType.FILE),
            AnswerValue((FileRef(1, "a.pdf"), FileRef(2, "b.jpg"))),
            "2 files: a.pdf, b.jpg",
        ),
        (q(QuestionType.FILE), AnswerValue((FileRef(1, "a.pdf"),)), "1 file: a.pdf"),
        (q(QuestionType.TEXT), None, "UNANSWERED"),
    ],
)
def test_display_takes_its_words_from_the_edge(
    question: Question, answer: AnswerValue | None, shown: str
) -> None:
    assert display(question, answer, WORDS) == shown


def test_display_cuts_long_text() -> None:
    shown = display(q(QuestionType.TEXT), AnswerValue("ก" * 500), WORDS)
    assert len(shown) == 120
    assert shown.endswith("…")
