"""Storage -> plain data: the documents of a round's submissions, without pandas.

The snapshot of a whole round (:mod:`reports.snapshot`) comes as pandas frames;
a submission's document needs none of that. The bot reads one on every submission and
certification, to send the unit its PDF: from here it does so without loading pandas
and numpy into the bot's process (40 MB), without parsing the form again (the parsed
form of :func:`storage.forms.cached_form`) and without the round's stored form
definition, finding the agency and province only of the units asked for.

With :mod:`reports.snapshot`, the only modules of ``reports`` that read the database:
each table once, in bulk, never one query per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.answers import AnswerError, AnswerValue, decode
from reports.errors import UnknownRound
from reports.submission_data import DOCUMENT_STATES, SubmissionFacts, build_doc, unit_facts
from reports.submission_doc import SubmissionDoc
from storage.forms import cached_form
from storage.models import Answer, Attachment, AuditEvent, Member, Round, Submission, Unit

__all__ = ["load_submission_docs"]


async def load_submission_docs(
    session: AsyncSession,
    round_id: int,
    *,
    unit_ids: Sequence[int] | None = None,
    tz: tzinfo,
    now: datetime,
) -> list[SubmissionDoc]:
    """The documents of the round's submissions, ordered by unit code.

    ``unit_ids``: those units' submissions (a unit without one is left out); ``None``:
    every submitted or certified one. Raises :class:`~reports.errors.UnknownRound`.
    """
    round_ = (
        await session.execute(
            select(Round.form_version_id, Round.period).where(Round.id == round_id)
        )
    ).first()
    if round_ is None:
        raise UnknownRound(round_id)
    form = await cached_form(session, round_.form_version_id)
    chosen = Submission.round_id == round_id
    if unit_ids is None:
        chosen = chosen & Submission.state.in_(DOCUMENT_STATES)
    else:
        chosen = chosen & Submission.unit_id.in_(list(unit_ids))
    submissions = (
        await session.execute(
            select(Submission.id, Submission.unit_id, Submission.state).where(chosen)
        )
    ).all()
    if not submissions:
        return []
    ids = select(Submission.id).where(chosen).scalar_subquery()
    units = unit_facts(
        (
            await session.execute(select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id))
        ).all(),
        wanted={int(unit_id) for _, unit_id, _ in submissions},
    )
    answers: dict[int, dict[str, Any]] = {}
    last: dict[int, tuple[int | None, datetime]] = {}
    for sid, qid, value, by, at in (
        await session.execute(
            select(
                Answer.submission_id,
                Answer.question_id,
                Answer.value,
                Answer.answered_by,
                Answer.answered_at,
            ).where(Answer.submission_id.in_(ids))
        )
    ).all():
        answers.setdefault(sid, {})[qid] = value
        if sid not in last or at > last[sid][1]:
            last[sid] = (by, at)
    files = {
        int(aid): (int(size), str(sha))
        for aid, size, sha in (
            await session.execute(
                select(Attachment.id, Attachment.size, Attachment.sha256).where(
                    Attachment.submission_id.in_(ids)
                )
            )
        ).all()
    }
    events: dict[int, dict[str, tuple[int | None, datetime, str | None]]] = {}
    for sid, actor, at, details in (
        await session.execute(
            select(AuditEvent.submission_id, AuditEvent.actor, AuditEvent.at, AuditEvent.details)
            .where(AuditEvent.action == "submission.state", AuditEvent.submission_id.in_(ids))
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    ).all():
        after = str((details or {}).get("after", ""))
        reason = (details or {}).get("reason")
        events.setdefault(sid, {})[after] = (actor, at, None if reason is None else str(reason))
    actors = {by for by, _ in last.values() if by is not None} | {
        e[0] for per in events.values() for e in per.values() if e[0] is not None
    }
    names: dict[int, str] = {}
    if actors:
        for user_id, name in (
            await session.execute(
                select(Member.telegram_user_id, Member.display_name)
                .where(Member.telegram_user_id.in_(sorted(actors)))
                .order_by(Member.id)
            )
        ).all():
            if name and int(user_id) not in names:
                names[int(user_id)] = str(name)

    def who(user_id: int | None) -> str:
        return "" if user_id is None else names.get(int(user_id), "ไม่ระบุชื่อ")

    docs: list[SubmissionDoc] = []
    for sid, unit_id, state in submissions:
        decoded: dict[str, AnswerValue] = {}
        for qid, value in answers.get(sid, {}).items():
            if qid in form:
                try:
                    decoded[qid] = decode(form.question(qid), value)
                except AnswerError:
                    continue  # unreadable stored data counts as no answer
        by_at = last.get(sid)
        facts = SubmissionFacts(
            unit=units[int(unit_id)],
            state=str(state),
            answers=decoded,
            files=files,
            last_answer=None if by_at is None else (who(by_at[0]), by_at[1]),
            events={
                after: (who(actor), at, reason)
                for after, (actor, at, reason) in events.get(sid, {}).items()
            },
        )
        docs.append(build_doc(form, round_.period, facts, tz=tz, now=now))
    docs.sort(key=lambda d: d.unit_code)
    return docs
