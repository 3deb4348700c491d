"""The Telegram Sender of reminders against the stand-in: each outcome, text and photo."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from telegram.ext import ExtBot

from bot.ratelimit import Priority as LimiterPriority
from bot.reminder_sender import TelegramSender, standalone_bot
from reminders.sending import Delivery, Outcome, Priority, Sender
from tidtam.fake_telegram import FakeTelegram

TOKEN = "123456:SENDER-TEST"


def png() -> bytes:
    """A 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=TOKEN) as running:
        yield running


@pytest.fixture
async def bot(standin: FakeTelegram) -> AsyncIterator[ExtBot[LimiterPriority]]:
    async with standalone_bot(TOKEN, standin.api_url, standin.file_url) as running:
        yield running


def from_bot(standin: FakeTelegram, chat_id: int) -> list[str]:
    return [m.text for m in standin.user(id=chat_id).messages if m.sender_id != chat_id]


async def test_text_to_a_person_is_sent_and_a_blocked_person_is_unreachable(
    standin: FakeTelegram, bot: ExtBot[LimiterPriority]
) -> None:
    sender: Sender = TelegramSender(bot)
    for user_id in (11, 12):
        standin.user(id=user_id).chat.started = True
    standin.user(id=12).block()
    assert await sender.send(11, "สวัสดี") == Delivery(Outcome.SENT, 11)
    interactive = await sender.send(11, "ตอบทันที", priority=Priority.INTERACTIVE)
    assert interactive.outcome is Outcome.SENT
    assert (await sender.send(12, "สวัสดี")).outcome is Outcome.UNREACHABLE
    assert (await sender.send(13, "สวัสดี")).outcome is Outcome.UNREACHABLE  # never started
    assert from_bot(standin, 11) == ["สวัสดี", "ตอบทันที"]
    assert from_bot(standin, 12) == []


async def test_a_photo_goes_with_its_caption(
    standin: FakeTelegram, bot: ExtBot[LimiterPriority]
) -> None:
    standin.user(id=21).chat.started = True
    image = png()
    delivery = await TelegramSender(bot).send(21, "ความก้าวหน้า", photo=image)
    assert delivery.outcome is Outcome.SENT
    [message] = [m for m in standin.user(id=21).messages if m.sender_id != 21]
    assert message.text == "ความก้าวหน้า"
    assert message.photo is not None and message.photo.data == image


async def test_a_group_that_became_a_supergroup_is_followed(
    standin: FakeTelegram, bot: ExtBot[LimiterPriority]
) -> None:
    group = standin.group(title="ติดตามแผน")
    old = group.id
    new = group.migrate_to_supergroup()
    delivery = await TelegramSender(bot).send(old, "สรุปประจำวัน")
    assert delivery == Delivery(Outcome.SENT, new, migrated_to=new, retries=1)
    assert [m.text for m in group.messages if m.text == "สรุปประจำวัน"] == ["สรุปประจำวัน"]
