"""Names with markup show as written: escaped once, in messages and in the chart."""

from __future__ import annotations

from sqlalchemy import update
from telegram.ext import Application

from storage.db import transaction
from storage.models import Unit
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram

from .conftest import Province
from .test_inputs import registered

TRICKY = "<b>& $x^$ สพป."


async def rename(province: Province, code: str, name: str) -> None:
    async with transaction(province.sessions) as session:
        await session.execute(update(Unit).where(Unit.code == code).values(name=name))


async def test_a_unit_named_with_markup_shows_as_written(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    await rename(province, "PBN-ESA1", TRICKY)
    supervisor = await registered(standin, province, unit="PBN-ESA1", role=Role.SUPERVISOR)
    officer = await registered(standin, province, unit="PBN", role=Role.OFFICER)
    await rename(province, "1067010001", "A & B <C>")

    await supervisor.send("/status")
    chart = await supervisor.wait_reply(timeout=20)
    assert chart.photo is not None and chart.photo.data.startswith(b"\x89PNG")
    text = (await supervisor.wait_reply(timeout=20)).text
    assert f"สถานะการรายงาน {TRICKY} ·" in text
    assert "A & B <C>:" in text
    assert "&amp;" not in text and "&lt;" not in text

    await officer.send("/overdue")
    late = (await officer.wait_reply(timeout=20)).text
    assert f"\n{TRICKY} (" in late  # the agency's heading
    assert "• A & B <C> — " in late
