"""The walk: applicable questions, reading answers, file checks, and resume()."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from flows.answers import NONE, SKIPPED, AnswerValue, FileRef
from flows.form import Form, Question, QuestionType
from flows.form_loader import load_form, load_form_file
from flows.walk import (
    Ask,
    AskConfirmSubmit,
    Back,
    Cancel,
    ConfirmSubmit,
    Done,
    Edit,
    Event,
    Files,
    Input,
    Invalid,
    Missing,
    NotApplicable,
    Paused,
    Pick,
    Place,
    Progress,
    Rejected,
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
    UnknownQuestion,
    WalkState,
    applicable,
    check_file,
    dependents,
    first_unanswered,
    interpret_text,
    missing_required,
    place,
    progress,
    relevant_answers,
    resume,
)

SAMPLE = Path(__file__).resolve().parents[2] / "tidtam" / "samples" / "form.yaml"

SMALL = """
form: small
title: แบบทดสอบ
sections:
  - id: a
    title: ยุทธศาสตร์ ก
    indicators:
      - id: a1
        title: ตัวชี้วัด ก1
        questions:
          - id: done
            type: choice
            text: ดำเนินการหรือไม่
            choices:
              - {id: yes, label: ดำเนินการแล้ว}
              - {id: no, label: ยังไม่ดำเนินการ}
              - {id: na, label: ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน}
          - id: count
            type: integer
            text: จำนวนโครงการ
            min: 0
            max: 1000
            when: done == yes
          - id: names
            type: text
            text: ชื่อโครงการ
            when: count > 0
  - id: b
    title: ยุทธศาสตร์ ข
    kinds: [school, esa]
    indicators:
      - id: b1
        title: ตัวชี้วัด ข1
        kinds: [school]
        questions:
          - id: tools
            type: multi
            text: เครื่องมือที่ใช้
            choices:
              - {id: web, label: เว็บไซต์}
              - {id: app, label: แอปพลิเคชัน}
              - {id: paper, label: กระดาษ}
      - id: b2
        title: ตัวชี้วัด ข2
        questions:
          - id: note
            type: text
            text: หมายเหตุ
            required: false
          - id: doc
            type: file
            text: เอกสาร
            accept: [pdf, jpg]
            kinds: [esa]
            required: false
          - id: held
            type: date
            text: วันที่จัด
