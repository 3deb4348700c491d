"""Run the ``tidtam`` command through its real console-script entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

TIDTAM = Path(sys.executable).parent / "tidtam"


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def tidtam(tmp_path: Path, database_url: str) -> Run:
    """``tidtam(*args)`` runs the command with a fresh data folder and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDTAM_")} | {
        "TIDTAM_DATA_DIR": str(tmp_path / "data"),
        "TIDTAM_DATABASE_URL": database_url,
        "TIDTAM_BOT_USERNAME": "tidtam_test_bot",
        "PYTHONWARNINGS": "error",
    }

    def run(*args: str | Path, env_extra: dict[str, str] | None = None) -> Result:
        completed = subprocess.run(
            [str(TIDTAM), *map(str, args)],
            cwd=tmp_path,
            env=env | (env_extra or {}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def cli(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``cli(*args)`` runs the same command line in this process (fast, for error tables)."""
    from typer.testing import CliRunner

    from tidtam.cli import app

    monkeypatch.chdir(tmp_path)
    env = {
        "TIDTAM_DATA_DIR": str(tmp_path / "data"),
        "TIDTAM_DATABASE_URL": database_url,
        "TIDTAM_BOT_USERNAME": "tidtam_test_bot",
    }
    runner = CliRunner()

    def run(*args: str | Path, env_extra: dict[str, str] | None = None) -> Result:
        result = runner.invoke(app, [str(a) for a in args], env=env | (env_extra or {}))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def samples(repo_root: Path) -> Path:
    return repo_root / "tidtam" / "samples"
