"""Kill the bot process in the middle of a questionnaire, start it again, lose nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from flows.form_loader import load_form_file
from storage.models import Answer, Submission
from tidtam.fake_telegram import FakeTelegram

from .conftest import SAMPLES, TOKEN, Province
from .scripted import Reporter, question_of, wait_for

FORM = load_form_file(SAMPLES / "form.yaml")
TIDTAM = Path(sys.executable).parent / "tidtam"


@contextmanager
def bot_process(
    standin: FakeTelegram, database_url: str, data_dir: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDTAM_")} | {
        "TIDTAM_BOT_TOKEN": TOKEN,
        "TIDTAM_BOT_USERNAME": "tidtam_test_bot",
        "TIDTAM_DATABASE_URL": database_url,
        "TIDTAM_DATA_DIR": str(data_dir),
        "TIDTAM_TELEGRAM_API_URL": standin.api_url,
        "TIDTAM_TELEGRAM_FILE_URL": standin.file_url,
    }
    log = (data_dir.parent / "bot.log").open("ab")
    process = subprocess.Popen([str(TIDTAM), "run"], env=env, stdout=log, stderr=log)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        log.close()


async def count_answers(province: Province) -> int:
    async with province.sessions() as session:
        return int(await session.scalar(select(func.count(Answer.id))) or 0)


async def test_kill_and_continue(
    standin: FakeTelegram, province: Province, database_url: str, tmp_path: Path
) -> None:
    code = await province.invite("1067010001")
    teacher = standin.user(first_name="ครูวิภา")
    data_dir = tmp_path / "data"
    with bot_process(standin, database_url, data_dir) as process:
        await teacher.send(f"/start {code}")
        assert "ลงทะเบียนเรียบร้อย" in (await teacher.wait_reply(timeout=30)).text
        await teacher.send("/report")
        await wait_for(teacher, "ตอบแล้ว 0 จาก")
        message = await teacher.wait_reply()
        reporter = Reporter(teacher, FORM)
        for _ in range(6):  # answer six questions, then crash
            question = question_of(FORM, message)
            assert question is not None
            reporter.asked.append(question.id)
            given = reporter.answer(question)
            if isinstance(given, str):
                await teacher.send(given)
            else:
                for button in given:
                    await teacher.click(button, message)
                    if button.startswith("☐"):
                        await reporter.next_question()
            message = await reporter.next_question()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert await count_answers(province) == 6

    with bot_process(standin, database_url, data_dir):
        await teacher.send("/report")
        intro = await wait_for(teacher, "ตอบแล้ว", timeout=30)
        assert "ตอบแล้ว 6 จาก" in intro.text
        resumed = await teacher.wait_reply()
        question = question_of(FORM, resumed)
        assert question is not None
        assert question.id not in reporter.asked, "continues at the first unanswered question"
        end = await reporter.answer_all(resumed)
        assert "ตอบครบทุกข้อแล้ว" in end.text
        await asyncio.sleep(0.2)
    assert await count_answers(province) == len(reporter.asked)
    async with province.sessions() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None and submission.state == "in_progress"
