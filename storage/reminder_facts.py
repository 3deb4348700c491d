"""Load what the reminder policy looks at (a :class:`reminders.policy.World`) and the ledger.

A handful of bulk queries per round, whatever the number of units: units, submissions,
answers of unfinished submissions, memberships, agencies, pending certifications.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows import walk
from flows.answers import AnswerValue, decode
from flows.form import Form
from reminders.policy import (
    AgencyFacts,
    LedgerKey,
    MemberFacts,
    PendingFacts,
    Policy,
    RoundFacts,
    UnitFacts,
    World,
)
from storage.forms import form_of
from storage.models import Answer, GroupLink, Member, ReminderLedger, Round, Submission, Unit
from storage.upsert import insert_ignore, insert_statement
from tidtam.core.vocabulary import Certify, Role, SubmissionState

SENDING, SENT, SUPERSEDED, UNREACHABLE = "sending", "sent", "superseded", "unreachable"


def _member(m: Member) -> MemberFacts:
    return MemberFacts(m.id, m.telegram_user_id, m.role, m.reachable, m.language)


def _missing(form: Form, kind: str, answers: dict[str, AnswerValue]) -> dict[int, int]:
    number = {s.id: i for i, s in enumerate(form.sections, start=1)}
    progress = walk.progress(form, kind, answers)
    return {number[s]: n for s, n in progress.missing_by_section.items()}


async def load_world(session: AsyncSession, round_: Round) -> World:
    """The round's world as the policy sees it, now."""
    form = form_of(round_.form_version)
    units_query = select(Unit)
    if round_.kinds:
        units_query = units_query.where(Unit.kind.in_(round_.kinds))
    targets = list((await session.scalars(units_query)).all())
    submissions = {
        s.unit_id: s
        for s in (
            await session.scalars(select(Submission).where(Submission.round_id == round_.id))
        ).all()
    }
    unfinished = [
        s.id
        for s in submissions.values()
        if s.state in (SubmissionState.IN_PROGRESS.value, SubmissionState.RETURNED.value)
    ]
    answers: dict[int, dict[str, AnswerValue]] = defaultdict(dict)
    if unfinished:
        rows = await session.execute(
            select(Answer.submission_id, Answer.question_id, Answer.value).where(
                Answer.submission_id.in_(unfinished)
            )
        )
        for submission_id, question_id, value in rows.all():
            if question_id in form:
                try:
                    answers[submission_id][question_id] = decode(form.question(question_id), value)
                except Exception:  # noqa: S112 - an unreadable old answer counts as missing
                    continue
    members_by_unit: dict[int, list[Member]] = defaultdict(list)
    for m in (await session.scalars(select(Member))).all():
        members_by_unit[m.unit_id].append(m)
    empty_missing: dict[str, dict[int, int]] = {}
    unit_facts = []
    for unit in targets:
        submission = submissions.get(unit.id)
        state = submission.state if submission else SubmissionState.NOT_STARTED.value
        if submission is not None and submission.id in answers:
            missing = _missing(form, unit.kind, answers[submission.id])
        elif state in (SubmissionState.SUBMITTED.value, SubmissionState.CERTIFIED.value):
            missing = {}
        else:
            if unit.kind not in empty_missing:
                empty_missing[unit.kind] = _missing(form, unit.kind, {})
            missing = empty_missing[unit.kind]
        unit_facts.append(
            UnitFacts(
                unit.id,
                unit.code,
                unit.name,
                unit.kind,
                unit.parent_id,
                state,
                missing,
                tuple(_member(m) for m in members_by_unit.get(unit.id, ())),
            )
        )
    parent_ids = {u.parent_id for u in targets if u.parent_id is not None}
    parents = (await session.scalars(select(Unit).where(Unit.id.in_(parent_ids)))).all()
    agencies = {
        p.id: AgencyFacts(
            p.id,
            p.code,
            p.name,
            tuple(_member(m) for m in members_by_unit.get(p.id, ()) if m.role == Role.SUPERVISOR),
        )
        for p in parents
    }
    officers = tuple(
        _member(m) for ms in members_by_unit.values() for m in ms if m.role == Role.OFFICER
    )
    by_id = {u.id: u for u in targets}
    pending = []
    for submission in submissions.values():
        if submission.state != SubmissionState.SUBMITTED.value or submission.submitted_at is None:
            continue
        target = by_id.get(submission.unit_id)
        if target is None:
            continue
        unit = target
        if round_.certify == Certify.HEAD:
            certifiers = [m for m in members_by_unit.get(unit.id, ()) if m.role == Role.HEAD]
        elif round_.certify == Certify.SUPERVISOR and unit.parent_id is not None:
            certifiers = [
                m for m in members_by_unit.get(unit.parent_id, ()) if m.role == Role.SUPERVISOR
            ]
        else:
            certifiers = []
        pending.append(
            PendingFacts(
                submission.id,
                unit.id,
                unit.name,
                submission.submitted_at,
                tuple(_member(m) for m in certifiers),
            )
        )
    groups = tuple((await session.scalars(select(GroupLink.chat_id))).all())
    return World(
        RoundFacts(
            round_.id,
            round_.period,
            round_.opens_at,
            round_.deadline,
            round_.closed_at,
            Policy.from_dict(round_.policy or {}),
            round_.extensions or 0,
            round_.extended_at,
        ),
        tuple(unit_facts),
        agencies,
        officers,
        tuple(pending),
        groups,
    )


