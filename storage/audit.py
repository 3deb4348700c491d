"""The audit log: who did what, when."""

from __future__ import annotations

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
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session's transaction."""
    event = AuditEvent(
        action=action,
        actor=actor,
        round_id=round_id,
        unit_id=unit_id,
        submission_id=submission_id,
        details=details,
    )
    session.add(event)
    return event
