"""Revoking a member mid-questionnaire and closing a round, through the stand-in."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from telegram.ext import Application

from flows.form_loader import load_form_file
from storage.models import Answer, AuditEvent, ChatState, Member
from storage.people import REVOKED
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.services import rounds

from .conftest import SAMPLES, Province
from .scripted import Reporter, wait_for
from .test_inputs import first_question, registered

FORM = load_form_file(SAMPLES / "form.yaml")
OTHER_SCHOOL = "1067010002"


async def test_head_revokes_a_teacher_mid_questionnaire(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    head = await registered(standin, province, role=Role.HEAD, name="ผอ.สมชาย")
    teacher = await registered(standin, province, name="ครูสมศรี")
    other_head = await registered(
        standin, province, unit=OTHER_SCHOOL, role=Role.HEAD, name="ผอ.อื่น"
    )
    reporter = Reporter(teacher, FORM)
    second = await reporter.answer_one(await first_question(teacher))

    await other_head.send("/members")
    assert "ครูสมศรี" not in (await other_head.wait_reply()).text  # not in its care
    await teacher.send("/members")
    assert "สำหรับ" in (await teacher.wait_reply()).text  # reporters manage nobody

    await head.send("/members")
    listed = await wait_for(head, "สมาชิกของหน่วยงานในความดูแล")
    assert "ครูสมศรี" in listed.text and "ผอ.สมชาย" not in listed.text
    await head.click("ยกเลิกสิทธิ์ ครูสมศรี (ผู้รายงาน)", listed)
    confirm = await wait_for(head, "ยืนยันการยกเลิกสิทธิ์")
    await head.click("ยืนยันยกเลิกสิทธิ์", confirm)
    assert "ยกเลิกสิทธิ์ของ" in (await wait_for(head, "แล้ว")).text

    await teacher.send("ข้อความใด ๆ")  # the next update, whatever it is, is refused
    refusal = await teacher.wait_reply()
    assert refusal.text.startswith("ขออภัย") and "ถูกยกเลิก" in refusal.text
    if second.button_texts:  # a button pressed on the old question, too
        await teacher.click(second.button_texts[0], second)
    else:
        await teacher.send("/report")
    assert "ถูกยกเลิก" in (await teacher.wait_reply()).text

    await head.click("ยืนยันยกเลิกสิทธิ์", confirm)  # pressed again: already gone
    async with province.sessions() as session:
        assert await session.scalar(select(func.count(Answer.id))) == 1  # kept
        names = (await session.scalars(select(Member.display_name))).all()
        assert "ครูสมศรี" not in names
        state = await session.scalar(
            select(ChatState).where(ChatState.telegram_user_id == teacher.id)
        )
        assert state is not None and state.mode == REVOKED and state.submission_id is None
        revocations = await session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "members.revoke")
        )
        assert revocations == 1


async def test_answering_a_closed_round_is_refused_and_reopening_resumes(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    teacher = await registered(standin, province, name="ครูสมศรี")
    reporter = Reporter(teacher, FORM)
    second = await reporter.answer_one(await first_question(teacher))
    await rounds.close(province.sessions, province.round.id, now=datetime.now(UTC))
    if second.button_texts:
        await teacher.click(second.button_texts[0], second)
    else:
        await teacher.send("12")
    closed = await wait_for(teacher, "ปิดแล้ว")
    assert closed.text.startswith("ขออภัย")
    async with province.sessions() as session:
        assert await session.scalar(select(func.count(Answer.id))) == 1
    await rounds.reopen(province.sessions, province.round.id)
    await teacher.send("/report")
    assert "ตอบแล้ว 1 จาก" in (await wait_for(teacher, "ตอบแล้ว")).text
