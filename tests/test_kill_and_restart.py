"""A real ``tawasul run``, killed with SIGKILL and started again on the same database.

The process talks to a fake Bot API server in this test process. What the fake
received is the truth about what people saw: every message exactly once, except the
ones in flight at the kill (README, Delivery: the window no design closes). For a
reply, the fake holds the send (never answered, never delivered) while the process dies.

A dead process's claims hold until their lease runs out (60 s). Rather than wait that
long, the tests move the leases back by one lease length before the restart, as if the
restart had come a minute later; the restarted process must still find them expired.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fake_telegram import DEFAULT_TOKEN, FakeTelegramServer
from sqlalchemy import select, update

from bot.bootstrap import migrate, utc_now
from bot.config import load_settings
from bot.delivery.dispatcher import DeliverySettings
from db.models import ChannelAccount, Collectivity, EventRegistration, OutboxMessage, Participant
from db.session import Database

RECIPIENTS = 1_000
RATE = 150
"""Messages per second for the process under test: 1,000 in seconds rather than 33."""
KILL_AT = 350
"""sendMessage calls seen before the kill: in the middle of the fourth batch of 100."""
FIRST_CHAT = 50_000_001
TEXT = "اجتماع الغد على الساعة التاسعة"
EVENT_DAY = date.today() + timedelta(days=30)
"""A coming event: the participants of one long past would be erased at the start."""
RUNNING = "running; Ctrl-C to stop"
"""Logged once the bot runs: a stop after it is a stop of a running bot."""
WAIT_S = 90.0
STOP_S = 30.0

CONFIG = f"""\
[event]
code = "kill-test"
name = {{ ar = "لقاء", fr = "Rencontre", en = "Meeting" }}
date = {EVENT_DAY}
place = {{ ar = "السعيدية", fr = "Saïdia", en = "Saïdia" }}
timezone = "Africa/Casablanca"

[database]
url = "sqlite:///tawasul.db"

[telegram]
bot_username = "TawasulTestBot"

