"""The PDF kept of each submission: made once, handed out while it prints the same.

A submission's PDF is drawn when the report is submitted and when it is certified
(to send to the unit), and on ``/pdf``. Drawing one costs about a tenth of a second
of CPU; a province's export of every unit at the end of a round would draw them all
again. So the newest PDF of each submission is kept in the file store, with the
fingerprint of what it prints (:func:`reports.submission_doc.fingerprint`); whoever
needs the PDF of a document with the same fingerprint takes the kept file. Any
change to what the PDF shows (an answer, the state, a name) changes the fingerprint,
and the PDF is drawn again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.files import StoredFile
from storage.models import Submission, SubmissionPdf, Unit
from storage.upsert import insert_statement

__all__ = ["KeptPdf", "keep_pdf", "kept_pdf", "kept_pdfs_of_round"]


@dataclass(frozen=True, slots=True)
class KeptPdf:
    fingerprint: str
    storage_key: str


async def kept_pdf(session: AsyncSession, submission_id: int, fingerprint: str) -> str | None:
    """The storage key of the submission's kept PDF if it prints ``fingerprint``."""
    return await session.scalar(
        select(SubmissionPdf.storage_key).where(
            SubmissionPdf.submission_id == submission_id,
            SubmissionPdf.fingerprint == fingerprint,
        )
    )


async def keep_pdf(
    session: AsyncSession,
    submission_id: int,
    fingerprint: str,
    stored: StoredFile,
    now: datetime,
) -> None:
    """Record ``stored`` (already in the file store) as the submission's newest PDF."""
    values = {
        "fingerprint": fingerprint,
        "storage_key": stored.key,
        "size": stored.size,
        "made_at": now,
    }
    statement = insert_statement(session, SubmissionPdf).values(
        submission_id=submission_id, **values
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["submission_id"], set_=values)
    )


async def kept_pdfs_of_round(session: AsyncSession, round_id: int) -> dict[str, KeptPdf]:
    """The kept PDF of every submission of the round that has one, by unit code."""
    rows = await session.execute(
        select(Unit.code, SubmissionPdf.fingerprint, SubmissionPdf.storage_key)
        .join(Submission, Submission.id == SubmissionPdf.submission_id)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.round_id == round_id)
    )
    return {code: KeptPdf(fingerprint, key) for code, fingerprint, key in rows}
