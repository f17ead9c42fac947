"""A broadcast to many registered participants, against a strict 30/s: how close to the
limit, with nothing lost, nothing twice, no 429, and people registering meanwhile?

Run by hand: ``python bench/broadcast.py [--sizes 1000 5000] [--latency-ms 100]``.
Each ``telegram-N`` case seeds N registered participants straight into a fresh SQLite
database, starts ``tawasul run`` against the fake Bot API server (``--latency-ms`` round
trip, 429 past ``--limit`` sendMessage in any second), and queues the broadcast with
``tawasul broadcast --yes``; the running bot's dispatcher sends it. From that moment 50
new people register (one every 0.2 s, each answering ``--think-s`` after the bot's
last message, as a person reading it would), and the time from each of their messages
to the bot's first answer is measured at the fake.

``seconds`` runs from the broadcast's commit to its last copy accepted by the fake;
``rate_per_s`` counts every message the fake accepted in that time, the registrants'
replies included (they share the limit), ``bulk_per_s`` the broadcast alone.

``poll-1000`` queues a 4-option poll to 1,000 seeded participants (``tawasul broadcast
--options``); 800 of them each tap one option at a random moment within 20 s of receiving
their copy, through the fake's callback queries. ``ack_p95_s`` runs from a tap's push to
the moment the fake has both its answerCallbackQuery and the edit that marks the chosen
button; ``counted`` is what ``tawasul poll results`` counts, checked equal to the taps,
option by option. ``ratio`` counts every message the fake accepted (the acknowledgements
included) from the broadcast's commit to the last recipient's copy; ``seconds`` is that
time.

``whatsapp-1000`` is the same broadcast to 1,000 WhatsApp recipients (their 24-hour
window open: each wrote a moment ago), ``tawasul run`` with ``[whatsapp]
phone_number_id`` set and no Telegram, against the fake Cloud API
(``tests/fake_graph.py``: ``--latency-ms``, 130429 past ``--whatsapp-limit`` messages in
any second, 80 by default as ``[whatsapp] rate_per_second``); the registrants post
Meta's signed webhooks to the bot's web server. ``http_429`` counts the 130429 answers,
``rejected`` any other refusal.

``peer-telegram-1000`` is python-telegram-bot's ``ExtBot`` with ``AIORateLimiter
(max_retries=3)`` sending 1,000 messages at once (``peer-retries0-…``: ``max_retries=0``,
the library's default), timed from its first send to its last copy accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from running_bot import (
    BENCH,
    WHATSAPP_APP_SECRET,
    BotProcess,
    FakeGraphServer,
    FakeTelegramServer,
    bot_environment,
    offers,
    percentile,
    start_tawasul,
    start_tawasul_whatsapp,
    tawasul,
    wait_for,
    whatsapp_config,
    whatsapp_environment,
    write_config,
)

FIRST_RECIPIENT = 10_000_000
FIRST_REGISTRANT = 40_000_000
WHATSAPP_RECIPIENT = 212_600_000_000
WHATSAPP_REGISTRANT = 212_700_000_000
TEXT = "اجتماع الغد على الساعة التاسعة"
REGISTRATION = [
    ("text", "/start", 1),
    ("tap", "lang:ar", 2),
    ("text", "فاطمة الزهراء العلوي", 1),
    ("text", "بركان", 1),
    ("text", "1", 1),
    ("text", "مكلفة بالتعاون", 1),
    ("text", "0612345678", 1),
    ("text", "fz@example.ma", 1),
    ("tap", "agree", 1),
    ("tap", "confirm", 2),
]
"""What a registrant sends, and how many messages the bot answers each with."""


def keep_participants(config: Path) -> Path:
    """The longest retention: the shipped event (13 November 2024) may be long past, and
    the bot would erase the seeded participants at start."""
    text = config.read_text("utf-8")
    kept = re.sub(r"(?m)^retention_months = \d+$", "retention_months = 120", text)
    if kept == text:
        raise SystemExit("no [privacy] retention_months line in the shipped configuration")
    config.write_text(kept, "utf-8")
    return config


async def seed(
    config: Path, count: int, channel: str = "telegram", first_external: int = FIRST_RECIPIENT
) -> None:
    """``count`` participants registered for the event, each with an account on
    ``channel`` (external ids from ``first_external``). On WhatsApp each wrote a moment ago: their
    24-hour window is open, so the broadcast goes free-form, not as a template."""
    from sqlalchemy import func, insert, select

    from bot.bootstrap import migrate
    from bot.config import load_settings
    from db.models import ChannelAccount, Collectivity, EventRegistration, Participant
    from db.session import Database

    settings = load_settings(config, environ={})
    database = Database(settings.database_url)
    now = datetime.now(UTC)
    try:
        event_id = await migrate(database, settings, now)
        async with database.unit_of_work() as session:
            collectivity = await session.scalar(select(func.min(Collectivity.id)))
            first = (await session.scalar(select(func.max(Participant.id))) or 0) + 1
            ids = range(first, first + count)
            await session.execute(
                insert(Participant),
                [
                    {
                        "id": pid,
                        "full_name": f"Participant {pid}",
                        "collectivity_id": collectivity,
                        "position": "Point focal",
                        "locale": "ar",
                        "consented_at": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for pid in ids
                ],
            )
            await session.execute(
                insert(EventRegistration),
                [
                    {"event_id": event_id, "participant_id": pid, "registered_at": now}
                    for pid in ids
                ],
            )
            await session.execute(
                insert(ChannelAccount),
                [
                    {
                        "channel": channel,
                        "external_id": str(first_external + n),
                        "participant_id": pid,
                        "locale": "ar",
                        "created_at": now,
                        "last_inbound_at": now if channel == "whatsapp" else None,
                    }
                    for n, pid in enumerate(ids)
                ],
            )
    finally:
        await database.close()


@dataclass
class Registrant:
    """One new person going through the registration, a step at a time."""

    chat: int
    starts_at: float
    step: int = 0
    expected: int = 0
    pushed_at: float | None = None
    next_at: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.step >= len(REGISTRATION) and self.pushed_at is None


def push_step(server: FakeTelegramServer, person: Registrant) -> None:
    kind, value, answers = REGISTRATION[person.step]
    person.expected = server.count_sent(person.chat) + answers
    person.pushed_at = time.monotonic()
    if kind == "text":
        server.push_text(person.chat, value, first_name="Fatima")
    else:
        server.push_callback(person.chat, message_with_button(server, person.chat, value), value)
    person.step += 1


def message_with_button(server: FakeTelegramServer, chat: int, data: str) -> int:
    for message in reversed(server.sent_messages(chat)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(button.get("callback_data") == data for row in rows for button in row):
            return message["message_id"]
    raise SystemExit(f"registrant {chat}: no button {data!r} was sent")


def first_answer_at(server: FakeTelegramServer, chat: int, after: float) -> float:
    return min(at for at, to, _ in server.send_log() if to == chat and at >= after)


def run_registrations(server: FakeTelegramServer, people: list[Registrant], think_s: float):
    """Drive every registrant from this one thread until all are done (or stuck 60 s)."""
    deadline = time.monotonic() + 600
    while not all(person.done for person in people):
        now = time.monotonic()
        if now > deadline:
            raise SystemExit("the registrations did not finish in 10 minutes")
        for person in people:
            if person.pushed_at is not None:
                if server.count_sent(person.chat) >= person.expected:
                    answered = first_answer_at(server, person.chat, person.pushed_at)
                    person.latencies.append(answered - person.pushed_at)
                    person.pushed_at = None
                    person.next_at = now + think_s
                elif now - person.pushed_at > 60:
                    raise SystemExit(f"registrant {person.chat}: no answer in 60 s")
            elif person.step < len(REGISTRATION) and now >= max(person.starts_at, person.next_at):
                push_step(server, person)
        time.sleep(0.01)


def copies(server: FakeTelegramServer, chats: range) -> tuple[dict[int, int], float]:
    """Copies each recipient got, and when the last one was accepted."""
    got = dict.fromkeys(chats, 0)
    last = 0.0
    for at, chat, _ in server.send_log():
        if chat in got:
            got[chat] += 1
            last = max(last, at)
    return got, last


def tawasul_case(n: int, latency_ms: float, limit: int, people: int, think_s: float) -> dict:
    recipients = range(FIRST_RECIPIENT, FIRST_RECIPIENT + n)
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeTelegramServer(latency_ms=latency_ms, rate_limit=limit) as server,
    ):
        config = keep_participants(write_config(Path(folder)))
        asyncio.run(seed(config, n))
        bot = start_tawasul(server, config)
        try:
            queued = queue_broadcast(bot_environment(server), config)
            registrants = [
                Registrant(FIRST_REGISTRANT + i, starts_at=queued + 0.2 * i) for i in range(people)
            ]
            run_registrations(server, registrants, think_s)
            wait_for(lambda: all(copies(server, recipients)[0].values()), timeout_s=n / 5 + 120)
            wait_for(lambda: pending(config) == 0, timeout_s=60)
            time.sleep(2)
        finally:
            bot.stop()
        got, last = copies(server, recipients)
        return broadcast_figures(
            f"telegram-{n}",
            limit,
            queued,
            got,
            last,
            server.send_log(),
            registrants,
            http_429=server.http_429,
        )


def broadcast_figures(
    case: str, limit: int, queued: float, got: dict, last: float, send_log, registrants, **refused
) -> dict:
    """One broadcast case's JSON line, the same for every channel: ``got`` is each
    recipient's count of copies, ``send_log`` what the fake accepted (at, to, …), and
    ``refused`` the channel's own counts of what its fake refused (``http_429``, …)."""
    n = len(got)
    seconds = last - queued
    accepted = sum(1 for at, *_ in send_log if queued <= at <= last)
    latencies = sorted(t for person in registrants for t in person.latencies)
    return {
        "case": case,
        "recipients": n,
        "seconds": round(seconds, 2),
        "rate_per_s": round(accepted / seconds, 2),
        "bulk_per_s": round(n / seconds, 2),
        "limit_per_s": limit,
        "ratio": round(accepted / seconds / limit, 3),
        "duplicates": sum(max(0, count - 1) for count in got.values()),
        "lost": sum(1 for count in got.values() if count == 0),
        **refused,
        "registrants": len(registrants),
        "reply_p50_s": round(percentile(latencies, 0.5), 3) if latencies else None,
        "reply_p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "reply_max_s": round(latencies[-1], 3) if latencies else None,
    }


