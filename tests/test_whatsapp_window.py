"""WhatsApp's 24-hour window, on a controlled clock: within 24 hours of a person's last
message the bot writes freely; beyond, the approved template goes instead, and what it
stands for follows the person's tap on its button. A 131047 answer (the platform's own
reckoning of the window) is met with the template too."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from test_follow_ups import MADE, commit, utc
from test_matches import participant_id
from transcript import Person, Phone

from bot.delivery.dispatcher import Delivery
from bot.delivery.ports import Failed, OutsideWindow, Sent
from db.broadcasts import create, parse_audience
from db.models import ChannelAccount, OutboxMessage
from db.outbox import Receipt, record_receipts
from handlers.messages import MESSAGE_WAITING, Reply

WINDOW = timedelta(hours=24)
pytestmark = pytest.mark.own_channels


class FakeWhatsApp:
    """A windowed sender that records what each person got: messages and templates.

    ``approved`` are the kinds of template it has; ``closed_for`` the people for whom the
    platform answers the next free-form message with 131047.
    """

    window = WINDOW

    def __init__(self, approved=("commitment_follow_up", MESSAGE_WAITING)) -> None:
        self.approved = set(approved)
        self.closed_for: set[str] = set()
        self.got: dict[str, list[tuple]] = {}
        self._ids = 0

    def _sent(self, external_id: str, item: tuple) -> Sent:
        self._ids += 1
        self.got.setdefault(external_id, []).append(item)
        return Sent(f"wamid.{self._ids}")

    async def send(self, external_id: str, message: Reply, locale: str | None = None):
        if external_id in self.closed_for:
            self.closed_for.discard(external_id)
            return OutsideWindow("131047: Re-engagement message")
        return self._sent(external_id, ("message", message.text))

    async def send_template(self, external_id, content, locale, reopen_key):
        template = content.get("template") or {}
        kind = template.get("kind") if template.get("kind") in self.approved else None
        kind = kind or (MESSAGE_WAITING if MESSAGE_WAITING in self.approved else None)
        if kind is None:
            return Failed("no approved template")
        parameters = template.get("parameters", {}) if kind == template.get("kind") else {}
        return self._sent(external_id, ("template", kind, parameters, locale, reopen_key))

    def of(self, person) -> list[tuple]:
        return self.got.get(person.external_id, [])


async def joins_on_whatsapp(app, external_id="212600000001", name="Sara Bennani") -> Person:
    person = Person(app.conversation, external_id, channel="whatsapp")
    await person.begins("English")
    await person.says(name)
    await person.says("berkane")
    await person.says("1")
    await person.says("Focal point")
    await person.taps("Skip")
    await person.taps("Skip")
    await person.taps("I agree")
    await person.taps("Confirm")
    person.sees("your registration is complete")
    await person.taps("Later")
    return person


SARA = "212600000001"
FIRST_FOLLOW_UP = utc(2025, 3, 17, 10)
"""The first follow-up of a commitment made at MADE: 3 weeks later."""


async def follow_up_swept(app, clock, whatsapp: FakeWhatsApp, *, last_wrote) -> Person:
    """Sara registers on WhatsApp (her last message at ``last_wrote``), commits at MADE,
    and the first follow-up is swept and delivered through ``whatsapp``."""
    clock.current = last_wrote
    sara = await joins_on_whatsapp(app, SARA)
    clock.current = MADE
    await commit(app, await participant_id(app, sara))
    clock.current = FIRST_FOLLOW_UP
    await sweep(app, clock, whatsapp)
    return sara


async def sweep(app, clock, whatsapp: FakeWhatsApp) -> None:
    """The follow-up sweep, then the dispatcher over everything due."""
    await app.follow_up_sweep.run_once()
    await Delivery(app.database, {"whatsapp": whatsapp}, clock, sleep=clock.sleep).run_once()


async def outbox_rows(app, prefix: str) -> list[OutboxMessage]:
    async with app.database.unit_of_work() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def account_of(app, person) -> ChannelAccount:
    async with app.database.unit_of_work() as session:
        return await session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == person.channel,
                ChannelAccount.external_id == person.external_id,
            )
        )


async def test_a_follow_up_three_weeks_after_the_last_message_goes_as_its_template(app, clock):
    whatsapp = FakeWhatsApp()
    # the first follow-up, 3 weeks after her last message
    sara = await follow_up_swept(app, clock, whatsapp, last_wrote=MADE)

    [template] = whatsapp.of(sara)
    assert template[:2] == ("template", "commitment_follow_up")
    assert template[2]["name"] == "Sara Bennani"
    assert template[2]["commitment"] == "Publish the municipal budget in open data"
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "held" and row.platform_message_id == "wamid.1"
    assert template[4] == f"reopen:{row.id}"

    # Her tap on the template's button opens the window: the follow-up itself goes.
    clock.advance(minutes=30)
    await sara.taps_key(template[4])
    await Delivery(app.database, {"whatsapp": whatsapp}, clock, sleep=clock.sleep).run_once()
    _, message = whatsapp.of(sara)
    assert message[0] == "message"
    assert "A follow-up of your commitment" in message[1]
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "sent"
    assert (await account_of(app, sara)).last_inbound_at is not None


async def test_a_follow_up_two_hours_after_the_last_message_goes_free_form(app, clock):
    whatsapp = FakeWhatsApp()
    # 2 h 30 after she last wrote
    sara = await follow_up_swept(app, clock, whatsapp, last_wrote=utc(2025, 3, 17, 7, 30))

    [message] = whatsapp.of(sara)
    assert message[0] == "message" and "A follow-up of your commitment" in message[1]
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "sent"


async def test_a_131047_answer_is_met_with_the_template(app, clock):
    whatsapp = FakeWhatsApp()
    whatsapp.closed_for.add(SARA)  # the platform reckons the window closed
    sara = await follow_up_swept(app, clock, whatsapp, last_wrote=utc(2025, 3, 17, 7, 30))

    [template] = whatsapp.of(sara)
    assert template[:2] == ("template", "commitment_follow_up")
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "held"
    assert (await account_of(app, sara)).last_inbound_at is None


async def test_a_message_without_a_template_of_its_own_waits_behind_the_general_one(app, clock):
    clock.current = MADE
    sara = await joins_on_whatsapp(app)
    whatsapp = FakeWhatsApp()
    clock.advance(days=3)
    account = await account_of(app, sara)
    async with app.conversation.unit_of_work() as store:
        for number in (1, 2):
            await store.outbox.add(
                account.id,
                {"text": f"Reminder {number}", "options": [], "contact_request": None},
                key=f"test:{number}",
                now=clock(),
                lane="bulk",
            )
    await sweep(app, clock, whatsapp)

    [template] = whatsapp.of(sara)  # one template for both
    assert template[:2] == ("template", MESSAGE_WAITING)
    rows = await outbox_rows(app, "test:")
    assert [row.status for row in rows] == ["held", "held"]

    await sara.says("hello")
    await Delivery(app.database, {"whatsapp": whatsapp}, clock, sleep=clock.sleep).run_once()
    assert [item[1] for item in whatsapp.of(sara)[1:]] == ["Reminder 1", "Reminder 2"]


async def test_with_no_approved_template_the_row_fails_and_the_account_is_unreachable(app, clock):
    whatsapp = FakeWhatsApp(approved=())
    sara = await follow_up_swept(app, clock, whatsapp, last_wrote=MADE)

    assert whatsapp.of(sara) == []
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "failed" and "outside the window" in row.last_error
    assert (await account_of(app, sara)).unreachable_at is not None


async def test_receipts_mark_delivery_and_read_and_a_late_131047_resends_as_template(app, clock):
    whatsapp = FakeWhatsApp()
    sara = await follow_up_swept(app, clock, whatsapp, last_wrote=utc(2025, 3, 17, 7, 30))
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "sent"

    named = await record_receipts(
        app.database,
        [
            Receipt(row.platform_message_id, "delivered", clock()),
            Receipt(row.platform_message_id, "read", clock() + timedelta(minutes=1)),
            Receipt("wamid.unknown", "read", clock()),
        ],
    )
    assert named == 2
    [row] = await outbox_rows(app, "followup:")
    assert row.delivered_at is not None and row.read_at is not None

    # A failure reported after acceptance, as the platform's window closed: resent.
    await record_receipts(
        app.database,
        [Receipt(row.platform_message_id, "failed", clock(), "131047", resend=True)],
    )
    await Delivery(app.database, {"whatsapp": whatsapp}, clock, sleep=clock.sleep).run_once()
    assert whatsapp.of(sara)[-1][:2] == ("template", "commitment_follow_up")
    [row] = await outbox_rows(app, "followup:")
    assert row.status == "held"


async def test_telegram_has_no_window(app, clock):
    clock.current = MADE
    sara = Person(app.conversation, "77", channel="telegram")
    await sara.says("/start")
    assert (await account_of(app, sara)).last_inbound_at is None


async def test_organisers_see_delivered_read_and_held_copies_of_a_broadcast(app, clock):
    clock.current = MADE
    sara = await joins_on_whatsapp(app, "212600000001", "Sara Bennani")
    clock.advance(days=2)
    amal = await joins_on_whatsapp(app, "212600000009", "Amal Idrissi")
    whatsapp = FakeWhatsApp()
    created = await create(
        app.database, app.services.event_id, parse_audience("all"), {"en": "Hello"}, clock()
    )
    await Delivery(app.database, {"whatsapp": whatsapp}, clock, sleep=clock.sleep).run_once()
    assert whatsapp.of(sara)[0][:2] == ("template", MESSAGE_WAITING)  # 2 days since she wrote
    [(_, text)] = whatsapp.of(amal)
    assert text == "Hello"
    [sent] = [row for row in await outbox_rows(app, "broadcast:") if row.status == "sent"]
    await record_receipts(
        app.database,
        [
            Receipt(sent.platform_message_id, "delivered", clock()),
            Receipt(sent.platform_message_id, "read", clock()),
        ],
    )

    lead = Person(app.conversation, "facilitator", channel="console")
    await lead.says("/language")
    await lead.taps("English")
    await lead.says("/broadcasts")
    lead.sees(f"#{created.id}")
    lead.sees("sent 1, pending 0, failed 0, unreachable 0")
    lead.sees("delivered 1, read 1")
    lead.sees("1 waiting for the person to open the template sent instead.")


async def test_rows_of_a_channel_without_a_sender_wait_and_hold_nothing_up(app, clock):
    clock.current = MADE
    sara = await joins_on_whatsapp(app)
    telegram = Person(app.conversation, "77", channel="telegram")
    await telegram.says("/start")
    for person in (sara, telegram):
        account = await account_of(app, person)
        async with app.conversation.unit_of_work() as store:
            await store.outbox.add(
                account.id,
                {"text": "Hello", "options": [], "contact_request": None},
                key=f"test:{person.external_id}",
                now=clock(),
                lane="bulk",
            )
    delivery = Delivery(app.database, {"telegram": Phone()}, clock, sleep=clock.sleep)
    # WhatsApp is off here: only the Telegram row is tried (a watchdog, not a timing: a
    # dispatcher that claimed the other row would give it back and claim it for ever).
    assert await asyncio.wait_for(delivery.run_once(), 30) == 1
    assert [row.status for row in await outbox_rows(app, "test:")] == ["pending", "sent"]
    assert await delivery.queue.next_due() is None
