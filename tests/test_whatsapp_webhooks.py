"""WhatsApp's webhooks: the real web server on 127.0.0.1, a real HTTP client, the real core
and database, and payloads shaped as Meta posts them, signed with the app secret.

What the bot sends is recorded by a stand-in for the Graph API sender (delivery, the
outbox and their rules are the real ones).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import whatsapp_payloads as meta
from sqlalchemy import func, select

from bot.bootstrap import bootstrap
from bot.channel_settings import WebSettings, WhatsAppSettings
from bot.channels.whatsapp import WhatsAppChannel, read_webhook
from bot.config import load_settings
from bot.delivery.dispatcher import DeliverySettings
from bot.delivery.ports import Failed, Sent
from bot.web import WebServer, WebServerUnavailable, WhatsAppHook, build_app
from db.models import ChannelAccount, InboundUpdate, OutboxMessage
from db.session import Database
from handlers.messages import Inbound, InboundKind, Outgoing, Reply

HIND = "212612345678"
KARIM = "212698765432"
PATH = "/webhooks/whatsapp"
ONLY_TEXT_AR = "عذرًا، لا يمكنني هنا إلا قراءة الرسائل النصية."


class GraphStandIn:
    """The WhatsApp sender's port: records what each person was sent, as wamids."""

    window = timedelta(hours=24)

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply, str]] = []
        self._ids = itertools.count(1)

    async def send(self, external_id: str, message: Reply, locale: str | None = None):
        wamid = f"wamid.out.{next(self._ids)}"
        self.sent.append((external_id, message, wamid))
        return Sent(wamid)

    async def send_template(self, external_id, content, locale, reopen_key):
        return Failed("no template in these tests")

    def to(self, wa_id: str) -> list[Reply]:
        return [reply for person, reply, _ in self.sent if person == wa_id]


def with_whatsapp(settings):
    return dataclasses.replace(
        settings,
        whatsapp=WhatsAppSettings(
            meta.PHONE_NUMBER_ID,
            app_secret=meta.APP_SECRET,
            access_token=meta.ACCESS_TOKEN,
            verify_token=meta.VERIFY_TOKEN,
        ),
        web=WebSettings("127.0.0.1", 0),
    )


@pytest.fixture
def settings():
    return with_whatsapp(load_settings(environ={}))


class Running:
    """The bot as ``tawasul run`` has it for WhatsApp, and an HTTP client playing Meta."""

    def __init__(self, app, channel, server: WebServer, client: httpx.AsyncClient, graph):
        self.app = app
        self.channel = channel
        self.server = server
        self.client = client
        self.graph = graph

    async def post(self, payload: dict, headers: dict | None = None) -> httpx.Response:
        body = meta.body_of(payload)
        response = await self.client.post(
            PATH, content=body, headers=meta.signed(body) if headers is None else headers
        )
        await self.channel.drain()
        return response


@asynccontextmanager
async def serving(app, graph: GraphStandIn | None = None) -> AsyncIterator[Running]:
    graph = graph or GraphStandIn()
    # The clock is the test's: no per-chat pacing, which would wait for it to move.
    delivery = app.delivery({"whatsapp": graph}, DeliverySettings(chat_rate_per_s=None))
    channel = app.whatsapp_channel(delivery)
    server = app.web_server(whatsapp=channel)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            yield Running(app, channel, server, client, graph)
    finally:
        await server.stop()
        await channel.stop()
        await delivery.stop()


@pytest.fixture
async def bot(app) -> AsyncIterator[Running]:
    async with serving(app) as running:
        yield running


class Person:
    """Someone on WhatsApp: what they send goes as Meta's webhook; what they read is what
    the bot sent them."""

    def __init__(self, bot: Running, wa_id: str, name: str = "Hind Berrada") -> None:
        self.bot = bot
        self.wa_id = wa_id
        self.name = name
        self.replies: list[Reply] = []

    async def sends(self, *contents: dict) -> list[Reply]:
        before = len(self.bot.graph.to(self.wa_id))
        response = await self.bot.post(meta.messages(self.wa_id, *contents, name=self.name))
        assert response.status_code == 200, response.text
        self.replies = self.bot.graph.to(self.wa_id)[before:]
        return self.replies

    async def says(self, body: str) -> list[Reply]:
        return await self.sends(meta.text(body))

    async def taps(self, label: str) -> list[Reply]:
        options = [o for reply in self.replies for o in reply.options if label in o.label]
        assert options, f"no option {label!r} in {self.replies}"
        return await self.sends(meta.button_reply(options[0].key, label))

    def sees(self, fragment: str) -> None:
        text = "\n".join(reply.text for reply in self.replies)
        assert fragment in text, f"{fragment!r} not in:\n{text}"


