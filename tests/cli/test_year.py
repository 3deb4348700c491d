"""The administrator's year from the command line: rounds, members, invites."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import create_engine, session_factory, transaction
from storage.models import Member, Unit

Run = Callable[..., Any]


async def _register(database_url: str, unit_code: str, user_id: int, name: str) -> None:
    engine = create_engine(database_url)
    try:
        async with transaction(session_factory(engine)) as session:
            unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
            assert unit is not None
            session.add(
                Member(
                    telegram_user_id=user_id, unit_id=unit.id, role="reporter", display_name=name
                )
            )
    finally:
        await engine.dispose()


def test_a_year_of_rounds_members_and_invites(
    cli: Run, samples: Path, tmp_path: Path, database_url: str
) -> None:
    assert cli("db", "upgrade").code == 0
    assert cli("units", "import", samples / "units.csv").code == 0
    assert cli("forms", "load", samples / "form.yaml").code == 0
    opened = cli(
        "rounds", "open", "--form", "pb-plan-2567", "--period", "2567-Q2",
        "--opens", "2024-01-01", "--deadline", "2099-03-31", "--kinds", "esa,school",
        "--force",  # a deadline far after its quarter (issue 12 refuses it without)
    )  # fmt: skip
    assert opened.code == 0, opened.err

    earlier = cli("rounds", "extend", "1", "--deadline", "2099-03-01")
    assert earlier.code == 1 and "after the current deadline" in earlier.err
    assert cli("rounds", "extend", "9", "--deadline", "2099-05-01").code == 1
    extended = cli("rounds", "extend", "1", "--deadline", "2099-04-30")
    assert extended.code == 0 and "extension 1" in extended.out
    listed = cli("rounds", "list").out
    assert "extended 1x" in listed and "progress: submitted 0/" in listed
    assert "certified 0/" in listed
    assert cli("rounds", "close", "1").code == 0
    assert "state closed" in cli("rounds", "list").out
    assert "already closed" in cli("rounds", "close", "1").err
    closed_extend = cli("rounds", "extend", "1", "--deadline", "2099-06-30")
    assert closed_extend.code == 1 and "reopen" in closed_extend.err
    assert cli("rounds", "reopen", "1").code == 0
    assert "state open" in cli("rounds", "list").out

    assert "no members" in cli("members", "list").out
    asyncio.run(_register(database_url, "1067010001", 777001, "ครูสมศรี"))
    members = cli("members", "list", "--unit", "1067010001")
    assert "ครูสมศรี" in members.out and "last seen never" in members.out
    assert cli("members", "list", "--unit", "NOPE").code == 1
    assert "no members" in cli("members", "list", "--role", "head").out
    assert "-> head" in cli("members", "role", "1", "head").out
    assert cli("members", "role", "1", "head").code == 1
    revoked = cli("members", "revoke", "1")
    assert revoked.code == 0 and "no membership left" in revoked.out
    assert cli("members", "revoke", "1").code == 1
    forgot = cli("members", "forget", "--telegram-user", "777001")
    assert forgot.code == 0 and "forgotten:" in forgot.out

    out = tmp_path / "heads.csv"
    assert (
        cli("invites", "create", "--role", "head", "--unit", "1067010001", "--out", out).code == 0
    )
    with out.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    status = cli("invites", "list", "--role", "head", "--kinds", "school")
    assert "1067010001" in status.out and "unused 1, expired 0" in status.out
    assert "nobody registered as head" in status.out
    assert cli("invites", "revoke", row["code"]).out.startswith("revoked 1")
    assert cli("invites", "revoke", row["code"]).code == 1  # already revoked
    assert "unused 0, expired 1" in cli("invites", "list").out
    assert cli("invites", "revoke", "--unit", "1067010001").out.startswith("revoked 0")
    assert cli("invites", "revoke").code == 1


def test_run_by_webhook_needs_https_and_a_secret(cli: Run) -> None:
    token = {"TIDTAM_BOT_TOKEN": "123456:TEST-TOKEN"}
    plain = cli("run", "--webhook", "http://bot.example/telegram", env_extra=token)
    assert plain.code == 1 and "https://" in plain.err
    secretless = cli("run", "--webhook", "https://bot.example/telegram", env_extra=token)
    assert secretless.code == 1 and "TIDTAM_WEBHOOK_SECRET is not set" in secretless.err
    bad = cli(
        "run",
        "--webhook",
        "https://bot.example/telegram",
        env_extra=token | {"TIDTAM_WEBHOOK_SECRET": "no spaces allowed"},
    )
    assert bad.code == 1 and "TIDTAM_WEBHOOK_SECRET" in bad.err


def test_backup_and_restore_from_the_command_line(
    cli: Run, samples: Path, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL round trip is tested in tests/services/test_backup.py")
    assert cli("db", "upgrade").code == 0
    assert cli("units", "import", samples / "units.csv").code == 0
    archive = tmp_path / "b.tgz"
    made = cli("db", "backup", archive)
    assert made.code == 0 and "0 answer(s)" in made.out
    elsewhere = {
        "TIDTAM_DATA_DIR": str(tmp_path / "new"),
        "TIDTAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'new' / 'tidtam.db'}",
    }
    restored = cli("db", "restore", archive, env_extra=elsewhere)
    assert restored.code == 0, restored.err
    assert "every answer and file is as in the backup" in restored.out
    assert "no rounds yet" in cli("rounds", "list", env_extra=elsewhere).out
    again = cli("db", "restore", archive, env_extra=elsewhere)
    assert again.code == 1 and "not empty" in again.err and "--force" in again.err
    assert cli("db", "restore", tmp_path / "missing.tgz").code == 1
