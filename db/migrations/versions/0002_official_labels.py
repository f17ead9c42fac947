"""official labels, aliases, parent collectivity, kind prefecture

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Existing rows get their labels from a frozen copy of the derivation in
bot/collectivity_labels.py, so that later changes to that module never rewrite
what this migration did.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('region', 'province', 'commune')"
NEW_KINDS = "kind IN ('region', 'prefecture', 'province', 'commune')"

# Frozen copy of domain.collectivity_labels as of this revision.
_KIND_WORDS_FR = {
    "region": "Région",
    "prefecture": "Préfecture",
    "province": "Province",
    "commune": "Commune",
}
_KIND_WORDS_AR = {"region": "جهة", "prefecture": "عمالة", "province": "إقليم", "commune": "جماعة"}


def _of(name: str) -> str:
    lowered = name.casefold()
    for apostrophe in ("'", "’"):
        if lowered.startswith("l" + apostrophe):
            return "de l" + apostrophe + name[2:]
    for article, contracted in (("le ", "du "), ("les ", "des "), ("la ", "de la ")):
        if lowered.startswith(article):
            return contracted + name[len(article) :]
    if name and unicodedata.normalize("NFD", name[0].casefold())[0] in "aeiou":
        return "d'" + name
    return "de " + name


def derive_labels(kind: str, name_ar: str, name_fr: str) -> tuple[str, str]:
    return (
        f"{_KIND_WORDS_AR[kind]} {name_ar.strip()}",
        f"{_KIND_WORDS_FR[kind]} {_of(name_fr.strip())}",
    )


def upgrade() -> None:
    with op.batch_alter_table("collectivities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_ar", sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column("label_fr", sa.String(length=250), nullable=True))
        batch_op.add_column(
            sa.Column("aliases", sa.String(length=1000), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_collectivities_parent_id"), ["parent_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_collectivities_parent_id_collectivities"),
            "collectivities",
            ["parent_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_collectivities_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_collectivities_kind"), NEW_KINDS)

    collectivities = sa.table(
        "collectivities",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("name_ar", sa.String),
        sa.column("name_fr", sa.String),
        sa.column("label_ar", sa.String),
        sa.column("label_fr", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            collectivities.c.id,
            collectivities.c.kind,
            collectivities.c.name_ar,
            collectivities.c.name_fr,
        )
    ).all()
    for id_, kind, name_ar, name_fr in rows:
        ar, fr = derive_labels(kind, name_ar, name_fr)
        connection.execute(
            collectivities.update()
            .where(collectivities.c.id == id_)
            .values(label_ar=ar, label_fr=fr)
        )

    with op.batch_alter_table("collectivities", schema=None) as batch_op:
        batch_op.alter_column("label_ar", existing_type=sa.String(length=250), nullable=False)
        batch_op.alter_column("label_fr", existing_type=sa.String(length=250), nullable=False)
        batch_op.alter_column("aliases", existing_type=sa.String(length=1000), server_default=None)


def downgrade() -> None:
    op.execute("UPDATE collectivities SET kind = 'province' WHERE kind = 'prefecture'")
    with op.batch_alter_table("collectivities", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_collectivities_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_collectivities_kind"), OLD_KINDS)
        batch_op.drop_constraint(
            batch_op.f("fk_collectivities_parent_id_collectivities"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_collectivities_parent_id"))
        batch_op.drop_column("parent_id")
        batch_op.drop_column("aliases")
        batch_op.drop_column("label_fr")
        batch_op.drop_column("label_ar")
