"""The demo's proof that the real bot stored every answer: counted from the database.

Every answer the bot stores writes an audit row (``answer.save``) naming the person
who gave it. An answer counts as given through the bot when its author is a simulated
person who sent the bot messages through the fake Telegram and an audit row by that
person records it; anything else would have been stored another way.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.answer_writes import ACTION
from storage.models import Answer, AuditEvent, Submission

__all__ = ["answers_through_bot"]


async def answers_through_bot(
    session: AsyncSession, round_id: int, senders: Collection[int]
) -> tuple[int, int]:
    """Answers of the round stored through the bot by one of ``senders``, and all of them."""
    of_round = Answer.submission_id.in_(
        select(Submission.id).where(Submission.round_id == round_id)
    )
    audited = exists().where(
        and_(
            AuditEvent.submission_id == Answer.submission_id,
            AuditEvent.action == ACTION,
            AuditEvent.actor == Answer.answered_by,
        )
    )
    total = await session.scalar(select(func.count()).select_from(Answer).where(of_round))
    by_bot = await session.scalar(
        select(func.count())
        .select_from(Answer)
        .where(of_round, Answer.answered_by.in_(list(senders)), audited)
    )
    return int(by_bot or 0), int(total or 0)
