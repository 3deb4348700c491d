"""The database schema: SQLAlchemy 2 typed models for everything in docs/design.md §2.

Constraints keep the data consistent whatever the code above does: one submission
per (round, unit), one answer per (submission, question), one ledger row per
(round, recipient, step), foreign keys everywhere. Times are stored timezone-aware
(UTC); the UI converts to Bangkok time.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from tidtam.core.vocabulary import Certify, Role, SubmissionState

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC, read back aware on every backend.

    SQLite keeps no zone, so values are normalised to UTC on the way in and marked
    UTC on the way out; PostgreSQL's ``timestamptz`` does the same by itself.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it from the class
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def _enum_check(name: str, column: str, values: type[enum.StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class Unit(Base):
    """A node of the organisation tree: province office, agency, school."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    district: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Member(Base):
    """A Telegram user bound to a unit with a role."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("telegram_user_id", "unit_id", "role"),
        _enum_check("role", "role", Role),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_since: Mapped[datetime | None]
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class Invite(Base):
    """A one-time code for (unit, role); only the code's hash is stored."""

    __tablename__ = "invites"
    __table_args__ = (_enum_check("role", "role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class InviteAttempt(Base):
    """A wrong invite code typed by a Telegram user (for rate limiting)."""

    __tablename__ = "invite_attempts"
    __table_args__ = (Index("ix_invite_attempts_user_at", "telegram_user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class FormVersion(Base):
    """An immutable, loaded version of a questionnaire."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Round(Base):
    """A reporting round: a pinned form version, a period, dates, targets, policy."""

    __tablename__ = "rounds"
    __table_args__ = (
        _enum_check("certify", "certify", Certify),
        CheckConstraint("deadline > opens_at", name="deadline_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_version_id: Mapped[int] = mapped_column(
        ForeignKey("form_versions.id", ondelete="RESTRICT"), index=True
    )
    period: Mapped[str] = mapped_column(String(16))
    opens_at: Mapped[datetime]
    deadline: Mapped[datetime]
    kinds: Mapped[list[Any] | None]
    certify: Mapped[str] = mapped_column(String(16), default=Certify.HEAD.value)
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    closed_at: Mapped[datetime | None]
    # How many times the deadline was extended, and when last: reminders already sent
    # stay sent, steps that fell before the extension give way to its one notice.
    extensions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    form_version: Mapped[FormVersion] = relationship()


class Submission(Base):
    """One unit's report in one round."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("round_id", "unit_id"),
        _enum_check("state", "state", SubmissionState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=SubmissionState.NOT_STARTED.value)
    submitted_at: Mapped[datetime | None]
    certified_at: Mapped[datetime | None]
    returned_reason: Mapped[str | None] = mapped_column(Text)
    flagged: Mapped[list[Any] | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    unit: Mapped[Unit] = relationship()


class SubmissionPdf(Base):
    """The newest PDF made of a submission (sent on submit or certification, or asked).

    ``fingerprint`` is :func:`reports.submission_doc.fingerprint` of what it prints:
    while the submission prints the same, the kept file is its PDF and need not be
    drawn again (``/pdf``, ``tidtam export --pdf``). The bytes are in the file store.
    """

    __tablename__ = "submission_pdfs"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)


class Answer(Base):
    """One question's answer in a submission; saved the moment it is given."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(255))
    value: Mapped[dict[str, Any]]
    answered_by: Mapped[int | None] = mapped_column(BigInteger)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    """A file uploaded for a question; the stored copy is named by its hash."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_submission_question", "submission_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(255))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(127))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    telegram_file_id: Mapped[str | None] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what, when: every change of a submission and every admin action.

    Append-only: the ids it names are plain numbers, not foreign keys, so removing a
    round, a unit or a submission never deletes (or rewrites) its history.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    round_id: Mapped[int | None] = mapped_column(Integer, index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    submission_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReminderLedger(Base):
    """One row per reminder step sent, so none is sent twice or skipped."""

    __tablename__ = "reminder_ledger"
    __table_args__ = (UniqueConstraint("round_id", "recipient", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ChatState(Base):
    """Where a person is in the conversation: the only conversation state there is."""

    __tablename__ = "chat_states"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL")
    )
    mode: Mapped[str] = mapped_column(String(32), default="idle")
    question_id: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The newest Telegram update handled for this person, in the same transaction as its
    # effects: an update delivered again after a crash is recognised and not applied twice.
    last_update_id: Mapped[int | None] = mapped_column(BigInteger)
    # The update whose reply is not yet known to be delivered, which process owes it and
    # since when: a later update (or the same one delivered again) learns of a crash.
    owed_update_id: Mapped[int | None] = mapped_column(BigInteger)
    owed_by: Mapped[str | None] = mapped_column(String(16))
    owed_since: Mapped[datetime | None]
    # The newest message to the person that carries buttons (/cancel takes them away).
    buttons_message_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GroupLink(Base):
    """A Telegram group linked to a unit (the province group for the root)."""

    __tablename__ = "group_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255), default="")
    linked_by: Mapped[int | None] = mapped_column(BigInteger)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Target(Base):
    """A unit's target (ค่าเป้าหมาย) for a number question of a form, in a period.

    From ``tidtam targets import``; the province's own target may also come from the
    form file (``target:``), which a row for the root unit overrides. ``value`` is the
    decimal as text, exact on every database.
    """

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("form_code", "question_id", "period", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_code: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
