"""Two processes starting at once on a fresh database: both start, the schema is made and
the collectivities seeded once. And ``tawasul migrate`` does just that, then exits."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys

import pytest
from conftest import POSTGRES_HINT, POSTGRES_URL
from sqlalchemy import func, select

from bot.bootstrap import bootstrap
from bot.collectivity_import import SAMPLE_CSV, read_collectivities_csv
from db.models import Collectivity, Event
from db.scratch import create_database, drop_database
from db.session import Database

STARTS = 4


@pytest.fixture(params=["sqlite", "postgresql"])
async def fresh_url(request, tmp_path):
    """The URL of a database nothing has touched yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tawasul.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_HINT)
    url = await create_database(POSTGRES_URL, prefix="tawasul_test")
    try:
        yield url
    finally:
        await drop_database(POSTGRES_URL, url)


async def test_starts_at_once_on_a_fresh_database_all_succeed_and_seed_once(
    fresh_url, settings, clock
):
    """Each start has its own engine and connections, as separate processes would."""
    databases = [Database(fresh_url) for _ in range(STARTS)]
    try:
        async with asyncio.timeout(60):
            apps = await asyncio.gather(
                *(bootstrap(settings, database=database, clock=clock) for database in databases)
            )
        async with databases[0].unit_of_work() as session:
            collectivities = await session.scalar(select(func.count()).select_from(Collectivity))
            events = await session.scalar(select(func.count()).select_from(Event))
        rows, _errors = read_collectivities_csv(SAMPLE_CSV)
        assert collectivities == len(rows)
        assert events == 1
        assert {app.services.event_id for app in apps} == {1}
    finally:
        for database in databases:
            await database.close()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from db.session import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate_at_once(tmp_path, count: int) -> list[subprocess.CompletedProcess]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TAWASUL_DATABASE_URL": f"sqlite:///{tmp_path / 'tawasul.db'}",
    }
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for _ in range(count)
    ]
    finished = []
    for process in started:
        out, err = process.communicate(timeout=120)
        finished.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return finished


def test_migrate_brings_the_database_up_to_date_and_says_its_revision(tmp_path):
    (done,) = migrate_at_once(tmp_path, 1)
    assert done.returncode == 0, done.stderr
    database = (tmp_path / "tawasul.db").resolve()
    assert done.stdout == f"schema at revision {head_revision()}: SQLite {database}\n"
    assert done.stderr == ""
    with sqlite3.connect(tmp_path / "tawasul.db") as db:
        assert db.execute("SELECT count(*) FROM collectivities").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_two_migrate_processes_at_once_both_succeed(tmp_path):
    runs = migrate_at_once(tmp_path, 2)
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    rows, _errors = read_collectivities_csv(SAMPLE_CSV)
    with sqlite3.connect(tmp_path / "tawasul.db") as db:
        assert db.execute("SELECT count(*) FROM collectivities").fetchone() == (len(rows),)
