"""Sweep the file store: remove files that no attachment or kept PDF refers to.

A file is stored before the transaction that records its attachment commits (storing
is idempotent), so a crash or a refused transaction can leave a file nobody refers
to; so can an attachment removed when its answer did not keep it, and a submission's
kept PDF once a newer one replaced it (:mod:`storage.submission_pdfs`). Such files are
removed once they are older than ``grace`` (a file younger than that may belong to a
transaction still under way), and so are half-written ``.incoming-`` files a crash
left behind. ``tidtam files sweep`` runs it; the bot runs it once a day.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.files import FileStore
from storage.models import Attachment, SubmissionPdf

GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FileSweep:
    removed: int
    kept: int
    freed_bytes: int


async def sweep_unreferenced_files(
    session: AsyncSession, store: FileStore, now: datetime, *, grace: timedelta = GRACE
) -> FileSweep:
    """Remove stored files nothing refers to that are older than ``grace``.

    The folder walk runs in a worker thread: a store of many thousand files must not
    hold the bot's event loop (and everyone's replies) while it is read.
    """
    keys = select(Attachment.storage_key).union(select(SubmissionPdf.storage_key))
    referenced = frozenset((await session.scalars(keys)).all())
    return await asyncio.to_thread(_sweep_folder, store.root, referenced, now - grace)


def _sweep_folder(root: Path, referenced: frozenset[str], cutoff_at: datetime) -> FileSweep:
    """The blocking part: walk ``root``, unlink old files nobody refers to."""
    cutoff = cutoff_at.timestamp()
    removed = kept = freed = 0
    if not root.is_dir():
        return FileSweep(0, 0, 0)
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        key = path.relative_to(root).as_posix()
        info = path.stat()
        if key in referenced or info.st_mtime > cutoff:
            kept += 1
            continue
        path.unlink(missing_ok=True)
        removed += 1
        freed += info.st_size
    return FileSweep(removed, kept, freed)
