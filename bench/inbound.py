"""How many inbound updates per second the bot handles, through python-telegram-bot, the
conversation core and the database, on each database.

Run by hand: ``python bench/inbound.py [--people 1000] [--postgres URL]``. The bot is the
project's own Telegram channel as ``tawasul run`` builds it (``App.telegram_channel``, its
:class:`~bot.channels.ordering.PersonByPerson` update processor, the real PTB
``Application``), on a fresh database per run. Updates are made with ``Update.de_json``
and put on the application's update queue, as the poller does; the Bot API calls the
channel makes itself (``getMe``, ``answerCallbackQuery``) go to the fake Bot API server,
run in its own process. The replies the core commits are recorded, not sent: sending is
held to Telegram's 30 messages/s whatever the inbound side does, and is measured by
``bench/broadcast.py`` and ``bench/spike.py``.

Each simulated focal point completes a whole registration (11 updates: 8 messages, 3
button taps). A latency runs from the moment an update is put on the queue to the end
of its handling: its unit of work committed and its replies handed to delivery.

- ``full``: every person sends their next update as soon as the last one is handled
  (closed loop, all people at once): the most the bot can take, ``updates_per_s``.
- ``half``: updates arrive at evenly spaced times, at half the rate the ``full`` run
  reached (open loop; whose turn it is drawn at random, each person's updates in their
  order): the latency at half load.

Prints one JSON object per run: ``inbound-sqlite``, ``inbound-sqlite-half``, and the
same for ``inbound-postgresql`` when ``--postgres`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from telegram import Update
from telegram.ext import TypeHandler

from bot.bootstrap import bootstrap
from bot.config import load_settings
from db.scratch import create_database, drop_database
from db.session import Database

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-TOKEN"
FIRST_PERSON = 50_000_000
DATE = 1_764_547_200
SCRIPT = [
    ("text", "/start"),
    ("tap", "lang:ar"),
    ("text", "فاطمة الزهراء العلوي"),
    ("text", "بركان"),
    ("text", "1"),
    ("text", "مكلفة بالتعاون"),
    ("text", "0612345678"),
    ("text", "fz@example.ma"),
    ("tap", "agree"),
    ("tap", "confirm"),
    ("text", "/me"),
]


class Problems(logging.Handler):
    """Counts the warnings and errors the bot logs: a run with any is not a clean run."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.first = self.first or record.getMessage()


class Recorder:
    """Delivery's place: the committed replies are counted, not sent."""

    def __init__(self) -> None:
        self.rows = 0

    async def send_now(self, outgoing: Sequence) -> None:
        self.rows += len(outgoing)


