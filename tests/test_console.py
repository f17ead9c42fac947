"""The console in a real terminal (a pty) and through a pipe: leaving, odd bytes, long ids."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from bot.channels.inbound_text import check_external_id, clean_inbound_text

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TAWASUL_TEST_POSTGRES_URL")
REGISTRATION = "/start\n1\n{name}\nبركان\n2\nمكلفة بالتعاون\n١\n1\n1\n1\n/me\n"


def environment(url: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TAWASUL_DATABASE_URL": url}


class Terminal:
    """``tawasul console`` with a pty as its controlling terminal, as a person runs it."""

    def __init__(self, tmp_path: Path) -> None:
        self.master, slave = pty.openpty()

        def take_the_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment(f"sqlite:///{tmp_path / 'tawasul.db'}"),
            cwd=tmp_path,
            preexec_fn=take_the_terminal,
        )
        os.close(slave)
        self.output = b""

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """Read until ``text`` has been written; everything read so far, decoded."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"never saw {text!r} in {self.output.decode()!r}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"ended before {text!r}: {self.output.decode()!r}")
                self.output += chunk
        return self.output.decode(errors="replace")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def exit_code(self, timeout: float = 10.0) -> int:
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path):
    console = Terminal(tmp_path)
    try:
        yield console
    finally:
        console.close()


def test_ctrl_c_at_the_prompt_leaves_at_once_and_quietly(terminal):
    terminal.wait_for("or the label.\r\n> ")
    terminal.type(b"\x03")
    assert terminal.exit_code() == 128 + signal.SIGINT
    output = terminal.wait_for("Goodbye.")
    assert "Traceback" not in output
    assert "KeyboardInterrupt" not in output


def test_ctrl_c_in_the_middle_of_a_line_leaves_too(terminal):
    terminal.wait_for("> ")
    terminal.type(b"/sta")
    terminal.type(b"\x03")
    assert terminal.exit_code() == 130
    assert "Traceback" not in terminal.wait_for("Goodbye.")


def test_ctrl_d_leaves_with_exit_code_0(terminal):
    terminal.wait_for("> ")
    terminal.type(b"/start\n")
    terminal.wait_for("English")
    terminal.wait_for("> ")
    terminal.type(b"\x04")
    output = terminal.wait_for("Goodbye.")
    assert terminal.exit_code() == 0
    assert "Traceback" not in output


def test_the_console_names_its_database_on_stderr(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="",
        capture_output=True,
        text=True,
        env=environment(f"sqlite:///{tmp_path / 'here.db'}"),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stderr == f"tawasul: database: SQLite {tmp_path / 'here.db'}\n"


def run_console(url: str, cwd: Path, stdin: bytes, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *arguments],
        input=stdin,
        capture_output=True,
        env=environment(url),
        cwd=cwd,
        timeout=120,
    )


def test_bytes_that_are_not_utf8_become_replacement_characters_and_registration_ends(tmp_path):
    url = f"sqlite:///{tmp_path / 'tawasul.db'}"
    script = REGISTRATION.format(name="NAME").encode().replace(b"NAME", b"Fati\xff\xfema Zahra")
    result = run_console(url, tmp_path, script, "--user", "bytes")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "تم تسجيلكم بنجاح" in result.stdout.decode()
    with sqlite3.connect(tmp_path / "tawasul.db") as db:
        [(name,)] = db.execute("SELECT full_name FROM participants").fetchall()
    assert name == "Fati\ufffd\ufffdma Zahra"


def registered_names(url: str) -> list[str]:
    import asyncio

    from sqlalchemy import select

    from db.models import Participant
    from db.session import Database

    async def names() -> list[str]:
        database = Database(url)
        try:
            async with database.unit_of_work() as session:
                return list(await session.scalars(select(Participant.full_name)))
        finally:
            await database.close()

    return asyncio.run(names())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tawasul.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("needs TAWASUL_TEST_POSTGRES_URL")
    import asyncio

    from db.scratch import create_database, drop_database

    url = asyncio.run(create_database(POSTGRES_URL, prefix="tawasul_console"))
    try:
        yield url
    finally:
        asyncio.run(drop_database(POSTGRES_URL, url))


def test_nul_and_control_characters_never_reach_the_database(tmp_path, database_url):
    script = REGISTRATION.format(name="Fat\x00ima\x07 Zah\x1bra").encode()
    long_user = "u" * 64
    result = run_console(database_url, tmp_path, script, "--user", long_user)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert registered_names(database_url) == ["Fatima Zahra"]


def test_a_user_over_64_characters_is_a_one_line_usage_error(tmp_path):
    result = run_console(f"sqlite:///{tmp_path / 't.db'}", tmp_path, b"", "--user", "u" * 65)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.count("\n") == 1
    assert "argument --user: at most 64 characters (got 65)" in stderr
    assert not (tmp_path / "t.db").exists()


@pytest.mark.parametrize(
    ("sent", "seen"),
    [
        ("plain", "plain"),
        ("a\x00b", "ab"),
        ("line\r\nnext", "line\nnext"),
        ("tab\tkept\nnewline kept", "tab\tkept\nnewline kept"),
        ("\x7fdel\x80c1\x9f", "delc1"),
        (
            "\u200fRLM\u200e LRM \u2066isolate\u2069 👩\u200d💻",
            "\u200fRLM\u200e LRM \u2066isolate\u2069 👩\u200d💻",
        ),
        ("\ufffd", "\ufffd"),
    ],
)
def test_clean_inbound_text(sent, seen):
    assert clean_inbound_text(sent) == seen


@pytest.mark.parametrize(
    ("value", "problem"),
    [("", "must not be empty"), ("x" * 65, "at most 64"), ("a b", "no spaces"), ("a\x00", "no")],
)
def test_external_ids_are_checked(value, problem):
    with pytest.raises(ValueError, match=problem):
        check_external_id(value)
    assert check_external_id("x" * 64) == "x" * 64
