"""The stand-in driven by the real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import struct
import time
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tidtam.fake_telegram import FakeTelegram

TOKEN = "123:TEST"


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def standin() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram.start(token=TOKEN) as running:
        yield running


@pytest.fixture
async def bot(standin: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as client:
        yield client


async def updates(bot: Bot, offset: int | None = None) -> list[Update]:
    return list(await bot.get_updates(offset=offset, timeout=0))


async def test_get_me_and_port(standin: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123
    assert me.is_bot
    assert me.username == "tidtam_test_bot"
    assert standin.port > 0
    assert standin.api_url == f"http://127.0.0.1:{standin.port}/bot"


async def test_wrong_token_is_invalid(standin: FakeTelegram) -> None:
    stranger = Bot("999:WRONG", base_url=standin.api_url, base_file_url=standin.file_url)
    with pytest.raises(InvalidToken):
        async with stranger:
            pass
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{standin.api_url}999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON; charset=utf-8", "application/json ;"]
)
async def test_a_json_body_is_read_whatever_the_header_s_spelling(
    standin: FakeTelegram, content_type: str
) -> None:
    user = standin.user(id=1002, first_name="สมชาย")
    await user.send("/start")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{standin.api_url}{TOKEN}/sendMessage",
            content=json.dumps(
                {"chat_id": 1002, "parse_mode": "HTML", "text": "<b>สวัสดี</b> & x"}
            ).encode(),
            headers={"Content-Type": content_type},
        )
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["text"] == "สวัสดี & x"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 6}]


async def test_a_form_body_is_read_as_fields(standin: FakeTelegram) -> None:
    user = standin.user(id=1003, first_name="สมหญิง")
    await user.send("/start")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{standin.api_url}{TOKEN}/sendMessage", data={"chat_id": "1003", "text": "ครับ"}
        )
    assert response.status_code == 200
    assert response.json()["result"]["text"] == "ครับ"


async def test_command_message_parsed_by_ptb(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1001, first_name="สมศรี", language_code="th")
    await user.send("/start ABCDE")
    [update] = await updates(bot)
    message = update.effective_message
    assert message is not None
    assert message.text == "/start ABCDE"
    assert message.chat.id == 1001
    assert message.from_user is not None
    assert message.from_user.first_name == "สมศรี"
    assert message.from_user.language_code == "th"
    assert message.entities[0].type == MessageEntity.BOT_COMMAND
    assert (message.entities[0].offset, message.entities[0].length) == (0, 6)


async def test_keyboard_click_gives_callback_query(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1002, first_name="มานี")
    await user.send("/report")
    [first] = await updates(bot)
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("ดำเนินการแล้ว", callback_data="q1:yes")],
            [InlineKeyboardButton("ไม่มี", callback_data="q1:na")],
        ]
    )
    sent = await bot.send_message(user.id, "ข้อ 1/3", reply_markup=keyboard)
    assert sent.reply_markup == keyboard
    assert sent.from_user is not None and sent.from_user.id == 123

    reply = await user.wait_reply()
    assert reply.text == "ข้อ 1/3"
    assert reply.message_id == sent.message_id
    assert reply.buttons == [[("ดำเนินการแล้ว", "q1:yes")], [("ไม่มี", "q1:na")]]

    press = await user.click("ดำเนินการแล้ว")
    [update] = await updates(bot, offset=first.update_id + 1)
    query = update.callback_query
    assert isinstance(query, CallbackQuery)
    assert query.data == "q1:yes"
    assert query.from_user.id == user.id
    assert query.message is not None and query.message.message_id == sent.message_id

    assert not press.answered
    await query.answer("บันทึกแล้ว")
    assert press.answered
    assert press.answer_text == "บันทึกแล้ว"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()


async def test_click_on_missing_button_is_a_clear_assertion(
    standin: FakeTelegram, bot: Bot
) -> None:
    user = standin.user(id=1003)
    await user.send("hi")
    await bot.send_message(user.id, "no keyboard")
    with pytest.raises(AssertionError, match=r"(?i)no inline button 'ตกลง'"):
        await user.click("ตกลง")


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    standin: FakeTelegram, bot: Bot
) -> None:
    user = standin.user(id=1004)
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    await user.send("สวัสดี")
    got = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.0
    assert [u.effective_message.text for u in got if u.effective_message] == ["สวัสดี"]


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    got = await bot.get_updates(timeout=1)
    assert got == ()
    assert time.monotonic() - started >= 0.9


async def test_offset_confirms_updates(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1005)
    await user.send("one")
    await user.send("two")
    both = await updates(bot)
    assert [u.effective_message.text for u in both if u.effective_message] == ["one", "two"]
    assert both[1].update_id == both[0].update_id + 1
    again = await updates(bot)
    assert len(again) == 2, "without an offset nothing is confirmed"
    rest = await updates(bot, offset=both[0].update_id + 1)
    assert [u.update_id for u in rest] == [both[1].update_id]
    assert await updates(bot, offset=both[1].update_id + 1) == []
    assert await updates(bot) == []


async def test_bot_document_reaches_user(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1006)
    await user.send("/export")
    data = b"PK\x03\x04 fake xlsx bytes"
    sent = await bot.send_document(
        user.id, document=data, filename="รายงาน.xlsx", caption="<b>ผล</b>", parse_mode="HTML"
    )
    assert sent.document is not None
    assert sent.document.file_name == "รายงาน.xlsx"
    assert sent.caption == "ผล"
    reply = await user.wait_reply()
    assert reply.document is not None
    assert reply.document.data == data
    assert reply.document.file_name == "รายงาน.xlsx"
    # the same file can be sent again by file_id
    again = await bot.send_document(user.id, document=sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id


async def test_user_document_downloaded_by_bot(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1007)
    data = b"%PDF-1.4 plan report " * 100
    await user.send_document(data, "แผน.pdf", "application/pdf")
    [update] = await updates(bot)
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    assert document.file_name == "แผน.pdf"
    assert document.file_size == len(data)
    file = await bot.get_file(document.file_id)
    assert file.file_size == len(data)
    assert bytes(await file.download_as_bytearray()) == data


async def test_photos_both_ways(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1008)
    png = tiny_png(4, 3)
    await user.send_photo(png, caption="ภาพกิจกรรม")
    [update] = await updates(bot)
    assert update.message is not None
    photo = update.message.photo[-1]
    assert (photo.width, photo.height) == (4, 3)
    file = await bot.get_file(photo.file_id)
    assert bytes(await file.download_as_bytearray()) == png

    sent = await bot.send_photo(user.id, photo=png, caption="chart")
    assert sent.photo[-1].file_size == len(png)
    reply = await user.wait_reply()
    assert reply.photo is not None and reply.photo.data == png
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(user.id, photo=b"not an image")


async def test_album_shares_media_group(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1009)
    await user.send_album([tiny_png(), tiny_png(2, 2), tiny_png(5, 1)], caption="อัลบั้ม")
    got = await updates(bot)
    messages = [u.message for u in got if u.message]
    assert len(messages) == 3
    group_ids = {m.media_group_id for m in messages}
    assert len(group_ids) == 1 and None not in group_ids
    assert [m.caption for m in messages] == ["อัลบั้ม", None, None]


async def test_html_is_parsed_and_broken_html_refused(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1010)
    await user.send("hi")
    sent = await bot.send_message(
        user.id, "<b>ตัวหนา</b> &amp; <a href='https://example.org'>ลิงก์</a>", parse_mode="HTML"
    )
    assert sent.text == "ตัวหนา & ลิงก์"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        (MessageEntity.BOLD, 0, 6),
        (MessageEntity.TEXT_LINK, 9, 5),
    ]
    assert sent.entities[1].url == "https://example.org"
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Unsupported start tag"):
        await bot.send_message(user.id, "a < b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Can't find end tag corresponding to start tag"):
        await bot.send_message(user.id, "<b>ไม่ปิด", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)Unmatched end tag"):
        await bot.send_message(user.id, "<b><i>x</b></i>", parse_mode=ParseMode.HTML)
    assert len(user.messages) == 2, "refused messages are not delivered"


async def test_text_length_rules(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1011)
    await user.send("hi")
    await bot.send_message(user.id, "ก" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(user.id, "ก" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")
    # markup does not count towards the limit
    await bot.send_message(user.id, "<b>" + "x" * 4090 + "</b>", parse_mode="HTML")


async def test_edits_count_as_replies_and_not_modified(standin: FakeTelegram, bot: Bot) -> None:
    user = standin.user(id=1012)
    await user.send("/review")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("แก้ไข", callback_data="edit")]])
    sent = await bot.send_message(user.id, "สรุป", reply_markup=keyboard)
    await user.wait_reply()
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("สรุป", user.id, sent.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_text("ส่งแล้ว", user.id, sent.message_id)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    reply = await user.wait_reply()
    assert reply.is_edit and reply.edited
    assert reply.text == "ส่งแล้ว"
    assert reply.buttons == [], "an edit without reply_markup drops the keyboard"
    await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=keyboard)
    assert (await user.wait_reply()).buttons == [[("แก้ไข", "edit")]]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", user.id, 9999)
    await user.expect_no_reply(within=0.05)


async def test_blocked_and_never_started_users_are_forbidden(
    standin: FakeTelegram, bot: Bot
) -> None:
    silent = standin.user(id=1013)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(silent.id, "สวัสดี")
    user = standin.user(id=1014)
    await user.send("/start")
    await bot.send_message(user.id, "ok")
    user.block()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(user.id, "เตือน")
    got = await updates(bot)
    kinds = [u.my_chat_member.new_chat_member.status for u in got if u.my_chat_member]
    assert kinds == ["kicked"]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "nobody")


async def test_group_commands_privacy_and_migration(standin: FakeTelegram, bot: Bot) -> None:
    officer = standin.user(id=1015, first_name="เจ้าหน้าที่")
    group = standin.group(id=-4001, title="ศธจ. เพชรบูรณ์")
    group.add(officer, "administrator")
    await group.send(officer, "สวัสดีทุกคน")
    await group.send(officer, "/linkgroup@tidtam_test_bot")
    await group.send(officer, "/other@someone_else_bot")
    got = await updates(bot)
    texts = [u.message.text for u in got if u.message]
    assert texts == ["/linkgroup@tidtam_test_bot"], "privacy mode: only commands for this bot"
    assert got[0].message is not None and got[0].message.chat.type == "group"
    member = await bot.get_chat_member(group.id, officer.id)
    assert member.status == "administrator"

    await bot.send_message(group.id, "ผูกกลุ่มแล้ว")
    assert (await group.wait_reply()).text == "ผูกกลุ่มแล้ว"

    new_id = group.migrate_to_supergroup(by=officer)
    assert new_id < -1_000_000_000_000
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-4001, "อีกครั้ง")
    assert caught.value.new_chat_id == new_id
    await bot.send_message(new_id, "อีกครั้ง")
    assert (await group.wait_reply()).text == "อีกครั้ง"
    service = await updates(bot, offset=got[-1].update_id + 1)
    assert next(u.message.migrate_to_chat_id for u in service if u.message) == new_id


async def test_rate_limits_give_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after warns otherwise
    async with (
        FakeTelegram.start(token=TOKEN, enforce_limits=True) as standin,
        Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as bot,
    ):
        user = standin.user(id=1016)
        await user.send("/start")
        refused: list[RetryAfter] = []
        for number in range(40):
            try:
                await bot.send_message(user.id, f"ข้อความ {number}")
            except RetryAfter as error:
                refused.append(error)
        assert refused, "40 quick sends to one chat must hit the limit"
        waits = [error.retry_after for error in refused]
        assert all(isinstance(w, dtm.timedelta) and w >= dtm.timedelta(seconds=1) for w in waits)
        assert standin.stats.rate_limited == len(refused)
        assert standin.stats.sent_per_chat[user.id] == 40 - len(refused)
        assert len(user.messages) == 1 + 40 - len(refused)
        assert standin.stats.max_in_window(1.0, user.id) <= standin.limiter.config.private_burst


async def test_unknown_method_is_recorded(standin: FakeTelegram, bot: Bot) -> None:
    await bot.get_me()
    assert standin.unknown_methods == []
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("launchRocket", api_kwargs={"chat_id": 1})
    assert standin.unknown_methods == ["launchRocket"]
    assert [c.status for c in standin.calls_to("launchRocket")] == [404]


async def test_commands_chat_action_and_delete(standin: FakeTelegram, bot: Bot) -> None:
    from telegram import BotCommand

    await bot.set_my_commands([BotCommand("report", "ตอบแบบรายงาน")], language_code="th")
    assert [c.command for c in await bot.get_my_commands(language_code="th")] == ["report"]
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Report!", "x")])
    await bot.delete_my_commands(language_code="th")
    assert await bot.get_my_commands(language_code="th") == ()

    user = standin.user(id=1017)
    await user.send("hi")
    await bot.send_chat_action(user.id, "typing")
    assert user.chat_actions == ["typing"]
    sent = await bot.send_message(user.id, "ชั่วคราว")
    assert await bot.delete_message(user.id, sent.message_id)
    assert user.last_message is None
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    code = " ".join(context.args or [])
    await update.effective_message.reply_text(f"ยินดีต้อนรับ <b>{code}</b>", parse_mode="HTML")


async def test_real_application_answers_start(standin: FakeTelegram) -> None:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(standin.api_url)
        .base_file_url(standin.file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    user = standin.user(id=1018, first_name="สมชาย")
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=dtm.timedelta(seconds=2))
    try:
        await user.send("/start ABCDE")
        reply = await user.wait_reply(timeout=5)
        assert reply.text == "ยินดีต้อนรับ ABCDE"
        assert reply.entities == [{"type": "bold", "offset": 13, "length": 5}]
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    assert standin.world.updates == [], "the updater confirmed what it handled"
    assert standin.unknown_methods == []
