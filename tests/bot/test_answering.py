"""A reporter registers and answers the sample form on Telegram, end to end."""

from __future__ import annotations

from sqlalchemy import func, select
from telegram.ext import Application

from flows.form_loader import load_form_file
from storage.models import Answer, AuditEvent, Member, Submission
from tidtam.fake_telegram import FakeTelegram

from .conftest import SAMPLES, Province
from .scripted import Reporter, wait_for

FORM = load_form_file(SAMPLES / "form.yaml")
SCHOOL = "1067010001"


async def test_register_answer_review_submit(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    code = await province.invite(SCHOOL)
    teacher = standin.user(first_name="สมศรี")
    await teacher.send(f"/start {code}")
    welcome = await teacher.wait_reply()
    assert "ลงทะเบียนเรียบร้อย" in welcome.text
    assert "โรงเรียนอนุบาลเพชรบูรณ์" in welcome.text

    await teacher.send("/report")
    intro = await teacher.wait_reply()
    assert "ตอบแล้ว 0 จาก" in intro.text
    first = await teacher.wait_reply()
    assert "ข้อ 1.1.1 · ตอบแล้ว 0 จาก" in first.text
    reporter = Reporter(teacher, FORM)
    end = await reporter.answer_all(first)
    assert "ตอบครบทุกข้อแล้ว" in end.text
    assert "s3i1_report" not in reporter.asked  # esa only

    footer = await wait_for(teacher, 'กด "ส่งรายงาน" เมื่อพร้อม')
    await teacher.click("ส่งรายงาน", footer)
    await wait_for(teacher, "ต้องการส่งรายงาน")
    await teacher.click("ยืนยันส่งรายงาน")
    done = await teacher.wait_reply()
    assert "เรียบร้อยแล้ว เมื่อ " in done.text and " น." in done.text  # the BE date and time

    async with province.sessions() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None and submission.state == "submitted"
        answers = await session.scalar(select(func.count(Answer.id)))
        assert answers == len(reporter.asked)
        assert await session.scalar(select(func.count(Member.id))) == 1
        audited = await session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "answer.save")
        )
        assert audited == len(reporter.asked)


async def test_cancel_takes_the_buttons_off_the_paused_question(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    code = await province.invite(SCHOOL)
    teacher = standin.user(first_name="สมศรี")
    await teacher.send(f"/start {code}")
    await teacher.wait_reply()
    await teacher.send("/report")
    await teacher.wait_reply()  # the introduction
    question = await teacher.wait_reply()
    assert question.buttons, "the first question is a choice, asked with buttons"

    await teacher.send("/cancel")
    paused = await teacher.wait_reply()
    assert "บันทึก" in paused.text or "หยุด" in paused.text
    await teacher.wait_replies(1)  # the question's buttons taken away (an edit)
    now = next(m for m in teacher.messages if m.message_id == question.message_id)
    assert now.buttons == []
    # the answers already given stay; /report asks the same question again, with buttons
    await teacher.send("/report")
    replies = await teacher.wait_replies(2)
    assert replies[-1].buttons and "ข้อ 1.1.1" in replies[-1].text
