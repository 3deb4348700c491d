"""Bad input, stale buttons, files, edits and two people at once, through the stand-in."""

from __future__ import annotations

import asyncio
import struct
import zlib

from sqlalchemy import func, select
from telegram.ext import Application

from flows.form_loader import load_form_file
from storage.models import Answer, Attachment, AuditEvent
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import BotMessage, DriverUser

from .conftest import SAMPLES, Province
from .scripted import Reporter, question_of, wait_for

FORM = load_form_file(SAMPLES / "form.yaml")
SCHOOL = "1067010001"
ESA = "PBN-ESA1"


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x00\x80\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def registered(
    standin: FakeTelegram,
    province: Province,
    unit: str = SCHOOL,
    role: Role = Role.REPORTER,
    name: str = "สมศรี",
) -> DriverUser:
    user = standin.user(first_name=name)
    await user.send(f"/start {await province.invite(unit, role)}")
    assert "ลงทะเบียนเรียบร้อย" in (await user.wait_reply()).text
    return user


async def first_question(user: DriverUser) -> BotMessage:
    await user.send("/report")
    await wait_for(user, "ตอบแล้ว")
    return await user.wait_reply()


async def test_wrong_codes_are_limited(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    user = standin.user()
    await user.send("/start")
    assert "รหัสเชิญ" in (await user.wait_reply()).text
    await user.send("สวัสดีค่ะ")  # a greeting is not a wrong code: it uses up no try
    assert "กรุณาพิมพ์" in (await user.wait_reply()).text
    for left in (4, 3, 2, 1):
        await user.send("/start ABCDE-FGHJK")
        reply = await user.wait_reply()
        assert "ไม่ถูกต้อง" in reply.text and f"พิมพ์ได้อีก {left} ครั้ง" in reply.text
    await user.send("WRONG-CODE1")
    assert "พิมพ์รหัสผิดหลายครั้งเกินไป" in (await user.wait_reply()).text
    good = await province.invite(SCHOOL)
    await user.send(f"/start {good}")
    assert "กรุณารออีก" in (await user.wait_reply()).text  # locked even for a good code


async def test_a_used_code_cannot_be_used_again(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    code = await province.invite(SCHOOL)
    first, second = standin.user(), standin.user()
    await first.send(f"/start {code}")
    assert "ลงทะเบียนเรียบร้อย" in (await first.wait_reply()).text
    await second.send(f"/start {code.lower()}")
    assert "ใช้ไปแล้ว" in (await second.wait_reply()).text
    await first.send(f"/start {code}")
    assert "ไว้แล้ว" in (await first.wait_reply()).text


async def test_bad_answers_are_explained_and_asked_again(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    user = await registered(standin, province)
    q1 = await first_question(user)
    await user.send("ทำแล้วมั้ง")
    assert "กรุณากดปุ่มเพื่อเลือกคำตอบ" in (await user.wait_reply()).text
    again = await user.wait_reply()
    assert question_of(FORM, again) == FORM.question("s1i1_done")
    await user.click("1. ดำเนินการแล้ว", again)
    projects = await Reporter(user, FORM).next_question()
    assert question_of(FORM, projects) == FORM.question("s1i1_projects")
    await user.send("โครงการลูกเสือ")
    students = await Reporter(user, FORM).next_question()
    assert question_of(FORM, students) == FORM.question("s1i1_students")
    await user.send("ประมาณหนึ่งร้อย")
    assert "ตัวเลข" in (await user.wait_reply()).text
    assert question_of(FORM, await user.wait_reply()) == FORM.question("s1i1_students")
    await user.send("-5")
    assert "ไม่น้อยกว่า 0" in (await user.wait_reply()).text
    await user.wait_reply()
    await user.send("๑,๒๕๐ คน")
    nxt = await Reporter(user, FORM).next_question()
    assert question_of(FORM, nxt) == FORM.question("s1i2_done")

    await user.click("1. ดำเนินการแล้ว", q1)  # a button of the first question's old message
    await wait_for(user, "ปุ่มนี้เป็นของข้อ 1.1.1")
    assert question_of(FORM, await user.wait_reply()) == FORM.question("s1i2_done")
    async with province.sessions() as session:
        rows = dict((await session.execute(select(Answer.question_id, Answer.value))).all())
    assert rows["s1i1_done"]["v"] == "yes"
    assert rows["s1i1_students"]["v"] == 1250


async def test_files_are_checked_stored_and_albums_kept_together(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    user = await registered(standin, province, unit=ESA)
    reporter = Reporter(user, FORM)
    asked = await reporter.answer_all(await first_question(user), stop_at="s3i1_report")
    assert question_of(FORM, asked) == FORM.question("s3i1_report")
    await user.send_document(b"MZ\x90\x00 not a document", "virus.exe", "application/octet-stream")
    assert "ไม่รับไฟล์ชนิดนี้" in (await user.wait_reply()).text
    assert question_of(FORM, await user.wait_reply()) == FORM.question("s3i1_report")
    await user.send_document(b"just text", "report.pdf", "application/pdf")
    assert "ไม่รับไฟล์ชนิดนี้" in (await user.wait_reply()).text  # named pdf, is not one
    await user.wait_reply()
    await user.send_album([png(2, 2), png(3, 3)])
    after = await reporter.next_question()
    assert question_of(FORM, after) != FORM.question("s3i1_report")
    await user.expect_no_reply(within=0.5)  # the album's second photo asks nothing more
    async with province.sessions() as session:
        files = (await session.scalars(select(Attachment))).all()
        answer = await session.scalar(
            select(Answer.value).where(Answer.question_id == "s3i1_report")
        )
    assert len(files) == 2 and all(f.mime_type == "image/png" for f in files)
    assert answer is not None and len(answer["v"]) == 2
    assert len({f.sha256 for f in files}) == 2


async def test_edit_from_review_changes_what_is_asked(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    user = await registered(standin, province)
    end = await Reporter(user, FORM).answer_all(await first_question(user))
    assert "ตอบครบทุกข้อแล้ว" in end.text
    section = await wait_for(user, "ตรวจทานคำตอบ")
    assert "s1i1" not in section.text and "โครงการ" in section.text
    numbers = [text for row in section.buttons for text, _ in row if text.startswith("แก้ข้อ")]
    await user.click("แก้ข้อ 1.1.1", section)
    asked = await wait_for(user, "คำตอบเดิม: ดำเนินการแล้ว")
    await user.click("3. ไม่มี/ไม่เกี่ยวข้องกับหน่วยงาน", asked)
    review = await wait_for(user, "ตรวจทานคำตอบ")  # the review packs several sections
    section = review.text.split("ยุทธศาสตร์ที่ 1 ")[1].split("ยุทธศาสตร์ที่ 2 ")[0]
    assert FORM.question("s1i1_done").text[:20] in section
    assert FORM.question("s1i1_projects").text[:20] not in section
    # the questions still asked keep their numbers: only those no longer asked are gone
    after = [text for row in review.buttons for text, _ in row if text.startswith("แก้ข้อ")]
    assert "แก้ข้อ 1.1.2" in numbers and "แก้ข้อ 1.1.2" not in after
    assert "แก้ข้อ 1.1.1" in after and "แก้ข้อ 1.2.1" in after  # not renumbered
    await user.send("/submit")
    await wait_for(user, "ต้องการส่งรายงาน")


async def test_two_members_answer_at_once_and_nothing_is_lost(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    one = await registered(standin, province, name="ครูหนึ่ง")
    two = await registered(standin, province, role=Role.HEAD, name="ผอ.สอง")
    q_one, q_two = await asyncio.gather(first_question(one), first_question(two))
    await asyncio.gather(
        one.click("1. ดำเนินการแล้ว", q_one), two.click("2. อยู่ระหว่างดำเนินการ", q_two)
    )
    await asyncio.sleep(0.5)
    async with province.sessions() as session:
        saves = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "answer.save").order_by(AuditEvent.id)
            )
        ).all()
        stored = await session.scalar(select(Answer.value).where(Answer.question_id == "s1i1_done"))
        count = await session.scalar(select(func.count(Answer.id)))
    assert len(saves) == 2 and {s.actor for s in saves} == {one.id, two.id}
    assert count == 1
    assert stored == saves[-1].details["value"]  # the later write wins


async def test_no_dead_ends_unknown_commands_stray_text_and_language(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    reporter = await registered(standin, province)
    await reporter.send("/abc")
    known = (await reporter.wait_reply()).text
    assert "ไม่รู้จักคำสั่งนี้" in known and "/report" in known
    assert "/export" not in known  # the help offers only what the person may use
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    await supervisor.send("สวัสดีครับ")
    stray = (await supervisor.wait_reply()).text
    assert "/help" in stray and "/report" not in stray
    await reporter.send("/language")
    assert "/language en" in (await reporter.wait_reply()).text
    await reporter.send("/language en")
    assert "English" in (await reporter.wait_reply()).text
    await reporter.send("/report")  # remembered: the report speaks English now
    await wait_for(reporter, "answered")
    first = await reporter.wait_reply()
    assert first.text.startswith("Item 1.1.1 · 0 of ")
    await reporter.send("/language th")
    assert "ภาษาไทย" in (await reporter.wait_reply()).text
