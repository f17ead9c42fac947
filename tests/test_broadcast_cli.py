"""Broadcasts: who an audience reaches, the rows written, the command an organiser types."""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import json
import os
import pty
import select as io
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from transcript import Phone, channel_under_test

from bot.bootstrap import migrate
from bot.broadcast_cli import broadcast, text_problem
from bot.config import load_settings
from bot.delivery.dispatcher import Delivery
from bot.delivery.ports import Blocked, Failed
from db.broadcasts import (
    BadAudience,
    create,
    listing,
    parse_audience,
    progress,
    recipients,
)
from db.models import ChannelAccount, Collectivity, EventRegistration, OutboxMessage, Participant
from db.session import Database

# external id, collectivity code, locale, registered for the event, blocked the bot
PEOPLE = [
    ("amina", "C-BERKANE", "ar", True, False),
    ("bruno", "C-OUJDA", "fr", True, False),
    ("chris", "P-BERKANE", "en", True, False),
    ("dalia", "C-TANGER", "ar", True, False),
    ("elias", "R01", "fr", True, False),
    ("farid", "C-OUJDA", "ar", False, False),
    ("ghita", "C-BERKANE", "fr", True, True),
]
REACHED = {"amina", "bruno", "chris", "dalia", "elias"}
TEXTS = {"default": "اجتماع الغد على الساعة التاسعة", "fr": "Réunion demain à 9 h"}


async def populate(database: Database, event_id: int, clock) -> None:
    """The people above, each with one account on the channel under test (Telegram but in a
    transcript run on WhatsApp); and one account still registering."""
    now = clock()
    async with database.unit_of_work() as session:
        for external_id, code, locale, registered, blocked in PEOPLE:
            collectivity = await session.scalar(
                select(Collectivity).where(Collectivity.code == code)
            )
            person = Participant(
                full_name=external_id.title(),
                collectivity_id=collectivity.id,
                position="Focal point",
                consented_at=now,
                created_at=now,
                updated_at=now,
            )
            session.add(person)
            await session.flush()
            session.add(
                ChannelAccount(
                    channel=channel_under_test(),
                    external_id=external_id,
                    participant_id=person.id,
                    locale=locale,
                    created_at=now,
                    unreachable_at=now if blocked else None,
                )
            )
            if registered:
                session.add(
                    EventRegistration(
                        event_id=event_id, participant_id=person.id, registered_at=now
                    )
                )
        session.add(
            ChannelAccount(
                channel=channel_under_test(), external_id="newcomer", locale="ar", created_at=now
            )
        )


@pytest.fixture
async def event_id(database, settings, clock):
    event = await migrate(database, settings, clock())
    await populate(database, event, clock)
    return event


async def reached(database, event_id: int, audience: str) -> set[str]:
    async with database.unit_of_work() as session:
        found = await recipients(session, event_id, parse_audience(audience))
        ids = [account_id for account_id, _ in found]
        rows = await session.scalars(
            select(ChannelAccount.external_id).where(ChannelAccount.id.in_(ids))
        )
        return set(rows)


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("all", REACHED),
        ("region:02", {"amina", "bruno", "chris"}),
        ("region:01", {"dalia", "elias"}),
        ("kind:commune", {"amina", "bruno", "dalia"}),
        ("kind:province", {"chris"}),
        ("kind:prefecture", set()),
        ("collectivity:C-OUJDA,R01", {"bruno", "elias"}),
        ("collectivity: C-BERKANE ", {"amina"}),
    ],
)
async def test_an_audience_reaches_the_registered_who_can_be_reached(
    database, event_id, audience, expected
):
    assert await reached(database, event_id, audience) == expected


@pytest.mark.parametrize(
    ("audience", "problem"),
    [
        ("everyone", "use all, present, region:NN"),
        ("region:2", "two-digit region code"),
        ("region:13", "no region 13"),
        ("kind:villa", "the kind is one of"),
        ("collectivity:", "one or more collectivity codes"),
        ("collectivity:C-OUJDA,C-NOWHERE", "no collectivity C-NOWHERE"),
    ],
)
async def test_a_bad_audience_is_named(database, event_id, audience, problem):
    with pytest.raises(BadAudience, match=problem):
        await reached(database, event_id, audience)


