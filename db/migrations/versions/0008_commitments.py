"""commitments: the actions focal points commit to, their partners, their history and
their scheduled follow-ups

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("blocked_reason", sa.String(length=500), nullable=True),
        sa.Column("needs_help_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'blocked', 'dropped', 'withdrawn')",
            name=op.f("ck_commitments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_commitments_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_commitments_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index("ix_commitments_event_status", ["event_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitments_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "commitment_partners",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("collectivity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collectivity_id"],
            ["collectivities.id"],
            name=op.f("fk_commitment_partners_collectivity_id_collectivities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_partners_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "commitment_id", "collectivity_id", name=op.f("pk_commitment_partners")
        ),
    )
    with op.batch_alter_table("commitment_partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_partners_collectivity_id"), ["collectivity_id"], unique=False
        )

    op.create_table(
        "commitment_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "source IN ('created', 'edited', 'followup', 'chat', 'withdrawn')",
            name=op.f("ck_commitment_updates_source"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_updates_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_updates")),
    )
    with op.batch_alter_table("commitment_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_updates_commitment_id"), ["commitment_id"], unique=False
        )

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'answered', 'cancelled')",
            name=op.f("ck_follow_ups_status"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_follow_ups_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("commitment_id", "sequence", name=op.f("uq_follow_ups_commitment_id")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ups_due", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_due")

    op.drop_table("follow_ups")
    with op.batch_alter_table("commitment_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_updates_commitment_id"))

    op.drop_table("commitment_updates")
    with op.batch_alter_table("commitment_partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_partners_collectivity_id"))

    op.drop_table("commitment_partners")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_participant_id"))
        batch_op.drop_index("ix_commitments_event_status")

    op.drop_table("commitments")
