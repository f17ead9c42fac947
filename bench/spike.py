"""N new people send /start at the same moment: how soon does each get a first answer?

Run by hand: ``python bench/spike.py [--sizes 90 300] [--latency-ms 100] [--limit 30]``.
Each case starts a fresh bot in its own process on a fresh SQLite database, against the
fake Bot API server at ``--latency-ms`` round trip, which answers 429 past ``--limit``
sendMessage in any second. All /start updates are pushed in one moment; a person's
latency runs from that moment to their first message as the fake accepted it.

The floor is N/limit seconds plus one round trip (the update's way to the bot and the
answer's way back). Cases: ``spike-N`` is ``tawasul run``; ``peer-spike-N`` the plainest
python-telegram-bot bot with ``AIORateLimiter(max_retries=3)``, and
``peer-retries0-spike-N`` the same with the library's default ``max_retries=0``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from running_bot import (
    FakeTelegramServer,
    percentile,
    quiet_for,
    start_peer,
    start_tawasul,
    wait_for,
    write_config,
)

FIRST_PERSON = 30_000_000


def run_case(name: str, n: int, latency_ms: float, limit: int, start) -> dict:
    people = [FIRST_PERSON + i for i in range(n)]
    floor = n / limit + latency_ms / 1000
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeTelegramServer(latency_ms=latency_ms, rate_limit=limit) as server,
    ):
        bot = start(server, Path(folder))
        try:
            with server.at_once():
                pushed = time.monotonic()
                for person in people:
                    server.push_text(person, "/start", first_name="Nour")

            def answered() -> bool:
                return len({chat for _, chat, _ in server.send_log()}) >= n

            wait_for(answered, timeout_s=10 * floor + 60, idle=quiet_for(server, 5.0))
        finally:
            bot.stop()
        first: dict[int, float] = {}
        for at, chat, _ in server.send_log():
            first.setdefault(chat, at - pushed)
        latencies = sorted(first[person] for person in people if person in first)
        return {
            "case": name,
            "n": n,
            "latency_ms": latency_ms,
            "p50_s": round(statistics.median(latencies), 3),
            "max_s": round(latencies[-1], 3),
            "p95_s": round(percentile(latencies, 0.95), 3),
            "floor_s": round(floor, 3),
            "ratio_to_floor": round(latencies[-1] / floor, 3),
            "answered": len(latencies),
            "lost": n - len(latencies),
            "http_429": server.http_429,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[90, 300])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--limit", type=int, default=30, help="sendMessage allowed per second")
    parser.add_argument("--no-peer", action="store_true", help="only tawasul run")
    parser.add_argument("--delivery", default="", help="TOML lines for [delivery], e.g. to try")
    arguments = parser.parse_args()

    def tawasul(server, folder):
        return start_tawasul(server, write_config(folder, arguments.delivery))

    def peer(retries):
        return lambda server, folder: start_peer(server, folder, retries)

    for n in arguments.sizes:
        contenders = [(f"spike-{n}", tawasul)]
        if not arguments.no_peer:
            contenders += [(f"peer-spike-{n}", peer(3)), (f"peer-retries0-spike-{n}", peer(0))]
        for name, start in contenders:
            result = run_case(name, n, arguments.latency_ms, arguments.limit, start)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