async def count(database: Database, model) -> int:
    async with database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


# --- the server: health, the challenge, the signature -----------------------------------


async def test_health_answers_for_load_balancers(bot):
    response = await bot.client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "channels": ["whatsapp"]}


async def test_only_the_configured_channels_have_routes(bot):
    assert (await bot.client.post("/webhooks/telegram", json={"update_id": 1})).status_code == 404
    telegram_only = WebServer(WebSettings("127.0.0.1", 0), build_app())
    await telegram_only.start()
    try:
        async with httpx.AsyncClient(base_url=telegram_only.url) as client:
            assert (await client.get(PATH)).status_code == 404
            assert (await client.post(PATH, content=b"{}")).status_code == 404
            assert (await client.get("/health")).json()["channels"] == []
    finally:
        await telegram_only.stop()


async def test_the_subscription_challenge_is_answered_with_the_verify_token_only(bot):
    asked = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    right = await bot.client.get(PATH, params={**asked, "hub.verify_token": meta.VERIFY_TOKEN})
    assert right.status_code == 200
    assert right.text == "1158201444"
    assert right.headers["content-type"].startswith("text/plain")
    for wrong in (
        {**asked, "hub.verify_token": "not-the-token"},
        {**asked, "hub.verify_token": meta.VERIFY_TOKEN + "x"},
        asked,
        {**asked, "hub.mode": "unsubscribe", "hub.verify_token": meta.VERIFY_TOKEN},
    ):
        refused = await bot.client.get(PATH, params=wrong)
        assert refused.status_code == 403
        assert "1158201444" not in refused.text


async def test_a_webhook_without_its_signature_or_with_a_wrong_one_changes_nothing(bot):
    payload = meta.messages(HIND, meta.text("مرحبا"))
    body = meta.body_of(payload)
    other_body = meta.body_of(meta.messages(HIND, meta.text("autre chose")))
    good = meta.signed(body)["X-Hub-Signature-256"]
    refusals = [
        ({"Content-Type": "application/json"}, 401),
        ({"X-Hub-Signature-256": ""}, 401),
        (meta.signed(body, secret="another-app-secret"), 403),
        (meta.signed(other_body), 403),
        ({"X-Hub-Signature-256": good.removeprefix("sha256=")}, 403),
        ({"X-Hub-Signature-256": good.replace("sha256=", "sha1=")}, 403),
        ({"X-Hub-Signature-256": good[:-1] + ("0" if good[-1] != "0" else "1")}, 403),
    ]
    for headers, status in refusals:
        response = await bot.client.post(PATH, content=body, headers=headers)
        assert response.status_code == status, headers
    assert bot.graph.sent == []
    assert await count(bot.app.database, InboundUpdate) == 0
    assert await count(bot.app.database, OutboxMessage) == 0

    accepted = await bot.post(payload)
    assert accepted.status_code == 200
    assert len(bot.graph.to(HIND)) == 1
    assert await count(bot.app.database, InboundUpdate) == 1


async def test_a_signed_body_that_is_not_json_is_refused(bot):
    for body in (b"not json", b"[1, 2]", b"\xff\xfe"):
        response = await bot.client.post(PATH, content=body, headers=meta.signed(body))
        assert response.status_code == 400
    too_large = b" " * (1 << 20 + 1)
    response = await bot.client.post(PATH, content=too_large, headers=meta.signed(too_large))
    assert response.status_code == 413


# --- once, in order ----------------------------------------------------------------------


async def test_a_replayed_webhook_has_no_second_effect(bot):
    hind = Person(bot, HIND)
    payload = meta.messages(HIND, meta.text("مرحبا"))
    assert (await bot.post(payload)).status_code == 200
    rows = await count(bot.app.database, OutboxMessage)
    sent = list(bot.graph.sent)
    for _ in range(3):
        assert (await bot.post(payload)).status_code == 200
    assert bot.graph.sent == sent
    assert await count(bot.app.database, OutboxMessage) == rows
    assert await count(bot.app.database, InboundUpdate) == 1
    hind.replies = bot.graph.to(HIND)
    await hind.taps("Français")
    hind.sees("Quel est votre nom complet")


