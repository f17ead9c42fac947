""" "I need help" on a follow-up reaches the organisers: each one who ever wrote to the bot
gets the request in their own language, once; participants never do."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from test_follow_ups import BUDGETING, MADE, TEXT, Inbox, commit, commitment_of, utc
from test_matches import interested, joins, participant_id
from transcript import Person, channel_under_test, grant

from bot.bootstrap import bootstrap
from bot.config import Roles
from db.models import OutboxMessage

BOSS, SILENT = "800", "801"
"""Two organisers: the first writes to the bot (in French), the second never does."""


@pytest.fixture
async def organised(database, settings, clock):
    roles = Roles(organisers=frozenset({grant(BOSS), grant(SILENT)}))
    app = await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )
    boss = Person(app.conversation, BOSS)
    await boss.begins("Français")
    return app


async def help_rows(app) -> list[OutboxMessage]:
    async with app.database.unit_of_work() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("help:"))
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def test_the_organiser_receives_the_request_in_their_language(organised, clock):
    app = organised
    sara = await joins(app, "1", "Sara Bennani", "berkane")
    karim = await joins(app, "2", "Karim Benali", "fes")
    await interested(app, karim, offers=[BUDGETING])
    clock.current = MADE
    commitment_id = await commit(app, await participant_id(app, sara))
    inbox = Inbox(app, clock)
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    sara.replies = [inbox.of(sara)[-1]]
    await sara.taps("I need help")
    sara.sees("Your request for help is flagged to the organisers.")
    await inbox.sweep()

    [message] = inbox.phone.received[BOSS]
    n = "\u202f"
    for fragment in (
        "Une demande d’appui de Sara Bennani — ",
        f"Engagement{n}: «{n}{TEXT}{n}»",
        f"Thème{n}: Budget participatif",
        f"Échéance{n}: 28 avril 2025.",
        f"Pairs proposés en réponse à la demande{n}:",
        "• Karim Benali, ",
    ):
        assert fragment in message.text, (fragment, message.text)
    assert message.options == ()
    _, _, follow_ups = await commitment_of(app, commitment_id)
    [row] = await help_rows(app)
    assert row.idempotency_key == f"help:{commitment_id}:{follow_ups[0].id}:{row.account_id}"

    # the same follow-up tapped again: the organiser is not told twice
    sara.replies = [inbox.of(sara)[0]]
    await sara.taps("I need help")
    sara.sees("Your request for help is flagged to the organisers.")
    await inbox.sweep()
    assert len(inbox.phone.received[BOSS]) == 1
    assert len(await help_rows(app)) == 1


async def test_participants_never_receive_it_and_a_silent_organiser_is_skipped(organised, clock):
    app = organised
    sara = await joins(app, "1", "Sara Bennani", "berkane")
    karim = await joins(app, "2", "Karim Benali", "fes")
    await interested(app, karim, offers=[BUDGETING])
    clock.current = MADE
    await commit(app, await participant_id(app, sara))
    inbox = Inbox(app, clock)
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    sara.replies = [inbox.of(sara)[-1]]
    await sara.taps("I need help")
    await inbox.sweep()

    assert SILENT not in inbox.phone.received
    assert inbox.of(karim) == []
    assert [message.text for message in inbox.of(sara)][-1].startswith("A follow-up")
    rows = await help_rows(app)
    assert len(rows) == 1
    boss_account = rows[0].account_id
    async with app.conversation.unit_of_work() as store:
        account = await store.accounts.find(channel_under_test(), BOSS)
    assert boss_account == account.id