async def ledger_keys(
    session: AsyncSession, round_id: int, stale_before: datetime
) -> set[LedgerKey]:
    """Keys already done or being sent; a claim older than ``stale_before`` is not counted."""
    rows = await session.execute(
        select(
            ReminderLedger.recipient,
            ReminderLedger.step,
            ReminderLedger.status,
            ReminderLedger.created_at,
        ).where(ReminderLedger.round_id == round_id)
    )
    return {
        (recipient, step)
        for recipient, step, status, created in rows.all()
        if status != SENDING or created >= stale_before
    }


async def claim_many(
    session: AsyncSession,
    round_id: int,
    keys: Sequence[LedgerKey],
    now: datetime,
    stale_before: datetime,
) -> set[LedgerKey]:
    """Take the right to send these keys: new ledger rows, or stale claims taken over.

    Returns the keys this caller now owns; the others are sent (or being sent) by
    someone else.
    """
    if not keys:
        return set()
    statement = (
        insert_statement(session, ReminderLedger)
        .values(
            [
                {
                    "round_id": round_id,
                    "recipient": r,
                    "step": s,
                    "status": SENDING,
                    "created_at": now,
                }
                for r, s in keys
            ]
        )
        .on_conflict_do_nothing(index_elements=["round_id", "recipient", "step"])
        .returning(ReminderLedger.recipient, ReminderLedger.step)
    )
    owned: set[LedgerKey] = {(r, s) for r, s in (await session.execute(statement)).all()}
    rest = [k for k in keys if k not in owned]
    if rest:
        stale = await session.execute(
            update(ReminderLedger)
            .where(
                ReminderLedger.round_id == round_id,
                tuple_(ReminderLedger.recipient, ReminderLedger.step).in_(rest),
                ReminderLedger.status == SENDING,
                ReminderLedger.created_at < stale_before,
            )
            .values(created_at=now)
            .returning(ReminderLedger.recipient, ReminderLedger.step)
        )
        owned |= {(r, s) for r, s in stale.all()}
    return owned


async def claim(
    session: AsyncSession, round_id: int, key: LedgerKey, now: datetime, stale_before: datetime
) -> bool:
    """:func:`claim_many` for one key."""
    return key in await claim_many(session, round_id, [key], now, stale_before)


async def finish(
    session: AsyncSession,
    round_id: int,
    keys: LedgerKey | Sequence[LedgerKey],
    status: str,
    now: datetime,
) -> None:
    """Mark claimed keys as ``status`` (sent, unreachable)."""
    many = [keys] if isinstance(keys, tuple) else list(keys)
    if not many:
        return
    await session.execute(
        update(ReminderLedger)
        .where(
            ReminderLedger.round_id == round_id,
            tuple_(ReminderLedger.recipient, ReminderLedger.step).in_(many),
        )
        .values(status=status, sent_at=now)
    )


async def release(
    session: AsyncSession, round_id: int, keys: LedgerKey | Sequence[LedgerKey]
) -> None:
    """Give claims back (the send failed for a passing reason): the next sweep retries."""
    many = [keys] if isinstance(keys, tuple) else list(keys)
    if not many:
        return
    await session.execute(
        delete(ReminderLedger).where(
            ReminderLedger.round_id == round_id,
            tuple_(ReminderLedger.recipient, ReminderLedger.step).in_(many),
            ReminderLedger.status == SENDING,
        )
    )


async def record_superseded(
    session: AsyncSession, round_id: int, keys: Iterable[LedgerKey], now: datetime
) -> None:
    for recipient, step in keys:
        await insert_ignore(
            session,
            ReminderLedger,
            {
                "round_id": round_id,
                "recipient": recipient,
                "step": step,
                "status": SUPERSEDED,
                "created_at": now,
                "sent_at": None,
            },
            keys=("round_id", "recipient", "step"),
        )


async def sweepable_rounds(session: AsyncSession, now: datetime) -> list[Round]:
    """Rounds that have opened and are not closed."""
    from sqlalchemy.orm import selectinload

    return list(
        (
            await session.scalars(
                select(Round)
                .options(selectinload(Round.form_version))
                .where(Round.opens_at <= now, Round.closed_at.is_(None))
                .order_by(Round.id)
            )
        ).all()
    )


async def move_group(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: keep its link under the new id."""
    await session.execute(
        update(GroupLink).where(GroupLink.chat_id == old_chat_id).values(chat_id=new_chat_id)
    )