def whatsapp_copies(graph: FakeGraphServer, recipients: set[str]) -> tuple[dict[str, int], float]:
    """Copies each WhatsApp recipient got, and when the last one was accepted."""
    got = dict.fromkeys(recipients, 0)
    last = 0.0
    for at, to, _ in graph.send_log():
        if to in got:
            got[to] += 1
            last = max(last, at)
    return got, last


WHATSAPP_REGISTRATION = [
    ("text", "السلام عليكم"),
    ("tap", "lang:ar"),
    ("text", "فاطمة الزهراء العلوي"),
    ("text", "بركان"),
    ("text", "1"),
    ("text", "مكلفة بالتعاون"),
    ("text", "0612345678"),
    ("text", "fz@example.ma"),
    ("tap", "agree"),
    ("tap", "confirm"),
]
"""What a registrant sends on WhatsApp: a greeting (no /start there), then as on Telegram."""


class Webhooks:
    """Posts a person's messages to the bot's ``/webhooks/whatsapp`` as Meta does: the
    documented payload, signed with the app secret (``X-Hub-Signature-256``)."""

    def __init__(self, port: int, phone_number_id: str) -> None:
        self.url = f"http://127.0.0.1:{port}/webhooks/whatsapp"
        self.phone_number_id = phone_number_id
        self.client = httpx.Client(timeout=10)
        self._ids = itertools.count(1)

    def post(self, wa_id: str, content: dict) -> None:
        message = {
            "from": wa_id,
            "id": f"wamid.bench{next(self._ids):010d}",
            "timestamp": str(int(time.time())),
            **content,
        }
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "15550783881",
                "phone_number_id": self.phone_number_id,
            },
            "contacts": [{"profile": {"name": "Fatima"}, "wa_id": wa_id}],
            "messages": [message],
        }
        change = {"field": "messages", "value": value}
        payload = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [change]}],
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        digest = hmac.new(WHATSAPP_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}
        answer = self.client.post(self.url, content=body, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"the webhook was answered {answer.status_code}: {answer.text}")

    def step(self, wa_id: str, kind: str, value: str) -> None:
        if kind == "text":
            self.post(wa_id, {"type": "text", "text": {"body": value}})
        else:
            reply = {"type": "button_reply", "button_reply": {"id": value, "title": value}}
            self.post(wa_id, {"type": "interactive", "interactive": reply})


