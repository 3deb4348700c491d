"""Strangers: a greeting is not an invite try; wrong codes are."""

from __future__ import annotations

from telegram.ext import Application

from tidtam.fake_telegram import FakeTelegram

from .conftest import Province
from .test_inputs import SCHOOL, registered


async def test_a_greeting_is_answered_with_how_to_register_and_costs_no_try(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    user = standin.user(first_name="มาลี")
    for greeting in ("สวัสดีค่ะ", "ขอรหัสหน่อยค่ะ 🙏"):
        await user.send(greeting)
        reply = (await user.wait_reply()).text
        assert "รหัสเชิญ" in reply and "ABCDE-FGHJK" in reply, reply  # how to register
    for left in (4, 3, 2, 1):  # the greetings used none of the five tries
        await user.send("ABCDE-FGHJ2")
        assert f"พิมพ์ได้อีก {left} ครั้ง" in (await user.wait_reply()).text
    code = await province.invite(SCHOOL)
    await user.send(code)
    assert "ลงทะเบียนเรียบร้อย" in (await user.wait_reply()).text


async def test_a_registered_person_is_not_asked_for_a_code(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    user = await registered(standin, province)
    await user.send("สวัสดีค่ะ")
    assert "ABCDE-FGHJK" not in (await user.wait_reply()).text