async def test_a_restart_between_delivery_and_redelivery_has_no_second_effect(
    database, settings, clock
):
    payload = meta.messages(HIND, meta.text("مرحبا"))
    first = await bootstrap(settings, database=Database(database.url), clock=clock)
    async with serving(first) as running:
        assert (await running.post(payload)).status_code == 200
        language_question = running.graph.to(HIND)
    assert len(language_question) == 1
    await first.close()

    again = await bootstrap(settings, database=Database(database.url), clock=clock)
    try:
        async with serving(again) as running:
            assert (await running.post(payload)).status_code == 200
            assert running.graph.sent == []
            hind = Person(running, HIND)
            hind.replies = language_question
            await hind.taps("Français")
            hind.sees("Quel est votre nom complet")
        assert await count(again.database, InboundUpdate) == 2
    finally:
        await again.close()


class Gated:
    """A core whose handling of some texts waits for the test to open their gate."""

    def __init__(self, *gated: str) -> None:
        self.gates = {text: asyncio.Event() for text in gated}
        self.started: list[str] = []
        self.arrived = asyncio.Event()

    async def handle(self, inbound: Inbound) -> list[Outgoing]:
        self.started.append(inbound.text)
        self.arrived.set()
        if inbound.text in self.gates:
            await self.gates[inbound.text].wait()
        return [Outgoing(len(self.started), Reply(f"got {inbound.text}"))]


class Announcing:
    """Passes each webhook to the channel, saying when one came in."""

    def __init__(self, channel: WhatsAppChannel) -> None:
        self.channel = channel
        self.received = 0
        self.came = asyncio.Event()

    async def receive(self, payload: dict) -> None:
        self.received += 1
        self.came.set()
        await self.channel.receive(payload)


@asynccontextmanager
async def bare_server(conversation, deliver=None, receipts=None, clock=lambda: datetime.now(UTC)):
    """The channel and server over a stand-in core, no database."""
    delivered: list[list[Outgoing]] = []

    async def record(outgoing):
        delivered.append(list(outgoing))

    async def no_receipts(receipts):
        return 0

    channel = WhatsAppChannel(
        conversation,
        deliver=deliver or record,
        record_receipts=receipts or no_receipts,
        phone_number_id=meta.PHONE_NUMBER_ID,
        clock=clock,
    )
    receiver = Announcing(channel)
    hook = WhatsAppHook(meta.APP_SECRET, meta.VERIFY_TOKEN, receiver)
    server = WebServer(WebSettings("127.0.0.1", 0), build_app(whatsapp=hook))
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            yield client, receiver, delivered
    finally:
        await server.stop()
        await channel.stop()


async def post(client: httpx.AsyncClient, payload: dict) -> httpx.Response:
    body = meta.body_of(payload)
    return await client.post(PATH, content=body, headers=meta.signed(body))


async def test_one_persons_messages_wait_for_each_other_and_others_do_not():
    core = Gated("A1")
    async with bare_server(core) as (client, receiver, delivered):
        first = asyncio.ensure_future(post(client, meta.messages(HIND, meta.text("A1"))))
        try:
            await core.arrived.wait()
            receiver.came.clear()
            second = asyncio.ensure_future(post(client, meta.messages(HIND, meta.text("A2"))))
            await receiver.came.wait()
            other = await post(client, meta.messages(KARIM, meta.text("B1"), name="Karim"))
            assert other.status_code == 200
            assert core.started == ["A1", "B1"], "Hind's second message overtook her first"
            assert not first.done() and not second.done()
        finally:
            core.gates["A1"].set()
        assert (await first).status_code == 200
        assert (await second).status_code == 200
    assert core.started == ["A1", "B1", "A2"]
    sent = [item.reply.text for batch in delivered for item in batch]
    assert sent.index("got A1") < sent.index("got A2")


async def test_the_messages_of_one_webhook_are_handled_in_order_per_person():
    core = Gated()
    batch = meta.of_several(
        meta.messages(HIND, meta.text("A1"), meta.text("A2")),
        meta.messages(KARIM, meta.text("B1"), name="Karim"),
    )
    async with bare_server(core) as (client, _, _):
        assert (await post(client, batch)).status_code == 200
    assert core.started.index("A1") < core.started.index("A2")
    assert sorted(core.started) == ["A1", "A2", "B1"]


