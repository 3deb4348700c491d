"""Properties of resume(): random inputs in random states never break the walk's rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.answers import NONE, SKIPPED, AnswerValue, FileRef, validate
from flows.form import Form, Question, QuestionType
from flows.form_loader import load_form
from flows.walk import (
    AllAnswered,
    Ask,
    Back,
    Cancel,
    ConfirmSubmit,
    Done,
    Edit,
    Files,
    Input,
    Pick,
    Review,
    Save,
    ShowReview,
    Skip,
    Stale,
    Start,
    Submit,
    Submitted,
    Text,
    Toggle,
    WalkState,
    applicable,
    first_unanswered,
    missing_required,
    place,
    progress,
    relevant_answers,
    resume,
)

FORM_TEXT = """
form: props
title: แบบทดสอบคุณสมบัติ
sections:
  - id: a
    title: ยุทธศาสตร์ ก
    indicators:
      - id: a1
        title: ก1
        questions:
          - id: q1
            type: choice
            text: ดำเนินการหรือไม่
            choices:
              - {id: yes, label: ทำแล้ว}
              - {id: no, label: ยังไม่ทำ}
              - {id: na, label: ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน}
          - id: q2
            type: integer
            text: จำนวน
            min: 0
            max: 100
            when: q1 == yes
          - id: q3
            type: text
            text: รายละเอียด
            when: q2 > 5 or q1 == no
      - id: a2
        title: ก2
        kinds: [school]
        questions:
          - id: q4
            type: multi
            text: เลือก
            choices:
              - {id: x, label: เอ็กซ์}
              - {id: y, label: วาย}
              - {id: z, label: แซด}
          - id: q5
            type: text
            text: อื่น ๆ
            required: false
            when: q4 == z
  - id: b
    title: ยุทธศาสตร์ ข
    kinds: [school, esa]
    indicators:
      - id: b1
        title: ข1
        questions:
          - id: q6
            type: file
            text: เอกสาร
            accept: [pdf]
            kinds: [esa]
            required: false
          - id: q7
            type: date
            text: วันที่
          - id: q8
            type: decimal
            text: งบประมาณ
            required: false
            min: 0
            when: q7 >= "2024-01-01" and not q1 == na
