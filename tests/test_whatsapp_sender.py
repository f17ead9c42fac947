"""The WhatsApp sender against the fake Cloud API: what each reply becomes on the wire, the
template outside the window, documents, and what each of Meta's answers means for the
message (one outcome each, the dispatcher decides)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from types import MappingProxyType

import pytest
from fake_graph import (
    PAIR_RATE_LIMIT,
    REENGAGEMENT,
    SERVER_ERROR,
    TIMEOUT,
    UNAVAILABLE,
    UNDELIVERABLE,
    ApprovedTemplate,
    FakeGraphServer,
    choices,
    visible_text,
)

from bot.channel_settings import Template, WhatsAppSettings
from bot.channels.whatsapp_sender import WhatsAppSender, outcome_of
from bot.delivery.ports import Blocked, Failed, OutsideWindow, RetryLater, Sent, Unknown
from handlers.messages import MESSAGE_WAITING, Document, Option, Reply
from locales.i18n import Catalogs

TO = "212600000001"
FOLLOW_UP = Template(
    "commitment_follow_up",
    "tawasul_follow_up",
    MappingProxyType({"ar": "ar", "fr": "fr", "en": "en_US"}),
    ("deadline", "name", "commitment"),
)
WAITING = Template(
    MESSAGE_WAITING, "tawasul_message_waiting", MappingProxyType({"ar": "ar", "fr": "fr"})
)
APPROVED = {
    "tawasul_follow_up": ApprovedTemplate(("ar", "fr", "en_US"), parameters=3),
    "tawasul_message_waiting": ApprovedTemplate(("ar", "fr"), parameters=0),
}
CATALOGS = Catalogs(("ar", "fr", "en"), "ar")


@pytest.fixture
def graph():
    with FakeGraphServer(templates=APPROVED) as server:
        yield server


def settings_for(server: FakeGraphServer, token: str | None = None, **changes):
    return WhatsAppSettings(
        phone_number_id=server.phone_number_id,
        api_base_url=server.base_url,
        templates=MappingProxyType(
            changes.pop("templates", {FOLLOW_UP.kind: FOLLOW_UP, MESSAGE_WAITING: WAITING})
        ),
        access_token=token or server.access_token,
        **changes,
    )


class Running:
    """A started sender, stopped at the end of the test."""

    def __init__(self) -> None:
        self.senders: list[WhatsAppSender] = []

    async def __call__(self, server, token=None, **options) -> WhatsAppSender:
        sender = WhatsAppSender(settings_for(server, token), CATALOGS, "ar", **options)
        await sender.start()
        self.senders.append(sender)
        return sender


@pytest.fixture
async def running():
    started = Running()
    yield started
    for sender in started.senders:
        await sender.stop()


@pytest.fixture
async def sender(graph, running):
    return await running(graph)


def regions(count: int) -> tuple[Option, ...]:
    names = [
        "Tanger-Tétouan-Al Hoceïma",
        "L'Oriental",
        "Fès-Meknès",
        "Rabat-Salé-Kénitra",
        "Béni Mellal-Khénifra",
        "Casablanca-Settat",
        "Marrakech-Safi",
        "Drâa-Tafilalet",
        "Souss-Massa",
        "Guelmim-Oued Noun",
        "Laâyoune-Sakia El Hamra",
        "Dakhla-Oued Ed-Dahab",
    ]
    return tuple(Option(f"region:{n}", names[n]) for n in range(count))


async def test_a_text_goes_with_the_bearer_token_and_is_sent_with_its_wamid(graph, sender):
    outcome = await sender.send(TO, Reply("مرحبا بكم في تواصل"))

    [message] = graph.messages(TO)
    assert outcome == Sent(message["id"])
    assert message["messaging_product"] == "whatsapp"
    assert message["recipient_type"] == "individual"
    assert message["type"] == "text"
    assert message["text"]["body"] == "مرحبا بكم في تواصل"
    assert [call["authorization"] for call in graph.calls()] == [f"Bearer {graph.access_token}"]


async def test_two_options_go_as_reply_buttons_that_bring_back_their_keys(graph, sender):
    reply = Reply("هل ستحضرون الورشة؟", (Option("rsvp:yes", "نعم"), Option("rsvp:no", "لا")))

    assert isinstance(await sender.send(TO, reply), Sent)

    [message] = graph.messages(TO)
    assert message["interactive"]["type"] == "button"
    assert visible_text(message) == "هل ستحضرون الورشة؟"
    assert choices(message) == [("rsvp:yes", "نعم"), ("rsvp:no", "لا")]


async def test_six_long_french_labels_go_as_a_list_within_its_limits(graph, sender):
    reply = Reply("Choisissez votre région :", regions(6))

    assert isinstance(await sender.send(TO, reply, "fr"), Sent)

    [message] = graph.messages(TO)
    assert message["interactive"]["type"] == "list"
    assert [key for key, _ in choices(message)] == [option.key for option in regions(6)]
    assert graph.rejections() == []


async def test_the_twelve_regions_go_as_numbered_text(graph, sender):
    assert isinstance(await sender.send(TO, Reply("اختاروا جهتكم:", regions(12))), Sent)

    [message] = graph.messages(TO)
    assert message["type"] == "text"
    body = visible_text(message)
    assert "1. Tanger-Tétouan-Al Hoceïma" in body
    assert "12. Dakhla-Oued Ed-Dahab" in body


async def test_a_long_text_is_split_and_the_outcome_is_its_last_parts_wamid(graph, sender):
    paragraph = "سطر من تقرير طويل عن الالتزامات والمتابعة. " * 20
    text = "\n".join([paragraph] * 10)

    outcome = await sender.send(TO, Reply(text))

    messages = graph.messages(TO)
    assert len(messages) >= 3
    assert all(len(visible_text(m)) <= 4096 for m in messages)
    assert outcome == Sent(messages[-1]["id"])
    assert "".join(visible_text(m) for m in messages).replace("\n", "") == text.replace("\n", "")


async def test_whatever_the_options_every_message_fits_whatsapps_limits(graph, sender):
    """Our own checks, proven against Meta's: no rejection, however many and long."""
    labels = [
        "Collectivité territoriale de Laâyoune-Sakia El Hamra",
        "الجماعة الترابية لمولاي يعقوب بإقليم فاس",
        "Oui",
        "نعم، سأحضر الورشة كاملة إن شاء الله",
        "Renforcement du réseautage entre les points focaux",
    ]
    for count in range(1, 14):
        options = tuple(Option(f"opt:{n}", f"{labels[n % len(labels)]} {n}") for n in range(count))
        reply = Reply("نص طويل " * (count * 15), options)
        for locale in ("ar", "fr", "en"):
            assert isinstance(await sender.send(TO, reply, locale), Sent), (count, locale)
    assert graph.rejections() == []


