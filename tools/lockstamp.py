"""Tie requirements.lock to the dependency lists of pyproject.toml.

`make lock` regenerates the lock with uv and then writes, in its header, the sha256 of
the dependency lists it was made from (`project.dependencies`,
`project.optional-dependencies` and `build-system.requires`). `make test` (and so CI)
runs `check` first: a pyproject.toml whose dependencies changed without a new lock is
refused before anything is installed. Only the standard library is used, so this runs
before the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

#: The oldest Python the lock is resolved for (``--python-version``); newer ones
#: follow from the universal resolution's markers.
LOCK_PYTHON = (3, 11)

if sys.version_info[:2] < LOCK_PYTHON:  # before tomllib, which 3.11 brought
    sys.exit(
        f"tidtam needs Python {LOCK_PYTHON[0]}.{LOCK_PYTHON[1]} or newer; this is "
        f"{sys.version.split()[0]}. Run make with PYTHON=python3.11 (or newer)."
    )

import tomllib  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
PREFIX = "# pyproject-dependencies-sha256: "


def dependencies_digest(pyproject: Path = PYPROJECT) -> str:
    """The sha256 of the dependency lists, independent of comments and formatting."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    lists = {
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "build-system.requires": data.get("build-system", {}).get("requires", []),
        "requires-python": project.get("requires-python", ""),
    }
    canonical = json.dumps(lists, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    """The digest written into the lock's header by `write`, if any."""
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(PREFIX):
            return line[len(PREFIX) :].strip()
    return None


def write(lock: Path = LOCK) -> None:
    """Put the current digest into the lock's header (replacing an older one)."""
    lines = [
        line
        for line in lock.read_text(encoding="utf-8").splitlines()
        if not line.startswith(PREFIX)
    ]
    lines.insert(0, PREFIX + dependencies_digest())
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(lock: Path = LOCK) -> str | None:
    """None if the lock fits pyproject.toml and this Python, else what is wrong."""
    recorded = recorded_digest(lock)
    if recorded is None:
        return f"{lock.name} is missing or has no dependency digest: run `make lock`."
    if recorded != dependencies_digest():
        return (
            "pyproject.toml's dependencies changed but requirements.lock was not "
            "regenerated: run `make lock` and commit both files."
        )
    return None


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "build-requires":
        data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
        print("\n".join(data.get("build-system", {}).get("requires", [])))
        return 0
    if command == "write":
        write()
        return 0
    if command == "check":
        problem = check()
        if problem:
            print(f"requirements.lock: {problem}", file=sys.stderr)
            return 1
        return 0
    print("usage: lockstamp.py check|write|build-requires", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
