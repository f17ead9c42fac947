"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured), a clock, the app."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import bootstrap
from bot.config import load_settings
from db.scratch import create_database, drop_database
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

    async def sleep(self, seconds: float) -> None:
        """A sleep that moves this clock instead of waiting: for the rate budget in tests.

        Several tasks sleeping at once wake at their own times, as with real sleeps: the
        clock moves to the end of each sleep, never by the sum of them. It yields to the
        event loop once, as a real sleep does.
        """
        until = self.current + timedelta(seconds=max(seconds, 0))
        await asyncio.sleep(0)
        self.current = max(self.current, until)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request, tmp_path):
    """An empty database upgraded to head, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tawasul.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip(POSTGRES_HINT)
        url = await create_database(POSTGRES_URL, prefix="tawasul_test")
    db = Database(url)
    try:
        yield db
    finally:
        await db.close()
        if request.param == "postgresql":
            await drop_database(POSTGRES_URL, url)


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