async def test_a_template_takes_its_parameters_in_the_configured_order_and_the_reopen_key(
    graph, sender
):
    """In the language its parameters were written in (the person switched to French
    since), as the approved translation's code."""
    content = {
        "text": "A follow-up…",
        "template": {
            "kind": "commitment_follow_up",
            "language": "en",
            "parameters": {
                "name": "Sara Bennani",
                "commitment": "Publish the budget\nin open data",
                "deadline": "15 March 2025",
            },
        },
    }

    outcome = await sender.send_template(TO, content, "fr", "reopen:42")

    [message] = graph.messages(TO)
    assert outcome == Sent(message["id"])
    template = message["template"]
    assert template["name"] == "tawasul_follow_up"
    assert template["language"] == {"code": "en_US"}
    body, button = template["components"]
    assert [p["text"] for p in body["parameters"]] == [
        "15 March 2025",
        "Sara Bennani",
        "Publish the budget in open data",
    ]
    assert button["sub_type"] == "quick_reply"
    assert button["parameters"] == [{"type": "payload", "payload": "reopen:42"}]


async def test_a_long_parameter_is_shortened_at_a_word(graph, sender):
    long = "تعميم النشر الاستباقي للمعلومات على البوابة الإلكترونية للجماعة " * 8
    content = {
        "template": {
            "kind": "commitment_follow_up",
            "language": "ar",
            "parameters": {"name": "سارة", "commitment": long, "deadline": "15 مارس 2025"},
        }
    }

    assert isinstance(await sender.send_template(TO, content, "ar", "reopen:7"), Sent)

    [message] = graph.messages(TO)
    commitment = message["template"]["components"][0]["parameters"][2]["text"]
    assert len(commitment) <= 200
    assert commitment.endswith("…")
    assert long.startswith(commitment[:-1])
    assert long[len(commitment) - 1] == " "


