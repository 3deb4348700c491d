"""/pdf, /summary and the PDF sent on submit and certification, through the stand-in."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select
from telegram.ext import Application

from storage.models import Unit
from tests.reports.pdfcheck import bases, page_texts
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.fake_telegram.driver import DriverUser
from tidtam.fake_telegram.views import BotMessage

from .conftest import Province
from .scripted import wait_for
from .test_certification import answer_and_submit
from .test_inputs import registered

SCHOOL = "1067010001"  # under PBN-ESA1


async def document(user: DriverUser, caption: str, timeout: float = 30) -> BotMessage:
    message = await wait_for(user, caption, timeout=timeout)
    assert message.document is not None, message.text
    return message


def pdf_text(message: BotMessage) -> str:
    assert message.document is not None
    assert message.document.data.startswith(b"%PDF")
    return bases("".join(page_texts(message.document.data)))


async def a_school_under(province: Province, agency: str) -> Unit:
    async with province.sessions() as session:
        parent = await session.scalar(select(Unit).where(Unit.code == agency))
        assert parent is not None
        unit = await session.scalar(
            select(Unit).where(Unit.parent_id == parent.id).order_by(Unit.code).limit(1)
        )
        assert unit is not None
        return unit


async def test_the_unit_gets_its_pdf_on_submit_and_on_certification(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    head = await registered(standin, province, role=Role.HEAD, name="ผอ.สมชาย")
    teacher = await registered(standin, province, name="ครูสมศรี")
    await answer_and_submit(teacher)
    submitted = await document(teacher, "แบบรายงาน")
    assert submitted.document is not None and submitted.document.file_name == f"{SCHOOL}.pdf"
    text = pdf_text(submitted)
    assert bases("โรงเรียนอนุบาลเพชรบูรณ์") in text and SCHOOL in text
    assert bases("ส่งแล้ว รอรับรองข้อมูล") in text and bases("ส่งรายงานเมื่อ") in text
    assert bases("ลงชื่อ") in text
    decide = await wait_for(head, "หรือส่งกลับให้แก้ไข")  # the head is asked first
    assert "รอรับรองข้อมูล" in (await document(head, "แบบรายงาน")).text
    await head.click("✅ รับรองข้อมูล", decide)
    certified = await document(teacher, "แบบรายงาน")
    assert "รับรองข้อมูลแล้ว" in certified.text
    assert bases("รับรองข้อมูลเมื่อ") in pdf_text(certified)
    assert bases("ผอ.สมชาย") in pdf_text(certified)
    await document(head, "แบบรายงาน")


async def test_pdf_follows_each_role_scope(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    teacher = await registered(standin, province)
    other = await a_school_under(province, "PBN-ESA2")

    await teacher.send("/pdf")
    assert "ยังไม่เริ่มทำรายงาน" in (await teacher.wait_reply(timeout=20)).text
    await answer_and_submit(teacher)
    sent = await document(teacher, "แบบรายงาน")

    await teacher.send("/pdf")
    asked = await document(teacher, "แบบรายงาน")
    assert SCHOOL in pdf_text(asked)
    # the report prints the same: the PDF sent on submit, kept, not drawn again
    assert asked.document is not None and sent.document is not None
    assert asked.document.data == sent.document.data
    await teacher.send(f"/pdf {other.code}")
    refused = (await teacher.wait_reply(timeout=20)).text
    assert refused.startswith("ขออภัย") and refused.count("เฉพาะ") == 1

    await supervisor.send(f"/pdf {SCHOOL}")
    assert SCHOOL in pdf_text(await document(supervisor, "แบบรายงาน"))
    await supervisor.send(f"/pdf {other.code}")
    refused = (await supervisor.wait_reply(timeout=20)).text
    assert refused.startswith("ขออภัย") and "ไม่อยู่ในความดูแล" in refused
    await supervisor.send("/pdf")
    assert "รหัสหน่วยงาน" in (await supervisor.wait_reply(timeout=20)).text
    await supervisor.send("/pdf NOPE")
    assert "ไม่พบหน่วยงานรหัส NOPE" in (await supervisor.wait_reply(timeout=20)).text

    await officer.send(f"/pdf {SCHOOL}")
    assert SCHOOL in pdf_text(await document(officer, "แบบรายงาน"))
    await officer.send(f"/pdf {other.code}")
    assert "ยังไม่เริ่มทำรายงาน" in (await officer.wait_reply(timeout=20)).text


async def test_summary_covers_the_asker_scope_only(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    teacher = await registered(standin, province)
    other = await a_school_under(province, "PBN-ESA2")

    def tables(message: BotMessage) -> list[list[str]]:
        assert message.document is not None and (message.document.file_name or "").endswith(".docx")
        report = Document(io.BytesIO(message.document.data))
        return [[c.text for c in row.cells] for t in report.tables for row in t.rows]

    await supervisor.send("/summary")
    rows = tables(await document(supervisor, "รายงานผลการติดตาม", timeout=60))
    names = {r[0] for r in rows} | {r[1] for r in rows if len(r) > 1}
    assert other.name not in names and other.code not in names
    assert any(r[0] == SCHOOL for r in rows)  # the appendix lists its units

    await officer.send("/summary")
    rows = tables(await document(officer, "รายงานผลการติดตาม", timeout=60))
    assert rows[0][0] == "หน่วยงานต้นสังกัด"
    assert any(other.code == r[0] for r in rows)

    await teacher.send("/summary")
    assert "สำหรับ" in (await teacher.wait_reply(timeout=20)).text