"""


@pytest.fixture(scope="module")
def small() -> Form:
    return load_form(SMALL, "small.yaml")


@pytest.fixture(scope="module")
def sample() -> Form:
    return load_form_file(SAMPLE)


def ids(places: Any) -> list[str]:
    return [p.question.id for p in places]


class Run:
    """Drive resume() as the adapter does: store every Save, keep the state."""

    def __init__(self, form: Form, kind: str, answers: dict[str, AnswerValue] | None = None):
        self.form, self.kind = form, kind
        self.answers: dict[str, AnswerValue] = dict(answers or {})
        self.state = WalkState()

    def __call__(self, event: Input) -> list[Event]:
        self.state, events = resume(
            self.form, self.kind, self.answers, self.state, event, today=dt.date(2024, 6, 1)
        )
        for e in events:
            if isinstance(e, Save):
                self.answers[e.question_id] = e.answer
        return events

    def asked(self) -> str | None:
        return self.state.question_id if self.state.mode == "asking" else None


def kinds_of(events: list[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def last_ask(events: list[Event]) -> Ask:
    asks = [e for e in events if isinstance(e, Ask)]
    assert asks, events
    return asks[-1]


# ------------------------------------------------------------------ applicable


def test_kinds_at_every_level(small: Form) -> None:
    # section b: school, esa; indicator b1: school; question doc: esa
    assert ids(applicable(small, "school", {})) == ["done", "tools", "note", "held"]
    assert ids(applicable(small, "esa", {})) == ["done", "note", "doc", "held"]
    assert ids(applicable(small, "local", {})) == ["done"]


def test_sample_form_kinds(sample: Form) -> None:
    school = ids(applicable(sample, "school", {}))
    esa = ids(applicable(sample, "esa", {}))
    vocational = ids(applicable(sample, "vocational", {}))
    assert "s3i1_report" in esa and "s3i1_report" not in school
    assert "s2i2_done" in school and "s2i2_done" not in esa
    assert "s2i1_done" in vocational and "s2i1_done" not in school
    assert "s6i3_result" in esa and "s6i3_result" not in school
    assert "s3i4_trend" not in vocational


def test_when_skips_and_ignores_old_answers_of_skipped_questions(small: Form) -> None:
    answers = {"done": AnswerValue("no"), "count": AnswerValue(5), "names": AnswerValue("x")}
    # count is not asked (done != yes), so its old answer 5 cannot open names
    assert ids(applicable(small, "local", answers)) == ["done"]
    assert relevant_answers(small, "local", answers) == {"done": AnswerValue("no")}
    answers["done"] = AnswerValue("yes")
    assert ids(applicable(small, "local", answers)) == ["done", "count", "names"]
    assert set(relevant_answers(small, "local", answers)) == {"done", "count", "names"}


def test_none_and_skipped_answers_are_none_for_when(small: Form) -> None:
    answers = {"done": AnswerValue("yes"), "count": SKIPPED}
    assert ids(applicable(small, "local", answers)) == ["done", "count"]


def test_queries(small: Form) -> None:
    answers = {"done": AnswerValue("yes"), "note": SKIPPED}
    first = first_unanswered(small, "esa", answers)
    assert first is not None and first.question.id == "count"
    assert ids(missing_required(small, "esa", answers)) == ["count", "held"]  # doc is optional
    assert progress(small, "esa", answers) == Progress(2, 5, {"a": 1, "b": 1})
    full = {
        **answers,
        "count": AnswerValue(0),
        "doc": SKIPPED,
        "held": AnswerValue(dt.date.today()),
    }
    assert first_unanswered(small, "esa", full) is None
    assert missing_required(small, "esa", full) == []
    assert progress(small, "esa", full) == Progress(5, 5, {})


def test_place_numbering(small: Form, sample: Form) -> None:
    answers = {"done": AnswerValue("yes")}
    # the item number comes from the form; answered/total are progress()'s figures
    assert place(small, "school", answers, "count") == Place("1", "ยุทธศาสตร์ ก", "1.1.2", 1, 5)
    assert place(small, "school", answers, "held") == Place("2", "ยุทธศาสตร์ ข", "2.2.3", 1, 5)
    answers["count"] = AnswerValue(3)  # names comes up; held keeps its number
    assert place(small, "school", answers, "held") == Place("2", "ยุทธศาสตร์ ข", "2.2.3", 2, 6)
    assert place(small, "school", {"done": AnswerValue("no")}, "held") == Place(
        "2", "ยุทธศาสตร์ ข", "2.2.3", 1, 4
    )
    with pytest.raises(NotApplicable):
        place(small, "school", answers, "doc")
    with pytest.raises(UnknownQuestion):
        place(small, "school", answers, "nope")
    # the sample: section numbers are the strategy numbers even when some are skipped
    where = place(sample, "school", {}, "s3i1_done")
    assert (where.section_no, where.no) == ("3", "3.1.1")
    done = progress(sample, "school", {})
    assert (where.answered, where.total) == (done.answered, done.total)


def test_dependents(small: Form, sample: Form) -> None:
    assert dependents(small, "done") == {"count", "names"}
    assert dependents(small, "count") == {"names"}
    assert dependents(small, "held") == frozenset()
    assert dependents(sample, "s1i2_done") == {"s1i2_threats", "s1i2_other"}


# --------------------------------------------------------------- interpret_text


def question(kind: QuestionType, **kw: Any) -> Question:
    return Question(id="q", type=kind, text="?", **kw)


def test_interpret_choice(small: Form) -> None:
    done = small.question("done")
    assert interpret_text(done, "2") == AnswerValue("no")
    assert interpret_text(done, "๑") == AnswerValue("yes")
    assert interpret_text(done, " ดำเนินการแล้ว ") == AnswerValue("yes")
    assert interpret_text(done, "ไม่มี") == AnswerValue("na")  # the one "none" choice
    # a label or a number with a polite ending, as people type on a phone
    assert interpret_text(done, "ดำเนินการแล้วค่ะ") == AnswerValue("yes")
    assert interpret_text(done, "ยังไม่ดำเนินการครับ") == AnswerValue("no")
    assert interpret_text(done, "2 ค่ะ") == AnswerValue("no")
    for bad in ("4", "0", "ok", ""):
        with pytest.raises(Rejected) as info:
            interpret_text(done, bad)
        assert info.value.code == "choose_button"
        assert info.value.params == {"count": 3}


def test_interpret_choice_english_label_is_case_insensitive() -> None:
    from flows.form import Choice

    choice = question(QuestionType.CHOICE, choices=(Choice("y", "Yes"), Choice("n", "No")))
    assert interpret_text(choice, "YES") == AnswerValue("y")
    optional = question(QuestionType.CHOICE, choices=choice.choices, required=False)
    assert interpret_text(optional, "-") == SKIPPED


@pytest.mark.parametrize(
    ("q", "text", "expected"),
    [
        (question(QuestionType.TEXT), "  โครงการ ก  ", AnswerValue("โครงการ ก")),
        (question(QuestionType.TEXT), "ไม่มี", NONE),
        (question(QuestionType.TEXT), "-", NONE),
        (question(QuestionType.TEXT), "ไม่มีปัญหา", AnswerValue("ไม่มีปัญหา")),
        (question(QuestionType.INTEGER, min=0), "๑,๒๕๐ คน", AnswerValue(1250)),
        (question(QuestionType.INTEGER, required=False), "ไม่มี", SKIPPED),
        (question(QuestionType.DECIMAL, max=Decimal(100)), "85.50", AnswerValue(Decimal("85.50"))),
        (question(QuestionType.DATE), "15/3/2567", AnswerValue(dt.date(2024, 3, 15))),
        (question(QuestionType.DATE), "15 มี.ค.", AnswerValue(dt.date(2024, 3, 15))),
        (question(QuestionType.FILE, required=False), "ไม่มี", SKIPPED),
        (question(QuestionType.MULTI, required=False), "-", SKIPPED),
    ],
)
def test_interpret_accepts(q: Question, text: str, expected: AnswerValue) -> None:
    got = interpret_text(q, text, today=dt.date(2024, 6, 1))
    assert got == expected
    assert type(got.value) is type(expected.value)


@pytest.mark.parametrize(
    ("q", "text", "code", "params"),
    [
        (question(QuestionType.TEXT), "   ", "empty", {}),
        (question(QuestionType.TEXT), "ก" * 4001, "too_long", {"max": 4000, "length": 4001}),
        (
            question(QuestionType.INTEGER, min=0),
            "-3",
            "below_min",
            {"value": -3, "min": 0, "max": None},
        ),
        (
            question(QuestionType.INTEGER, max=10),
            "11",
            "above_max",
            {"value": 11, "min": None, "max": 10},
        ),
        (question(QuestionType.INTEGER), "12.5", "not_an_integer", {}),
        (question(QuestionType.INTEGER), "ไม่มี", "number_for_none", {}),
        (question(QuestionType.INTEGER), "1.5 พัน", "multiplier", {}),
        (question(QuestionType.DECIMAL), "45,5", "comma", {}),
        (question(QuestionType.TEXT), "👍", "no_words", {}),
        (question(QuestionType.TEXT), "...!?", "no_words", {}),
        (question(QuestionType.DECIMAL, max=Decimal(100)), "100.01", "above_max", None),
        (question(QuestionType.DATE), "31/2/2567", "impossible_date", {}),
        (question(QuestionType.DATE), "พรุ่งนี้เช้า", "not_a_date", {}),
        (question(QuestionType.MULTI), "1,2", "use_buttons", {}),
        (question(QuestionType.FILE), "ไม่มี", "send_file", {}),
        (question(QuestionType.FILE, required=False), "a.pdf", "send_file", {}),
    ],
)
def test_interpret_rejects(
    q: Question, text: str, code: str, params: dict[str, object] | None
) -> None:
    with pytest.raises(Rejected) as info:
        interpret_text(q, text)
    assert info.value.code == code
    if params is not None:
        assert info.value.params == params
    assert code in str(info.value)


# ------------------------------------------------------------------ check_file

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "size", "detected", "code"),
    [
        ("report.pdf", 2 * MB, "pdf", None),
        ("photo.JPEG", MB, "jpg", None),
        (None, MB, "jpg", None),  # a Telegram photo: no name, the content decides
        ("report.docx", MB, "docx", None),
        ("report.docx", MB, "zip", None),
        ("report.exe", MB, "exe", "wrong_type"),
        ("report.pdf", MB, "exe", "wrong_type"),  # named pdf, is not
        ("report.pdf", MB, None, "wrong_type"),  # a pdf the sniffer cannot recognise
        (None, MB, None, "wrong_type"),
        ("notes.txt", MB, None, "wrong_type"),
        ("data.csv", MB, None, None),  # not sniffable, accepted by name
        ("big.pdf", 25 * MB + 1, "pdf", "too_large"),
        ("empty.pdf", 0, "pdf", "empty_file"),
    ],
)
def test_check_file(name: str | None, size: int, detected: str | None, code: str | None) -> None:
    q = question(QuestionType.FILE, accept=("pdf", "docx", "jpg", "png", "csv"))
    problem = check_file(q, name, size, detected, 20 * MB)
    assert (problem.code if problem else None) == code


def test_check_file_size_params_and_any_type() -> None:
    problem = check_file(question(QuestionType.FILE), "a.zip", 25 * MB + 1, "zip", 20 * MB)
    assert problem is not None
    assert problem.params == {"size": Decimal("25.1"), "limit": 20}
    assert check_file(question(QuestionType.FILE), "a.exe", MB, "exe", 20 * MB) is None


# ---------------------------------------------------------------- state, JSON


def test_state_round_trip() -> None:
    state = WalkState("asking", "tools", ("web", "app"), True, "album1", "doc", "done")
    assert WalkState.from_dict(state.to_dict()) == state
    assert WalkState.from_dict(WalkState().to_dict()) == WalkState()
    assert WalkState.from_dict(None) == WalkState()
    assert WalkState.from_dict({"mode": "flying", "pending": "x", "editing": "yes"}) == WalkState()


# ---------------------------------------------------------------------- resume


def test_start_answer_and_continue(small: Form) -> None:
    run = Run(small, "school")
    events = run(Start())
    assert events == [Ask("done", Place("1", "ยุทธศาสตร์ ก", "1.1.1", 0, 4), None, ())]
    events = run(Pick("done", "yes"))
    assert events[0] == Save("done", AnswerValue("yes"))
    assert last_ask(events) == Ask("count", Place("1", "ยุทธศาสตร์ ก", "1.1.2", 1, 5), None, ())
    events = run(Text("0"))  # names is not asked; the numbers stay
    assert last_ask(events) == Ask("tools", Place("2", "ยุทธศาสตร์ ข", "2.1.1", 2, 5), None, ())


def test_invalid_input_re_asks_with_the_problem(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("yes")})
    run(Start())
    events = run(Text("2000"))
    assert kinds_of(events) == ["Invalid", "Ask"]
    assert events[0] == Invalid("count", "above_max", {"value": 2000, "min": 0, "max": 1000})
    assert run.asked() == "count" and "count" not in run.answers


def test_skip_only_when_optional(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no"), "tools": AnswerValue(("web",))})
    run(Start())
    assert run.asked() == "note"
    events = run(Skip("note"))
    assert events[0] == Save("note", SKIPPED)
    assert run.asked() == "held"
    events = run(Skip("held"))
    assert kinds_of(events) == ["Invalid", "Ask"]
    assert events[0] == Invalid("held", "required", {})
    assert "held" not in run.answers


def test_back(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no")})
    run(Start())
    assert run.asked() == "tools"
    events = run(Back("tools"))  # count and names are not asked: back to done
    assert events == [Ask("done", Place("1", "ยุทธศาสตร์ ก", "1.1.1", 1, 4), AnswerValue("no"), ())]
    events = run(Back("done"))  # the first question: stays
    assert run.asked() == "done" and kinds_of(events) == ["Ask"]
    # answering again continues at the first unanswered question
    events = run(Pick("done", "no"))
    assert last_ask(events).question_id == "tools"


def test_stale_presses_change_nothing(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no")})
    run(Start())
    before = run.state
    for press in (Pick("done", "yes"), Skip("note"), Back("held"), Done("x"), Toggle("zzz", "a")):
        events = run(press)
        assert kinds_of(events) == ["Stale", "Ask"], press
        assert events[1] == last_ask(events) and last_ask(events).question_id == "tools"
        assert run.state == before
    assert run.answers == {"done": AnswerValue("no")}


def test_wrong_choice_for_the_current_question_is_stale(small: Form) -> None:
    run = Run(small, "school")
    run(Start())
    assert kinds_of(run(Pick("done", "maybe"))) == ["Stale", "Ask"]
    assert kinds_of(run(Toggle("done", "yes"))) == ["Stale", "Ask"]
    assert run.answers == {}


def test_multi_toggles(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no")})
    run(Start())
    run(Toggle("tools", "paper"))
    events = run(Toggle("tools", "web"))
    assert events == [Ask("tools", last_ask(events).place, None, ("web", "paper"))]
    events = run(Toggle("tools", "paper"))
    assert last_ask(events).pending == ("web",)
    events = run(Text("เว็บไซต์"))
    assert events[0] == Invalid("tools", "use_buttons", {})
    assert last_ask(events).pending == ("web",)  # typing does not lose the selection
    events = run(Done("tools"))
    assert events[0] == Save("tools", AnswerValue(("web",)))
    assert run.state.pending == ()


def test_multi_done_needs_one_selected(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no")})
    run(Start())
    events = run(Done("tools"))
    assert events[0] == Invalid("tools", "choose_at_least_one", {})
    assert "tools" not in run.answers


def test_multi_edit_starts_from_the_current_answer(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no"), "tools": AnswerValue(("app",))})
    events = run(Edit("tools"))
    assert last_ask(events).pending == ("app",)
    assert last_ask(events).current == AnswerValue(("app",))


def esa_at_doc(small: Form) -> Run:
    run = Run(small, "esa", {"done": AnswerValue("no"), "note": SKIPPED})
    run(Start())
    assert run.asked() == "doc"
    return run


def test_files_and_album(small: Form) -> None:
    run = esa_at_doc(small)
    a, b, c = FileRef(1, "a.pdf"), FileRef(2, "b.jpg"), FileRef(3, "c.jpg")
    events = run(Files(None, (a,), album="G1"))
    assert events[0] == Save("doc", AnswerValue((a,)))
    assert run.asked() == "held"
    # the rest of the album joins the same answer and asks nothing
    assert run(Files(None, (b,), album="G1")) == [Save("doc", AnswerValue((a, b)))]
    assert run(Files(None, (c,), album="G1")) == [Save("doc", AnswerValue((a, b, c)))]
    assert run(Files(None, (c,), album="G1")) == []  # a repeat adds nothing
    assert run.asked() == "held"
    # a problem in a later part is reported for the album's question
    events = run(Files(None, (), album="G1", problem="too_large", params={"size": 30, "limit": 20}))
    assert events == [Invalid("doc", "too_large", {"size": 30, "limit": 20})]
    # a file sent to a date question
    events = run(Files(None, (FileRef(4, "d.pdf"),), album="G2"))
    assert events[0] == Invalid("held", "send_text", {})


def test_files_problem_and_replace(small: Form) -> None:
    run = esa_at_doc(small)
    events = run(Files("doc", (), problem="wrong_type", params={"ext": "exe", "accept": "pdf"}))
    assert kinds_of(events) == ["Invalid", "Ask"]
    assert run.asked() == "doc" and "doc" not in run.answers
    assert kinds_of(run(Files("doc", ()))) == ["Invalid", "Ask"]
    assert kinds_of(run(Files("held", (FileRef(9, "x.pdf"),)))) == ["Stale", "Ask"]
    run(Files("doc", (FileRef(1, "a.pdf"),)))
    run(Edit("doc"))
    events = run(Files("doc", (FileRef(2, "b.pdf"),)))  # a new upload replaces
    assert events[0] == Save("doc", AnswerValue((FileRef(2, "b.pdf"),)))


def test_edit_brings_newly_relevant_questions_then_review(small: Form) -> None:
    answers = {
        "done": AnswerValue("no"),
        "tools": AnswerValue(("web",)),
        "note": SKIPPED,
        "held": AnswerValue(dt.date(2024, 3, 15)),
    }
    run = Run(small, "school", answers)
    events = run(Start())
    assert run.state.mode == "review" and isinstance(events[0], ShowReview)
    run(Edit("done"))
    events = run(Pick("done", "yes"))
    assert last_ask(events).question_id == "count" and run.state.editing
    events = run(Text("3 โครงการ"))
    assert last_ask(events).question_id == "names"
    events = run(Text("โครงการ ก"))
    assert kinds_of(events) == ["Save", "ShowReview"]
    assert run.state.mode == "review"
    # changing back drops count and names from the relevant answers
    run(Edit("done"))
    events = run(Pick("done", "no"))
    assert kinds_of(events) == ["Save", "ShowReview"]
    review = events[1]
    assert isinstance(review, ShowReview)
    shown = [i.question_id for s in review.sections for i in s.items]
    assert shown == ["done", "tools", "note", "held"]
    assert set(relevant_answers(small, "school", run.answers)) == set(shown)
    assert "count" in run.answers  # kept, but ignored


def test_edit_of_a_question_without_dependents_returns_to_review(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no")})  # tools, note, held unanswered
    run(Review())
    run(Edit("done"))
    events = run(Pick("done", "na"))
    assert kinds_of(events) == ["Save", "ShowReview"]
    assert run.state == WalkState("review")


def test_edit_of_an_unknown_or_skipped_question_is_stale(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no")})
    run(Review())
    assert kinds_of(run(Edit("count"))) == ["Stale", "ShowReview"]
    assert kinds_of(run(Edit("nope"))) == ["Stale", "ShowReview"]
    assert run.state.mode == "review"


def test_answering_everything_goes_to_review(small: Form) -> None:
    run = Run(small, "local")
    run(Start())
    events = run(Text("ไม่มี"))  # the one "none" choice of done
    assert kinds_of(events) == ["Save", "AllAnswered", "ShowReview"]
    assert events[0] == Save("done", AnswerValue("na"))
    assert run.state.mode == "review"
    assert missing_required(small, "local", run.answers) == []


def test_submit(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("no"), "note": SKIPPED})
    events = run(Submit())
    assert events[0] == Missing(("tools", "held"))
    assert last_ask(events).question_id == "tools"
    run(Toggle("tools", "app"))
    run(Done("tools"))
    events = run(Text("1 มีนาคม 2567"))
    assert kinds_of(events) == ["Save", "AllAnswered", "ShowReview"]
    assert run(Submit()) == [AskConfirmSubmit()]
    assert run.state.mode == "confirm_submit"
    assert run(ConfirmSubmit()) == [Submitted()]
    assert run.state == WalkState("idle")
    # a second press of the old confirm button
    assert run(ConfirmSubmit()) == [Stale(None), Paused()]


def test_confirm_rechecks_missing(small: Form) -> None:
    run = Run(small, "local", {"done": AnswerValue("no")})
    run(Submit())
    # another member changes done to yes meanwhile: count is now missing
    run.answers["done"] = AnswerValue("yes")
    events = run(ConfirmSubmit())
    assert events[0] == Missing(("count",))
    assert run.asked() == "count"


def test_confirm_without_submit_is_stale(small: Form) -> None:
    run = Run(small, "local")
    run(Start())
    assert kinds_of(run(ConfirmSubmit())) == ["Stale", "Ask"]


def test_question_no_longer_applicable(small: Form) -> None:
    run = Run(small, "local", {"done": AnswerValue("yes")})
    run(Start())
    assert run.asked() == "count"
    run.answers["done"] = AnswerValue("no")  # changed by another member
    events = run(Text("5"))
    assert events[0] == Stale("count")
    assert "count" not in run.answers
    assert run.state.mode == "review"


def test_cancel_and_text_out_of_place(small: Form) -> None:
    run = Run(small, "school")
    run(Start())
    assert run(Cancel()) == [Paused()]
    assert run(Text("120")) == [Paused()]
    assert run(Pick("done", "yes")) == [Stale("done"), Paused()]
    assert run.answers == {}
    run(Review())
    events = run(Text("hello"))
    assert kinds_of(events) == ["ShowReview"]
    events = run(Start())
    assert run.asked() == "done"


def test_review_contents(small: Form) -> None:
    run = Run(small, "school", {"done": AnswerValue("yes"), "count": AnswerValue(0)})
    (review,) = run(Review())
    assert isinstance(review, ShowReview)
    assert [s.section_id for s in review.sections] == ["a", "b"]
    assert [s.number for s in review.sections] == ["1", "2"]
    first = review.sections[0].items
    assert [(i.question_id, i.number, i.answer) for i in first] == [
        ("done", "1.1.1", AnswerValue("yes")),
        ("count", "1.1.2", AnswerValue(0)),
    ]
    assert review.missing == ("tools", "held")
    assert review.progress == Progress(2, 5, {"b": 2})


def test_empty_form_for_a_kind() -> None:
    form = load_form(SMALL.replace("    kinds: [school, esa]\n", ""), "x.yaml")
    run = Run(form, "province")
    events = run(Start())
    assert run.asked() == "done" and kinds_of(events) == ["Ask"]
    only_a = load_form(
        SMALL.split("  - id: b\n")[0].replace(
            "    indicators:", "    kinds: [esa]\n    indicators:"
        ),
        "y.yaml",
    )
    run = Run(only_a, "school")
    events = run(Start())
    assert kinds_of(events) == ["ShowReview"]
    assert run(Submit()) == [AskConfirmSubmit()]