async def test_one_bulk_row_per_recipient_in_their_language(database, event_id, clock):
    created = await create(database, event_id, parse_audience("all"), TEXTS, clock())
    assert created.recipients == len(REACHED)
    async with database.unit_of_work() as session:
        rows = (
            await session.execute(
                select(ChannelAccount.external_id, OutboxMessage)
                .join(OutboxMessage, OutboxMessage.account_id == ChannelAccount.id)
                .order_by(ChannelAccount.external_id)
            )
        ).all()
    texts = {external_id: row.content["text"] for external_id, row in rows}
    assert texts == {
        "amina": TEXTS["default"],
        "bruno": TEXTS["fr"],
        "chris": TEXTS["default"],
        "dalia": TEXTS["default"],
        "elias": TEXTS["fr"],
    }
    assert {row.lane for _, row in rows} == {"bulk"}
    assert {row.status for _, row in rows} == {"pending"}
    keys = [row.idempotency_key for _, row in rows]
    assert sorted(keys) == sorted(f"broadcast:{created.id}:{row.account_id}" for _, row in rows)
    assert len(set(keys)) == len(keys)


async def test_two_broadcasts_to_the_same_people_have_their_own_keys(database, event_id, clock):
    first = await create(database, event_id, parse_audience("region:02"), TEXTS, clock())
    second = await create(database, event_id, parse_audience("region:02"), TEXTS, clock())
    async with database.unit_of_work() as session:
        keys = list(await session.scalars(select(OutboxMessage.idempotency_key)))
    assert len(keys) == len(set(keys)) == 6
    assert {key.split(":")[1] for key in keys} == {str(first.id), str(second.id)}


class PickyPhone(Phone):
    """Dalia blocked the bot since the broadcast was written; Elias's message is refused."""

    async def send(self, external_id, message, locale=None):
        if external_id == "dalia":
            return Blocked("Forbidden: bot was blocked by the user")
        if external_id == "elias":
            return Failed("Bad Request: chat not found")
        return await super().send(external_id, message)


async def test_a_delivery_sends_exactly_one_copy_to_each_recipient(database, event_id, clock):
    created = await create(database, event_id, parse_audience("all"), TEXTS, clock())
    phone = PickyPhone()
    delivery = Delivery(database, {"telegram": phone}, clock, sleep=clock.sleep)
    assert (await progress(database, created.id)).pending == 5
    await delivery.run_once()
    await delivery.run_once()
    assert {who: len(got) for who, got in phone.received.items()} == {
        "amina": 1,
        "bruno": 1,
        "chris": 1,
    }
    assert phone.received["bruno"][0].text == TEXTS["fr"]
    state = await progress(database, created.id)
    assert (state.sent, state.unreachable, state.failed, state.pending) == (3, 1, 1, 0)
    assert state.done
    (listed,) = await listing(database)
    assert listed.id == created.id and listed.audience == "all"
    assert listed.progress == state


async def test_the_listing_is_newest_first_and_counts_each_broadcast_apart(
    database, event_id, clock
):
    first = await create(database, event_id, parse_audience("kind:commune"), TEXTS, clock())
    clock.advance(minutes=5)
    second = await create(
        database, event_id, parse_audience("collectivity:C-OUJDA"), TEXTS, clock()
    )
    listed = await listing(database)
    assert [item.id for item in listed] == [second.id, first.id]
    assert [item.progress.recipients for item in listed] == [1, 3]
    assert [item.progress.pending for item in listed] == [1, 3]
    assert listed[0].created_at == clock()


def namespace(**given) -> argparse.Namespace:
    values = {
        "text": TEXTS["default"],
        "text_fr": TEXTS["fr"],
        "text_en": None,
        "audience": "all",
        "yes": False,
        "wait": False,
    }
    return argparse.Namespace(**{**values, **given})


async def broadcast_rows(url: str) -> int:
    database = Database(url)
    try:
        async with database.unit_of_work() as session:
            return len(list(await session.scalars(select(OutboxMessage.id))))
    finally:
        await database.close()