[delivery]
rate_per_second = {RATE}
"""


class Processes:
    """The ``tawasul`` processes of one test, all killed at the end whatever happened."""

    def __init__(self, folder: Path, telegram: FakeTelegramServer) -> None:
        self.folder = folder
        self.config = folder / "config.toml"
        self.config.write_text(CONFIG, "utf-8")
        self.database = folder / "tawasul.db"
        self.url = f"sqlite:///{self.database}"
        self.environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TAWASUL_CONFIG": str(self.config),
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
        }
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def command(self, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *arguments],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=self.environment,
            cwd=self.folder,
            timeout=120,
        )

    def run(self) -> subprocess.Popen:
        """``tawasul run``, its output in a log file of its own."""
        log = self.folder / f"run-{len(self.started) + 1}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=self.environment,
                cwd=self.folder,
            )
        self.started.append((process, log))
        return process

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for _, log in self.started)

    def until(self, what: str, condition: Callable[[], bool], timeout: float = WAIT_S) -> None:
        """Wait for ``condition``; fail at once if the running process died."""
        deadline = time.monotonic() + timeout
        while not condition():
            process = self.started[-1][0] if self.started else None
            if process is not None and process.poll() is not None:
                pytest.fail(
                    f"tawasul run exited ({process.returncode}) before {what}\n{self.logs()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"not within {timeout:.0f} s: {what}\n{self.logs()}")
            time.sleep(0.02)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=STOP_S)

    def stop(self, process: subprocess.Popen) -> None:
        """A polite stop (SIGTERM) once it runs, which must end cleanly."""
        log = next(log for started, log in self.started if started is process)
        self.until("tawasul run is running", lambda: RUNNING in log.read_text())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_S) == 0, self.logs()

    def kill_all(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=STOP_S)


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    server = FakeTelegramServer().start()
    try:
        yield server
    finally:
        server.release_held()
        server.stop()


@pytest.fixture
def tawasul(tmp_path, telegram) -> Iterator[Processes]:
    processes = Processes(tmp_path, telegram)
    try:
        yield processes
    finally:
        processes.kill_all()


async def seed(processes: Processes, count: int) -> None:
    """``count`` participants registered for the event, each with a Telegram account."""
    database = Database(processes.url)
    try:
        now = utc_now()
        event_id = await migrate(database, load_settings(processes.config, environ={}), now)
        async with database.unit_of_work() as session:
            place = await session.scalar(select(Collectivity).where(Collectivity.code == "C-OUJDA"))
            people = [
                Participant(
                    full_name=f"Focal point {number}",
                    collectivity_id=place.id,
                    position="Focal point",
                    consented_at=now,
                    created_at=now,
                    updated_at=now,
                )
                for number in range(count)
            ]
            session.add_all(people)
            await session.flush()
            for number, person in enumerate(people):
                session.add(
                    ChannelAccount(
                        channel="telegram",
                        external_id=str(FIRST_CHAT + number),
                        participant_id=person.id,
                        locale="ar",
                        created_at=now,
                    )
                )
                session.add(
                    EventRegistration(
                        event_id=event_id, participant_id=person.id, registered_at=now
                    )
                )
    finally:
        await database.close()


async def as_if_the_leases_had_run_out(url: str) -> int:
    """Move every lease back by one lease length; return how many rows were claimed."""
    lease = timedelta(seconds=DeliverySettings().lease_s)
    database = Database(url)
    try:
        async with database.unit_of_work() as session:
            claimed = (
                await session.execute(
                    select(OutboxMessage.id, OutboxMessage.lease_until).where(
                        OutboxMessage.lease_until.is_not(None)
                    )
                )
            ).all()
            for row_id, lease_until in claimed:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id)
                    .values(lease_until=lease_until - lease)
                )
        return len(claimed)
    finally:
        await database.close()


def outbox(database: Path, where: str = "1 = 1") -> list[sqlite3.Row]:
    with sqlite3.connect(database, timeout=30) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(
            "SELECT outbox.id, outbox.lane, outbox.status, outbox.claimed_by,"
            " outbox.platform_message_id, outbox.content, channel_accounts.external_id"
            " FROM outbox JOIN channel_accounts ON channel_accounts.id = outbox.account_id"
            f" WHERE {where} ORDER BY outbox.id"
        ).fetchall()


def pending(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(
            "SELECT count(*) FROM outbox WHERE status = 'pending'"
        ).fetchone()[0]


def send_calls(telegram: FakeTelegramServer) -> int:
    return telegram.methods_called().count("sendMessage")


def test_a_broadcast_killed_midway_reaches_everyone_once_but_what_was_in_flight(tawasul, telegram):
    chats = [FIRST_CHAT + number for number in range(RECIPIENTS)]
    asyncio.run(seed(tawasul, RECIPIENTS))
    queued = tawasul.command("broadcast", "--text", TEXT, "--yes")
    assert queued.returncode == 0, queued.stderr
    assert pending(tawasul.database) == RECIPIENTS

    first = tawasul.run()
    tawasul.until(f"{KILL_AT} sends", lambda: send_calls(telegram) >= KILL_AT)
    tawasul.kill(first)

    delivered_at_kill = sum(1 for chat in chats if telegram.sent_messages(chat))
    assert delivered_at_kill < RECIPIENTS, "the kill came after the broadcast: it proves nothing"
    claimed_at_kill = {
        int(row["external_id"])
        for row in outbox(tawasul.database, "status = 'pending' AND claimed_by IS NOT NULL")
    }
    assert claimed_at_kill, "nothing was claimed at the kill: no lease to take up"
    assert asyncio.run(as_if_the_leases_had_run_out(tawasul.url)) == len(claimed_at_kill)

    second = tawasul.run()
    tawasul.until("every row has an outcome", lambda: pending(tawasul.database) == 0)
    tawasul.stop(second)

    copies = {chat: telegram.sent_messages(chat) for chat in chats}
    per_count = Counter(len(sent) for sent in copies.values())
    twice = {chat for chat, sent in copies.items() if len(sent) == 2}
    assert per_count[0] == 0, "nobody is left out"
    assert set(per_count) <= {1, 2}, f"nobody gets three copies: {per_count}"
    assert twice <= claimed_at_kill, "only a message claimed at the kill may come twice"
    assert len(twice) <= DeliverySettings().max_in_flight, "at most 32 unrecorded at the kill"
    assert {message["text"] for sent in copies.values() for message in sent} == {TEXT}
    assert send_calls(telegram) == RECIPIENTS + len(twice), "no send the fake did not deliver"

    rows = outbox(tawasul.database)
    assert len(rows) == RECIPIENTS
    for row in rows:
        last = copies[int(row["external_id"])][-1]
        assert row["status"] == "sent", dict(row)
        assert row["platform_message_id"] == str(last["message_id"]), dict(row)


def test_a_reply_committed_and_not_yet_sent_at_the_kill_reaches_the_person_once(tawasul, telegram):
    person = 60_000_001
    telegram.hold_sends()
    first = tawasul.run()
    telegram.push_text(person, "/start")
    try:
        telegram.wait_for_held(1, timeout=WAIT_S)
    except AssertionError as error:
        pytest.fail(f"{error}\n{tawasul.logs()}")
    tawasul.kill(first)
    telegram.release_held()

    [written] = outbox(tawasul.database)
    assert (written["lane"], written["status"]) == ("reply", "pending"), dict(written)
    assert written["claimed_by"] is not None, "the fast path had claimed it when it died"
    assert telegram.sent_messages(person) == []
    assert asyncio.run(as_if_the_leases_had_run_out(tawasul.url)) == 1

    second = tawasul.run()
    tawasul.until("the reply has an outcome", lambda: pending(tawasul.database) == 0)
    tawasul.stop(second)

    [row] = outbox(tawasul.database)
    received = telegram.sent_messages(person)
    assert [message["text"] for message in received] == [json.loads(row["content"])["text"]]
    assert row["status"] == "sent"
    assert row["platform_message_id"] == str(received[0]["message_id"])
    tries = [call for call in telegram.calls("sendMessage") if call["chat_id"] == person]
    assert len(tries) == 2, "the held try, then the one after the restart"


def test_a_sigterm_while_starting_is_a_clean_stop(tawasul, telegram):
    """The stop is asked for as soon as the database is named, before the bot runs."""
    process = tawasul.run()
    log = tawasul.started[-1][1]
    tawasul.until("the database is named", lambda: "database in use" in log.read_text())
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=STOP_S) == 0, tawasul.logs()
    assert "Traceback" not in log.read_text()
