"""tools/lockstamp.py: the lock must follow pyproject.toml's dependency lists."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def lockstamp() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lockstamp", ROOT / "tools" / "lockstamp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lockstamp"] = module
    spec.loader.exec_module(module)
    return module


PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
[project]
name = "x"
requires-python = ">=3.11"
dependencies = ["pandas>=2.2"]  # a comment
[project.optional-dependencies]
dev = ["pytest>=8"]
"""


def test_the_committed_lock_fits_pyproject() -> None:
    assert lockstamp().check() is None


def test_the_digest_follows_dependencies_not_formatting(tmp_path: Path) -> None:
    stamp = lockstamp()
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT)
    before = stamp.dependencies_digest(path)
    path.write_text(PYPROJECT.replace("# a comment", "# another comment") + "\n[tool.x]\n")
    assert stamp.dependencies_digest(path) == before
    path.write_text(PYPROJECT.replace("pandas>=2.2", "pandas>=2.3"))
    assert stamp.dependencies_digest(path) != before
    path.write_text(PYPROJECT.replace('dev = ["pytest>=8"]', 'dev = ["pytest>=8", "ruff"]'))
    assert stamp.dependencies_digest(path) != before


def test_a_stale_lock_is_refused_with_what_to_run(tmp_path: Path) -> None:
    stamp = lockstamp()
    lock = tmp_path / "requirements.lock"
    lock.write_text(stamp.PREFIX + "0" * 64 + "\nsix==1.16.0\n")
    problem = stamp.check(lock)
    assert problem is not None and "make lock" in problem
    lock.write_text("six==1.16.0\n")
    assert "make lock" in (stamp.check(lock) or "")
    stamp.write(lock)
    assert stamp.check(lock) is None
    assert lock.read_text().count(stamp.PREFIX) == 1
