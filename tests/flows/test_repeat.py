"""Repeat groups: projects with their activities, asked item by item."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.answers import AnswerValue, Items, decode, encode
from flows.errors import FormError
from flows.form import form_from_dict, form_to_dict
from flows.form_loader import load_form
from flows.walk import (
    AddItem,
    Ask,
    Calculated,
    Done,
    Edit,
    Invalid,
    RemoveItem,
    Review,
    Save,
    ShowReview,
    Start,
    Submit,
    Text,
    WalkState,
    progress,
    relevant_answers,
    resume,
)

FORM = """\
form: projects
title: ความก้าวหน้าโครงการ
sections:
  - id: s1
    title: โครงการตามแผน
    indicators:
      - id: i1
        title: โครงการและกิจกรรม
        questions:
          - id: owner
            type: text
            text: กลุ่มงานที่รับผิดชอบ
          - id: projects
            type: repeat
            text: โครงการที่ดำเนินการในไตรมาสนี้
            item: โครงการ
            min: 1
            max: 3
            questions:
              - id: name
                type: text
                text: ชื่อโครงการ
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
              - id: late
                type: text
                text: เหตุผลที่ยังไม่เบิกจ่าย
                when: spent == 0
              - id: activities
                type: repeat
                text: กิจกรรมของโครงการ
                item: กิจกรรม
                questions:
                  - id: act_name
                    type: text
                    text: ชื่อกิจกรรม
                  - id: people
                    type: integer
                    text: จำนวนผู้เข้าร่วม (คน)
                    min: 0
          - id: summary
            type: text
            text: สรุปผลภาพรวม
            when: projects > 1
