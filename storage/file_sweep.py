"""Sweep the file store: remove files that no attachment refers to.

A file is stored before the transaction that records its attachment commits (storing
is idempotent), so a crash or a refused transaction can leave a file nobody refers
to; so can an attachment removed when its answer did not keep it. Such files are
removed once they are older than ``grace`` (a file younger than that may belong to a
transaction still under way), and so are half-written ``.incoming-`` files a crash
left behind. ``tidtam files sweep`` runs it; the bot runs it once a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.files import FileStore
from storage.models import Attachment

GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FileSweep:
    removed: int
    kept: int
    freed_bytes: int


async def sweep_unreferenced_files(
    session: AsyncSession, store: FileStore, now: datetime, *, grace: timedelta = GRACE
) -> FileSweep:
    """Remove stored files that no attachment refers to and that are older than ``grace``."""
    referenced = set((await session.scalars(select(Attachment.storage_key).distinct())).all())
    cutoff = (now - grace).timestamp()
    removed = kept = freed = 0
    if not store.root.is_dir():
        return FileSweep(0, 0, 0)
    for path in sorted(store.root.rglob("*")):
        if not path.is_file():
            continue
        key = path.relative_to(store.root).as_posix()
        info = path.stat()
        if key in referenced or info.st_mtime > cutoff:
            kept += 1
            continue
        path.unlink(missing_ok=True)
        removed += 1
        freed += info.st_size
    return FileSweep(removed, kept, freed)