async def test_any_other_message_goes_as_the_message_waiting_template(graph, sender):
    content = {"text": "اجتماع الغد على الساعة التاسعة", "options": []}

    assert isinstance(await sender.send_template(TO, content, "fr", "reopen:9"), Sent)

    [message] = graph.messages(TO)
    template = message["template"]
    assert (template["name"], template["language"]["code"]) == ("tawasul_message_waiting", "fr")
    assert template["components"] == [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": "reopen:9"}],
        }
    ]


async def test_with_no_template_configured_the_row_fails_without_a_call(graph, running):
    sender = WhatsAppSender(settings_for(graph, templates={}), CATALOGS, "ar")
    await sender.start()
    try:
        outcome = await sender.send_template(TO, {"text": "x"}, "ar", "reopen:1")
    finally:
        await sender.stop()

    assert isinstance(outcome, Failed)
    assert outcome.reason.startswith("no approved template")
    assert graph.calls() == []


async def test_a_document_is_uploaded_then_sent_with_its_caption(graph, running):
    built: list[Document] = []

    async def documents(document: Document) -> bytes:
        built.append(document)
        return b"PK\x03\x04 the workbook"

    sender = await running(graph, documents=documents)
    document = Document("commitments", "xlsx", "ar", "commitments-2024-11-13-ar.xlsx")

    outcome = await sender.send(TO, Reply("تقرير الالتزامات", document=document))

    [upload] = graph.uploads()
    [message] = graph.messages(TO)
    assert built == [document]
    assert upload.data == b"PK\x03\x04 the workbook"
    assert upload.filename == "commitments-2024-11-13-ar.xlsx"
    assert upload.mime_type.endswith("spreadsheetml.sheet")
    assert message["document"] == {
        "id": upload.media_id,
        "filename": "commitments-2024-11-13-ar.xlsx",
        "caption": "تقرير الالتزامات",
    }
    assert outcome == Sent(message["id"])


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (UNDELIVERABLE, Blocked),
        (REENGAGEMENT, OutsideWindow),
        (PAIR_RATE_LIMIT, RetryLater),
        (SERVER_ERROR, RetryLater),
        (UNAVAILABLE, RetryLater),
    ],
    ids=["131026-blocked", "131047-outside", "131056-retry", "500-retry", "503-retry"],
)
async def test_each_of_metas_refusals_has_its_outcome(graph, sender, error, expected):
    graph.fail(TO, error)

    outcome = await sender.send(TO, Reply("مرحبا بكم"))

    assert type(outcome) is expected
    assert TO not in outcome.reason and "مرحبا" not in outcome.reason
    if error == PAIR_RATE_LIMIT:
        assert (outcome.delay_s, outcome.rate_limited) == (6.0, False)
    if error in (SERVER_ERROR, UNAVAILABLE):
        assert (outcome.delay_s, outcome.rate_limited) == (None, False)
    assert isinstance(await sender.send(TO, Reply("مرحبا بكم")), Sent)


async def test_past_the_throughput_130429_pauses_the_bulk_for_a_second(running):
    with FakeGraphServer(rate_limit=1, rate_window_s=60) as graph:
        sender = await running(graph)
        assert isinstance(await sender.send(TO, Reply("1")), Sent)

        outcome = await sender.send("212600000002", Reply("2"))

    assert outcome == RetryLater(outcome.reason, delay_s=1.0, rate_limited=True)
    assert outcome.reason.startswith("130429: Rate limit hit")
    assert graph.throughput_errors == 1


async def test_a_read_timeout_after_the_request_left_is_unknown(graph, running):
    sender = await running(graph, read_timeout_s=0.3)
    graph.fail(TO, TIMEOUT)

    outcome = await sender.send(TO, Reply("تذكير"))

    assert isinstance(outcome, Unknown)
    assert graph.count(TO) == 1


