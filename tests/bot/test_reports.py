"""/status, /overdue and /export: each role sees exactly its scope, through the stand-in."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from telegram.ext import Application

from storage.models import Unit
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram

from .conftest import Province
from .scripted import wait_for
from .test_certification import answer_and_submit
from .test_inputs import registered


async def unit_names(province: Province, parent_code: str) -> set[str]:
    async with province.sessions() as session:
        parent = await session.scalar(select(Unit).where(Unit.code == parent_code))
        assert parent is not None
        return set(
            (await session.scalars(select(Unit.name).where(Unit.parent_id == parent.id))).all()
        )


async def test_each_role_sees_its_scope(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
) -> None:
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    teacher = await registered(standin, province, unit="1067010001")
    await answer_and_submit(teacher)
    esa1, esa2 = await unit_names(province, "PBN-ESA1"), await unit_names(province, "PBN-ESA2")

    await officer.send("/status")
    chart = await officer.wait_reply(timeout=20)
    assert chart.photo is not None and chart.photo.data.startswith(b"\x89PNG")
    text = (await officer.wait_reply(timeout=20)).text
    assert "ประถมศึกษาเพชรบูรณ์ เขต 1" in text and "มัธยมศึกษาเพชรบูรณ์" in text
    assert "ส่งแล้ว 1/" in text

    await supervisor.send("/overdue")
    late = (await supervisor.wait_reply(timeout=20)).text
    assert "ยังไม่ส่งรายงาน" in late
    assert "โรงเรียนอนุบาลเพชรบูรณ์" not in late  # it submitted
    assert any(name in late for name in esa1)
    assert not any(name in late for name in esa2)  # never another agency's units

    await supervisor.send("/export")
    workbook = await supervisor.wait_reply(timeout=30)
    assert workbook.document is not None
    sheets = pd.read_excel(io.BytesIO(workbook.document.data), sheet_name=None)
    assert {"สรุป", "รายหน่วยงาน", "รายตัวชี้วัด", "ไฟล์แนบ"} <= set(sheets)
    listed = set(sheets["รายหน่วยงาน"].iloc[:, 1])
    assert esa1 <= listed and not (esa2 & listed)

    await teacher.send("/status")
    own = (await wait_for(teacher, "สถานะการรายงาน", timeout=20)).text
    assert "โรงเรียนอนุบาลเพชรบูรณ์" in own and not any(n in own for n in esa2)
    for command in ("/overdue", "/export"):
        await teacher.send(command)
        # (the submission's PDF, drawn in the document worker, may arrive in between)
        await wait_for(teacher, "สำหรับ", timeout=20)


async def test_status_of_an_indicator_against_targets_in_each_scope(
    bot: Application,
    standin: FakeTelegram,
    province: Province,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    from tidtam.services.targets import import_targets_file

    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    supervisor = await registered(standin, province, unit="PBN-ESA2", role=Role.SUPERVISOR)
    teacher = await registered(standin, province, unit="1067010001")  # under PBN-ESA1
    await answer_and_submit(teacher)  # "๑,๒๕๐ คน" to every number question
    targets = tmp_path / "targets.csv"
    period = province.round.period
    targets.write_text(
        "unit_code,question,period,target\n"
        f"PBN-ESA1,1.1.3,{period},1000\n"
        f"PBN-ESA2,s1i1_students,{period},2500\n",
        encoding="utf-8",
    )
    await import_targets_file(province.sessions, targets, "pb-plan-2567")

    await officer.send("/status 1.1")
    text = (await wait_for(officer, "ผลการดำเนินงานเทียบค่าเป้าหมาย", timeout=20)).text
    assert "ข้อ 1.1.3 จำนวนนักเรียนที่เข้าร่วม (คน)" in text
    esa1 = next(line for line in text.splitlines() if "ประถมศึกษาเพชรบูรณ์ เขต 1:" in line)
    assert "1,250 จากค่าเป้าหมาย 1,000 (ร้อยละ 125.0) · ✅ บรรลุเป้าหมาย" in esa1
    esa2 = next(line for line in text.splitlines() if "ประถมศึกษาเพชรบูรณ์ เขต 2:" in line)
    assert "0 จากค่าเป้าหมาย 2,500 (ร้อยละ 0.0) · ยังไม่บรรลุเป้าหมาย" in esa2
    total = text.splitlines()[-1]
    assert "1,250 จากค่าเป้าหมาย 3,500 (ร้อยละ 35.7)" in total  # the province: 1,250 / 3,500

    await supervisor.send("/status ๑.๑")  # Thai digits
    own = (await wait_for(supervisor, "ผลการดำเนินงานเทียบค่าเป้าหมาย", timeout=20)).text
    assert "เขต 1" not in own  # never another agency's figures
    assert "0 จากค่าเป้าหมาย 2,500" in own.splitlines()[-1]

    await officer.send("/status 9.9")
    assert "ไม่พบตัวชี้วัด 9.9" in (await officer.wait_reply(timeout=20)).text