"""

FORM: Form = load_form(FORM_TEXT, "props.yaml")
QIDS = [p.question.id for p in FORM.questions()]
KINDS = ["school", "esa", "local"]
CHOICE_IDS = [*sorted({c.id for p in FORM.questions() for c in p.question.choices}), "bad"]
TEXTS = [
    "",
    "ไม่มี",
    "-",
    "0",
    "1",
    "2",
    "3",
    "4",
    "7",
    "120",
    "-3",
    "12.5",
    "15/3/2567",
    "31/2/2567",
    "hello",
    "ทำแล้ว",
    "x" * 4001,
]
FILES = [FileRef(1, "a.pdf"), FileRef(2, "b.pdf"), FileRef(3, "c.jpg")]

qid_or_unknown = st.sampled_from([*QIDS, "nope"])
inputs: st.SearchStrategy[Input] = st.one_of(
    st.just(Start()),
    st.just(Review()),
    st.just(Submit()),
    st.just(ConfirmSubmit()),
    st.just(Cancel()),
    st.builds(Text, st.sampled_from(TEXTS)),
    st.builds(Pick, qid_or_unknown, st.sampled_from(CHOICE_IDS)),
    st.builds(Toggle, qid_or_unknown, st.sampled_from(CHOICE_IDS)),
    st.builds(Done, qid_or_unknown),
    st.builds(Skip, qid_or_unknown),
    st.builds(Back, qid_or_unknown),
    st.builds(Edit, qid_or_unknown),
    st.builds(
        Files,
        st.one_of(st.none(), qid_or_unknown),
        st.lists(st.sampled_from(FILES), max_size=2).map(tuple),
        st.sampled_from([None, "A", "B"]),
        st.sampled_from([None, None, "too_large"]),
    ),
)


def valid_answer(question: Question) -> st.SearchStrategy[AnswerValue]:
    ids = [c.id for c in question.choices]
    values: st.SearchStrategy[AnswerValue]
    match question.type:
        case QuestionType.CHOICE:
            values = st.sampled_from(ids).map(AnswerValue)
        case QuestionType.MULTI:
            values = st.sets(st.sampled_from(ids), min_size=1).map(
                lambda s: AnswerValue(tuple(i for i in ids if i in s))
            )
        case QuestionType.TEXT:
            values = st.sampled_from([AnswerValue("ข้อความ"), NONE])
        case QuestionType.INTEGER:
            values = st.integers(0, 100).map(AnswerValue)
        case QuestionType.DECIMAL:
            values = st.decimals(0, 1000, places=2).map(AnswerValue)
        case QuestionType.DATE:
            values = st.dates(dt.date(2023, 1, 1), dt.date(2025, 1, 1)).map(AnswerValue)
        case QuestionType.FILE:
            values = st.lists(st.sampled_from(FILES), min_size=1, max_size=2, unique=True).map(
                lambda fs: AnswerValue(tuple(fs))
            )
    return values if question.required else st.one_of(values, st.just(SKIPPED))


@st.composite
def answer_maps(draw: st.DrawFn) -> dict[str, AnswerValue]:
    chosen = draw(st.sets(st.sampled_from(QIDS)))
    return {qid: draw(valid_answer(FORM.question(qid))) for qid in QIDS if qid in chosen}


states = st.builds(
    WalkState,
    st.sampled_from(["asking", "review", "confirm_submit", "idle"]),
    st.one_of(st.none(), qid_or_unknown),
    st.lists(st.sampled_from(CHOICE_IDS), max_size=2, unique=True).map(tuple),
    st.booleans(),
    st.sampled_from([None, "A"]),
    st.one_of(st.none(), qid_or_unknown),
    st.one_of(st.none(), qid_or_unknown),
)


def applicable_ids(kind: str, answers: dict[str, AnswerValue]) -> list[str]:
    return [p.question.id for p in applicable(FORM, kind, answers)]


def check_step(
    kind: str,
    answers: dict[str, AnswerValue],
    before: WalkState,
    event: Input,
    after: WalkState,
    events: list[object],
) -> None:
    saves = [e for e in events if isinstance(e, Save)]
    if any(isinstance(e, Stale) for e in events):
        assert not saves, "a stale press saves nothing"
        moved = before.mode == "asking" and before.question_id not in applicable_ids(kind, answers)
        if not moved:  # the walk moves on only from a question that is no longer asked
            assert (after.mode, after.question_id) == (before.mode, before.question_id)
            assert after.editing == before.editing
    for save in saves:
        # only the question being asked (or the album's question) is answered...
        assert (before.mode == "asking" and save.question_id == before.question_id) or (
            save.question_id == before.album_question
        ), (before, event, save)
        # ...it was asked of this unit, and the value is valid for it
        assert save.question_id in applicable_ids(kind, answers)
        validate(FORM.question(save.question_id), save.answer)
        answers[save.question_id] = save.answer
    if isinstance(event, Edit) and not any(isinstance(e, Stale) for e in events):
        assert after.mode == "asking" and after.editing
        assert after.question_id == event.question_id
    now = applicable_ids(kind, answers)
    assert set(relevant_answers(FORM, kind, answers)) <= set(now)
    if after.mode == "asking":
        assert after.question_id in now
        question = FORM.question(after.question_id)
        if after.pending:
            assert question.type is QuestionType.MULTI
            assert set(after.pending) <= {c.id for c in question.choices}
    for e in events:
        if isinstance(e, Ask):
            assert e.question_id in now
            # the item number is the form's, whatever was answered or edited
            assert e.place.no == FORM.question(e.question_id).no
            done = progress(FORM, kind, answers)
            assert (e.place.answered, e.place.total) == (done.answered, done.total)
        if isinstance(e, ShowReview):
            for section in e.sections:
                for item in section.items:
                    assert item.number == FORM.question(item.question_id).no
        if isinstance(e, AllAnswered):
            assert after.mode == "review"
            assert missing_required(FORM, kind, answers) == []
            assert first_unanswered(FORM, kind, answers) is None
        if isinstance(e, Submitted):
            assert missing_required(FORM, kind, answers) == []
            assert before.mode == "confirm_submit"
        if isinstance(e, ShowReview):
            assert [i.question_id for s in e.sections for i in s.items] == now
    if events:
        assert events[-1] is not None
    assert WalkState.from_dict(after.to_dict()) == after


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    answers=answer_maps(),
    state=states,
    script=st.lists(inputs, max_size=30),
)
def test_random_conversations_keep_the_rules(
    kind: str, answers: dict[str, AnswerValue], state: WalkState, script: list[Input]
) -> None:
    for event in script:
        before = state
        snapshot = dict(answers)
        state, events = resume(FORM, kind, snapshot, state, event, today=dt.date(2024, 6, 1))
        assert snapshot == answers, "resume does not change the answers it is given"
        check_step(kind, answers, before, event, state, list(events))


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(KINDS), answers=answer_maps())
def test_walking_forward_answers_everything(kind: str, answers: dict[str, AnswerValue]) -> None:
    """Answering whatever is asked (the first choice, a valid value) always ends in the review."""
    state, events = resume(FORM, kind, answers, WalkState(), Start())
    for _ in range(len(QIDS) + 1):
        if state.mode != "asking":
            break
        assert state.question_id is not None
        question = FORM.question(state.question_id)
        event: Input
        if question.type is QuestionType.CHOICE:
            event = Pick(question.id, question.choices[0].id)
        elif question.type is QuestionType.MULTI:
            state, _ = resume(FORM, kind, answers, state, Toggle(question.id, "z"))
            event = Done(question.id)
        elif question.type is QuestionType.FILE:
            event = Files(None, (FILES[0],))
        else:
            text = {QuestionType.DATE: "1/2/2567", QuestionType.TEXT: "ข้อความ"}
            event = Text(text.get(question.type, "7"))
        state, events = resume(FORM, kind, answers, state, event)
        for e in events:
            if isinstance(e, Save):
                answers[e.question_id] = e.answer
    assert state.mode == "review"
    assert missing_required(FORM, kind, answers) == []
    assert isinstance(events[-1], ShowReview)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), answers=answer_maps())
def test_place_numbers_come_from_the_form(kind: str, answers: dict[str, AnswerValue]) -> None:
    places = applicable(FORM, kind, answers)
    done = progress(FORM, kind, answers)
    for p in places:
        where = place(FORM, kind, answers, p.question.id)
        assert where.no == p.question.no == FORM.question(p.question.id).no
        assert (
            (where.answered, where.total)
            == (done.answered, done.total)
            == (
                sum(1 for q in places if q.question.id in answers),
                len(places),
            )
        )


def test_decimal_answers_compare_in_when() -> None:
    # a sanity check of the fixture form: q8 follows the date rule
    answers = {"q1": AnswerValue("no"), "q7": AnswerValue(dt.date(2024, 2, 1))}
    assert "q8" in applicable_ids("esa", answers)
    answers["q8"] = AnswerValue(Decimal("1.5"))
    answers["q1"] = AnswerValue("na")
    assert "q8" not in applicable_ids("esa", answers)


any_answer = st.one_of(
    st.sampled_from([NONE, SKIPPED]),
    st.one_of(
        st.sampled_from(CHOICE_IDS),
        st.text(max_size=3),
        st.integers(-5, 200),
        st.decimals(-5, 200, places=1),
        st.dates(dt.date(2023, 1, 1), dt.date(2025, 1, 1)),
        st.lists(st.sampled_from(CHOICE_IDS), max_size=3).map(tuple),
        st.lists(st.sampled_from(FILES), max_size=2).map(tuple),
    ).map(AnswerValue),
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    answers=st.dictionaries(qid_or_unknown, any_answer),
    state=states,
    script=st.lists(inputs, max_size=15),
)
def test_stored_answers_of_the_wrong_type_do_not_break_the_walk(
    kind: str, answers: dict[str, AnswerValue], state: WalkState, script: list[Input]
) -> None:
    """After a form change, stored answers may not fit their questions: still no exception."""
    for event in script:
        state, events = resume(FORM, kind, answers, state, event)
        for e in events:
            if isinstance(e, Save):
                validate(FORM.question(e.question_id), e.answer)
                answers[e.question_id] = e.answer
        if state.mode == "asking":
            assert state.question_id in applicable_ids(kind, answers)
