"""Two audiences for broadcasts: "my table in round N" (``table:ROUND:TABLE``) and "has not
answered prompt X" (``unanswered:BROADCAST``), read, checked and reached the same way by
the repository, the /broadcast flow and the command line."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
from sqlalchemy import func, select
from test_rounds import Phones, arrives, lead_in
from transcript import Person, channel_under_test, grant

from bot.bootstrap import bootstrap
from bot.broadcast_cli import broadcast
from bot.cli import BROADCAST_DESCRIPTION
from db.broadcasts import (
    AUDIENCE_FORMS,
    CHECKIN,
    POLL,
    QUESTION,
    Audience,
    BadAudience,
    create,
    parse_audience,
    recipients,
)
from db.models import ChannelAccount, NetworkingRound, OutboxMessage, RoundSeat
from db.session import Database
from domain.settings import Roles

LEAD = "900"
TEXTS = {"default": "هل لديكم فكرة مشتركة؟", "en": "Do you have a joint idea?"}
ANSWERS = [{"default": "نعم", "en": "Yes"}, {"default": "لا", "en": "No"}]


@pytest.fixture
async def room(database, settings, clock):
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


async def reached(app, audience: str) -> set[str]:
    """The external ids of the accounts the audience reaches."""
    async with app.database.unit_of_work() as session:
        found = await recipients(session, app.services.event_id, parse_audience(audience))
        ids = [account_id for account_id, _ in found]
        rows = await session.scalars(
            select(ChannelAccount.external_id).where(ChannelAccount.id.in_(ids))
        )
        return set(rows)


async def table_of(app, number: int, table: int) -> set[str]:
    """The external ids of those seated at that table, read from the seats themselves."""
    async with app.database.unit_of_work() as session:
        rows = await session.scalars(
            select(ChannelAccount.external_id)
            .join(RoundSeat, RoundSeat.participant_id == ChannelAccount.participant_id)
            .join(NetworkingRound, NetworkingRound.id == RoundSeat.round_id)
            .where(NetworkingRound.number == number, RoundSeat.table_number == table)
        )
        return set(rows)


async def four_in_pairs(app) -> list[Person]:
    people = [
        await arrives(app, str(n), f"Person {n}", place)
        for n, place in enumerate(("berkane", "tanger", "oujda", "tetouan"), 1)
    ]
    lead = await lead_in(app)
    await lead.says("/round start")
    lead.sees("Round 1 has started: 4 people seated.")
    return people


# The forms


def test_the_new_forms_are_read_and_written_back_as_typed():
    assert parse_audience("table:2:5") == Audience("table", ("2", "5"))
    assert parse_audience(" table: 02 : 5 ") == Audience("table", ("2", "5"))
    assert str(parse_audience("table:2:5")) == "table:2:5"
    assert parse_audience(str(Audience("table", ("3", "1")))) == Audience("table", ("3", "1"))
    assert parse_audience("unanswered:#12") == Audience("unanswered", ("12",))
    assert str(parse_audience("unanswered:12")) == "unanswered:12"
    assert "table:ROUND:TABLE" in AUDIENCE_FORMS and "unanswered:BROADCAST" in AUDIENCE_FORMS
    assert "table:ROUND:TABLE" in BROADCAST_DESCRIPTION
    assert "unanswered:ID" in BROADCAST_DESCRIPTION


@pytest.mark.parametrize(
    ("audience", "problem"),
    [
        ("table:2", "give the round's and the table's numbers"),
        ("table:2:x", "give the round's and the table's numbers"),
        ("table:0:1", "give the round's and the table's numbers"),
        ("table:1:2:3", "give the round's and the table's numbers"),
        ("unanswered:", "give a broadcast's number"),
        ("unanswered:poll", "give a broadcast's number"),
        ("everyone", "table:ROUND:TABLE or unanswered:BROADCAST"),
    ],
)
def test_a_bad_form_is_named(audience, problem):
    with pytest.raises(BadAudience, match=problem):
        parse_audience(audience)


# Who they reach


async def test_a_table_of_a_round_reaches_those_seated_there(room):
    await four_in_pairs(room)
    first, second = await table_of(room, 1, 1), await table_of(room, 1, 2)
    assert len(first) == len(second) == 2 and not first & second
    assert await reached(room, "table:1:1") == first
    assert await reached(room, "table:1:2") == second
    with pytest.raises(BadAudience, match="no round 2"):
        await reached(room, "table:2:1")
    with pytest.raises(BadAudience, match="round 1 has no table 3"):
        await reached(room, "table:1:3")


async def test_unanswered_reaches_those_reached_who_have_not_answered(room, clock):
    phones = Phones(room)
    amal = await arrives(room, "1", "Amal Idrissi", "berkane")
    karim = await arrives(room, "2", "Karim Alaoui", "tanger")
    sara = Person(room.conversation, "3")
    await sara.registers("Sara Bennani", "oujda")  # registered, never checked in
    event_id = room.services.event_id
    poll = await create(
        room.database, event_id, parse_audience("all"), TEXTS, clock(), kind=POLL, options=ANSWERS
    )
    question = await create(
        room.database, event_id, parse_audience("all"), TEXTS, clock(), kind=QUESTION
    )
    checkin = await create(
        room.database, event_id, parse_audience("all"), TEXTS, clock(), kind=CHECKIN
    )
    message = await create(room.database, event_id, parse_audience("all"), TEXTS, clock())
    await phones.deliver()
    late = Person(room.conversation, "4")
    await late.registers("Omar Tazi", "tetouan")  # after the broadcasts: never reached

    await amal.taps_key(f"poll:{poll.id}:0")
    amal.sees("Your answer is counted: Yes.")
    async with room.conversation.unit_of_work() as store:
        found = await store.live.broadcast(question.id, event_id=event_id)
        account = await store.accounts.find(channel_under_test(), karim.external_id)
        await store.live.add_reply(found, account.participant_id, "A joint portal", clock())

    assert await reached(room, f"unanswered:{poll.id}") == {"2", "3"}
    assert await reached(room, f"unanswered:{question.id}") == {"1", "3"}
    assert await reached(room, f"unanswered:{checkin.id}") == {"3"}
    assert await reached(room, "all") == {"1", "2", "3", "4"}
    with pytest.raises(BadAudience, match="is a message, with nothing to answer"):
        await reached(room, f"unanswered:{message.id}")
    with pytest.raises(BadAudience, match="no broadcast 999"):
        await reached(room, "unanswered:999")


# The /broadcast flow and the command line


async def test_a_facilitator_writes_to_a_table_in_the_chat(room):
    phones = Phones(room)
    await four_in_pairs(room)
    await phones.deliver()
    first = await table_of(room, 1, 1)
    lead = Person(room.conversation, LEAD)
    await lead.says("/broadcast")
    await lead.says("Write down one idea you could carry out together.")
    await lead.taps("No buttons")
    await lead.taps("A table of a speed-networking round")
    lead.sees("Write the round's number, then the table's: for example 2 5")
    await lead.says("round 9")
    lead.sees("Please write two numbers: the round's, then the table's.")
    await lead.says("9 1")
    lead.sees("Round 9 has no table 1. The rounds so far are in /rounds.")
    await lead.says("١ ١")  # Eastern digits too
    lead.sees("It goes to 2 people")
    await lead.taps("Send")
    lead.sees("Sent to 2 people")
    await phones.deliver()
    got = {
        external_id
        for external_id, messages in phones.phone.received.items()
        if messages[-1].text == "Write down one idea you could carry out together."
    }
    assert got == first


async def test_a_facilitator_follows_up_those_who_have_not_answered(room, clock):
    phones = Phones(room)
    lead = await lead_in(room)
    await lead.says("/broadcast")
    await lead.says("Please answer the poll.")
    await lead.taps("No buttons")
    await lead.taps("Those who have not answered")
    lead.sees("No poll, open question or check-in has been sent yet.")
    await lead.taps("Change the audience")
    lead.sees("Who should receive it?")
    await lead.says("/cancel")

    amal = await arrives(room, "1", "Amal Idrissi", "berkane")
    await arrives(room, "2", "Karim Alaoui", "tanger")
    poll = await create(
        room.database,
        room.services.event_id,
        parse_audience("present"),
        {"default": "Will you join the next workshop?"},
        clock(),
        kind=POLL,
        options=ANSWERS,
    )
    await phones.deliver()
    await amal.taps_key(f"poll:{poll.id}:1")
    await lead.says("/broadcast")
    await lead.says("Please answer the poll.")
    await lead.taps("No buttons")
    await lead.taps("Those who have not answered")
    lead.sees("Which one? The message goes to those it reached who have not answered it.")
    assert lead.labels[0] == f"#{poll.id} poll: Will you join the next workshop?"
    await lead.taps(f"#{poll.id} poll")
    lead.sees("It goes to 1 person")
    await lead.taps("Send")
    await phones.deliver()
    assert phones.phone.received["2"][-1].text == "Please answer the poll."
    assert phones.phone.received["1"][-1].text != "Please answer the poll."


async def test_the_command_line_sends_to_a_table(sqlite_url, settings, clock, capsys):
    configured = dataclasses.replace(
        settings,
        database_url=sqlite_url,
        roles=Roles(facilitators=frozenset({grant(LEAD)})),
    )
    database = Database(sqlite_url)
    try:
        app = await bootstrap(configured, database=database, clock=clock)
        await four_in_pairs(app)
    finally:
        await database.close()
    arguments = dict(text="Table 1: one idea, please.", text_fr=None, text_en=None, wait=False)
    code = await broadcast(
        configured, argparse.Namespace(audience="table:1:1", yes=True, **arguments)
    )
    assert code == 0
    assert "recipients: 2" in capsys.readouterr().out
    code = await broadcast(
        configured, argparse.Namespace(audience="table:4:1", yes=True, **arguments)
    )
    assert code == 2
    assert "no round 4" in capsys.readouterr().err
    database = Database(sqlite_url)
    try:
        async with database.unit_of_work() as session:
            copies = await session.scalar(
                select(func.count()).where(OutboxMessage.idempotency_key.like("broadcast:%"))
            )
    finally:
        await database.close()
    assert copies == 2
