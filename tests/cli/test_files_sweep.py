"""``tidtam files sweep`` removes stored files that no attachment refers to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage.files import FileStore

Run = Callable[..., Any]


def test_the_sweep_removes_unreferenced_files(cli: Run, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    store = FileStore(tmp_path / "data" / "files")
    orphan = store.put(b"a file a crash left behind")
    kept = cli("files", "sweep")  # younger than an hour: maybe an upload under way
    assert kept.code == 0 and "removed 0 unreferenced file(s)" in kept.out
    assert store.path(orphan.key).exists()
    swept = cli("files", "sweep", "--grace-minutes", "0")
    assert swept.code == 0, swept.err
    assert "removed 1 unreferenced file(s) (26 bytes), kept 0" in swept.out
    assert not store.path(orphan.key).exists()
