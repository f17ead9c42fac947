"""The database: engine creation, migrations on start and the unit of work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).with_name("migrations")


def async_url(url: str) -> str:
    """Give a plain ``sqlite:///`` or ``postgresql://`` URL its async driver."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}.get(
        parsed.drivername
    )
    if driver:
        parsed = parsed.set(drivername=driver)
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """Owns the engine; hands out sessions, one per unit of work."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        # hide_parameters: an error message must never carry a name or a phone number.
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, hide_parameters=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._sqlite_writer = asyncio.Lock() if self.dialect == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with the Alembic migrations."""

        def run(connection: Connection) -> None:
            command.upgrade(alembic_config(connection), revision)

        async with self.engine.begin() as connection:
            await connection.run_sync(run)

    async def downgrade(self, revision: str = "base") -> None:
        def run(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), revision)

        async with self.engine.begin() as connection:
            await connection.run_sync(run)

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session whose changes are committed together, or not at all.

        SQLite has one writer at a time; queueing units of work in the process keeps
        concurrent ones from colliding on its lock and sleeping in its busy handler.
        """
        async with self._writer_turn(), self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    def _writer_turn(self) -> contextlib.AbstractAsyncContextManager:
        return self._sqlite_writer if self._sqlite_writer is not None else contextlib.nullcontext()

    async def close(self) -> None:
        await self.engine.dispose()
