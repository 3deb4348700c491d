"""Writing one answer: the answer itself, the submission's last change, the audit row.

This runs on every answer a person gives, so it is written for the client's CPU, which
is what limits the bot (``bench/bench_answering.py``; docs/benchmarks.md "Answering"):

- PostgreSQL: one statement. The upsert of the answer and the update of
  ``submissions.updated_at`` are data-modifying CTEs of the audit INSERT; PostgreSQL
  runs each of them exactly once, whether or not the INSERT reads them.
- SQLite (no data-modifying CTEs): the same three writes as three statements.

The statements are built once, as Core statements with bound parameters, and run on
the session's connection: no ORM objects, no unit-of-work flush. The parameters are
named unlike any column: an INSERT or UPDATE would take a parameter named after a
column of its table as one more column to write.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Answer, AuditEvent, Submission

ACTION = "answer.save"

_answers = cast(Table, Answer.__table__)
_submissions = cast(Table, Submission.__table__)
_audit = cast(Table, AuditEvent.__table__)


def _answer_upsert(dialect: Any) -> Any:
    statement = dialect.insert(_answers).values(
        submission_id=bindparam("sid"),
        question_id=bindparam("qid"),
        value=bindparam("answer"),
        answered_by=bindparam("by"),
        answered_at=bindparam("moment"),
    )
    return statement.on_conflict_do_update(
        index_elements=["submission_id", "question_id"],
        set_={
            "value": statement.excluded.value,
            "answered_by": statement.excluded.answered_by,
            "answered_at": statement.excluded.answered_at,
        },
    )


def _touch() -> Any:
    return (
        update(_submissions)
        .where(_submissions.c.id == bindparam("sid"))
        .values(updated_at=bindparam("moment"))
    )


def _audit_insert(dialect: Any) -> Any:
    return dialect.insert(_audit).values(
        at=bindparam("moment"),
        action=ACTION,
        actor=bindparam("by"),
        round_id=bindparam("rid"),
        unit_id=bindparam("uid"),
        submission_id=bindparam("sid"),
        details=bindparam("audited"),
    )


@cache
def statements(dialect_name: str) -> tuple[Executable, ...]:
    """The statements that write one answer on this database, in order."""
    if dialect_name == "postgresql":
        saved = _answer_upsert(postgresql).returning(_answers.c.id).cte("saved")
        touched = _touch().returning(_submissions.c.id).cte("touched")
        return (_audit_insert(postgresql).add_cte(saved, touched),)
    if dialect_name == "sqlite":
        return (_answer_upsert(sqlite), _touch(), _audit_insert(sqlite))
    raise NotImplementedError(f"no answer writes for {dialect_name}")


async def write_answer(
    connection: AsyncConnection,
    *,
    submission_id: int,
    round_id: int,
    unit_id: int,
    question_id: str,
    value: dict[str, Any],
    actor: int | None,
    now: datetime,
) -> None:
    """Store the answer (the later write wins), touch the submission, audit both."""
    parameters = {
        "sid": submission_id,
        "rid": round_id,
        "uid": unit_id,
        "qid": question_id,
        "answer": value,
        "by": actor,
        "moment": now,
        "audited": {"question": question_id, "value": value},
    }
    for statement in statements(connection.dialect.name):
        await connection.execute(statement, parameters)
