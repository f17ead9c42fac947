"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured), a clock, the app."""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest
import transcript

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


@pytest.fixture(autouse=True)
def rendering(request):
    """The channel whose rendering a transcript is read in (``transcript.RENDERINGS``):
    every test of a module that talks through ``transcript.Person`` runs on each; other
    tests on Telegram's alone. A message the phone could not render fails the test."""
    name = getattr(request, "param", "telegram")
    transcript.use_rendering(name)
    yield name
    problems = list(transcript.problems)
    transcript.use_rendering("telegram")
    assert not problems, f"not shown on {name}: {problems}"


def talks_through_person(module) -> bool:
    """Whether a test module's conversations go through ``transcript.Person``: itself, or
    through a helper of another test module that makes one (``test_matches.joins``)."""
    if getattr(module, "Person", None) is transcript.Person:
        return True
    for value in vars(module).values():
        home = sys.modules.get(getattr(value, "__module__", None) or "")
        if home in (None, transcript, module) or not callable(value):
            continue
        if getattr(home, "Person", None) is transcript.Person and "Person(" in _source(value):
            return True
    return False


def _source(value) -> str:
    try:
        return inspect.getsource(value)
    except (OSError, TypeError):
        return ""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "telegram_only: about Telegram itself (its command menus), not a transcript"
    )
    config.addinivalue_line(
        "markers", "own_channels: each person's channel is set by the test, not the rendering"
    )


def pytest_generate_tests(metafunc):
    if talks_through_person(metafunc.module):
        definition = metafunc.definition
        telegram_only = definition.get_closest_marker(
            "telegram_only"
        ) or definition.get_closest_marker("own_channels")
        renderings = ("telegram",) if telegram_only else transcript.RENDERINGS
        metafunc.parametrize("rendering", renderings, indirect=True)


def pytest_collection_modifyitems(config, items):
    """WhatsApp's rendering runs on SQLite only: the conversation code and the database
    code are the same on both renderings, and PostgreSQL is covered by the Telegram runs;
    this keeps the suite's time in check."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        both = params.get("rendering") == "whatsapp" and params.get("database") == "postgresql"
        (dropped if both else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config):
    return f"postgresql: {'on' if POSTGRES_URL else POSTGRES_HINT}"
