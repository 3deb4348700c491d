"""What the project demo's units report: two quarters that follow one another."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot.i18n import t
from flows import walk
from flows.answers import AnswerValue, Items
from flows.form_loader import load_form_file
from tidtam.demo.project_answers import (
    Quarter,
    Tally,
    expected_tally,
    first_quarter,
    moves_much,
    second_quarter,
)
from tidtam.demo.scripted import CHANGE_ASKED, asked_in
from tidtam.samples import PROJECTS_FILE

FORM = load_form_file(PROJECTS_FILE)
Q1_DAY, Q2_DAY = dt.date(2026, 11, 20), dt.date(2027, 1, 5)


def _walked(quarter: Quarter) -> dict[str, AnswerValue]:
    """The quarter's answers with its lists closed, as the bot would store them."""
    answers = {key: i.answer for key, i in quarter.answers.items()}
    for key, count in quarter.items.items():
        answers[key] = AnswerValue(Items(tuple(f"i{n}" for n in range(1, count + 1)), True))
    return answers


def test_a_unit_reports_the_same_for_the_same_seed_and_every_answer_is_asked() -> None:
    assert first_quarter(FORM, 5, Q1_DAY) == first_quarter(FORM, 5, Q1_DAY)
    shapes = set()
    for seed in range(40):
        first = first_quarter(FORM, seed, Q1_DAY)
        second = second_quarter(FORM, first, seed, Q2_DAY)
        for quarter in (first, second):
            assert 1 <= quarter.projects <= 3
            answers = _walked(quarter)
            # the walk of the form, with these answers, asks for nothing more
            assert walk.first_unanswered(FORM, "school", answers) is None
            for number in range(1, quarter.projects + 1):
                spent = answers[f"projects/i{number}/spent"].value
                allocated = answers[f"projects/i{number}/allocated"].value
                assert isinstance(spent, Decimal) and isinstance(allocated, Decimal)
                assert spent <= allocated  # the form's own check
        shapes.add((first.projects, tuple(sorted(first.items.values()))))
        assert second.projects == first.projects  # no project is dropped or added
        for key, count in first.items.items():
            assert second.items.get(key, count) >= count  # carried lists only grow
    assert {p for p, _ in shapes} == {1, 2, 3}
    assert {n for _, counts in shapes for n in counts} >= {0, 1, 2, 3}


def test_the_second_quarter_keeps_most_answers_and_confirms_some_big_moves() -> None:
    total = Tally()
    for seed in range(40):
        first = first_quarter(FORM, seed, Q1_DAY)
        total += expected_tally(FORM, first, second_quarter(FORM, first, seed, Q2_DAY))
    assert total.given == total.kept + total.changed + total.fresh
    assert total.kept > 3 * total.changed > 0
    assert 0 < total.confirmed < total.changed
    assert total.closed > 0 and total.added > 0
    first_only = expected_tally(FORM, None, first_quarter(FORM, 1, Q1_DAY))
    assert first_only.kept == first_only.changed == first_only.closed == 0


def test_moves_much_follows_the_forms_threshold() -> None:
    assert FORM.change_threshold == 40

    def moved(old: int, new: int) -> bool:
        return moves_much(FORM, AnswerValue(Decimal(old)), AnswerValue(Decimal(new)))

    assert not moved(100, 140) and moved(100, 141) and moved(100, 59)
    assert moved(0, 1) and not moved(0, 0)
    assert not moves_much(FORM, AnswerValue("a"), AnswerValue("b"))


def test_the_people_read_an_items_question_and_a_group_as_the_bot_words_them() -> None:
    place = t("th", "report.place", number="1.1.1.9.4 (โครงการที่ 2 › กิจกรรมที่ 3)",
              answered=4, total=30)  # fmt: skip
    text = f"{place}\nส่วนที่ 1\nตัวชี้วัด 1.1\n\nจำนวนกลุ่มเป้าหมายที่เข้าร่วม (คน)\nพิมพ์ตัวเลข"
    asked = asked_in(FORM, text)
    assert asked is not None and asked.key == "projects/i2/activities/i3/act_people"
    assert asked_in(FORM, text.replace("(คน)", "(บาท)")) is None  # not the question's text
    place = t("en", "report.place", number="1.1.1", answered=0, total=9)
    group = (
        f"{place}\nx\ny\n\nโครงการตามแผนปฏิบัติการที่หน่วยงานดำเนินการในไตรมาสนี้\n"
        "1. โครงการที่ 1: โครงการส่งเสริมการอ่าน\n2. โครงการที่ 2\n"
        + t("th", "report.items_carried", item="โครงการ")
    )
    listed = asked_in(FORM, group)
    assert listed is not None and listed.key == "projects" and listed.listed == 2
    change = t("th", "problem.changed_much", value="80,000", previous="50,000", percent=60)
    assert CHANGE_ASKED.search(f"⚠️ {change}")
    zero = t("en", "problem.changed_from_zero", value="5,000", previous="0")
    assert CHANGE_ASKED.search(zero) and not CHANGE_ASKED.search(place)
