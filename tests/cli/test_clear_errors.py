"""Bad input at the command line gets one clear line (or one per problem), never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]

TOKEN = "123456:SECRET-TOKEN-NEVER-SHOWN"


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "│" not in text, text


def test_too_long_unit_values_are_named_by_row_and_column(cli: Run, tmp_path: Path) -> None:
    """The same refusal on SQLite (which would store them) and PostgreSQL (which would not)."""
    assert cli("db", "upgrade").code == 0
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,kind,parent_code,district\n"
        "P,Province,province,,Mueang\n"
        f"S1,{'ก' * 256},school,P,Mueang\n"
        f"S2,School 2,{'s' * 33},P,{'อ' * 101}\n",
        encoding="utf-8",
    )
    result = cli("units", "import", units)
    assert result.code == 1
    assert "3 problem(s), nothing was imported" in result.err
    assert "units.csv row 3, column name: name is 256 characters long; at most 255 fit" in (
        result.err
    )
    assert "units.csv row 4, column kind: kind is 33 characters long" in result.err
    assert "units.csv row 4, column district: district is 101 characters long" in result.err
    no_traceback(result.err)
    rounds = cli("rounds", "list")
    assert "no rounds yet" in rounds.out  # the database is intact and answers


def test_unit_column_limits_match_the_database() -> None:
    from storage.models import Unit
    from tidtam.core.unitsfile import MAX_CODE_LENGTH, MAX_LENGTHS

    columns = Unit.__table__.columns
    assert columns["code"].type.length == MAX_CODE_LENGTH  # type: ignore[attr-defined]
    for name, length in MAX_LENGTHS.items():
        assert columns[name].type.length == length, name  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("form: f\ntitle: t\nsections: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested too deeply"),
        (
            "form: f\ntitle: t\nsections:\n" + "".join("  " * i + "-\n" for i in range(2_000)),
            "form.yaml:35: the form is nested too deeply (more than 32 levels)",
        ),
        ("form: f\nversion: 1" + "0" * 5_000 + "\ntitle: t\n", "form.yaml:2: a number of 5001"),
        ("form: f\nversion: 1" + "0" * 20 + "\ntitle: t\n", "version must be at most"),
        ("form: " + "f" * 65 + "\ntitle: t\n", "form must be at most 64 characters"),
    ],
)
def test_hostile_form_files_get_clear_problems(
    cli: Run, tmp_path: Path, content: str, message: str
) -> None:
    form = tmp_path / "form.yaml"
    form.write_text(content, encoding="utf-8")
    result = cli("forms", "check", form)
    assert result.code == 1
    assert message in result.err
    no_traceback(result.err)


def test_huge_bounds_are_refused(cli: Run, samples: Path, tmp_path: Path) -> None:
    text = (samples / "form.yaml").read_text(encoding="utf-8")
    assert "max: 100\n" in text
    form = tmp_path / "form.yaml"
    form.write_text(text.replace("max: 100\n", "max: 1" + "0" * 60 + "\n", 1), encoding="utf-8")
    result = cli("forms", "check", form)
    assert result.code == 1
    assert "max must have at most 40 digits before the decimal point" in result.err


@pytest.mark.parametrize(
    "out",
    [
        "/proc/tidtam-export.xlsx",  # os.access says yes to root; the file system says no
        "/proc/tidtam-export.csv",
        f"{'x' * 300}.xlsx",  # too long a name even to look up
    ],
)
def test_an_unwritable_export_path_is_one_line(
    cli: Run, samples: Path, tmp_path: Path, out: str
) -> None:
    assert cli("db", "upgrade").code == 0
    assert cli("units", "import", samples / "units.csv").code == 0
    assert cli("forms", "load", samples / "form.yaml").code == 0
    opened = cli(
        "rounds", "open", "--form", "pb-plan-2567", "--period", "2567",
        "--opens", "2023-10-01", "--deadline", "2099-01-01", "--force",
    )  # fmt: skip
    assert opened.code == 0, opened.err
    target = out if out.startswith("/") else str(tmp_path / out)
    fmt = ["--format", "csv"] if target.endswith(".csv") else []
    result = cli("export", "--round", "1", "--out", target, *fmt)
    assert result.code == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"error: --out {target}: cannot write there (")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_bot_api_that_does_not_answer_is_one_line_without_the_token(tidtam: Run) -> None:
    assert tidtam("db", "upgrade").code == 0
    api = f"http://127.0.0.1:{closed_port()}/bot"
    result = tidtam(
        "run",
        env_extra={
            "TIDTAM_BOT_TOKEN": TOKEN,
            "TIDTAM_TELEGRAM_API_URL": api,
            "TIDTAM_TELEGRAM_FILE_URL": f"{api[:-4]}/file/bot",
        },
    )
    assert result.code == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith(f"error: cannot reach the Telegram Bot API at {api} (")
    assert line.endswith("check TIDTAM_TELEGRAM_API_URL and the network")
    assert "SECRET" not in result.err + result.out