def run_whatsapp_registrations(
    graph: FakeGraphServer, hooks: Webhooks, people: list[Registrant], think_s: float
) -> None:
    """Drive every registrant from this one thread: each step once the bot answered the
    last (its first message counts for the latency) and the person read it (``think_s``),
    a tap once its button was sent."""
    deadline = time.monotonic() + 600
    offered_from = {person.chat: 0 for person in people}
    steps = len(WHATSAPP_REGISTRATION)
    while not all(p.step >= steps and p.pushed_at is None for p in people):
        now = time.monotonic()
        if now > deadline:
            raise SystemExit("the WhatsApp registrations did not finish in 10 minutes")
        for person in people:
            wa_id = str(person.chat)
            if person.pushed_at is not None:
                if graph.count(wa_id) > person.expected:
                    answered = min(
                        at
                        for at, to, _ in graph.send_log()
                        if to == wa_id and at >= person.pushed_at
                    )
                    person.latencies.append(answered - person.pushed_at)
                    offered_from[person.chat] = person.expected
                    person.pushed_at = None
                    person.next_at = now + think_s
                elif now - person.pushed_at > 60:
                    raise SystemExit(f"registrant {wa_id}: no answer in 60 s")
            elif person.step < steps and now >= max(person.starts_at, person.next_at):
                kind, value = WHATSAPP_REGISTRATION[person.step]
                if kind == "tap" and not offers(graph, wa_id, value, offered_from[person.chat]):
                    continue
                person.expected = graph.count(wa_id)
                person.pushed_at = time.monotonic()
                hooks.step(wa_id, kind, value)
                person.step += 1
        time.sleep(0.01)