@pytest.mark.parametrize(("answer", "written"), [("n", 0), ("", 0), ("y", 5), ("YES", 5)])
async def test_the_organiser_is_asked_before_anything_is_written(
    sqlite_url, clock, answer, written, capsys
):
    settings = dataclasses.replace(load_settings(environ={}), database_url=sqlite_url)
    database = Database(sqlite_url)
    try:
        await populate(database, await migrate(database, settings, clock()), clock)
    finally:
        await database.close()
    questions = []

    def ask(question: str) -> str:
        questions.append(question)
        return answer

    code = await broadcast(settings, namespace(), ask=ask, interactive=lambda: True)
    assert code == 0
    assert questions == ["Send to 5 people? [y/N] "]
    assert await broadcast_rows(sqlite_url) == written
    assert ("not sent" in capsys.readouterr().out) == (written == 0)


def test_a_text_no_channel_can_show_is_refused():
    assert text_problem(namespace(text="   ")) == "--text: the message is empty"
    problem = text_problem(namespace(text_fr="x" * 20_000))
    assert problem.startswith("--text-fr: text of 20000 characters") and "telegram" in problem
    assert text_problem(namespace()) is None


# The command itself, as an organiser runs it.


def tawasul(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input="",
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        cwd=tmp_path,
        timeout=120,
    )


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TAWASUL_DATABASE_URL": f"sqlite:///{tmp_path / 'tawasul.db'}",
    }


@pytest.fixture
async def populated(tmp_path, clock) -> Path:
    """A SQLite database file with the people above, as a running bot would have it."""
    database = Database(f"sqlite:///{tmp_path / 'tawasul.db'}")
    try:
        event = await migrate(database, load_settings(environ={}), clock())
        await populate(database, event, clock)
    finally:
        await database.close()
    return tmp_path / "tawasul.db"


def outbox_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())


def listed(tmp_path: Path) -> list[list[str]]:
    result = tawasul(tmp_path, "broadcasts")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split("\t") == [
        "id",
        "created_at",
        "audience",
        "recipients",
        "sent",
        "pending",
        "failed",
        "unreachable",
        "held",
        "delivered",
        "read",
    ]
    return [line.split("\t") for line in lines]


def test_without_a_terminal_the_broadcast_needs_yes(tmp_path, populated):
    result = tawasul(tmp_path, "broadcast", "--text", "Bonjour")
    assert result.returncode == 2
    assert result.stderr == (
        "tawasul: not sent: no terminal to confirm on; add --yes to send without asking\n"
    )
    assert outbox_counts(populated) == {}


@pytest.mark.parametrize(
    ("audience", "problem"),
    [("regions:02", "use all, present, region:NN"), ("region:13", "no region 13")],
)
def test_a_bad_audience_is_one_line_and_exit_2(tmp_path, populated, audience, problem):
    result = tawasul(tmp_path, "broadcast", "--text", "Bonjour", "--audience", audience, "--yes")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and problem in result.stderr
    assert "Traceback" not in result.stderr
    assert outbox_counts(populated) == {}


def test_a_broadcast_is_queued_and_listed_with_the_outbox_counts(tmp_path, populated):
    result = tawasul(
        tmp_path,
        "broadcast",
        "--text",
        TEXTS["default"],
        "--text-fr",
        TEXTS["fr"],
        "--audience",
        "region:02",
        "--yes",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "recipients: 3 (ar 1, en 1, fr 1); --text to ar, en; --text-fr to fr",
        "broadcast 1: 3 messages queued; the running bot (tawasul run) sends them",
    ]
    assert outbox_counts(populated) == {"pending": 3}
    ((number, created_at, audience, *counts),) = listed(tmp_path)
    assert (number, audience) == ("1", "region:02")
    assert counts == ["3", "0", "3", "0", "0", "0", "0", "0"]
    assert created_at.endswith("+00:00")
    with sqlite3.connect(populated) as db:
        db.execute("UPDATE outbox SET status = 'sent' WHERE id = 1")
        db.execute("UPDATE outbox SET status = 'blocked' WHERE id = 2")
    second = tawasul(
        tmp_path, "broadcast", "--text", "Merci", "--audience", "kind:commune", "--yes"
    )
    assert second.returncode == 0, second.stderr
    assert [line[0] for line in listed(tmp_path)] == ["2", "1"]
    newest, oldest = listed(tmp_path)
    assert newest[2:] == ["kind:commune", "3", "0", "3", "0", "0", "0", "0", "0"]
    assert oldest[2:] == ["region:02", "3", "1", "1", "0", "1", "0", "0", "0"]
    assert outbox_counts(populated) == {"pending": 4, "sent": 1, "blocked": 1}


