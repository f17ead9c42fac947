"""whatsapp: the 24-hour window of each account, rows held behind a template, and the
delivery and read receipts of sent messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending', 'sent', 'blocked', 'failed', 'skipped')"
NEW_STATUSES = "status IN ('pending', 'held', 'sent', 'blocked', 'failed', 'skipped')"


def upgrade() -> None:
    with op.batch_alter_table("channel_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_inbound_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True)))
        batch_op.alter_column(
            "platform_message_id",
            existing_type=sa.String(length=64),
            type_=sa.String(length=128),
            existing_nullable=True,
        )
        batch_op.drop_constraint(batch_op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_outbox_status"), NEW_STATUSES)
        batch_op.create_index(
            batch_op.f("ix_outbox_platform_message_id"), ["platform_message_id"], unique=False
        )


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'pending' WHERE status = 'held'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_platform_message_id"))
        batch_op.drop_constraint(batch_op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_outbox_status"), OLD_STATUSES)
        batch_op.alter_column(
            "platform_message_id",
            existing_type=sa.String(length=128),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
        batch_op.drop_column("read_at")
        batch_op.drop_column("delivered_at")
    with op.batch_alter_table("channel_accounts", schema=None) as batch_op:
        batch_op.drop_column("last_inbound_at")
