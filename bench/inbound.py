"""How many inbound events per second the conversation core handles, on each database.

Run by hand: ``python bench/inbound.py [--people 200] [--postgres URL]``. Each simulated
focal point completes a whole registration (11 events) through ``Conversation.handle``;
people run concurrently, as updates from many chats would. Prints one JSON object per
case with its figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bot.bootstrap import bootstrap
from bot.config import load_settings
from db.scratch import create_database, drop_database
from db.session import Database
from handlers.messages import Inbound

SCRIPT = [
    ("text", "/start"),
    ("choice", "lang:ar"),
    ("text", "فاطمة الزهراء العلوي"),
    ("text", "بركان"),
    ("text", "1"),
    ("text", "مكلفة بالتعاون"),
    ("text", "0612345678"),
    ("text", "fz@example.ma"),
    ("choice", "agree"),
    ("choice", "confirm"),
    ("text", "/me"),
]


async def person(conversation, who: str, latencies: list[float]) -> None:
    for number, (kind, value) in enumerate(SCRIPT):
        update_id = f"{who}-{number}"
        if kind == "text":
            inbound = Inbound.message("bench", who, value, update_id)
        else:
            inbound = Inbound.choice("bench", who, value, update_id)
        started = time.perf_counter()
        replies = await conversation.handle(inbound)
        latencies.append(time.perf_counter() - started)
        assert replies, (who, value)


async def run_case(name: str, url: str, people: int, concurrency: int) -> dict:
    app = await bootstrap(load_settings(environ={}), database=Database(url))
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        async with gate:
            await person(app.conversation, f"p{index}", latencies)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(people)))
    elapsed = time.perf_counter() - started
    await app.close()
    ordered = sorted(latencies)
    return {
        "case": name,
        "people": people,
        "concurrency": concurrency,
        "events": len(latencies),
        "seconds": round(elapsed, 3),
        "events_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--postgres", help="server URL, e.g. postgresql://postgres@127.0.0.1/postgres"
    )
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        result = await run_case("inbound_sqlite", url, arguments.people, arguments.concurrency)
        print(json.dumps(result))

    if arguments.postgres:
        url = await create_database(arguments.postgres, prefix="tawasul_bench")
        try:
            result = await run_case(
                "inbound_postgresql", url, arguments.people, arguments.concurrency
            )
            print(json.dumps(result))
        finally:
            await drop_database(arguments.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())