async def test_a_webhook_the_core_fails_on_is_answered_500_and_taken_when_sent_again():
    class FailingOnce(Gated):
        failed = False

        async def handle(self, inbound):
            if not self.failed:
                self.failed = True
                raise RuntimeError("database down")
            return await super().handle(inbound)

    core = FailingOnce()
    payload = meta.messages(HIND, meta.text("مرحبا"))
    async with bare_server(core) as (client, _, delivered):
        assert (await post(client, payload)).status_code == 500
        assert delivered == []
        assert (await post(client, payload)).status_code == 200
    assert core.started == ["مرحبا"]


async def test_the_answer_does_not_wait_for_the_send_and_replies_go_out_in_order():
    core = Gated()
    first_send, other_sent = asyncio.Event(), asyncio.Event()
    sent: list[str] = []

    async def deliver(outgoing):
        texts = [item.reply.text for item in outgoing]
        if texts == ["got A1"]:
            await first_send.wait()
        sent.extend(texts)
        if texts == ["got B1"]:
            other_sent.set()

    async with bare_server(core, deliver=deliver) as (client, _, _):
        try:
            assert (await post(client, meta.messages(HIND, meta.text("A1")))).status_code == 200
            assert (await post(client, meta.messages(HIND, meta.text("A2")))).status_code == 200
            assert (await post(client, meta.messages(KARIM, meta.text("B1")))).status_code == 200
            assert core.started == ["A1", "A2", "B1"]
            await other_sent.wait()
            assert sent == ["got B1"], "Hind's second reply went before her first"
        finally:
            first_send.set()
    assert sent == ["got B1", "got A1", "got A2"]


async def test_a_status_is_recorded_once_the_sends_in_hand_have_their_wamids():
    gate, order = asyncio.Event(), []

    async def deliver(outgoing):
        await gate.wait()
        order.append("sent")

    async def receipts(found):
        order.append("receipt")
        return len(found)

    async with bare_server(Gated(), deliver=deliver, receipts=receipts) as (client, hook, _):
        try:
            assert (await post(client, meta.messages(HIND, meta.text("A1")))).status_code == 200
            hook.came.clear()
            status = meta.statuses(meta.status("wamid.out.1", "read", HIND))
            answered = asyncio.ensure_future(post(client, status))
            await hook.came.wait()
            assert order == []
        finally:
            gate.set()
        assert (await answered).status_code == 200
    assert order == ["sent", "receipt"]


async def test_a_webhook_for_another_number_is_not_answered(bot):
    payload = meta.messages(HIND, meta.text("مرحبا"), phone_number_id="999999999999")
    assert (await bot.post(payload)).status_code == 200
    assert bot.graph.sent == []
    assert await count(bot.app.database, InboundUpdate) == 0


# --- what each kind of message becomes -----------------------------------------------------

NOW = datetime(2024, 11, 1, 9, 0, tzinfo=UTC)


def read_one(content: dict, name: str = "Hind Berrada") -> Inbound | None:
    read = read_webhook(meta.messages(HIND, content, name=name), meta.PHONE_NUMBER_ID, NOW)
    assert len(read.inbounds) <= 1
    return read.inbounds[0] if read.inbounds else None