def whatsapp_case(n: int, latency_ms: float, limit: int, people: int, think_s: float) -> dict:
    """The broadcast to ``n`` WhatsApp recipients through the real ``tawasul run``, the
    fake Cloud API enforcing ``limit`` messages a second (130429 past it), while
    ``people`` register over signed webhooks."""
    recipients = {str(WHATSAPP_RECIPIENT + i) for i in range(n)}
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeGraphServer(latency_ms=latency_ms, rate_limit=limit) as graph,
    ):
        config = keep_participants(write_config(Path(folder)))
        whatsapp_config(config, graph.phone_number_id)
        asyncio.run(seed(config, n, "whatsapp", WHATSAPP_RECIPIENT))
        web_port = free_port()
        bot = start_tawasul_whatsapp(graph, config, web_port)
        try:
            queued = queue_broadcast(whatsapp_environment(graph, web_port), config)
            registrants = [
                Registrant(WHATSAPP_REGISTRANT + i, starts_at=queued + 0.2 * i)
                for i in range(people)
            ]
            hooks = Webhooks(web_port, graph.phone_number_id)
            run_whatsapp_registrations(graph, hooks, registrants, think_s)
            wait_for(
                lambda: all(whatsapp_copies(graph, recipients)[0].values()),
                timeout_s=n / 5 + 120,
            )
            wait_for(lambda: pending(config) == 0, timeout_s=60)
            time.sleep(2)
        finally:
            bot.stop()
        got, last = whatsapp_copies(graph, recipients)
        return broadcast_figures(
            f"whatsapp-{n}",
            limit,
            queued,
            got,
            last,
            graph.send_log(),
            registrants,
            http_429=graph.throughput_errors,
            rejected=len(graph.rejections()) - graph.throughput_errors,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def queue_broadcast(environment: dict[str, str], config: Path, *options: str) -> float:
    """Run ``tawasul broadcast --yes``; the moment it says the rows are written."""
    command = tawasul(config, "broadcast", "--yes", "--text", TEXT, *options)
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True)
    queued = None
    said = []
    for line in process.stdout:
        said.append(line.strip())
        if " queued;" in line:
            queued = time.monotonic()
    if process.wait() != 0 or queued is None:
        raise SystemExit(f"tawasul broadcast failed (exit {process.returncode}): {said}")
    return queued


