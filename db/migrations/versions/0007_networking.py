"""networking: interest profiles, the do-not-match list, match requests, speed-networking
rounds and their seats, and the "did you meet X?" answers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "do_not_match",
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_do_not_match_ordered")),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["participants.id"],
            name=op.f("fk_do_not_match_first_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["participants.id"],
            name=op.f("fk_do_not_match_second_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("first_id", "second_id", name=op.f("pk_do_not_match")),
    )
    with op.batch_alter_table("do_not_match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_do_not_match_second_id"), ["second_id"], unique=False)

    op.create_table(
        "interest_profiles",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("seeks", sa.JSON(), nullable=False),
        sa.Column("offer_text", sa.String(length=1000), nullable=False),
        sa.Column("seek_text", sa.String(length=1000), nullable=False),
        sa.Column("offer_text_themes", sa.JSON(), nullable=False),
        sa.Column("seek_text_themes", sa.JSON(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=True),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scope IS NULL OR scope IN ('national', 'international', 'both')",
            name=op.f("ck_interest_profiles_scope"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_interest_profiles_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_interest_profiles_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "participant_id", name=op.f("pk_interest_profiles")),
    )
    with op.batch_alter_table("interest_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interest_profiles_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "match_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("requested_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_match_requests_status"),
        ),
        sa.CheckConstraint(
            "requester_id <> requested_id", name=op.f("ck_match_requests_two_people")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_match_requests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_id"],
            ["participants.id"],
            name=op.f("fk_match_requests_requested_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["participants.id"],
            name=op.f("fk_match_requests_requester_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_requests")),
        sa.UniqueConstraint(
            "event_id", "requester_id", "requested_id", name=op.f("uq_match_requests_event_id")
        ),
    )
    with op.batch_alter_table("match_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_requests_requested_id"), ["requested_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_requests_requester_id"), ["requester_id"], unique=False
        )

    op.create_table(
        "meeting_reports",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_reports_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["participants.id"],
            name=op.f("fk_meeting_reports_other_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_meeting_reports_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "event_id", "participant_id", "other_id", name=op.f("pk_meeting_reports")
        ),
    )
    with op.batch_alter_table("meeting_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_reports_other_id"), ["other_id"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("mode IN ('pairs', 'tables')", name=op.f("ck_rounds_mode")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_rounds_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["started_by"],
            ["participants.id"],
            name=op.f("fk_rounds_started_by_participants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("event_id", "number", name=op.f("uq_rounds_event_id")),
    )
    op.create_table(
        "round_seats",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("table_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_round_seats_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_seats_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "participant_id", name=op.f("pk_round_seats")),
    )
    with op.batch_alter_table("round_seats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_seats_participant_id"), ["participant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("round_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_seats_participant_id"))

    op.drop_table("round_seats")
    op.drop_table("rounds")
    with op.batch_alter_table("meeting_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_reports_other_id"))

    op.drop_table("meeting_reports")
    with op.batch_alter_table("match_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_match_requests_requested_id"))

    op.drop_table("match_requests")
    with op.batch_alter_table("interest_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_profiles_participant_id"))

    op.drop_table("interest_profiles")
    with op.batch_alter_table("do_not_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_do_not_match_second_id"))

    op.drop_table("do_not_match")
