"""Invitations from the chat: a supervisor's workbook, used by a teacher to register."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import select
from telegram.ext import Application

from storage.models import Invite, Member
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram

from .conftest import Province
from .test_inputs import registered


async def test_supervisor_invites_its_units_and_a_link_registers_a_teacher(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    teacher = await registered(standin, province, unit="1067010001")

    await teacher.send("/invite")
    assert "สำหรับ" in (await teacher.wait_reply()).text  # reporters invite nobody

    await supervisor.send("/invite")
    choose = await supervisor.wait_reply()
    assert choose.button_texts == ["ผู้รายงาน", "ผู้บริหารหน่วยงาน (ผู้อำนวยการ)"]
    await supervisor.click("ผู้บริหารหน่วยงาน (ผู้อำนวยการ)", choose)
    sent = await supervisor.wait_reply(timeout=20)
    assert sent.document is not None and "ใช้ได้ครั้งเดียว" in sent.text
    sheet = pd.read_excel(io.BytesIO(sent.document.data), dtype=str)
    assert list(sheet.columns) == [
        "รหัสหน่วยงาน",
        "หน่วยงาน",
        "บทบาท",
        "รหัสเชิญ",
        "ลิงก์ลงทะเบียน",
    ]
    async with province.sessions() as session:
        unit_ids = {
            i.unit_id for i in (await session.scalars(select(Invite).where(Invite.role == "head")))
        }
    assert len(sheet) == len(unit_ids) > 1
    assert "PBN-ESA1" not in set(sheet["รหัสหน่วยงาน"])  # only the units below
    assert "PBN-ESA2" not in set(sheet["รหัสหน่วยงาน"])  # never another agency's

    row = sheet[sheet["รหัสหน่วยงาน"] == "1067010001"].iloc[0]
    link = row["ลิงก์ลงทะเบียน"]
    assert link.startswith("https://t.me/tidtam_test_bot?start=")
    director = standin.user(first_name="ผอ.ใหม่")
    await director.send(f"/start {link.split('start=')[1]}")
    assert "ลงทะเบียนเรียบร้อย" in (await director.wait_reply()).text
    other = standin.user(first_name="คนอื่น")
    await other.send(f"/start {row['รหัสเชิญ']}")  # one-time: already used
    assert "ลงทะเบียนเรียบร้อย" not in (await other.wait_reply()).text
    async with province.sessions() as session:
        head = await session.scalar(select(Member).where(Member.telegram_user_id == director.id))
    assert head is not None and head.role == Role.HEAD.value
