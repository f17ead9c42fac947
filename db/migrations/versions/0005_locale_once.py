"""the person's language is kept once, on the channel account, not also on the participant

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE channel_accounts SET locale = ("
        "SELECT participants.locale FROM participants "
        "WHERE participants.id = channel_accounts.participant_id) "
        "WHERE locale IS NULL AND participant_id IS NOT NULL"
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("locale")


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
    op.execute(
        "UPDATE participants SET locale = COALESCE(("
        "SELECT MIN(channel_accounts.locale) FROM channel_accounts "
        "WHERE channel_accounts.participant_id = participants.id), 'ar')"
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.alter_column("locale", existing_type=sa.String(length=8), nullable=False)