@pytest.mark.parametrize(("flag", "kind"), [("--interests", "interests"), ("--commit", "commit")])
def test_a_broadcast_with_a_button_that_opens_a_flow(tmp_path, populated, flag, kind):
    result = tawasul(tmp_path, "broadcast", "--text", "Bonjour", flag, "--yes")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(populated) as db:
        keys = {
            json.loads(content)["options"][0][0]
            for (content,) in db.execute("SELECT content FROM outbox").fetchall()
        }
    assert keys == {f"{kind}:1"}  # a message whose one button opens /interests or /commit


def test_wait_follows_the_rows_until_each_has_an_outcome(tmp_path, populated):
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "broadcast", "--text", "Bonjour", "--yes", "--wait"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(tmp_path),
        cwd=tmp_path,
    )
    try:
        assert process.stdout.readline().startswith("recipients: 5 ")
        assert process.stdout.readline().startswith("broadcast 1: 5 messages queued")
        assert process.stderr.readline() == "broadcast 1: 0/5 done, 5 pending\n"
        with sqlite3.connect(populated) as db:
            db.execute("UPDATE outbox SET status = 'sent' WHERE id <= 3")
            db.execute("UPDATE outbox SET status = 'blocked' WHERE id = 4")
        assert process.poll() is None, "one row is still pending"
        with sqlite3.connect(populated) as db:
            db.execute("UPDATE outbox SET status = 'failed' WHERE id = 5")
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert out == "sent 3, unreachable 1, failed 1\n"
    assert "Traceback" not in err


def test_one_recipient_reads_in_the_singular(tmp_path, populated):
    result = tawasul(
        tmp_path, "broadcast", "--text", "Merci", "--audience", "collectivity:C-TANGER", "--yes"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "broadcast 1: 1 message queued; the running bot (tawasul run) sends them"
    )


def read_terminal(master: int, until: str, timeout: float = 30.0) -> str:
    """What the program wrote to its terminal, once ``until`` is in it."""
    seen = ""
    deadline = time.monotonic() + timeout
    while until not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"waited for {until!r} on the terminal, got {seen!r}"
        ready, _, _ = io.select([master], [], [], left)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the program closed its end
                break
            seen += chunk.decode("utf-8", "replace")
    return seen


def test_on_a_terminal_wait_shows_a_progress_bar(tmp_path, populated):
    master, terminal = pty.openpty()
    rows_columns = struct.pack("HHHH", 24, 80, 0, 0)
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, rows_columns)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "broadcast", "--text", "Bonjour", "--yes", "--wait"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
        env=environment(tmp_path),
        cwd=tmp_path,
    )
    os.close(terminal)
    try:
        assert "broadcast 1:   0%" in read_terminal(master, "0/5")
        with sqlite3.connect(populated) as db:
            db.execute("UPDATE outbox SET status = 'sent' WHERE id <= 4")
        assert "80%" in read_terminal(master, "4/5")
        with sqlite3.connect(populated) as db:
            db.execute("UPDATE outbox SET status = 'sent' WHERE id = 5")
        finished = read_terminal(master, "5/5")
        out, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert "100%" in finished and "Traceback" not in finished
    assert process.returncode == 0
    assert out.splitlines()[-1] == "sent 5, unreachable 0, failed 0"


def test_organisers_see_who_cannot_be_reached(tmp_path, populated):
    result = tawasul(tmp_path, "unreachable")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header == "since\tchannel\tparticipant\tfull_name\tcollectivity\tlabel_fr"
    assert [row.split("\t")[1:2] + row.split("\t")[3:] for row in rows] == [
        ["telegram", "Ghita", "C-BERKANE", "Commune de Berkane"]
    ]
    assert rows[0].split("\t")[0] == "2024-11-01T09:00:00+00:00"
    assert result.stderr.splitlines()[-1] == "tawasul: 1 participant cannot be reached"
