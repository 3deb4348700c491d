"""Heads and supervisors certify or return submissions from their phones."""

from __future__ import annotations

from sqlalchemy import select
from telegram.ext import Application

from flows.form_loader import load_form_file
from storage.db import transaction
from storage.models import Attachment, AuditEvent, Round, Submission
from tidtam.core.vocabulary import Certify, Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage, DriverUser

from .conftest import SAMPLES, Province
from .scripted import Reporter, question_of, wait_for
from .test_inputs import PDF, first_question, registered

FORM = load_form_file(SAMPLES / "form.yaml")
SCHOOL = "1067010001"  # under PBN-ESA1


async def answer_and_submit(user: DriverUser) -> None:
    end = await Reporter(user, FORM).answer_all(await first_question(user))
    assert "ตอบครบทุกข้อแล้ว" in end.text
    footer = await wait_for(user, 'กด "ส่งรายงาน" เมื่อพร้อม')
    await user.click("ส่งรายงาน", footer)
    await user.click("ยืนยันส่งรายงาน", await wait_for(user, "ต้องการส่งรายงาน"))
    await wait_for(user, "เรียบร้อยแล้ว")


async def state_of(province: Province) -> str:
    async with province.sessions() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None
        return submission.state


async def submitted_to_the_head(
    standin: FakeTelegram, province: Province
) -> tuple[DriverUser, DriverUser, BotMessage]:
    """ผอ.สมชาย heads the school, ครูสมศรี submits; (head, teacher, the teacher's notice)."""
    head = await registered(standin, province, role=Role.HEAD, name="ผอ.สมชาย")
    teacher = await registered(standin, province, name="ครูสมศรี")
    await answer_and_submit(teacher)
    sent = await wait_for(teacher, "ส่งให้ผู้รับรองข้อมูลแล้ว")
    assert "ผอ.สมชาย" in sent.text
    return head, teacher, sent