class FakeBotApi:
    """``tests/fake_telegram.py`` in a process of its own, on a free local port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "fake_telegram.py"),
                "--port",
                str(self.port),
                "--token",
                TOKEN,
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(f"{self.base_url}{TOKEN}/getMe", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit("the fake Bot API did not start") from None
                time.sleep(0.05)

    def messages(self, people: int) -> list[int]:
        """A message with the registration's buttons in each person's chat: the one their
        taps are on (its keyboard is closed by each tap, as in a real chat)."""
        keyboard = {
            "inline_keyboard": [
                [{"text": value, "callback_data": value}] for kind, value in SCRIPT if kind == "tap"
            ]
        }
        with httpx.Client(base_url=f"{self.base_url}{TOKEN}/") as client:
            return [
                client.post(
                    "sendMessage",
                    json={
                        "chat_id": FIRST_PERSON + person,
                        "text": "…",
                        "reply_markup": keyboard,
                    },
                ).json()["result"]["message_id"]
                for person in range(people)
            ]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Updates:
    """Telegram updates as the Bot API sends them, numbered in order."""

    def __init__(self, bot, messages: list[int]) -> None:
        self._bot = bot
        self._messages = messages
        self._next = 1

    def make(self, person: int, step: int) -> Update:
        kind, value = SCRIPT[step]
        update_id, self._next = self._next, self._next + 1
        chat_id = FIRST_PERSON + person
        user = {"id": chat_id, "is_bot": False, "first_name": "Fatima", "language_code": "ar"}
        chat = {"id": chat_id, "type": "private", "first_name": "Fatima"}
        if kind == "text":
            message = {"message_id": update_id, "date": DATE, "chat": chat, "from": user}
            body = {"message": {**message, "text": value}}
        else:
            button = [{"text": value, "callback_data": value}]
            body = {
                "callback_query": {
                    "id": str(update_id),
                    "from": user,
                    "chat_instance": str(chat_id),
                    "data": value,
                    "message": {
                        "message_id": self._messages[person],
                        "date": DATE,
                        "chat": chat,
                        "text": "…",
                        "reply_markup": {"inline_keyboard": [button]},
                    },
                }
            }
        return Update.de_json({"update_id": update_id, **body}, self._bot)


def interleaved(people: int) -> list[int]:
    """Whose turn each arrival is: everyone's updates in order, the people shuffled
    together (a fixed seed), so that every step of the registration is in the mix at
    every moment, as in a room where people started at different times."""
    chance = random.Random(7)
    remaining = {person: len(SCRIPT) for person in range(people)}
    order = []
    while remaining:
        person = chance.choice(list(remaining))
        order.append(person)
        remaining[person] -= 1
        if not remaining[person]:
            del remaining[person]
    return order


async def run(
    url: str, people: int, api: FakeBotApi, messages: list[int], rate: float | None
) -> dict:
    """One run on a fresh database: closed loop when ``rate`` is None, else paced."""
    environ = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url}
    app = await bootstrap(load_settings(environ=environ), database=Database(url))
    recorder = Recorder()
    problems = Problems()
    logging.getLogger().addHandler(problems)
    channel = app.telegram_channel(recorder)
    application = channel.build_application()
    enqueued: dict[int, float] = {}
    latencies: list[float] = []
    loop = asyncio.get_running_loop()
    finished = loop.create_future()
    total = people * len(SCRIPT)
    updates: Updates | None = None
    person_of = {}
    next_step = dict.fromkeys(range(people), 0)

    def put(person: int) -> None:
        update = updates.make(person, next_step[person])
        next_step[person] += 1
        person_of[update.update_id] = person
        enqueued[update.update_id] = time.perf_counter()
        application.update_queue.put_nowait(update)

    async def handled(update: Update, _context) -> None:
        latencies.append(time.perf_counter() - enqueued.pop(update.update_id))
        person = person_of.pop(update.update_id)
        if rate is None and next_step[person] < len(SCRIPT):
            put(person)
        if len(latencies) == total and not finished.done():
            finished.set_result(None)

    # Group 1 runs after the channel's handler (group 0) is done with the update.
    application.add_handler(TypeHandler(Update, handled), group=1)
    await application.initialize()
    await application.start()
    updates = Updates(application.bot, messages)
    gc.collect()
    gc.freeze()
    try:
        started = time.perf_counter()
        if rate is None:
            for person in range(people):
                put(person)
        else:
            gap = 1 / rate
            for sent, person in enumerate(interleaved(people)):
                delay = started + sent * gap - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                put(person)
        await asyncio.wait_for(finished, timeout=max(600, total))
        elapsed = time.perf_counter() - started
    finally:
        await application.stop()
        await application.shutdown()
        await app.close()
        gc.unfreeze()
        logging.getLogger().removeHandler(problems)
    assert recorder.rows >= total, (recorder.rows, total)
    if problems.count:
        print(f"{problems.count} warnings logged, the first: {problems.first}", file=sys.stderr)
    ordered = sorted(latencies)
    return {
        "updates": total,
        "updates_per_s": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)] * 1000, 2),
        "seconds": round(elapsed, 2),
        "replies": recorder.rows,
        "warnings": problems.count,
    }


async def cases(name: str, make_url, drop_url, people: int, api: FakeBotApi, half: bool) -> None:
    messages = api.messages(people)
    url = await make_url()
    try:
        full = await run(url, people, api, messages, None)
    finally:
        await drop_url(url)
    print(json.dumps({"case": name, "people": people, "load": "full", **full}), flush=True)
    if not half:
        return
    rate = full["updates_per_s"] / 2
    url = await make_url()
    try:
        paced = await run(url, people, api, messages, rate)
    finally:
        await drop_url(url)
    print(
        json.dumps(
            {"case": f"{name}-half", "people": people, "load": "half", "rate_per_s": rate, **paced}
        ),
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--no-half", action="store_true", help="only the full-load run")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--postgres", help="server URL, e.g. postgresql://postgres@127.0.0.1/postgres"
    )
    arguments = parser.parse_args()
    api = FakeBotApi()
    try:
        with tempfile.TemporaryDirectory() as folder:
            runs = iter(range(1_000))

            async def sqlite_url() -> str:
                return f"sqlite:///{Path(folder) / f'bench-{next(runs)}.db'}"

            async def no_drop(url: str) -> None:
                return None

            await cases(
                "inbound-sqlite", sqlite_url, no_drop, arguments.people, api, not arguments.no_half
            )
        if arguments.postgres and not arguments.sqlite_only:
            server = arguments.postgres

            async def postgres_url() -> str:
                return await create_database(server, prefix="tawasul_bench")

            async def drop(url: str) -> None:
                await drop_database(server, url)

            await cases(
                "inbound-postgresql",
                postgres_url,
                drop,
                arguments.people,
                api,
                not arguments.no_half,
            )
    finally:
        api.stop()


if __name__ == "__main__":
    asyncio.run(main())
