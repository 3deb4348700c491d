"""Rounds remember their deadline extensions; the audit log no longer cascades.

The audit log is append-only: its round, unit and submission ids become plain
numbers (no foreign keys), so deleting a round or a unit keeps its history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:59:31.843494
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_round_id"), ["round_id"], unique=False)
        batch_op.drop_constraint(batch_op.f("fk_audit_events_round_id_rounds"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_audit_events_unit_id_units"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_submission_id_submissions"), type_="foreignkey"
        )

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extensions", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("extended_at")
        batch_op.drop_column("extensions")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_submission_id_submissions"),
            "submissions",
            ["submission_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_unit_id_units"),
            "units",
            ["unit_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_round_id_rounds"),
            "rounds",
            ["round_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_index(batch_op.f("ix_audit_events_round_id"))
