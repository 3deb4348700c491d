"""Storage → plain data: everything a report needs about one round, as pandas frames.

This is the only module of ``reports`` that talks to the database. It reads each
table once, in bulk (never one query per unit), so that a national round (50,000
units, 3 million answers) loads in seconds:

* units: every unit (the tree is needed to find each unit's agency), then cut to
  the scope;
* submissions of the round;
* the number of members who answer for each unit (reporters and heads) and how
  many of them are reachable;
* answers of the round, streamed in partitions and kept as their JSON text (a
  decoded dict per answer would cost several times the memory); ``answers=False``
  leaves them out, which is all ``/status`` and ``/overdue`` need;
* attachments of the round.

A scope (``subtree_of``) is applied in SQL with a recursive CTE, the same on
SQLite and PostgreSQL.

The frames are described in :mod:`reports.round_snapshot`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import Any, TypeAlias

import pandas as pd
from sqlalchemy import Select, Text, case, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from flows.form import Form
from reports.errors import UnknownRound, UnknownUnit
from reports.round_snapshot import (
    ANSWER_COLUMNS,
    ATTACHMENT_COLUMNS,
    SUBMISSION_COLUMNS,
    UNIT_COLUMNS,
    RoundInfo,
    RoundSnapshot,
    add_tree_columns,
    subtree_ids,
    unit_parents,
)
from storage.answer_keys import keys_of
from storage.forms import form_of
from storage.members import answering_roles
from storage.models import (
    Answer,
    Attachment,
    FormVersion,
    Member,
    Round,
    Submission,
    Unit,
)
from storage.rounds import round_by_id
from tidtam.core.periods import PeriodError, parse_period
from tidtam.core.round_policy import expected_disbursement, target_met

__all__ = [
    "RoundInfo",
    "RoundSnapshot",
    "load_round_snapshot",
    "subtree_ids",
    "unit_parents",
]

AnySelect: TypeAlias = Select[*tuple[Any, ...]]

_PARTITION = 50_000

# ------------------------------------------------------------------ queries


def _scoped(query: AnySelect, unit_column: Any, subtree_of: int | None) -> AnySelect:
    if subtree_of is None:
        return query
    tree = select(Unit.id).where(Unit.id == subtree_of).cte("scope", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return query.where(unit_column.in_(select(tree.c.id)))


async def _asyncpg(session: AsyncSession) -> tuple[Any, Any] | None:
    """(the asyncpg connection, the dialect) when the session is on PostgreSQL via asyncpg."""
    connection = await session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "asyncpg":
        return None
    raw = (await connection.get_raw_connection()).driver_connection
    return raw, connection.dialect


def _sql(query: AnySelect, dialect: Any) -> str:
    """The query as text; it binds only integers and fixed strings, rendered as literals."""
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


async def _frame(session: AsyncSession, query: AnySelect, columns: Sequence[str]) -> pd.DataFrame:
    """Run ``query`` fetching rows in partitions; one list per column, then one frame.

    On PostgreSQL through asyncpg the rows are fetched with the driver's own cursor:
    SQLAlchemy's result rows cost several times more per row.
    """
    data: list[list[Any]] = [[] for _ in columns]

    def add(rows: Sequence[Sequence[Any]]) -> None:
        for k, store in enumerate(data):  # column by column: faster than zip(*rows)
            store.extend([row[k] for row in rows])

    native = await _asyncpg(session)
    if native is not None:
        raw, dialect = native
        cursor = await raw.cursor(_sql(query, dialect))
        while rows := await cursor.fetch(_PARTITION):
            add(rows)
    else:
        result = await session.stream(query.execution_options(yield_per=_PARTITION))
        async for partition in result.partitions():
            add(partition)
    return pd.DataFrame(dict(zip(columns, data, strict=True)), columns=list(columns))


async def _answers(session: AsyncSession, query: AnySelect) -> pd.DataFrame:
    """The answers frame. On PostgreSQL via asyncpg, through ``COPY ... TO STDOUT`` as
    CSV into a temporary file read back by pandas' C parser: for millions of rows that
    is several times faster than fetching records."""
    native = await _asyncpg(session)
    if native is None:
        frame = await _frame(session, query, ANSWER_COLUMNS)
    else:
        raw, dialect = native
        with tempfile.TemporaryFile() as spool:
            await raw.copy_from_query(_sql(query, dialect), output=spool, format="csv")
            empty = spool.tell() == 0
            spool.seek(0)
            types: dict[str, Any] = {"unit_id": "int64", "question_id": object, "value": object}
            frame = (
                pd.DataFrame({c: pd.Series([], dtype=types[c]) for c in ANSWER_COLUMNS})
                if empty
                else pd.read_csv(
                    spool,
                    header=None,
                    names=ANSWER_COLUMNS,
                    dtype=types,
                    keep_default_na=False,
                    na_values=[""],
                    encoding="utf-8",
                )
            )
    frame["unit_id"] = frame["unit_id"].astype("int64")
    frame["question_id"] = frame["question_id"].astype("category")
    return frame


async def _units(
    session: AsyncSession, kinds: Sequence[str] | None, subtree_of: int | None
) -> pd.DataFrame:
    units = await _frame(
        session,
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.district),
        ["id", "code", "name", "kind", "parent_id", "district"],
    )
    units["id"] = units["id"].astype("int64")
    units["parent_id"] = units["parent_id"].astype("Int64")
    units = add_tree_columns(units)
    if subtree_of is not None:
        if not (units["id"] == subtree_of).any():
            raise UnknownUnit(subtree_of)
        units = units[units["id"].isin(subtree_ids(units, subtree_of))]
    units["is_target"] = units["kind"].isin(list(kinds)) if kinds else True
    members = await _frame(
        session,
        select(
            Member.unit_id,
            func.count(Member.id),
            func.sum(case((Member.reachable.is_(True), 1), else_=0)),
        )
        .where(Member.role.in_(answering_roles()))
        .group_by(Member.unit_id),
        ["id", "registered", "reachable"],
    )
    units = units.merge(members, on="id", how="left")
    for column in ("registered", "reachable"):
        units[column] = units[column].fillna(0).astype("int64")
    units = units.sort_values(["agency_code", "depth", "code"], kind="stable")
    return units.reset_index(drop=True)[UNIT_COLUMNS]


async def load_round_snapshot(
    session: AsyncSession,
    round_id: int,
    *,
    subtree_of: int | None = None,
    answers: bool = True,
    now: datetime | None = None,
    only: Callable[[Form], Collection[str]] | None = None,
) -> RoundSnapshot:
    """Everything about round ``round_id`` for the units under ``subtree_of`` (all: None).

    ``answers=False`` leaves answers and attachments out (empty frames), which is
    enough for completion and status. ``only``: given the round's form, the ids of the
    questions whose answers to load (the rest left out: one indicator's figures need
    a small part of a national round's millions of answers). Raises
    :class:`UnknownRound` or :class:`UnknownUnit`.
    """
    round_ = await round_by_id(session, round_id)
    if round_ is None:
        raise UnknownRound(round_id)
    form = form_of(round_.form_version)
    wanted = None if only is None else sorted(only(form))
    info = RoundInfo(
        id=round_.id,
        form_code=round_.form_version.code,
        form_version=round_.form_version.version,
        period=round_.period,
        opens_at=round_.opens_at,
        deadline=round_.deadline,
        certify=round_.certify,
        kinds=tuple(round_.kinds) if round_.kinds else None,
        closed_at=round_.closed_at,
        met_percent=target_met(round_.policy),
        expected_disbursement=expected_disbursement(round_.policy),
    )
    units = await _units(session, info.kinds, subtree_of)
    in_round = Submission.round_id == round_id
    submissions = await _frame(
        session,
        _scoped(
            select(
                Submission.unit_id,
                Submission.id,
                Submission.state,
                Submission.submitted_at,
                Submission.certified_at,
                Submission.updated_at,
            ).where(in_round),
            Submission.unit_id,
            subtree_of,
        ),
        SUBMISSION_COLUMNS,
    )
    if answers:
        answer_frame = await _answers(
            session,
            _scoped(
                select(Submission.unit_id, Answer.question_id, cast(Answer.value, Text))
                .join(Submission, Answer.submission_id == Submission.id)
                .where(in_round)
                .where(Answer.question_id.in_(wanted) if wanted is not None else true()),
                Submission.unit_id,
                subtree_of,
            ),
        )
        attachments = await _frame(
            session,
            _scoped(
                select(
                    Attachment.id,
                    Submission.unit_id,
                    Attachment.question_id,
                    Attachment.original_name,
                    Attachment.size,
                    Attachment.mime_type,
                    Attachment.sha256,
                    Attachment.storage_key,
                    Attachment.uploaded_at,
                )
                .join(Submission, Attachment.submission_id == Submission.id)
                .where(in_round)
                .order_by(Attachment.id),
                Submission.unit_id,
                subtree_of,
            ),
            ATTACHMENT_COLUMNS,
        )
    else:
        answer_frame = pd.DataFrame({c: [] for c in ANSWER_COLUMNS})
        attachments = pd.DataFrame({c: [] for c in ATTACHMENT_COLUMNS})
    earlier = await _earlier(session, round_, form, subtree_of) if answers else None
    return RoundSnapshot(
        round=info,
        form=form,
        now=now or datetime.now(UTC),
        units=units,
        submissions=submissions,
        answers=answer_frame,
        attachments=attachments,
        scope_unit_id=subtree_of,
        answers_loaded=answers,
        **({} if earlier is None else {"earlier": earlier}),
    )


async def _earlier(
    session: AsyncSession, round_: Round, form: Form, subtree_of: int | None
) -> pd.DataFrame | None:
    """The answers of the ``cumulative`` questions in the earlier quarters of the same
    fiscal year, in rounds of the same form (None: not a quarter, or nothing cumulative)."""
    try:
        period = parse_period(round_.period)
    except PeriodError:
        return None
    cumulative = keys_of(form, lambda q: q.cumulative)
    if period.quarter is None or period.quarter == 1 or cumulative is None:
        return None
    earlier_periods = [f"{period.fiscal_year_be}-Q{q}" for q in range(1, period.quarter)]
    same_form = select(FormVersion.id).where(FormVersion.code == form.code)
    rounds = select(Round.id).where(
        Round.period.in_(earlier_periods), Round.form_version_id.in_(same_form)
    )
    return await _answers(
        session,
        _scoped(
            select(Submission.unit_id, Answer.question_id, cast(Answer.value, Text))
            .join(Submission, Answer.submission_id == Submission.id)
            .where(Submission.round_id.in_(rounds), cumulative),
            Submission.unit_id,
            subtree_of,
        ),
    )
