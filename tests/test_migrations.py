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
