"""Polls, questions, check-ins and scheduled broadcasts: the rows written, and the command line."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from test_broadcast_cli import TEXTS, event_id, outbox_counts, populate, populated, tawasul

from db.broadcasts import (
    BadOptions,
    check_options,
    locales_of,
    parse_audience,
    write,
)
from db.models import Broadcast, ChannelAccount, CheckIn, OutboxMessage, as_utc

__all__ = ["event_id", "populate", "populated"]  # fixtures shared with the broadcast tests

OPTIONS = [{"default": "نعم", "fr": "Oui"}, {"default": "لا", "fr": "Non"}]


async def test_write_runs_inside_the_callers_unit_of_work(database, event_id, clock):
    due = clock() + timedelta(hours=2)
    async with database.unit_of_work() as session:
        created = await write(
            session,
            event_id,
            parse_audience("region:02"),
            TEXTS,
            clock(),
            kind="poll",
            options=OPTIONS,
            due_at=due,
            origin="prompt:feedback",
        )
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        broadcast = await session.get(Broadcast, created.id)
        locales = {
            account.id: account.locale for account in await session.scalars(select(ChannelAccount))
        }
    assert created.recipients == 3 and len(rows) == 3
    assert (broadcast.kind, broadcast.origin, broadcast.options) == (
        "poll",
        "prompt:feedback",
        OPTIONS,
    )
    for row in rows:
        assert row.lane == "bulk" and row.idempotency_key.startswith(f"broadcast:{created.id}:")
        assert as_utc(row.due_at) == due
        labels = [label for _, label, _ in row.content["options"]]
        keys = [key for key, _, _ in row.content["options"]]
        assert keys == [f"poll:{created.id}:0", f"poll:{created.id}:1"]
        french = locales[row.account_id] == "fr"
        assert labels == (["Oui", "Non"] if french else ["نعم", "لا"])
        assert row.content["text"] == (TEXTS["fr"] if french else TEXTS["default"])


async def test_a_failed_write_leaves_nothing(database, event_id, clock):
    with pytest.raises(BadOptions):
        async with database.unit_of_work() as session:
            await write(session, event_id, parse_audience("all"), TEXTS, clock(), kind="poll")
    async with database.unit_of_work() as session:
        assert await session.scalar(select(Broadcast)) is None


async def test_check_ins_and_questions_get_one_button_of_their_own(database, event_id, clock):
    async with database.unit_of_work() as session:
        checkin = await write(
            session, event_id, parse_audience("all"), TEXTS, clock(), kind="checkin"
        )
        question = await write(
            session, event_id, parse_audience("all"), TEXTS, clock(), kind="question"
        )
        rows = {
            row.idempotency_key: row.content for row in await session.scalars(select(OutboxMessage))
        }
        accounts = {
            account.external_id: account.id
            for account in await session.scalars(select(ChannelAccount))
        }
    bruno = accounts["bruno"]
    assert rows[f"broadcast:{checkin.id}:{bruno}"]["options"] == [
        [f"here:{checkin.id}", "Je suis là", None]
    ]
    assert rows[f"broadcast:{question.id}:{accounts['amina']}"]["options"] == [
        [f"ask:{question.id}", "أجيب", None]
    ]


def test_the_options_a_poll_may_carry():
    assert check_options("message", None) is None
    for bad in ([], [{"default": "نعم"}], [{"default": str(n)} for n in range(7)]):
        with pytest.raises(BadOptions, match="2 to 6"):
            check_options("poll", bad)
    with pytest.raises(BadOptions, match="empty"):
        check_options("poll", [{"default": "نعم"}, {"default": " "}])
    with pytest.raises(BadOptions, match="twice"):
        check_options("poll", [{"default": "نعم"}, {"default": "نعم"}])
    with pytest.raises(BadOptions):
        check_options("message", OPTIONS)


async def test_the_present_are_those_checked_in_and_counted_per_language(database, event_id, clock):
    async with database.unit_of_work() as session:
        accounts = {
            account.external_id: account
            for account in await session.scalars(select(ChannelAccount))
        }
        for name in ("amina", "bruno", "farid"):
            session.add(
                CheckIn(
                    event_id=event_id,
                    participant_id=accounts[name].participant_id,
                    checked_in_at=clock(),
                )
            )
    async with database.unit_of_work() as session:
        present = await locales_of(session, event_id, parse_audience("present"))
        everyone = await locales_of(session, event_id, parse_audience("all"))
    assert present == {"ar": 1, "fr": 1}, "farid is checked in but not registered"
    assert everyone == {"ar": 2, "fr": 2, "en": 1}


# the command line


def test_options_make_a_poll_and_poll_results_prints_its_counts(tmp_path, populated):
    result = tawasul(
        tmp_path, "broadcast", "--text", "هل أنتم مستعدون؟", "--options", "نعم|لا|ربما", "--yes"
    )
    assert result.returncode == 0, result.stderr
    assert "broadcast 1: 5 messages queued" in result.stdout
    with sqlite3.connect(populated) as db:
        (content,) = db.execute("SELECT content FROM outbox LIMIT 1").fetchone()
        participants = [row[0] for row in db.execute("SELECT id FROM participants LIMIT 4")]
        for participant, choice in zip(participants, (0, 0, 2, 0), strict=True):
            db.execute(
                "INSERT INTO poll_answers (broadcast_id, participant_id, choice, answered_at) "
                "VALUES (1, ?, ?, '2024-11-13 14:00:00')",
                (participant, choice),
            )
    assert '"poll:1:2"' in content
    results = tawasul(tmp_path, "poll", "results", "1")
    assert results.returncode == 0, results.stderr
    assert results.stdout.splitlines() == [
        "poll 1 (open): هل أنتم مستعدون؟",
        "نعم\t████████░░\t75%\t3",
        "لا\t░░░░░░░░░░\t0%\t0",
        "ربما\t██░░░░░░░░\t25%\t1",
        "answers: 4",
    ]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (("--options", "نعم"), "--options: a poll offers 2 to 6 options"),
        (("--options", "1|2|3|4|5|6|7"), "--options: a poll offers 2 to 6 options"),
        (("--options", "نعم||لا"), "--options: an option is empty"),
        (("--options", "نعم|" + "x" * 300), "longer than 256 characters"),
        (("--schedule", "tomorrow"), "--schedule 'tomorrow': give the local time as"),
        (("--schedule", "2024-11-13 15:30"), "that time (Africa/Casablanca) has passed"),
    ],
)
def test_bad_options_and_schedules_are_one_line_and_exit_2(tmp_path, populated, arguments, problem):
    result = tawasul(tmp_path, "broadcast", "--text", "Bonjour", *arguments, "--yes")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and problem in result.stderr, result.stderr
    assert outbox_counts(populated) == {}


def test_a_scheduled_broadcast_is_due_at_its_local_time(tmp_path, populated):
    result = tawasul(
        tmp_path, "broadcast", "--text", "Bonjour", "--schedule", "2099-11-13 15:30", "--yes"
    )
    assert result.returncode == 0, result.stderr
    assert "queued for 2099-11-13 15:30 (Africa/Casablanca)" in result.stdout
    with sqlite3.connect(populated) as db:
        due = {row[0] for row in db.execute("SELECT due_at FROM outbox")}
        (scheduled,) = db.execute("SELECT due_at FROM broadcasts").fetchone()
    # Africa/Casablanca is UTC+1 outside Ramadan.
    assert due == {scheduled}
    assert datetime.fromisoformat(scheduled).replace(tzinfo=UTC) == datetime(
        2099, 11, 13, 14, 30, tzinfo=UTC
    )


def test_the_present_audience_from_the_command_line(tmp_path, populated):
    with sqlite3.connect(populated) as db:
        amina = db.execute(
            "SELECT participant_id FROM channel_accounts WHERE external_id = 'amina'"
        ).fetchone()[0]
        db.execute(
            "INSERT INTO check_ins (event_id, participant_id, checked_in_at) "
            "VALUES (1, ?, '2024-11-13 14:00:00')",
            (amina,),
        )
    result = tawasul(tmp_path, "broadcast", "--text", "Bonjour", "--audience", "present", "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "recipients: 1 (ar 1); --text to ar"
    assert outbox_counts(populated) == {"pending": 1}


@pytest.mark.parametrize(("poll_id", "problem"), [("7", "no poll 7"), ("x", "poll 'x': give")])
def test_poll_results_of_an_unknown_poll_is_one_line(tmp_path, populated, poll_id, problem):
    tawasul(tmp_path, "broadcast", "--text", "Bonjour", "--yes")
    for wrong in (poll_id, "1"):
        result = tawasul(tmp_path, "poll", "results", wrong)
        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1
    assert problem in tawasul(tmp_path, "poll", "results", poll_id).stderr
