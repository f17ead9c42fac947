"""The peer the delivery benchmarks compare with: python-telegram-bot 22 used plainly.

``spike``: an Application with ``concurrent_updates(True)`` and ``AIORateLimiter``,
answering each /start with one message, polling until SIGINT. ``broadcast``: an
``ExtBot`` with ``AIORateLimiter`` sending one message to each of ``--count`` chats at
once, then printing one JSON line (``started``: its ``time.monotonic()`` before the first
send; ``sent``; ``errors`` by type). Token and server come from ``TELEGRAM_BOT_TOKEN``
and ``TELEGRAM_API_BASE_URL``. Needs ``pip install -e ".[bench]"`` (AIORateLimiter is
python-telegram-bot's ``rate-limiter`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections import Counter

from telegram import Update
from telegram.ext import AIORateLimiter, Application, CommandHandler, ContextTypes, ExtBot
from telegram.request import HTTPXRequest

TEXT = "اجتماع الغد على الساعة التاسعة"
CONNECTIONS = 64
"""The same connection pool as Tawasul's sender, so neither waits for a connection."""


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("مرحبا بكم")


def spike(token: str, base_url: str, max_retries: int) -> None:
    app = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=max_retries))
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.run_polling(poll_interval=0, timeout=10, drop_pending_updates=False)


async def broadcast(token: str, base_url: str, max_retries: int, first: int, count: int) -> None:
    request = HTTPXRequest(connection_pool_size=CONNECTIONS, pool_timeout=10.0)
    bot = ExtBot(
        token,
        base_url=base_url,
        request=request,
        rate_limiter=AIORateLimiter(max_retries=max_retries),
    )
    async with bot:
        started = time.monotonic()
        results = await asyncio.gather(
            *(bot.send_message(first + n, TEXT) for n in range(count)), return_exceptions=True
        )
    errors = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    sent = count - sum(errors.values())
    print(json.dumps({"started": started, "sent": sent, "errors": dict(errors)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["spike", "broadcast"])
    parser.add_argument("--max-retries", type=int, default=3)
    parser.add_argument("--first", type=int, default=10_000_000)
    parser.add_argument("--count", type=int, default=1000)
    arguments = parser.parse_args()
    token, base_url = os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_API_BASE_URL"]
    if arguments.mode == "spike":
        spike(token, base_url, arguments.max_retries)
    else:
        asyncio.run(
            broadcast(token, base_url, arguments.max_retries, arguments.first, arguments.count)
        )


if __name__ == "__main__":
    main()
