"""The review as messages: every section, packed into as few messages as Telegram allows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bot.replies import Button, Reply
from bot.walk_view import REVIEW_BUTTONS, REVIEW_TEXT, View, review, show_answer
from flows import walk
from flows.answers import NONE, SKIPPED, AnswerValue, FileRef
from flows.form import Choice, Form, Question, QuestionType
from flows.form_loader import load_form_file

from .conftest import SAMPLES

FORM = load_form_file(SAMPLES / "form.yaml")


def answer(question: Question, text: str) -> AnswerValue:
    """The first choice (so every follow-up question applies), or a value by type."""
    match question.type:
        case QuestionType.CHOICE:
            return AnswerValue(question.choices[0].id)
        case QuestionType.MULTI:
            return AnswerValue(tuple(c.id for c in question.choices))
        case QuestionType.TEXT:
            return AnswerValue(text)
        case QuestionType.INTEGER:
            return AnswerValue(1250)
        case QuestionType.DECIMAL:
            return AnswerValue(Decimal("12.5"))
        case QuestionType.DATE:
            return AnswerValue(dt.date(2024, 3, 15))
        case QuestionType.FILE:
            return SKIPPED
    raise AssertionError(question.type)


def shown(form: Form, text: str = "โครงการ <ทดสอบ> & กิจกรรม") -> walk.ShowReview:
    answers = {p.question.id: answer(p.question, text) for p in form.questions()}
    _, events = walk.resume(form, "school", answers, walk.WalkState(), walk.Review())
    return next(e for e in events if isinstance(e, walk.ShowReview))


VIEW = View(FORM, 7, "โรงเรียนอนุบาลเพชรบูรณ์", "2567", "th", 20)


def edit_buttons(replies: list[Reply]) -> list[str]:
    return [b.text for r in replies for row in r.buttons for b in row if b.text.startswith("แก้ข้อ")]


def within_limits(replies: list[Reply]) -> bool:
    return all(
        len(r.text) <= REVIEW_TEXT and sum(len(row) for row in r.buttons) <= REVIEW_BUTTONS
        for r in replies
    )


def test_the_sample_form_is_reviewed_in_two_or_three_messages() -> None:
    event = shown(FORM)
    replies = review(VIEW, event)
    assert 2 <= len(replies) <= 3 and within_limits(replies)
    assert replies[0].text.startswith("<b>ตรวจทานคำตอบ</b>")
    text = "\n".join(r.text for r in replies)
    titles = [f"<b>{s.title}</b>" for s in event.sections]
    assert "ยุทธศาสตร์ 1." not in text and "ยุทธศาสตร์ที่ 1 ยุทธศาสตร์" not in text  # no doubling
    assert [text.index(title) for title in titles] == sorted(text.index(t) for t in titles)
    numbers = [item.number for s in event.sections for item in s.items]
    assert edit_buttons(replies) == [f"แก้ข้อ {n}" for n in numbers]
    footer = replies[-1]
    assert 'กด "ส่งรายงาน" เมื่อพร้อม' in footer.text
    assert footer.buttons[-1][0].text == "ส่งรายงาน"
    assert all(b.text != "ส่งรายงาน" for r in replies[:-1] for row in r.buttons for b in row)


def test_a_section_of_more_than_a_message_holds_goes_on_in_the_next() -> None:
    event = shown(FORM)
    first = event.sections[0].items[0]
    items = tuple(dataclasses.replace(first, number=str(n)) for n in range(1, 251))
    big = dataclasses.replace(event.sections[0], items=items)
    replies = review(VIEW, dataclasses.replace(event, sections=(big,)))
    assert len(replies) >= 3 and within_limits(replies)
    assert all(event.sections[0].title in r.text for r in replies)  # its title again
    assert edit_buttons(replies) == [f"แก้ข้อ {n}" for n in range(1, 251)]
    rows = [row for r in replies for row in r.buttons if row[0].text.startswith("แก้ข้อ")]
    assert sum(len(row) < 4 for row in rows) <= len(replies)  # full rows but a page's last
    assert replies[-1].buttons[-1][0].text == "ส่งรายงาน"


def test_for_a_certifier_no_edit_buttons_and_the_given_header_and_footer() -> None:
    decide = Reply("รับรองหรือส่งกลับ?", ((Button("✅", "a"), Button("↩️", "r")),))
    replies = review(VIEW, shown(FORM), editable=False, header="รอการรับรอง", footer=decide)
    assert replies[0].text.startswith("รอการรับรอง\n\n<b>ยุทธศาสตร์ที่ 1 ")
    assert replies[-1].text.endswith("รับรองหรือส่งกลับ?")
    assert [b.text for r in replies for row in r.buttons for b in row] == ["✅", "↩️"]
    assert 1 <= len(replies) <= 3


CHOICES = (Choice("yes", "ดำเนินการแล้ว"), Choice("partly", "อยู่ระหว่างดำเนินการ"), Choice("na", "ไม่มี"))


def q(kind: QuestionType, **kw: Any) -> Question:
    if kind in (QuestionType.CHOICE, QuestionType.MULTI):
        kw.setdefault("choices", CHOICES)
    return Question(id=f"q_{kind.value}", type=kind, text="?", **kw)


@pytest.mark.parametrize(
    ("question", "answer", "th", "en"),
    [
        (q(QuestionType.CHOICE), AnswerValue("yes"), "ดำเนินการแล้ว", "ดำเนินการแล้ว"),
        (q(QuestionType.CHOICE), AnswerValue("gone"), "gone", "gone"),
        (
            q(QuestionType.MULTI),
            AnswerValue(("yes", "na")),
            "ดำเนินการแล้ว, ไม่มี",
            "ดำเนินการแล้ว, ไม่มี",
        ),
        (q(QuestionType.INTEGER), AnswerValue(1250), "1,250", "1,250"),
        (q(QuestionType.DECIMAL), AnswerValue(Decimal("1250.50")), "1,250.50", "1,250.50"),
        (q(QuestionType.DATE), AnswerValue(dt.date(2024, 3, 15)), "15 มี.ค. 2567", "15 Mar 2024"),
        (q(QuestionType.TEXT), AnswerValue("โครงการ  ก\nโครงการ ข"), "โครงการ ก โครงการ ข", None),
        (q(QuestionType.TEXT), NONE, "ไม่มี", "None"),
        (q(QuestionType.FILE, required=False), SKIPPED, "ข้าม (ไม่ได้ตอบ)", "Skipped"),
        (
            q(QuestionType.FILE),
            AnswerValue((FileRef(1, "a.pdf"), FileRef(2, "b.jpg"))),
            "2 ไฟล์: a.pdf, b.jpg",
            "2 files: a.pdf, b.jpg",
        ),
        (
            q(QuestionType.FILE),
            AnswerValue((FileRef(1, "a.pdf"),)),
            "1 ไฟล์: a.pdf",
            "1 file: a.pdf",
        ),
        (q(QuestionType.TEXT), None, "ยังไม่ได้ตอบ", "Not answered"),
    ],
)
def test_show_answer_in_thai_and_english(
    question: Question, answer: AnswerValue | None, th: str, en: str | None
) -> None:
    assert show_answer(question, answer, "th") == th
    assert show_answer(question, answer, "en") == (th if en is None else en)


def test_a_calc_value_is_said_as_it_follows_and_has_no_edit_button() -> None:
    from bot.walk_view import render
    from tests.flows.test_calc import BUDGET, walk_through

    view = View(BUDGET, 7, "โรงเรียนทดสอบ", "2567-Q1", "th", 20)
    state, answers, _ = walk_through("50,000")
    state, events = walk.resume(BUDGET, "school", answers, state, walk.Text("12,500.50"))
    [asked] = render(view, events, from_press=False)
    lines = asked.text.splitlines()
    assert lines[0] == "บันทึก ข้อ 1.1.2: 12,500.50 บาท"
    assert "คำนวณให้ ข้อ 1.1.3 งบประมาณคงเหลือ (บาท): 37,499.50" in lines
    assert "คำนวณให้ ข้อ 1.1.4 ร้อยละการเบิกจ่าย: 25" in lines
    for event in events:
        if isinstance(event, walk.Save):
            answers[event.question_id] = event.answer
    _, shown = walk.resume(BUDGET, "school", answers, state, walk.Review())
    [reviewed] = review(view, next(e for e in shown if isinstance(e, walk.ShowReview)))
    edits = [b.text for row in reviewed.buttons for b in row]
    assert any("1.1.2" in text for text in edits) and not any("1.1.3" in t for t in edits)
