"""The bot starts light: report libraries load when a report is first asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "matplotlib", "xlsxwriter", "openpyxl", "fpdf", "docx", "pythainlp")
# Alembic (and Mako) migrate the schema; the bot only checks it at start, without them.
MIGRATION_ONLY = ("alembic", "mako")


@pytest.mark.parametrize("entry", ["tidtam.cli", "bot.app", "bot.runner", "bot.webhook"])
def test_starting_the_bot_loads_no_report_library(entry: str) -> None:
    # a fresh interpreter: this test process has loaded everything already
    code = f"import sys, {entry}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"importing {entry} loads {loaded}"


def test_a_unit_s_submission_document_is_read_without_a_report_library(tmp_path: Path) -> None:
    # on every submission and certification the bot reads the unit's document to send
    # it its PDF (drawn in the document worker): pandas and numpy stay out of the bot
    code = (
        "import asyncio, sys\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from zoneinfo import ZoneInfo\n"
        "import bot.app, tidtam.services.documents\n"
        "from reports.submission_snapshot import load_submission_docs\n"
        "from storage.db import create_engine, session_factory\n"
        "from storage.schema import upgrade\n"
        "from tests.reports.conftest import seed_tiny\n"
        "async def main():\n"
        f"    engine = create_engine('sqlite+aiosqlite:///{tmp_path / 'docs.db'}')\n"
        "    await upgrade(engine)\n"
        "    sessions = session_factory(engine)\n"
        f"    tiny = await seed_tiny(sessions, Path({str(tmp_path)!r}))\n"
        "    async with sessions() as session:\n"
        "        docs = await load_submission_docs(\n"
        "            session, tiny.round_id, tz=ZoneInfo('Asia/Bangkok'), now=datetime.now(UTC)\n"
        "        )\n"
        "    await engine.dispose()\n"
        "    return docs\n"
        "print(len(asyncio.run(main())))\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "2"  # the tiny round's submitted and certified units
    assert out[1] == "", f"reading the submissions' documents loads {out[1]}"


def test_the_start_check_of_the_schema_loads_no_migration_library(tmp_path: Path) -> None:
    # what `tidtam run` does before it starts the bot: is the database at the newest schema?
    code = (
        "import asyncio, sys\n"
        "import tidtam.cli, bot.app, bot.runner\n"
        "from storage.db import create_engine\n"
        "from storage.schema import current_revision, head_revision\n"
        f"engine = create_engine('sqlite+aiosqlite:///{tmp_path / 'start.db'}')\n"
        "print(asyncio.run(current_revision(engine)), head_revision())\n"
        f"print(','.join(m for m in {MIGRATION_ONLY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0].startswith("None 0")  # a blank database, and the newest revision known
    assert out[1] == "", f"checking the schema loads {out[1]}"