def pending(config: Path) -> int:
    """Rows of the broadcasts not sent yet, as ``tawasul broadcasts`` shows them."""
    output = subprocess.run(
        tawasul(config, "broadcasts"), capture_output=True, text=True, check=True
    ).stdout
    header, *rows = [line.split("\t") for line in output.splitlines()]
    column = header.index("pending")
    return sum(int(row[column]) for row in rows)


POLL_OPTIONS = "نعم|لا|ربما|لا أدري"
POLL_ID = 1


def drive_taps(server: FakeTelegramServer, plan: dict[int, tuple[int, float]]) -> dict[int, tuple]:
    """Tap each planned chat's option once its delay after its copy has passed; return,
    per chat, ``(pushed at, update id, message id)``."""
    tapped: dict[int, tuple] = {}
    deadline = time.monotonic() + 600
    while len(tapped) < len(plan):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(tapped)} of {len(plan)} taps in 10 minutes")
        arrived = {}
        for at, chat, message_id in server.send_log():
            if chat in plan and chat not in arrived:
                arrived[chat] = (at, message_id)
        now = time.monotonic()
        for chat, (at, message_id) in arrived.items():
            choice, delay = plan[chat]
            if chat not in tapped and now >= at + delay:
                update_id = server.push_callback(chat, message_id, f"poll:{POLL_ID}:{choice}")
                tapped[chat] = (time.monotonic(), update_id, message_id)
        time.sleep(0.01)
    return tapped


def ack_times(server: FakeTelegramServer, tapped: dict[int, tuple]) -> list[float]:
    """Per tap, from its push to the later of its answerCallbackQuery and its edit."""
    answered = {
        params["callback_query_id"]: at for at, params in server.timed_calls("answerCallbackQuery")
    }
    edited: dict[tuple[int, int], float] = {}
    for at, params in server.timed_calls("editMessageReplyMarkup"):
        edited.setdefault((int(params["chat_id"]), int(params["message_id"])), at)
    times = []
    for chat, (pushed, update_id, message_id) in tapped.items():
        answer = answered.get(server.callback_id(update_id))
        edit = edited.get((chat, message_id))
        if answer is None or edit is None:
            raise SystemExit(f"chat {chat}: the tap got no answer or no edit")
        times.append(max(answer, edit) - pushed)
    return sorted(times)


def poll_results(config: Path) -> list[int]:
    output = subprocess.run(
        tawasul(config, "poll", "results", str(POLL_ID)), capture_output=True, text=True, check=True
    ).stdout
    return [int(line.split("\t")[-1]) for line in output.splitlines()[1:-1]]


