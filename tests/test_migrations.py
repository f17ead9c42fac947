"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from db.models import Base, Region


async def schema_differences(database) -> list:
    def compare(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as connection:
        return await connection.run_sync(compare)


async def test_empty_database_upgrades_to_head_matching_the_models(database):
    await database.upgrade()
    assert await schema_differences(database) == []
    async with database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(Region)) == 12


async def test_downgrade_to_base_and_back(database):
    await database.upgrade()
    await database.downgrade("base")
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert set(tables) <= {"alembic_version"}
    await database.upgrade()
    assert await schema_differences(database) == []


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url):
    from db.session import Database

    database = Database(sqlite_url)
    try:
        async with database.engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await database.close()


async def test_0002_backfills_labels_and_accepts_the_prefecture_kind(database):
    import pytest
    from sqlalchemy.exc import IntegrityError

    await database.upgrade("0001")
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO collectivities (code, kind, name_ar, name_fr, region_code)"
                " VALUES ('R02', 'region', 'الشرق', 'L''Oriental', '02'),"
                " ('C-OUJDA', 'commune', 'وجدة', 'Oujda', '02')"
            )
        )
    await database.upgrade()
    async with database.engine.begin() as connection:
        rows = (
            await connection.execute(
                text("SELECT code, label_ar, label_fr, aliases FROM collectivities ORDER BY code")
            )
        ).all()
        assert [tuple(row) for row in rows] == [
            ("C-OUJDA", "جماعة وجدة", "Commune d'Oujda", ""),
            ("R02", "جهة الشرق", "Région de l'Oriental", ""),
        ]
        await connection.execute(
            text(
                "INSERT INTO collectivities (code, kind, name_ar, name_fr, region_code,"
                " label_ar, label_fr, aliases) VALUES ('P-OUJDA-ANGAD', 'prefecture',"
                " 'وجدة أنجاد', 'Oujda-Angad', '02', 'عمالة وجدة أنجاد',"
                " 'Préfecture d''Oujda-Angad', '')"
            )
        )
    with pytest.raises(IntegrityError):
        async with database.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO collectivities (code, kind, name_ar, name_fr, region_code,"
                    " label_ar, label_fr, aliases) VALUES ('X', 'villa', 'س', 'X', '02',"
                    " 'س', 'X', '')"
                )
            )
    await database.downgrade("0001")
    async with database.engine.begin() as connection:
        kinds = (await connection.execute(text("SELECT kind FROM collectivities"))).scalars()
        assert sorted(kinds) == ["commune", "province", "region"]
    await database.upgrade()
    assert await schema_differences(database) == []


async def test_0004_adds_the_broadcasts_table_and_takes_it_away(database):
    await database.upgrade("0003")
    await database.upgrade()

    def tables(connection):
        return set(inspect(connection).get_table_names())

    async with database.engine.connect() as connection:
        assert "broadcasts" in await connection.run_sync(tables)
    await database.downgrade("0003")
    async with database.engine.connect() as connection:
        found = await connection.run_sync(tables)
    assert "broadcasts" not in found and "outbox" in found
    await database.upgrade()
    assert await schema_differences(database) == []


async def test_0005_keeps_the_language_once_on_the_account(database):
    await database.upgrade("0004")
    now = "2024-11-01 09:00:00+00:00"
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO collectivities (id, code, kind, name_ar, name_fr, region_code,"
                " label_ar, label_fr, aliases) VALUES (1, 'C-OUJDA', 'commune', 'وجدة',"
                " 'Oujda', '02', 'جماعة وجدة', 'Commune d''Oujda', '')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO participants (id, full_name, collectivity_id, position, locale,"
                " consented_at, created_at, updated_at) VALUES"
                f" (1, 'Hind', 1, 'x', 'fr', '{now}', '{now}', '{now}'),"
                f" (2, 'Omar', 1, 'x', 'en', '{now}', '{now}', '{now}')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO channel_accounts (id, channel, external_id, participant_id, locale,"
                f" created_at) VALUES (1, 'telegram', '1', 1, NULL, '{now}'),"
                f" (2, 'telegram', '2', 2, 'ar', '{now}'),"
                f" (3, 'telegram', '3', NULL, NULL, '{now}')"
            )
        )
    await database.upgrade()
    async with database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, locale FROM channel_accounts ORDER BY id"))
        assert [tuple(row) for row in rows] == [(1, "fr"), (2, "ar"), (3, None)]
        columns = await connection.run_sync(
            lambda c: {column["name"] for column in inspect(c).get_columns("participants")}
        )
        assert "locale" not in columns
    await database.downgrade("0004")
    async with database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, locale FROM participants ORDER BY id"))
        assert [tuple(row) for row in rows] == [(1, "fr"), (2, "ar")]
    await database.upgrade()
    assert await schema_differences(database) == []
