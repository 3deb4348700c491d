"""Files through the fake Telegram: fetched only when wanted, kept only when accepted,
and a download cut off by a killed bot is asked for again."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.i18n import t
from flows.form_loader import load_form_file
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram

from .conftest import SAMPLES, Province
from .scripted import Reporter, question_of
from .test_inputs import ESA, PDF, first_question, registered
from .test_restart import bot_process

FORM = load_form_file(SAMPLES / "form.yaml")


def files_on_disk(province: Province) -> list[Path]:
    root = province.settings.files_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_strangers_and_people_not_asked_for_a_file_cause_no_download(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    stranger = standin.user(first_name="ใครก็ไม่รู้")
    await stranger.send_document(PDF, "แผน.pdf")
    assert (await stranger.wait_reply()).text == t("th", "report.not_registered")
    teacher = await registered(standin, province)
    await teacher.send_document(PDF, "แผน.pdf")
    assert (await teacher.wait_reply()).text == t("th", "report.nothing_active")
    await first_question(teacher)  # a question that takes no file
    await teacher.send_document(PDF, "แผน.pdf")
    assert (await teacher.wait_reply()).text == t("th", "report.unexpected_file")
    assert standin.calls_to("getFile") == []
    assert files_on_disk(province) == []


async def test_refused_files_leave_nothing_on_disk(
    bot: Application,  # type: ignore[type-arg]
    standin: FakeTelegram,
    province: Province,
) -> None:
    user = await registered(standin, province, unit=ESA)
    reporter = Reporter(user, FORM)
    asked = await reporter.answer_all(await first_question(user), stop_at="s3i1_report")
    assert question_of(FORM, asked) == FORM.question("s3i1_report")
    await user.send_document(b"MZ\x90\x00 not a document", "virus.exe", "application/octet-stream")
    assert "ไม่รับไฟล์ชนิดนี้" in (await user.wait_reply()).text
    await user.wait_reply()
    assert standin.calls_to("getFile") == []  # refused by its name: never fetched
    await user.send_document(b"just text", "report.pdf", "application/pdf")
    assert "ไม่รับไฟล์ชนิดนี้" in (await user.wait_reply()).text  # named pdf, is not one
    await user.wait_reply()
    assert len(standin.calls_to("getFile")) == 1
    assert files_on_disk(province) == []
    await user.send_document(PDF, "แผน.pdf")
    after = await reporter.next_question()
    assert question_of(FORM, after) != FORM.question("s3i1_report")
    assert len(files_on_disk(province)) == 1


async def test_a_bot_killed_while_fetching_a_file_asks_for_it_again(
    standin: FakeTelegram, province: Province, database_url: str, tmp_path: Path
) -> None:
    code = await province.invite(ESA, Role.REPORTER)
    user = standin.user(first_name="ครูสมใจ")
    fetching = asyncio.Event()
    real_get_file = standin.methods["getfile"]

    async def never_answers(params: Any) -> Any:
        fetching.set()
        await asyncio.Event().wait()  # the bot dies before the file comes
        return await real_get_file(params)  # pragma: no cover

    data_dir = tmp_path / "data"
    with bot_process(standin, database_url, data_dir) as process:
        await user.send(f"/start {code}")
        assert "ลงทะเบียนเรียบร้อย" in (await user.wait_reply(timeout=30)).text
        reporter = Reporter(user, FORM)
        await user.send("/report")
        await user.wait_reply(timeout=30)
        asked = await reporter.answer_all(await user.wait_reply(), stop_at="s3i1_report")
        assert question_of(FORM, asked) == FORM.question("s3i1_report")
        standin.methods["getfile"] = never_answers
        await user.send_document(PDF, "แผนปฏิบัติการ.pdf")
        await asyncio.wait_for(fetching.wait(), timeout=30)
        while standin.world.updates:  # noqa: ASYNC110 (until Telegram has it confirmed)
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    standin.methods["getfile"] = real_get_file
    with bot_process(standin, database_url, data_dir):
        await user.send("สวัสดีค่ะ")
        told = await user.wait_reply(timeout=30)
        assert "ไฟล์ «แผนปฏิบัติการ.pdf»" in told.text and "กรุณาส่งไฟล์นั้นอีกครั้ง" in told.text


async def test_a_bot_killed_before_its_reply_tells_the_person_next_time(
    standin: FakeTelegram, province: Province, database_url: str, tmp_path: Path
) -> None:
    code = await province.invite(ESA, Role.REPORTER)
    user = standin.user(first_name="ครูสมใจ")
    replying = asyncio.Event()
    real_send = standin.methods["sendmessage"]

    async def never_answers(params: Any) -> Any:
        replying.set()
        await asyncio.Event().wait()  # the bot dies before its reply goes out
        return await real_send(params)  # pragma: no cover

    data_dir = tmp_path / "data"
    with bot_process(standin, database_url, data_dir) as process:
        await user.send(f"/start {code}")
        assert "ลงทะเบียนเรียบร้อย" in (await user.wait_reply(timeout=30)).text
        await user.send("/report")
        await user.wait_reply(timeout=30)
        message = await user.wait_reply()
        reporter = Reporter(user, FORM)
        while True:  # to the first question answered by typing
            question = question_of(FORM, message)
            assert question is not None
            given = reporter.answer(question)
            if isinstance(given, str):
                break
            message = await reporter.answer_one(message)
        standin.methods["sendmessage"] = never_answers
        await user.send(given)
        await asyncio.wait_for(replying.wait(), timeout=30)
        while standin.world.updates:  # noqa: ASYNC110 (until Telegram has it confirmed)
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    standin.methods["sendmessage"] = real_send
    with bot_process(standin, database_url, data_dir):
        await user.send(given)  # the person, seeing nothing, sends the answer again
        told = await user.wait_reply(timeout=30)
        assert told.text.startswith("ขออภัย ระบบขัดข้องก่อนตอบข้อความก่อนหน้าของท่าน")
        shown = question_of(FORM, await reporter.next_question())
        assert shown is not None and shown != question  # the next question, not re-answered
