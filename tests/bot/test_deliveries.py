"""The bot records its replies as delivered in batches, and all of them when it stops."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flows.form_loader import load_form_file
from storage.models import ChatState
from tidtam.fake_telegram import FakeTelegram
from tidtam.services import deliveries
from tidtam.settings import Settings

from .conftest import SAMPLES, Province, bot_on
from .scripted import Reporter, wait_for

FORM = load_form_file(SAMPLES / "form.yaml")


async def test_every_reply_is_recorded_delivered_by_the_time_the_bot_stops(
    standin: FakeTelegram, province: Province, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliveries, "BATCH_WAIT", 60.0)  # no batch before the stop
    code = await province.invite("1067010001")
    teacher = standin.user(first_name="ครูวิภา")
    async with bot_on(province, settings):
        await teacher.send(f"/start {code}")
        await wait_for(teacher, "ลงทะเบียนเรียบร้อย")
        await teacher.send("/report")
        await wait_for(teacher, "ตอบแล้ว 0 จาก")
        reporter = Reporter(teacher, FORM)
        message = await teacher.wait_reply()
        for _ in range(5):  # each answer's transaction also writes the previous reply's mark
            message = await reporter.answer_one(message)
    async with province.sessions() as session:
        state = await session.scalar(
            select(ChatState).where(ChatState.telegram_user_id == teacher.id)
        )
    assert state is not None
    # the last reply went out just before the stop: written by the stop, not lost
    assert (state.owed_update_id, state.owed_by) == (None, None)
    assert state.buttons_message_id is None or state.buttons_message_id > 0
