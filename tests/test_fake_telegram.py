"""The fake Bot API's limit, which the delivery benchmarks rely on: past ``rate_limit``
sendMessage in a sliding window it answers 429 with a retry_after, as Telegram does, and
counts the 429s."""

from __future__ import annotations

import pytest
from fake_telegram import FakeTelegramServer
from telegram import Bot
from telegram.error import RetryAfter

from bot.channels.telegram_sender import outcome_of


async def test_past_its_limit_the_fake_answers_429_with_retry_after_and_counts_them():
    with FakeTelegramServer(rate_limit=3, rate_window_s=60) as server:
        async with Bot(server.token, base_url=server.base_url) as bot:
            for chat in (1, 2, 3):
                await bot.send_message(chat, "مرحبا")
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(4, "مرحبا")
            await bot.get_me()

        assert [chat for _, chat, _ in server.send_log()] == [1, 2, 3]
        assert server.http_429 == 1
        assert 1 <= outcome_of(refused.value).delay_s <= 60


async def test_without_a_limit_nothing_is_refused():
    with FakeTelegramServer() as server:
        async with Bot(server.token, base_url=server.base_url) as bot:
            for chat in range(40):
                await bot.send_message(chat, "مرحبا")

        assert len(server.send_log()) == 40
        assert server.http_429 == 0