"""

FORM_OBJ = load_form(FORM)


class Session:
    """One unit answering, its answers kept as the adapter keeps them."""

    def __init__(self) -> None:
        self.answers: dict[str, AnswerValue] = {}
        self.state = WalkState()
        self.events: list[object] = []

    def send(self, event: object) -> list[object]:
        self.state, events = resume(FORM_OBJ, "school", self.answers, self.state, event)  # type: ignore[arg-type]
        for e in events:
            if isinstance(e, Save):
                self.answers[e.question_id] = e.answer
        self.events = list(events)
        return self.events

    def asked(self) -> str | None:
        asks = [e for e in self.events if isinstance(e, Ask)]
        return asks[-1].question_id if asks else None


def test_the_form_loads_numbers_the_group_s_questions_and_round_trips() -> None:
    group = FORM_OBJ.question("projects")
    assert group.repeat and group.item == "โครงการ" and (group.min, group.max) == (1, 3)
    assert [q.no for q in group.questions] == [f"1.1.2.{n}" for n in range(1, 7)]
    assert group.questions[5].questions[1].no == "1.1.2.6.2"
    assert form_from_dict(form_to_dict(FORM_OBJ)) == FORM_OBJ


def test_an_item_key_resolves_with_its_expressions_reading_the_item() -> None:
    left = FORM_OBJ.question("projects/i2/left")
    assert left.id == "projects/i2/left" and left.no == "1.1.2.4"
    assert FORM_OBJ.question("projects/i2/spent").checks[0].rule.question == "projects/i2/spent"
    assert "projects/i2/activities/i1/people" in FORM_OBJ
    for bad in ("projects/2/name", "projects/i1/nope", "owner/i1/name", "projects/i1", "name"):
        assert bad not in FORM_OBJ
    place = FORM_OBJ.place("projects/i1/activities/i3/people")
    assert place.within == (("projects", "i1"), ("projects/i1/activities", "i3"))
    for key in ("owner", "projects", "projects/i7/activities/i12/people", "summary"):
        assert FORM_OBJ.key_of(FORM_OBJ.ref(key)) == key
    assert FORM_OBJ.ref("projects/i7/activities/i12/people") == "1-7-5-12-1"
    for ref in ("9", "1-0-0", "1-1-9", "0-1-0", "1-1", "x", "1-1-5-1-7"):
        with pytest.raises(KeyError):
            FORM_OBJ.key_of(ref)


def test_a_unit_reports_two_projects_with_three_activities() -> None:
    s = Session()
    s.send(Start())
    assert s.asked() == "owner"
    s.send(Text("กลุ่มนโยบายและแผน"))
    assert s.asked() == "projects"
    s.send(Done("projects"))  # min 1: not yet
    assert any(isinstance(e, Invalid) and e.code == "items_min" for e in s.events)
    s.send(AddItem("projects"))
    assert s.answers["projects"] == AnswerValue(Items(("i1",)))
    assert s.asked() == "projects/i1/name"
    ask = next(e for e in s.events if isinstance(e, Ask))
    assert ask.place.items == (("โครงการ", 1),)
    s.send(Text("ส่งเสริมการอ่าน"))
    s.send(Text("50,000"))
    s.send(Text("60,000"))  # breaks the item's own check
    assert any(isinstance(e, Invalid) and e.code == "check" for e in s.events)
    s.send(Text("20,000"))
    assert (
        Calculated("projects/i1/left", AnswerValue(Decimal(30000)), (("โครงการ", 1),)) in s.events
    )
    assert s.asked() == "projects/i1/activities"  # "late" is not asked: spent is not 0
    for name, people in (("อบรมครู", "35"), ("ค่ายการอ่าน", "120")):
        s.send(AddItem("projects/i1/activities"))
        s.send(Text(name))
        s.send(Text(people))
        assert s.asked() == "projects/i1/activities"
    s.send(Done("projects/i1/activities"))
    assert s.asked() == "projects"  # add another project or done
    s.send(AddItem("projects"))
    assert s.asked() == "projects/i2/name"
    for text in ("ห้องเรียนคุณภาพ", "100,000", "0", "รอโอนจัดสรร"):
        s.send(Text(text))
    assert s.asked() == "projects/i2/activities"
    s.send(AddItem("projects/i2/activities"))
    s.send(Text("นิเทศติดตาม"))
    s.send(Text("12"))
    s.send(Done("projects/i2/activities"))
    s.send(Done("projects"))
    assert s.asked() == "summary"  # two projects: the summary's when holds
    s.send(Text("ดำเนินการตามแผน"))
    review = next(e for e in s.events if isinstance(e, ShowReview))
    assert not review.missing
    keys = [item.question_id for item in review.sections[0].items]
    # the group comes before its items when read
    assert keys.index("projects") < keys.index("projects/i1/name")
    assert keys.index("projects/i1/activities") < keys.index("projects/i1/activities/i1/act_name")
    numbers = {i.question_id: i.items for i in review.sections[0].items}
    assert numbers["projects/i2/activities/i1/people"] == (2, 1)
    relevant = relevant_answers(FORM_OBJ, "school", s.answers)
    assert relevant["projects/i1/activities/i2/people"] == AnswerValue(120)
    assert relevant["projects/i2/late"] == AnswerValue("รอโอนจัดสรร")
    s.send(Submit())
    assert s.state.mode == "confirm_submit"


def answered_two_projects() -> Session:
    s = Session()
    s.send(Start())
    s.send(Text("กลุ่มนโยบายและแผน"))
    for name in ("ก", "ข"):
        s.send(AddItem("projects"))
        for text in (name, "100", "10"):
            s.send(Text(text))
        s.send(Done(s.asked() or ""))
    s.send(Done("projects"))
    s.send(Text("สรุป"))
    return s


def test_removing_an_item_drops_its_answers_from_what_counts_and_ids_are_never_reused() -> None:
    s = answered_two_projects()
    assert s.state.mode == "review"
    s.send(RemoveItem("projects", "i1"))
    assert s.answers["projects"] == AnswerValue(Items(("i2",), closed=True))
    relevant = relevant_answers(FORM_OBJ, "school", s.answers)
    assert "projects/i1/name" not in relevant and relevant["projects/i2/name"].value == "ข"
    assert "summary" not in relevant  # one project left: the summary is no longer asked
    review = next(e for e in s.events if isinstance(e, ShowReview))
    assert review.sections[0].items[2].items == (1,)  # the remaining project is number 1
    s.send(Edit("projects"))
    s.send(AddItem("projects"))
    assert s.asked() == "projects/i3/name"  # i1's old answers never come back
    for text in ("ค", "5", "5"):
        s.send(Text(text))
    s.send(Done("projects/i3/activities"))
    assert s.asked() == "projects"  # the edited group is asked again, then the review
    s.send(Done("projects"))
    assert s.state.mode == "review"  # two projects again: the summary counts with its answer
    assert relevant_answers(FORM_OBJ, "school", s.answers)["summary"].value == "สรุป"


def test_removing_below_min_reopens_the_list_and_max_is_kept() -> None:
    s = Session()
    s.send(Start())
    s.send(Text("ก"))
    for _ in range(3):
        s.send(AddItem("projects"))
        for text in ("x", "1", "1"):
            s.send(Text(text))
        s.send(Done(s.asked() or ""))
    s.send(AddItem("projects"))
    assert any(isinstance(e, Invalid) and e.code == "items_max" for e in s.events)
    s.send(Done("projects"))
    for item in ("i1", "i2", "i3"):
        s.send(RemoveItem("projects", item))
    assert s.answers["projects"] == AnswerValue(Items((), closed=False))
    s.send(Review())
    review = next(e for e in s.events if isinstance(e, ShowReview))
    assert "projects" in review.missing
    s.send(Text("anything"))  # not asking: nothing changes
    s.send(RemoveItem("projects", "i9"))  # no such item: stale, nothing changes
    assert s.answers["projects"] == AnswerValue(Items((), closed=False))


def test_typed_text_on_a_group_is_refused_with_use_buttons() -> None:
    s = Session()
    s.send(Start())
    s.send(Text("ก"))
    s.send(Text("เพิ่ม"))
    assert any(isinstance(e, Invalid) and e.code == "use_buttons" for e in s.events)
    assert "projects" not in s.answers


def test_progress_counts_groups_once_closed_and_item_questions() -> None:
    s = answered_two_projects()
    figures = progress(FORM_OBJ, "school", s.answers)
    # owner, projects, summary + per project name, allocated, spent, activities
    assert (figures.answered, figures.total) == (11, 11)


def test_items_encode_and_decode() -> None:
    group = FORM_OBJ.question("projects")
    answer = AnswerValue(Items(("i1", "i4"), closed=True))
    assert encode(group, answer) == {"v": {"items": ["i1", "i4"], "closed": True}}
    assert decode(group, encode(group, answer)) == answer


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("item: โครงการ\n", 'a repeat group needs "item"'),
        ("min: 1\n", None),
        ("max: 3\n            required: false\n", "required is not allowed on a repeat group"),
        ("when: spent == 0", "when refers to the repeat group"),
    ],
)
def test_repeat_problems_are_placed(change: str, message: str | None) -> None:
    if change == "item: โครงการ\n":
        text = FORM.replace("            item: โครงการ\n", "")
    elif change == "when: spent == 0":
        text = FORM.replace("when: spent == 0", "when: projects > 0")
    else:
        text = FORM.replace("            " + change.split("\n")[0] + "\n", "            " + change)
    if message is None:
        load_form(text)
        return
    with pytest.raises(FormError) as raised:
        load_form(text)
    assert message in str(raised.value)


def test_a_question_outside_a_group_may_not_read_its_fields() -> None:
    text = FORM.replace("when: projects > 1", "when: spent > 1")
    with pytest.raises(FormError) as raised:
        load_form(text)
    assert 'a question of the repeat group "projects"' in str(raised.value)
    text = FORM.replace("when: projects > 1", "when: people > 0")
    with pytest.raises(FormError) as raised:
        load_form(text)
    assert 'a question of the repeat group "activities"' in str(raised.value)


MOVES = st.lists(
    st.one_of(
        st.just(("add", 0)),
        st.just(("done", 0)),
        st.tuples(st.just("text"), st.sampled_from(["ก", "10", "0", "5", "ไม่มี", "x"])),
        st.tuples(st.just("remove"), st.integers(min_value=1, max_value=5)),
        st.just(("review", 0)),
        st.just(("start", 0)),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(MOVES)
def test_any_sequence_keeps_the_answers_consistent(moves: list[tuple[str, object]]) -> None:
    s = Session()
    s.send(Start())
    for move, arg in moves:
        asked = s.asked() or "projects"
        match move:
            case "add":
                s.send(AddItem(asked))
            case "done":
                s.send(Done(asked))
            case "text":
                s.send(Text(str(arg)))
            case "remove":
                s.send(RemoveItem("projects", f"i{arg}"))
            case "review":
                s.send(Review())
            case _:
                s.send(Start())
        items = s.answers.get("projects")
        if items is not None:
            assert isinstance(items.value, Items)
            ids = items.value.ids
            assert len(ids) == len(set(ids)) and len(ids) <= 3
            assert not items.value.closed or len(ids) >= 1
        relevant = relevant_answers(FORM_OBJ, "school", s.answers)
        for key in relevant:
            # an answer counts only if its item is listed in its group
            parts = key.split("/")
            for depth in range(1, len(parts), 2):
                group = "/".join(parts[:depth])
                listed = s.answers[group].value
                assert isinstance(listed, Items) and parts[depth] in listed.ids
        figures = progress(FORM_OBJ, "school", s.answers)
        assert 0 <= figures.answered <= figures.total


def test_an_item_s_calc_is_shown_with_its_item_and_a_value_still_missing_is_not_shown() -> None:
    s = Session()
    s.send(Start())
    s.send(Text("กลุ่มนโยบายและแผน"))
    s.send(AddItem("projects"))
    events = s.send(Text("ส่งเสริมการอ่าน"))  # allocated and spent not given yet
    assert not [e for e in events if isinstance(e, Calculated)]
    assert s.answers["projects/i1/left"].none  # stored as no value all the same
    s.send(Text("50,000"))
    events = s.send(Text("20,000"))
    [left] = [e for e in events if isinstance(e, Calculated) and e.question_id.endswith("left")]
    assert left.items == (("โครงการ", 1),) and left.answer == AnswerValue(Decimal(30000))
