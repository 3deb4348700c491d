"""The audit log: who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent


def record(
    session: AsyncSession,
    action: str,
    *,
    actor: int | None = None,
    round_id: int | None = None,
    unit_id: int | None = None,
    submission_id: int | None = None,
    at: datetime | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session's transaction.

    ``at``: the moment the use case acted on (its clock), so that the log, the
    submission's own times and the documents printed from them agree; the wall
    clock when not given.
    """
    event = AuditEvent(
        **({} if at is None else {"at": at}),
        action=action,
        actor=actor,
        round_id=round_id,
        unit_id=unit_id,
        submission_id=submission_id,
        details=details,
    )
    session.add(event)
    return event
