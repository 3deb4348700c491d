"""The reply owed to a person and the message with live buttons get columns of their own.

They were keys of ``chat_states.data``; as columns, marking a reply delivered is one
UPDATE with no read first (it runs after every answering update).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owed_update_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("owed_by", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("owed_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("buttons_message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_states", schema=None) as batch_op:
        batch_op.drop_column("buttons_message_id")
        batch_op.drop_column("owed_since")
        batch_op.drop_column("owed_by")
        batch_op.drop_column("owed_update_id")