async def test_no_connection_is_a_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = WhatsAppSettings(
        "106540352242922", api_base_url=f"http://127.0.0.1:{port}", access_token="token"
    )
    sender = WhatsAppSender(settings, CATALOGS, "ar")
    await sender.start()
    try:
        outcome = await sender.send(TO, Reply("x"))
    finally:
        await sender.stop()

    assert outcome == RetryLater("ConnectError")


async def test_a_refused_token_is_retried_and_told_to_the_operator_once(graph, running, caplog):
    sender = await running(graph, token="expired-token")

    with caplog.at_level(logging.INFO, logger="tawasul.whatsapp"):
        outcomes = [await sender.send(TO, Reply("مرحبا")) for _ in range(3)]

    waiting = RetryLater("", delay_s=60.0, rate_limited=True, counted=False)
    assert all(o == dataclasses.replace(waiting, reason=o.reason) for o in outcomes)
    assert outcomes[0].reason.startswith("190: Invalid OAuth access token")
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "WHATSAPP_ACCESS_TOKEN" in errors[0]
    assert all(TO not in r.getMessage() for r in caplog.records)
    assert graph.messages() == []


async def test_another_refusal_fails_with_metas_code_and_title_only(graph, running):
    graph.templates.clear()
    sender = await running(graph)
    content = {
        "template": {
            "kind": "commitment_follow_up",
            "language": "ar",
            "parameters": {"name": "سارة بناني", "commitment": "نشر", "deadline": "غدا"},
        }
    }

    outcome = await sender.send_template(TO, content, "ar", "reopen:3")

    assert outcome == Failed(outcome.reason)
    assert outcome.reason.startswith("132001: Template name does not exist in the translation")
    assert "سارة" not in outcome.reason and TO not in outcome.reason


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (400, {"error": {"code": 80007, "message": "(#80007) Rate limit issues"}}, RetryLater),
        (400, {"error": {"code": "131047", "message": "(#131047) Re-engagement"}}, OutsideWindow),
        (401, {}, RetryLater),
        (502, {}, RetryLater),
        (400, {"error": {"code": 131009, "message": "(#131009) Parameter value"}}, Failed),
        (403, {"error": {"code": 10, "message": "(#10) Permission denied"}}, Failed),
    ],
)
def test_outcomes_of_answers_the_fake_does_not_give(status, payload, expected):
    assert type(outcome_of(status, payload)) is expected


async def test_sends_in_parallel_share_the_pool(graph, running):
    sender = await running(graph, connections=8)
    recipients = [f"2126000001{n:02d}" for n in range(40)]

    outcomes = await asyncio.gather(*(sender.send(to, Reply("تذكير")) for to in recipients))

    assert all(isinstance(o, Sent) for o in outcomes)
    assert len({o.platform_message_id for o in outcomes}) == 40


async def test_a_document_with_options_comes_first_and_the_choice_after_it(graph, running):
    async def documents(document: Document) -> bytes:
        return b"PK\x03\x04"

    sender = await running(graph, documents=documents)
    document = Document("plan", "docx", "fr", "plan-2024-11-13-fr.docx")
    options = (Option("plan:ok", "Valider"), Option("plan:edit", "Modifier"))

    outcome = await sender.send(TO, Reply("Le plan d'action", options, document=document), "fr")

    first, second = graph.messages(TO)
    assert "caption" not in first["document"]
    assert visible_text(second) == "Le plan d'action"
    assert choices(second) == [("plan:ok", "Valider"), ("plan:edit", "Modifier")]
    assert outcome == Sent(second["id"])


async def test_a_reply_refused_half_way_is_not_sent(graph, sender):
    """Its second part refused: the parts already delivered come again with the retry."""
    text = "\n".join(["سطر من تقرير طويل عن الالتزامات والمتابعة. " * 20] * 10)
    graph.fail(TO, SERVER_ERROR, after=1)

    outcome = await sender.send(TO, Reply(text))

    assert graph.count(TO) == 1
    assert isinstance(outcome, RetryLater)
