"""The people's side of the stand-in: replies, buttons, groups, files, raw HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from telegram.error import BadRequest

from tidtam.fake_telegram import FakeTelegram

TOKEN = "123:TEST"


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=TOKEN) as running:
        yield running


@pytest.fixture
async def bot(standin: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as client:
        yield client


async def test_wait_reply_times_out_with_a_clear_message(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2001, first_name="ครูเอ")
    await user.send("/help")
    await bot.send_message(user.id, "ช่วยเหลือ")
    assert (await user.wait_reply()).text == "ช่วยเหลือ"
    with pytest.raises(AssertionError, match=r"user 2001 \(ครูเอ\).*'ช่วยเหลือ'"):
        await user.wait_reply(timeout=0.05)


async def test_replies_are_a_queue_and_can_be_skipped(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2002)
    await user.send("/start")
    for text in ("หนึ่ง", "สอง", "สาม"):
        await bot.send_message(user.id, text)
    assert [m.text for m in await user.wait_replies(2)] == ["หนึ่ง", "สอง"]
    assert [m.text for m in user.skip_replies()] == ["สาม"]
    await user.expect_no_reply(within=0.01)
    await bot.send_message(user.id, "สี่")
    with pytest.raises(AssertionError, match="expected no reply"):
        await user.expect_no_reply(within=0.01)
    assert [m.text for m in user.messages] == ["/start", "หนึ่ง", "สอง", "สาม", "สี่"]
    assert [m.from_bot for m in user.messages] == [False, True, True, True, True]


async def test_replies_to_messages_both_ways(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2003)
    await user.send("/start")
    question = await bot.send_message(user.id, "จำนวนนักเรียน?")
    reply = await user.wait_reply()
    await user.send("๑๒๓ คน", reply_to=reply)
    got = await bot.get_updates(offset=-1)
    message = got[0].message
    assert message is not None and message.reply_to_message is not None
    assert message.reply_to_message.message_id == question.message_id

    answer = await bot.send_message(
        user.id, "รับทราบ", reply_parameters=ReplyParameters(message.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "๑๒๓ คน"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(user.id, "x", reply_parameters=ReplyParameters(999))


async def test_click_on_a_given_message_and_in_groups(standin: FakeTelegram, bot: Bot) -> None:
    head = standin.user(id=2004, first_name="ผอ.")
    await head.send("/pending")
    [start] = await bot.get_updates()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("รับรอง", callback_data="ok")]])
    first = await bot.send_message(head.id, "โรงเรียน ก", reply_markup=keyboard)
    await bot.send_message(head.id, "โรงเรียน ข", reply_markup=keyboard)
    press = await head.click("ok", message=first.message_id)
    [update] = await bot.get_updates(offset=start.update_id + 1)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == first.message_id
    assert press.data == "ok"
    with pytest.raises(AssertionError, match="no inline button"):
        await head.click("ส่งกลับ", message=first.message_id)

    group = standin.group(id=-1001234567890, title="ผู้กำกับ", members=(head,))
    assert group.chat.type == "supergroup"
    sent = await bot.send_message(group.id, "สรุป", reply_markup=keyboard)
    await group.click(head, "รับรอง")
    [update] = await bot.get_updates(offset=update.update_id + 1)
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.chat.id == group.id
    assert update.callback_query.message.message_id == sent.message_id
    with pytest.raises(ValueError, match="not a basic group"):
        group.migrate_to_supergroup()


async def test_writing_after_blocking_unblocks(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2005)
    await user.send("/start")
    user.block()
    assert user.blocked
    await user.send("/start")
    assert not user.blocked
    await bot.send_message(user.id, "กลับมาแล้ว")
    got = await bot.get_updates()
    statuses = [u.my_chat_member.new_chat_member.status for u in got if u.my_chat_member]
    assert statuses == ["kicked", "member"]


async def test_reply_keyboard_is_shown_to_the_user(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2006)
    await user.send("/start")
    markup = ReplyKeyboardMarkup([[KeyboardButton("ส่งรายงาน"), "ยกเลิก"]])
    sent = await bot.send_message(user.id, "เลือก", reply_markup=markup)
    assert sent.reply_markup is None, "Telegram echoes only inline keyboards"
    assert user.reply_keyboard == [["ส่งรายงาน", "ยกเลิก"]]


async def test_files_too_big_for_bots_are_refused(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2007)
    await user.send_document(b"x" * (20 * 1024 * 1024 + 1), "big.pdf")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(update.message.document.file_id)
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_plain_json_and_get_requests(standin: FakeTelegram) -> None:
    user = standin.user(id=2008)
    await user.send("hi")
    async with httpx.AsyncClient(base_url=f"{standin.api_url}{TOKEN}/") as client:
        sent = (await client.post("sendMessage", json={"chat_id": user.id, "text": "ก"})).json()
        me = (await client.get("getMe")).json()
        bad = await client.post("sendMessage", json={"chat_id": user.id})
    assert sent["ok"] and sent["result"]["text"] == "ก"
    assert me["result"]["is_bot"] is True
    assert bad.status_code == 400
    assert bad.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    assert (await user.wait_reply()).text == "ก"


async def test_download_keeps_the_content_type(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=2009)
    await user.send_document("รหัส,ชื่อ\n".encode(), "units.csv", "text/csv; charset=utf-8")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    file = await bot.get_file(update.message.document.file_id)
    assert file.file_path is not None and file.file_path.startswith(standin.file_url)
    async with httpx.AsyncClient() as client:
        response = await client.get(file.file_path)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == "รหัส,ชื่อ\n"
