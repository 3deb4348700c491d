"""`tidtam reminders run --now` and `tidtam run` through the real console script."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import transaction
from storage.models import Member
from storage.units import unit_by_code
from tidtam.core.vocabulary import Role
from tidtam.fake_telegram import FakeTelegram
from tidtam.samples import seed_sample_province

TIDTAM = Path(sys.executable).parent / "tidtam"
TOKEN = "123456:CLI-TEST-TOKEN"
BKK = ZoneInfo("Asia/Bangkok")


async def tidtam(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        str(TIDTAM),
        *args,
        env={k: v for k, v in os.environ.items() if not k.startswith("TIDTAM_")} | env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_one_sweep_by_hand_is_idempotent(
    sessions: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path
) -> None:
    async with transaction(sessions) as session:
        await seed_sample_province(
            session,
            opens_at=datetime(2024, 3, 1, tzinfo=BKK),
            deadline=datetime(2024, 3, 31, 23, 59, 59, tzinfo=BKK),
        )
        unit = await unit_by_code(session, "1067010001")
        assert unit is not None
        session.add(Member(telegram_user_id=4242, unit_id=unit.id, role=Role.REPORTER.value))
    async with FakeTelegram.start(token=TOKEN) as standin:
        teacher = standin.user(id=4242)
        teacher.chat.started = True
        env = {
            "TIDTAM_BOT_TOKEN": TOKEN,
            "TIDTAM_DATABASE_URL": database_url,
            "TIDTAM_DATA_DIR": str(tmp_path / "data"),
            "TIDTAM_TELEGRAM_API_URL": standin.api_url,
            "TIDTAM_TELEGRAM_FILE_URL": standin.file_url,
        }
        code, out, err = await tidtam(env, "reminders", "run", "--now", "2024-03-24T09:30")
        assert code == 0, err
        assert "1 sent" in out and "unit 1" in out
        code, out, _ = await tidtam(env, "reminders", "run", "--now", "2024-03-24T09:30")
        assert code == 0 and "0 sent" in out
        assert len([m for m in teacher.messages if m.sender_id != 4242]) == 1
        code, _, err = await tidtam(env, "reminders", "run", "--now", "yesterday")
        assert code == 1 and "--now" in err
        assert TOKEN not in out + err


async def test_run_without_a_token_says_what_to_do(database_url: str, tmp_path: Path) -> None:
    code, _, err = await tidtam(
        {"TIDTAM_DATABASE_URL": database_url, "TIDTAM_DATA_DIR": str(tmp_path)}, "run"
    )
    assert code == 1 and "TIDTAM_BOT_TOKEN is not set" in err