def poll_case(n: int, taps: int, window_s: float, latency_ms: float, limit: int) -> dict:
    recipients = range(FIRST_RECIPIENT, FIRST_RECIPIENT + n)
    rng = random.Random(7)
    chats = rng.sample(list(recipients), taps)
    plan = {chat: (rng.randrange(4), rng.uniform(0.5, window_s)) for chat in chats}
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeTelegramServer(latency_ms=latency_ms, rate_limit=limit) as server,
    ):
        config = keep_participants(write_config(Path(folder)))
        asyncio.run(seed(config, n))
        bot = start_tawasul(server, config)
        try:
            queued = queue_broadcast(bot_environment(server), config, "--options", POLL_OPTIONS)
            tapped = drive_taps(server, plan)
            wait_for(lambda: all(copies(server, recipients)[0].values()), timeout_s=n / 5 + 120)
            wait_for(lambda: len(server.calls("answerCallbackQuery")) >= taps, timeout_s=60)
            wait_for(lambda: pending(config) == 0, timeout_s=60)
            time.sleep(2)
            counted = poll_results(config)
        finally:
            bot.stop()
        got, _ = copies(server, recipients)
        first: dict[int, float] = {}
        for at, chat, _ in server.send_log():
            if chat in got:
                first.setdefault(chat, at)
        last = max(first.values())
        seconds = last - queued
        accepted = sum(1 for at, _, _ in server.send_log() if queued <= at <= last)
        expected = [0] * 4
        for choice, _ in plan.values():
            expected[choice] += 1
        if counted != expected:
            raise SystemExit(f"poll-{n}: counted {counted}, tapped {expected}")
        acks = ack_times(server, tapped)
        return {
            "case": f"poll-{n}",
            "recipients": n,
            "ratio": round(accepted / seconds / limit, 3),
            "taps": len(tapped),
            "counted": sum(counted),
            "ack_p50_s": round(percentile(acks, 0.5), 3),
            "ack_p95_s": round(percentile(acks, 0.95), 3),
            "seconds": round(seconds, 2),
            "lost": sum(1 for count in got.values() if count == 0),
            "duplicates": sum(
                max(0, count - (2 if chat in plan else 1)) for chat, count in got.items()
            ),
            "http_429": server.http_429,
        }


def peer_case(n: int, latency_ms: float, limit: int, max_retries: int) -> dict:
    recipients = range(FIRST_RECIPIENT, FIRST_RECIPIENT + n)
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeTelegramServer(latency_ms=latency_ms, rate_limit=limit) as server,
    ):
        command = [
            sys.executable,
            str(BENCH / "peer_bot.py"),
            "broadcast",
            "--max-retries",
            str(max_retries),
            "--first",
            str(FIRST_RECIPIENT),
            "--count",
            str(n),
        ]
        peer = BotProcess(command, bot_environment(server), Path(folder) / "peer.log")
        if peer.process.wait(timeout=n + 120) != 0:
            raise SystemExit(f"the peer failed: see {peer.log}")
        summary = json.loads(peer.output().strip().splitlines()[-1])
        peer.stop()
        got, last = copies(server, recipients)
        seconds = last - summary["started"]
        delivered = sum(1 for count in got.values() if count)
        name = "peer-telegram" if max_retries == 3 else f"peer-retries{max_retries}-telegram"
        return {
            "case": f"{name}-{n}",
            "recipients": n,
            "seconds": round(seconds, 2),
            "rate_per_s": round(delivered / seconds, 2),
            "limit_per_s": limit,
            "ratio": round(delivered / seconds / limit, 3),
            "duplicates": sum(max(0, count - 1) for count in got.values()),
            "lost": n - delivered,
            "http_429": server.http_429,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--limit", type=int, default=30, help="sendMessage allowed per second")
    parser.add_argument("--registrants", type=int, default=50)
    parser.add_argument("--think-s", type=float, default=1.5, help="a registrant's pause")
    parser.add_argument("--no-peer", action="store_true", help="only tawasul run")
    parser.add_argument("--poll-only", action="store_true", help="only the poll-1000 case")
    parser.add_argument(
        "--whatsapp-limit", type=int, default=80, help="WhatsApp messages allowed per second"
    )
    parser.add_argument("--whatsapp-only", action="store_true", help="only the whatsapp-1000 case")
    arguments = parser.parse_args()
    if not arguments.poll_only:
        whatsapp = whatsapp_case(
            1000,
            arguments.latency_ms,
            arguments.whatsapp_limit,
            arguments.registrants,
            arguments.think_s,
        )
        print(json.dumps(whatsapp), flush=True)
        if arguments.whatsapp_only:
            return
    print(json.dumps(poll_case(1000, 800, 20.0, arguments.latency_ms, arguments.limit)))
    if arguments.poll_only:
        return
    for n in arguments.sizes:
        result = tawasul_case(
            n, arguments.latency_ms, arguments.limit, arguments.registrants, arguments.think_s
        )
        print(json.dumps(result), flush=True)
    if not arguments.no_peer:
        for retries in (3, 0):
            print(json.dumps(peer_case(1000, arguments.latency_ms, arguments.limit, retries)))


if __name__ == "__main__":
    main()
