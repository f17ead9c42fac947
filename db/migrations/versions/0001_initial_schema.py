"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-01

The twelve regions of Morocco are reference data and are seeded here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

REGIONS = [
    ("01", "طنجة تطوان الحسيمة", "Tanger-Tétouan-Al Hoceïma"),
    ("02", "الشرق", "L'Oriental"),
    ("03", "فاس مكناس", "Fès-Meknès"),
    ("04", "الرباط سلا القنيطرة", "Rabat-Salé-Kénitra"),
    ("05", "بني ملال خنيفرة", "Béni Mellal-Khénifra"),
    ("06", "الدار البيضاء سطات", "Casablanca-Settat"),
    ("07", "مراكش آسفي", "Marrakech-Safi"),
    ("08", "درعة تافيلالت", "Drâa-Tafilalet"),
    ("09", "سوس ماسة", "Souss-Massa"),
    ("10", "كلميم واد نون", "Guelmim-Oued Noun"),
    ("11", "العيون الساقية الحمراء", "Laâyoune-Sakia El Hamra"),
    ("12", "الداخلة وادي الذهب", "Dakhla-Oued Ed-Dahab"),
]


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_ar", sa.String(length=200), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("place_ar", sa.String(length=200), nullable=False),
        sa.Column("place_fr", sa.String(length=200), nullable=False),
        sa.Column("place_en", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("code", name=op.f("uq_events_code")),
    )
    op.create_table(
        "inbound_updates",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("update_id", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "update_id", name=op.f("pk_inbound_updates")),
    )
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name_ar", sa.String(length=200), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    regions = sa.table("regions", sa.column("code"), sa.column("name_ar"), sa.column("name_fr"))
    op.bulk_insert(regions, [{"code": c, "name_ar": ar, "name_fr": fr} for c, ar, fr in REGIONS])
    op.create_table(
        "collectivities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_ar", sa.String(length=200), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("invite_code", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "kind IN ('region', 'province', 'commune')", name=op.f("ck_collectivities_kind")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_collectivities_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collectivities")),
        sa.UniqueConstraint("code", name=op.f("uq_collectivities_code")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_collectivities_invite_code")),
    )
    with op.batch_alter_table("collectivities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collectivities_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("collectivity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collectivity_id"],
            ["collectivities.id"],
            name=op.f("fk_participants_collectivity_id_collectivities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participants_collectivity_id"), ["collectivity_id"], unique=False
        )

    op.create_table(
        "channel_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_channel_accounts_participant_id_participants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_accounts")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_channel_accounts_channel")),
    )
    with op.batch_alter_table("channel_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_accounts_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "event_registrations",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_registrations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_event_registrations_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "participant_id", name=op.f("pk_event_registrations")),
    )
    op.create_table(
        "dialogue_states",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["channel_accounts.id"],
            name=op.f("fk_dialogue_states_account_id_channel_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_dialogue_states")),
    )


def downgrade() -> None:
    op.drop_table("dialogue_states")
    op.drop_table("event_registrations")
    with op.batch_alter_table("channel_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_accounts_participant_id"))

    op.drop_table("channel_accounts")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_collectivity_id"))

    op.drop_table("participants")
    with op.batch_alter_table("collectivities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collectivities_region_code"))

    op.drop_table("collectivities")
    op.drop_table("regions")
    op.drop_table("inbound_updates")
    op.drop_table("events")
