"""Rounds that continue: a new round's units start from their answers of an earlier one.

A round opened with ``--prefill-from`` records the earlier round in its policy
(:data:`tidtam.core.round_policy.PREFILL_FROM`); nothing is copied then, so a national
round opens at once. When a unit first opens its report in the new round,
:func:`carry_unit` copies the unit's answers of the earlier round into its new
submission in one ``INSERT ... SELECT`` (no answer passes through Python), each copy
marked ``"prefilled": true`` in its stored JSON. Such an answer counts only once the
unit confirms it ("ยังเป็นเหมือนเดิม") or replaces it
(:func:`flows.answers.is_answered`); reports leave it out until then, exactly as they
leave out a unit that has not opened its report yet. Copying at first use also takes
the unit's latest answers of the earlier round (a report returned and corrected after
the new round opened is carried as corrected).

Not carried: file answers (the files belong to the earlier report; this period's
photos are new), ``cumulative`` numbers (a figure for the period alone) and
``calc`` values (computed again from the confirmed answers). A repeat group's items
are carried with their ids, so a project keeps its activities.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, ColumnElement, Text, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.form import Form, Question, QuestionType
from storage import audit
from storage.answer_keys import keys_of
from storage.models import Answer, Round, Submission, Unit
from storage.upsert import insert_statement

__all__ = ["Prefilled", "carried_counts", "carry_unit", "left_out"]


@dataclass(frozen=True, slots=True)
class Prefilled:
    """What a round continues from: units with answers to carry, and those answers."""

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


async def carried_counts(
    session: AsyncSession, new_round: Round, source: Round, form: Form
) -> Prefilled:
    """How many target units of ``new_round`` have answers in ``source`` to carry, and
    how many answers (what :func:`carry_unit` will copy, unit by unit)."""
    units = (
        select(Submission.id)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.round_id == source.id)
    )
    if new_round.kinds:
        units = units.where(Unit.kind.in_(list(new_round.kinds)))
    counted = (
        select(func.count())
        .select_from(Answer)
        .where(Answer.submission_id.in_(units.scalar_subquery()))
    )
    excluded = keys_of(form, left_out)
    if excluded is not None:
        counted = counted.where(~excluded)
    submissions = await session.scalar(select(func.count()).select_from(units.subquery()))
    answers = await session.scalar(counted)
    return Prefilled(int(submissions or 0), int(answers or 0))


async def carry_unit(
    session: AsyncSession, submission: Submission, source_round_id: int, form: Form
) -> bool:
    """Copy the unit's answers of round ``source_round_id`` into ``submission`` (its new,
    still empty one), marked prefilled; False if it already has answers (another
    member opened it first) or had nothing to carry. Safe under races: a copy that
    meets one already made adds nothing."""
    present = await session.scalar(
        select(Answer.id).where(Answer.submission_id == submission.id).limit(1)
    )
    if present is not None:
        return False
    dialect = session.get_bind().dialect.name
    old = Submission.__table__.alias("old")
    carried = (
        select(
            literal(submission.id),
            Answer.question_id,
            _marked(dialect),
            Answer.answered_by,
            Answer.answered_at,
        )
        .select_from(Answer.__table__.join(old, old.c.id == Answer.submission_id))
        .where(old.c.round_id == source_round_id, old.c.unit_id == submission.unit_id)
    )
    excluded = keys_of(form, left_out)
    if excluded is not None:
        carried = carried.where(~excluded)
    columns = ["submission_id", "question_id", "value", "answered_by", "answered_at"]
    statement = insert_statement(session, Answer).from_select(columns, carried)
    await session.execute(
        statement.on_conflict_do_nothing(index_elements=["submission_id", "question_id"])
    )
    copied = await session.scalar(
        select(Answer.id).where(Answer.submission_id == submission.id).limit(1)
    )
    if copied is None:
        return False
    audit.record(
        session,
        "answers.carried",
        round_id=submission.round_id,
        unit_id=submission.unit_id,
        submission_id=submission.id,
        source_round=source_round_id,
    )
    return True