MAPPINGS = [
    (meta.text("السلام عليكم\u0000"), InboundKind.TEXT, "السلام عليكم"),
    (meta.button_reply("lang:fr", "Français"), InboundKind.CHOICE, "lang:fr"),
    (meta.list_reply("region:8", "الشرق", "جهة الشرق"), InboundKind.CHOICE, "region:8"),
    (meta.template_button("reopen:42", "Continuer"), InboundKind.CHOICE, "reopen:42"),
    (meta.contact_card("+212 6 12 34 56 78", HIND), InboundKind.CONTACT, "+212 6 12 34 56 78"),
    (meta.contact_card("+212 5 36 61 00 00"), InboundKind.CONTACT, "+212 5 36 61 00 00"),
    (meta.image("ma photo"), InboundKind.UNSUPPORTED, "image"),
    (meta.location(), InboundKind.UNSUPPORTED, "location"),
    (meta.media("audio"), InboundKind.UNSUPPORTED, "audio"),
    (meta.media("video"), InboundKind.UNSUPPORTED, "video"),
    (meta.media("document"), InboundKind.UNSUPPORTED, "document"),
    (meta.media("sticker"), InboundKind.UNSUPPORTED, "sticker"),
    (meta.reaction(meta.wamid()), InboundKind.UNSUPPORTED, "reaction"),
    (meta.unsupported("poll_update"), InboundKind.UNSUPPORTED, "unsupported"),
    ({"type": "order", "order": {"catalog_id": "1"}}, InboundKind.UNSUPPORTED, "order"),
    (
        {"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {}}},
        InboundKind.UNSUPPORTED,
        "interactive",
    ),
    ({"type": "text", "text": {}}, InboundKind.UNSUPPORTED, "text"),
]


@pytest.mark.parametrize(("content", "kind", "text"), MAPPINGS)
def test_each_kind_of_message_becomes_what_the_core_reads(content, kind, text):
    content = {**content, "id": "wamid.HBgLMjEyNjEyMzQ1Njc4FQIAERgSQUJDREVGMTIzNDU2Nzg5MAA="}
    inbound = read_one(content)
    assert inbound == Inbound(
        "whatsapp",
        HIND,
        kind,
        text,
        "wamid.HBgLMjEyNjEyMzQ1Njc4FQIAERgSQUJDREVGMTIzNDU2Nzg5MAA=",
        display_name="Hind Berrada",
    )


def test_a_shared_card_holding_the_senders_number_gives_that_one():
    card = meta.contact_card("+212 5 36 61 00 00")
    card["contacts"].append(meta.contact_card("+212 6 12 34 56 78", HIND)["contacts"][0])
    assert read_one(card).text == "+212 6 12 34 56 78"
    assert read_one({"type": "contacts", "contacts": [{"name": {}}]}).text == "contacts"


def test_what_no_one_typed_is_not_answered_and_the_profile_name_is_cleaned():
    system = {"type": "system", "system": {"body": "changed number", "wa_id": KARIM}}
    assert read_one(system) is None
    welcome = read_one({"type": "request_welcome"})  # opening the chat: greeted as /start
    assert (welcome.kind, welcome.text) == (InboundKind.TEXT, "/start")
    assert read_one(meta.text("hi"), name="  ").display_name is None
    assert read_one(meta.text("hi"), name="Hind\u0007 ").display_name == "Hind"


def test_each_message_of_a_batch_carries_its_own_senders_profile_name():
    batch = meta.of_several(
        meta.messages(HIND, meta.text("A1"), name="Hind Berrada"),
        meta.messages(KARIM, meta.text("B1"), name="Karim Alaoui"),
    )
    read = read_webhook(batch, meta.PHONE_NUMBER_ID, NOW)
    assert [(i.external_id, i.display_name) for i in read.inbounds] == [
        (HIND, "Hind Berrada"),
        (KARIM, "Karim Alaoui"),
    ]


def test_malformed_parts_are_left_out():
    good = meta.messages(HIND, meta.text("bonjour"))
    value = good["entry"][0]["changes"][0]["value"]
    value["messages"] += [
        {"from": HIND, "type": "text", "text": {"body": "no id"}},
        {"from": "has spaces in it", "id": meta.wamid(), "type": "text", "text": {"body": "x"}},
        {"from": "9" * 65, "id": meta.wamid(), "type": "text", "text": {"body": "x"}},
        {"from": HIND, "id": meta.wamid(), "text": {"body": "no type"}},
        "not an object",
    ]
    read = read_webhook(good, meta.PHONE_NUMBER_ID, NOW)
    assert [inbound.text for inbound in read.inbounds] == ["bonjour"]
    for odd in ({"object": "page", "entry": good["entry"]}, {"object": good["object"]}, {}):
        assert read_webhook(odd, meta.PHONE_NUMBER_ID, NOW).inbounds == []
    other_field = {**good, "entry": [{"changes": [{**good["entry"][0]["changes"][0]}]}]}
    other_field["entry"][0]["changes"][0]["field"] = "account_update"
    assert read_webhook(other_field, meta.PHONE_NUMBER_ID, NOW).inbounds == []


def test_a_very_long_wamid_is_kept_as_its_hash():
    long_id = "wamid." + "A" * 200
    inbound = read_one({**meta.text("x"), "id": long_id})
    assert inbound.update_id.startswith("sha256:") and len(inbound.update_id) <= 128


def test_statuses_become_receipts():
    at = int((NOW - timedelta(minutes=5)).timestamp())
    webhook = meta.statuses(
        meta.status("wamid.out.1", "sent", HIND, at),
        meta.status("wamid.out.1", "delivered", HIND, at),
        meta.status("wamid.out.1", "read", HIND, at + 60),
        meta.failed("wamid.out.2", HIND, 131047, "Re-engagement message", at),
        meta.failed("wamid.out.3", HIND, 131026, "Message undeliverable", at),
        meta.failed("wamid.out.4", HIND, 131000, "Something went wrong", at),
        meta.status("wamid.out.5", "delivered", HIND, at + 3600),
        {"id": "wamid.out.6", "status": "failed", "timestamp": str(at)},
    )
    receipts = read_webhook(webhook, meta.PHONE_NUMBER_ID, NOW).receipts
    five_minutes_ago = NOW - timedelta(minutes=5)
    assert [(r.platform_id, r.status, r.reason, r.resend, r.unreachable) for r in receipts] == [
        ("wamid.out.1", "delivered", None, False, False),
        ("wamid.out.1", "read", None, False, False),
        ("wamid.out.2", "failed", "131047 Re-engagement message", True, False),
        ("wamid.out.3", "failed", "131026 Message undeliverable", False, True),
        ("wamid.out.4", "failed", "131000 Something went wrong", False, False),
        ("wamid.out.5", "delivered", None, False, False),
        ("wamid.out.6", "failed", "failed", False, False),
    ]
    assert receipts[0].at == five_minutes_ago
    assert receipts[1].at == five_minutes_ago + timedelta(minutes=1)
    assert receipts[5].at == NOW, "a time ahead of our clock is taken as now"


# --- through the running bot ------------------------------------------------------------


async def test_a_newcomer_is_greeted_and_media_gets_the_polite_answer(bot):
    hind = Person(bot, HIND)
    await hind.says("مرحبا")
    assert "العربية" in [option.label for option in hind.replies[0].options]
    for content in (meta.image(), meta.location(), meta.media("audio"), meta.reaction("x")):
        await hind.sends(content)
        hind.sees(ONLY_TEXT_AR)
    await hind.sends(meta.unsupported())
    hind.sees(ONLY_TEXT_AR)
    await hind.taps("Français")
    hind.sees("Quel est votre nom complet")
    assert "Hind Berrada" in [o.label for reply in hind.replies for o in reply.options]
    async with bot.app.database.unit_of_work() as session:
        account = await session.scalar(select(ChannelAccount))
    assert (account.channel, account.external_id) == ("whatsapp", HIND)


async def test_statuses_update_the_rows_of_the_messages_sent(bot, clock):
    hind = Person(bot, HIND)
    await hind.says("مرحبا")
    await hind.taps("Français")
    await hind.says("Hind Berrada")
    wamids = [wamid for _, _, wamid in bot.graph.sent]
    assert len(wamids) == 4
    earlier = clock() - timedelta(minutes=10)
    at = int(earlier.timestamp())
    response = await bot.post(
        meta.statuses(
            meta.status(wamids[0], "sent", HIND, at),
            meta.status(wamids[0], "delivered", HIND, at),
            meta.status(wamids[0], "read", HIND, at + 60),
            meta.failed(wamids[1], HIND, 131000, "Something went wrong", at),
            meta.failed(wamids[2], HIND, 131047, "Re-engagement message", at),
            meta.failed(wamids[3], HIND, 131026, "Message undeliverable", at),
            meta.status("wamid.of.another.deployment", "read", HIND, at),
        )
    )
    assert response.status_code == 200
    async with bot.app.database.unit_of_work() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        account = await session.scalar(select(ChannelAccount))
        found = [
            (
                row.status,
                row.delivered_at and row.delivered_at.replace(tzinfo=UTC),
                row.read_at and row.read_at.replace(tzinfo=UTC),
                row.last_error,
            )
            for row in rows
        ]
        unreachable_at = account.unreachable_at
    assert found == [
        ("sent", earlier, earlier + timedelta(minutes=1), None),
        ("failed", None, None, "131000 Something went wrong"),
        ("pending", None, None, "131047 Re-engagement message"),
        ("failed", None, None, "131026 Message undeliverable"),
    ]
    assert unreachable_at is not None


async def test_a_port_already_in_use_is_one_line():
    first = WebServer(WebSettings("127.0.0.1", 0), build_app())
    await first.start()
    try:
        second = WebServer(WebSettings("127.0.0.1", first.port), build_app())
        with pytest.raises(WebServerUnavailable) as refused:
            await second.start()
        message = str(refused.value)
        assert f"127.0.0.1:{first.port}" in message and "in use" in message
        assert "TAWASUL_WEB_PORT" in message and "\n" not in message
    finally:
        await first.stop()
