"""Start-up problems end in one line on stderr naming what to do: exit 2 to fix, 1 when down."""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_telegram import FakeTelegramServer

from db.session import Database, DatabaseMisconfigured, DatabaseUnavailable

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TAWASUL_TEST_POSTGRES_URL")


def tawasul(cwd: Path, *arguments: str, **environ: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environ}
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("tawasul: ")
    return result.stderr


DATABASE_PROBLEMS = [
    ("postgresql://postgres:hunter2@127.0.0.1:1/x", 1, "refused the connection: start PostgreSQL"),
    ("not a url", 2, "TAWASUL_DATABASE_URL: database URL 'not a url' is not a URL: use sqlite:///"),
    ("mysql://me:hunter2@127.0.0.1/x", 2, "unsupported database 'mysql'"),
    ("sqlite:////nonexistent-folder/x.db", 2, "folder /nonexistent-folder does not exist"),
]


@pytest.mark.parametrize(("url", "code", "message"), DATABASE_PROBLEMS)
@pytest.mark.parametrize("command", [("console",), ("collectivities", "codes")])
def test_a_wrong_database_url_is_one_line(tmp_path, url, code, message, command):
    result = tawasul(tmp_path, *command, TAWASUL_DATABASE_URL=url)
    assert result.returncode == code
    line = one_line(result)
    assert message in line
    assert "hunter2" not in line


def test_a_wrong_database_url_on_run_and_import_too(tmp_path):
    url = "postgresql://postgres:hunter2@127.0.0.1:1/x"
    run = tawasul(tmp_path, "run", TAWASUL_DATABASE_URL=url, TELEGRAM_BOT_TOKEN="1:x")
    assert run.returncode == 1
    assert "refused the connection" in one_line(run)
    csv = tmp_path / "list.csv"
    csv.write_text("code,kind,name_ar,name_fr,region_code\n", "utf-8")
    imported = tawasul(tmp_path, "collectivities", "import", str(csv), TAWASUL_DATABASE_URL=url)
    assert imported.returncode == 1
    assert "hunter2" not in one_line(imported)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_read_only_sqlite_folder_is_one_line(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    result = tawasul(tmp_path, "console", TAWASUL_DATABASE_URL=f"sqlite:///{folder}/t.db")
    assert result.returncode == 2
    assert "cannot be opened for writing" in one_line(result)


def test_a_sqlite_path_under_a_file_is_one_line(tmp_path):
    (tmp_path / "plain").write_text("", "utf-8")
    result = tawasul(tmp_path, "console", TAWASUL_DATABASE_URL=f"sqlite:///{tmp_path}/plain/t.db")
    assert result.returncode == 2
    assert "plain does not exist" in one_line(result)


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TAWASUL_TEST_POSTGRES_URL")
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"database": "tawasul_no_such_db"}, 'database "tawasul_no_such_db" does not exist'),
        ({"username": "tawasul_no_such_role"}, 'role "tawasul_no_such_role" does not exist'),
    ],
)
def test_an_unknown_database_or_role_is_configuration(tmp_path, change, message):
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL).set(**change).render_as_string(hide_password=False)
    result = tawasul(tmp_path, "console", TAWASUL_DATABASE_URL=url)
    assert result.returncode == 2
    line = one_line(result)
    assert message in line and "fix the user or database name" in line


async def test_a_server_that_accepts_and_never_answers_times_out():
    connections = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await reader.read()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    database = Database(f"postgresql://postgres:hunter2@127.0.0.1:{port}/x", connect_timeout=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailable) as raised:
            await database.upgrade()
    finally:
        await database.close()
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()
    assert time.monotonic() - started < 5
    assert connections, "the client never reached the silent server"
    assert "did not answer within 0.3 s" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_the_default_connect_timeout_is_about_ten_seconds():
    assert inspect.signature(Database).parameters["connect_timeout"].default == 10


def test_the_errors_are_distinct_kinds():
    with pytest.raises(DatabaseMisconfigured):
        Database("oracle://x@y/z")
    assert not issubclass(DatabaseUnavailable, DatabaseMisconfigured)


@pytest.mark.parametrize(
    "command", [("console",), ("collectivities", "search", "Oujda")], ids=["console", "search"]
)
def test_a_bad_collectivities_file_in_the_config_is_one_line(tmp_path, command):
    bad = tmp_path / "list.csv"
    bad.write_text("code,kind,name_ar,name_fr,region_code\nC-X,villa,دار,Dar,01\n", "utf-8")
    defaults = (ROOT / "bot" / "default_config.toml").read_text("utf-8")
    config = defaults.replace("[collectivities]", '[collectivities]\nfile = "list.csv"', 1)
    config = config.replace('file = ""\n\n[agenda]', "\n[agenda]", 1)
    (tmp_path / "config.toml").write_text(config, "utf-8")
    result = tawasul(tmp_path, *command)
    assert result.returncode == 2
    line = one_line(result)
    assert f"collectivities.file {bad}: 1 bad row, the first at line 2" in line
    assert "tawasul collectivities import" in line


@pytest.fixture
def fake_telegram():
    server = FakeTelegramServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_an_unreachable_telegram_api_is_one_line(tmp_path):
    result = tawasul(
        tmp_path,
        "run",
        TAWASUL_DATABASE_URL=f"sqlite:///{tmp_path}/t.db",
        TELEGRAM_BOT_TOKEN="123:secret-token",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:1/bot",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "tawasul: " in line]
    assert len(errors) == 1, result.stderr
    assert "cannot reach the Telegram Bot API at http://127.0.0.1:1" in errors[0]
    assert "secret-token" not in result.stderr


def test_a_token_telegram_refuses_is_configuration(tmp_path, fake_telegram):
    result = tawasul(
        tmp_path,
        "run",
        TAWASUL_DATABASE_URL=f"sqlite:///{tmp_path}/t.db",
        TELEGRAM_BOT_TOKEN="999:not-the-token",
        TELEGRAM_API_BASE_URL=fake_telegram.base_url,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "tawasul: " in line]
    assert len(errors) == 1, result.stderr
    assert "refused the bot token: check TELEGRAM_BOT_TOKEN" in errors[0]
    assert "not-the-token" not in result.stderr


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://me:hunter2@db.example/x", "PostgreSQL postgresql://me:***@db.example/x"),
        (
            "postgresql+asyncpg://me@db.example:5433/x",
            "PostgreSQL postgresql://me@db.example:5433/x",
        ),
        ("sqlite:////srv/tawasul/t.db", "SQLite /srv/tawasul/t.db"),
        ("sqlite://", "SQLite in memory"),
    ],
)
def test_the_database_in_use_is_described_without_its_password(url, shown):
    from db.session import describe

    assert describe(url) == shown


def test_an_unparsable_url_never_shows_a_password():
    with pytest.raises(DatabaseMisconfigured) as raised:
        Database("postgresql//me:hunter2@db.example/x")
    assert "hunter2" not in str(raised.value)
    assert "me:***@db.example" in str(raised.value)
