"""What happens off stage: the same storage calls the bot makes, without Telegram.

A province of three hundred units answering some forty questions each is over ten
thousand messages; the bot on a small machine handles a few dozen a second. To fit
the demo in two minutes:

- a sitting played through the bot may store its earlier answers with
  :func:`store_answers` (the ``save_answer`` the bot calls: submission created on
  first use, state moved to in progress, audit log, the person as the one who
  answered) and give its last answers through the bot, which continues from the
  first unanswered question as after any break;
- units off stage (``UnitPlan.on_stage`` false) are recorded entirely here:
  :func:`register` (``redeem_invite``), :func:`store_answers`, :func:`submit`,
  :func:`certify` / :func:`give_back` (``storage.certification``), as the bot's
  handlers would. Their people still exist in the stand-in, so reminders and
  escalations reach them (or find them blocked) through the bot like everyone's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.answers import encode
from storage.certification import approve, return_for_correction
from storage.db import transaction
from storage.members import redeem_invite
from storage.submissions import change_state, save_answer, submission_for
from tidtam.core.vocabulary import SubmissionState
from tidtam.demo.answers import Intended

__all__ = ["certify", "give_back", "register", "store_answers", "submit"]

Sessions = async_sessionmaker[AsyncSession]


async def register(
    sessions: Sessions, *, telegram_user_id: int, code: str, name: str, language: str,
    now: datetime,
) -> None:  # fmt: skip
    """Redeem an invite code for the person, as ``/start CODE`` does."""
    async with transaction(sessions) as session:
        await redeem_invite(
            session, telegram_user_id, code, display_name=name, language=language, now=now
        )


async def store_answers(
    sessions: Sessions,
    *,
    round_id: int,
    unit_id: int,
    answers: Sequence[Intended],
    actor: int,
    now: datetime,
) -> None:
    """Store ``answers`` for the unit in one transaction, as answered by ``actor``."""
    async with transaction(sessions) as session:
        submission = await submission_for(session, round_id, unit_id)
        for intended in answers:
            if intended.upload:
                raise ValueError(f"{intended.question.id}: a file is answered through the bot")
            await save_answer(
                session,
                submission,
                intended.question.id,
                encode(intended.question, intended.answer),
                actor=actor,
                now=now,
            )


async def submit(
    sessions: Sessions, *, round_id: int, unit_id: int, actor: int, now: datetime
) -> None:
    """Submit the unit's report (every answer is stored)."""
    async with transaction(sessions) as session:
        submission = await submission_for(session, round_id, unit_id)
        await change_state(session, submission, SubmissionState.SUBMITTED, actor=actor, now=now)


async def certify(
    sessions: Sessions, *, round_id: int, unit_id: int, actor: int, now: datetime
) -> None:
    """The head certifies the unit's submission."""
    async with transaction(sessions) as session:
        submission = await submission_for(session, round_id, unit_id)
        await approve(session, submission, actor=actor, now=now)


async def give_back(
    sessions: Sessions, *, round_id: int, unit_id: int, reason: str, actor: int, now: datetime
) -> None:
    """The head returns the unit's submission with ``reason``."""
    async with transaction(sessions) as session:
        submission = await submission_for(session, round_id, unit_id)
        await return_for_correction(
            session, submission, reason=reason, flagged=[], actor=actor, now=now
        )
