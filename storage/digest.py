"""Fingerprints of what must survive a backup: every answer and every attached file.

Computed the same way on the live database (inside the backup's snapshot) and on a
restored one, so the two can be compared: counts and a sha256 over a canonical dump.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Answer, Attachment


@dataclass(frozen=True, slots=True)
class Digest:
    answers: int
    answers_sha256: str
    attachments: int
    attachments_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Digest:
        return cls(
            **{
                k: data[k]
                for k in ("answers", "answers_sha256", "attachments", "attachments_sha256")
            }
        )


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


async def digest(connection: AsyncConnection) -> Digest:
    """Counts and sha256 of the answers and of the attachments' records, in id order."""
    answers = hashlib.sha256()
    count = 0
    rows = await connection.stream(
        select(
            Answer.id, Answer.submission_id, Answer.question_id, Answer.value, Answer.answered_by
        ).order_by(Answer.id)
    )
    async for row in rows:
        answers.update(_canonical(list(row)).encode())
        answers.update(b"\n")
        count += 1
    files = hashlib.sha256()
    n_files = 0
    rows = await connection.stream(
        select(
            Attachment.id,
            Attachment.submission_id,
            Attachment.sha256,
            Attachment.storage_key,
            Attachment.size,
        ).order_by(Attachment.id)
    )
    async for row in rows:
        files.update(_canonical(list(row)).encode())
        files.update(b"\n")
        n_files += 1
    return Digest(count, answers.hexdigest(), n_files, files.hexdigest())


async def attachment_files(connection: AsyncConnection) -> list[tuple[str, str]]:
    """(storage key, sha256) of every attachment, each key once."""
    rows = await connection.execute(
        select(Attachment.storage_key, Attachment.sha256)
        .distinct()
        .order_by(Attachment.storage_key)
    )
    return [(key, sha) for key, sha in rows.all()]
