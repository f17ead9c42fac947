"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured), a clock, the app."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.bootstrap import bootstrap
from bot.config import load_settings
from db.session import Database

POSTGRES_URL = os.environ.get("TAWASUL_TEST_POSTGRES_URL")
POSTGRES_HINT = (
    "PostgreSQL tests skipped: set TAWASUL_TEST_POSTGRES_URL "
    "(e.g. postgresql://postgres@127.0.0.1:5432/postgres) to run them"
)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2024, 11, 1, 9, 0, tzinfo=UTC)) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def _admin_dsn() -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def create_postgres_database() -> str:
    """A fresh database for one test; returns its URL."""
    name = f"tawasul_test_{uuid.uuid4().hex[:16]}"
    connection = await asyncpg.connect(_admin_dsn())
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_admin_dsn())
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request, tmp_path):
    """An empty database upgraded to head, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tawasul.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip(POSTGRES_HINT)
        url = await create_postgres_database()
    db = Database(url)
    try:
        yield db
    finally:
        await db.close()
        if request.param == "postgresql":
            await drop_postgres_database(url)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'tawasul.db'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings():
    return load_settings(environ={})


@pytest.fixture
async def app(database, settings, clock):
    application = await bootstrap(settings, database=database, clock=clock)
    yield application


def pytest_report_header(config):
    return f"postgresql: {'on' if POSTGRES_URL else POSTGRES_HINT}"
