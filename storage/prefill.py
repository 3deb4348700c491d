"""Rounds that continue: a new round's units start from their answers of an earlier one.

:func:`prefill_round` copies, in two ``INSERT ... SELECT`` statements (no answer
passes through Python, so a national round of millions of answers copies in
seconds), each target unit's answers of the source round into a new submission of
the new round, every copy marked ``"prefilled": true`` in its stored JSON. Such an
answer counts only once the unit confirms it ("ยังเป็นเหมือนเดิม") or replaces it
(:func:`flows.answers.is_answered`); reports leave it out until then.

Not carried: file answers (the files belong to the earlier report; this period's
photos are new), ``cumulative`` numbers (a figure for the period alone) and
``calc`` values (computed again from the confirmed answers). A repeat group's items
are carried with their ids, so a project keeps its activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, ColumnElement, Text, and_, cast, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.form import Form, Question, QuestionType
from storage import audit
from storage.answer_keys import keys_of
from storage.models import Answer, Round, Submission, Unit
from tidtam.core.vocabulary import SubmissionState

__all__ = ["Prefilled", "left_out", "prefill_round"]


@dataclass(frozen=True, slots=True)
class Prefilled:
    """What a prefill copied: submissions started and answers carried."""

    submissions: int
    answers: int


def left_out(question: Question) -> bool:
    """Whether a question's answers are not carried (module docstring)."""
    return question.type is QuestionType.FILE or question.cumulative or question.calc is not None


def _marked(dialect: str) -> ColumnElement[object]:
    """The stored answer with ``"prefilled": true`` added, in the database's JSON.

    On PostgreSQL by text: a stored answer is always a JSON object written by
    :func:`flows.answers.encode`, so the key goes before its closing brace; three
    times cheaper than going through ``jsonb`` for millions of answers."""
    if dialect == "postgresql":
        text = func.left(cast(Answer.value, Text), -1).op("||")(literal(', "prefilled": true}'))
        return cast(text, JSON)
    return func.json_set(Answer.value, "$.prefilled", func.json("true"))


async def prefill_round(
    session: AsyncSession,
    new_round: Round,
    source: Round,
    form: Form,
    *,
    now: datetime,
    actor: int | None = None,
) -> Prefilled:
    """Start ``new_round``'s target units from their answers in ``source`` (module
    docstring). The new round must have no submissions yet; ``form`` is its form."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    earlier = (
        select(Submission.unit_id)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.round_id == source.id)
    )
    if new_round.kinds:
        earlier = earlier.where(Unit.kind.in_(list(new_round.kinds)))
    await session.execute(
        insert(Submission).from_select(
            ["round_id", "unit_id", "state", "updated_at"],
            select(
                literal(new_round.id),
                earlier.subquery().c.unit_id,
                literal(SubmissionState.NOT_STARTED.value),
                literal(now, type_=Submission.updated_at.type),
            ),
        )
    )
    old = Submission.__table__.alias("old")
    new = Submission.__table__.alias("new")
    carried = (
        select(
            new.c.id, Answer.question_id, _marked(dialect), Answer.answered_by, Answer.answered_at
        )
        .select_from(
            Answer.__table__.join(old, old.c.id == Answer.submission_id).join(
                new, and_(new.c.unit_id == old.c.unit_id, new.c.round_id == new_round.id)
            )
        )
        .where(old.c.round_id == source.id)
    )
    excluded = keys_of(form, left_out)
    if excluded is not None:
        carried = carried.where(~excluded)
    await session.execute(
        insert(Answer).from_select(
            ["submission_id", "question_id", "value", "answered_by", "answered_at"], carried
        )
    )
    started = await session.scalar(
        select(func.count()).select_from(Submission).where(Submission.round_id == new_round.id)
    )
    copied = await session.scalar(
        select(func.count())
        .select_from(Answer)
        .join(Submission, Submission.id == Answer.submission_id)
        .where(Submission.round_id == new_round.id)
    )
    result = Prefilled(int(started or 0), int(copied or 0))
    audit.record(
        session,
        "rounds.prefill",
        actor=actor,
        round_id=new_round.id,
        source_round=source.id,
        submissions=result.submissions,
        answers=result.answers,
    )
    return result
