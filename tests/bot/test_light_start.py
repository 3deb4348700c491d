"""The bot starts light: report libraries load when a report is first asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "matplotlib", "xlsxwriter", "openpyxl", "fpdf", "docx", "pythainlp")


@pytest.mark.parametrize("entry", ["tidtam.cli", "bot.app", "bot.runner", "bot.webhook"])
def test_starting_the_bot_loads_no_report_library(entry: str) -> None:
    # a fresh interpreter: this test process has loaded everything already
    code = (
        f"import sys, {entry}\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"importing {entry} loads {loaded}"