async def test_head_returns_then_certifies_with_a_letter(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    head, teacher, _ = await submitted_to_the_head(standin, province)

    decide = await wait_for(head, "หรือส่งกลับให้แก้ไข")
    await head.click("↩️ ส่งกลับให้แก้ไข", decide)
    await wait_for(head, "พิมพ์เหตุผล")
    # two item numbers of the form, as the certifier read them on the summary
    await head.send("ข้อ 1.1.3 และ 2.3.1 ตัวเลขไม่ตรงกับเอกสาร")
    await wait_for(head, "ส่งกลับให้")
    notice = await wait_for(teacher, "ส่งกลับให้แก้ไข")
    assert "ข้อ 1.1.3 และ 2.3.1 ตัวเลขไม่ตรงกับเอกสาร" in notice.text
    assert await state_of(province) == "returned"
    async with province.sessions() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None
        assert submission.flagged == ["s1i1_students", "s2i3_count"]  # exactly those two

    await teacher.send("/report")
    await wait_for(teacher, "ส่งกลับให้แก้ไข:")
    flagged = await wait_for(teacher, "คำตอบเดิม")
    question = question_of(FORM, flagged)
    assert question is not None and question.id == "s1i1_students"  # item 1.1.3 comes first
    await teacher.send("99")
    footer = await wait_for(teacher, 'กด "ส่งรายงาน" เมื่อพร้อม')
    await teacher.click("ส่งรายงาน", footer)
    await teacher.click("ยืนยันส่งรายงาน", await wait_for(teacher, "ต้องการส่งรายงาน"))
    await wait_for(teacher, "เรียบร้อยแล้ว")

    decide = await wait_for(head, "หรือส่งกลับให้แก้ไข")
    await head.click("✅ รับรองข้อมูล", decide)
    await wait_for(head, "ถ้ามีหนังสือรับรอง")
    await wait_for(teacher, "ได้รับการรับรองข้อมูลแล้ว")
    await head.send_document(PDF, "หนังสือรับรอง.pdf", "application/pdf")
    await wait_for(head, "แนบหนังสือรับรองแล้ว")
    assert await state_of(province) == "certified"
    async with province.sessions() as session:
        letter = await session.scalar(
            select(Attachment).where(Attachment.question_id == "_certification_letter")
        )
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert letter is not None and letter.original_name == "หนังสือรับรอง.pdf"
    assert actions.count("submission.state") >= 5  # in progress, submitted, returned, ...
    assert "certification.letter" in actions


async def test_supervisor_certifies_and_others_cannot(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    async with transaction(province.sessions) as session:
        round_ = await session.get(Round, province.round.id)
        assert round_ is not None
        round_.certify = Certify.SUPERVISOR.value
    supervisor = await registered(
        standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR, name="ศน.ประเสริฐ"
    )
    other_supervisor = await registered(
        standin, province, unit="PBN-ESA2", role=Role.SUPERVISOR, name="ศน.อื่น"
    )
    teacher = await registered(standin, province)
    await answer_and_submit(teacher)
    decide = await wait_for(supervisor, "หรือส่งกลับให้แก้ไข")
    await other_supervisor.send("/pending")
    assert "ไม่มีรายงานที่รอ" in (await other_supervisor.wait_reply()).text
    await supervisor.send("/pending")
    assert "รอรับรองข้อมูล 1 รายการ" in (await supervisor.wait_reply()).text
    await supervisor.click("✅ รับรองข้อมูล", decide)
    await wait_for(supervisor, "รับรองข้อมูลของ")
    assert await state_of(province) == "certified"
    await supervisor.click("✅ รับรองข้อมูล", decide)  # twice: nothing changes
    assert await state_of(province) == "certified"


async def test_unit_asks_its_certifier_to_return_the_report_once_a_day(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    head, teacher, sent = await submitted_to_the_head(standin, province)
    assert sent.button_texts == ["ขอให้ส่งกลับเพื่อแก้ไข"]
    await wait_for(head, "หรือส่งกลับให้แก้ไข")
    await wait_for(head, "แบบรายงาน")  # the submitted report's PDF follows the request

    # later, trying to edit, the locked report offers the same button
    await teacher.send("/report")
    locked = await wait_for(teacher, "จึงแก้ไขไม่ได้")
    await teacher.click("ขอให้ส่งกลับเพื่อแก้ไข", locked)
    told = await wait_for(teacher, "แจ้งผู้รับรองข้อมูลแล้ว")
    assert "ผอ.สมชาย" in told.text
    asked = await wait_for(head, "คำขอให้ส่งกลับเพื่อแก้ไข")
    assert "ครูสมศรี" in asked.text and "โรงเรียนอนุบาลเพชรบูรณ์" in asked.text

    await teacher.click("ขอให้ส่งกลับเพื่อแก้ไข", sent)  # again: not sent twice a day
    await wait_for(teacher, "ภายใน 24 ชั่วโมง")
    await head.expect_no_reply()

    await head.click("↩️ ส่งกลับให้แก้ไข", asked)  # the request's button starts the return
    await wait_for(head, "พิมพ์เหตุผล")
    await head.send("แก้ไขตามที่ขอ")
    await wait_for(teacher, "ส่งกลับให้แก้ไข")
    assert await state_of(province) == "returned"
    await teacher.click("ขอให้ส่งกลับเพื่อแก้ไข", sent)  # no longer waiting
    assert "ขอให้ส่งกลับไม่ได้" in (await wait_for(teacher, "ขอให้ส่งกลับไม่ได้")).text
    async with province.sessions() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert actions.count("return.asked") == 1


async def test_a_letter_that_is_not_a_pdf_is_refused_before_it_is_fetched(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    head, _, _ = await submitted_to_the_head(standin, province)
    await head.click("✅ รับรองข้อมูล", await wait_for(head, "หรือส่งกลับให้แก้ไข"))
    await wait_for(head, "ถ้ามีหนังสือรับรอง")
    fetched = len(standin.calls_to("getFile"))
    await head.send_document(b"PK\x03\x04 a word file", "หนังสือ.docx", "application/msword")
    await wait_for(head, "ต้องเป็นไฟล์ PDF")
    assert len(standin.calls_to("getFile")) == fetched  # refused by its name: never fetched
    await head.send_document(PDF, "หนังสือรับรอง.pdf", "application/pdf")  # still awaited
    await wait_for(head, "แนบหนังสือรับรองแล้ว")
    assert len(standin.calls_to("getFile")) == fetched + 1
