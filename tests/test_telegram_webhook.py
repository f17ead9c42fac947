"""Telegram's webhook mode: the real python-telegram-bot application registers its webhook
with a fake Bot API server, and the updates are posted to the bot's own web server on
127.0.0.1, with Telegram's secret token header, as Telegram posts them."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fake_telegram import FakeTelegramServer
from sqlalchemy import func, select

from bot.bootstrap import bootstrap
from bot.channel_settings import TelegramWebhook, WebSettings
from bot.channels.telegram import TelegramChannel
from bot.config import load_settings
from bot.web import TelegramHook, WebServer, build_app
from db.models import InboundUpdate
from db.session import Database

HIND = 5001
URL = "https://bot.example.ma/webhooks/telegram"
SECRET = "webhook-secret_123"
PATH = "/webhooks/telegram"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def telegram():
    with FakeTelegramServer() as server:
        yield server


def webhook_settings(telegram: FakeTelegramServer):
    return dataclasses.replace(
        load_settings(environ={}),
        telegram_api_base_url=telegram.base_url,
        telegram_token=telegram.token,
        telegram_webhook=TelegramWebhook(URL, SECRET),
        web=WebSettings("127.0.0.1", 0),
    )


@asynccontextmanager
async def running(app) -> AsyncIterator[httpx.AsyncClient]:
    sender = app.telegram_sender()
    delivery = app.delivery({"telegram": sender})
    channel = app.telegram_channel(delivery)
    await channel.start()
    await sender.start()
    server = app.web_server(telegram=channel)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            yield client
    finally:
        await server.stop()
        await channel.stop()
        await sender.stop()


async def test_the_webhook_is_registered_and_updates_are_taken_with_the_secret_only(
    telegram, tmp_path
):
    app = await bootstrap(
        webhook_settings(telegram), database=Database(f"sqlite:///{tmp_path / 't.db'}")
    )
    try:
        async with running(app) as client:
            assert telegram.webhook["url"] == URL
            assert telegram.webhook["secret_token"] == SECRET
            assert telegram.webhook["allowed_updates"] == ["message", "callback_query"]
            assert "getUpdates" not in telegram.methods_called()

            update = telegram.update(telegram.push_text(HIND, "/start"))
            for headers, status in (({}, 401), ({HEADER: "wrong"}, 403), ({HEADER: ""}, 401)):
                refused = await client.post(PATH, json=update, headers=headers)
                assert refused.status_code == status
            assert telegram.sent_messages(HIND) == []
            async with app.database.unit_of_work() as session:
                assert await session.scalar(select(func.count()).select_from(InboundUpdate)) == 0

            taken = await client.post(PATH, json=update, headers={HEADER: SECRET})
            assert taken.status_code == 200
            (language,) = telegram.sent_messages(HIND)
            assert "العربية" in str(language["reply_markup"]), "answered only once sent"

            again = await client.post(PATH, json=update, headers={HEADER: SECRET})
            assert again.status_code == 200
            assert len(telegram.sent_messages(HIND)) == 1

            tap = telegram.update(telegram.push_callback(HIND, language["message_id"], "lang:fr"))
            assert (await client.post(PATH, json=tap, headers={HEADER: SECRET})).is_success
            notice, name = telegram.sent_messages(HIND)[1:]
            assert "09-08" in notice["text"]
            assert name["text"] == "Quels sont vos nom et prénom\u202f?"
            health = await client.get("/health")
            assert health.json() == {"status": "ok", "channels": ["telegram"]}
            assert (await client.post("/webhooks/whatsapp", content=b"{}")).status_code == 404
    finally:
        await app.close()


class Failing:
    async def handle(self, inbound):
        raise RuntimeError("the database is down")


async def test_an_update_that_fails_is_answered_500_so_telegram_posts_it_again(telegram):
    async def deliver(outgoing):
        raise AssertionError("nothing to deliver")

    channel = TelegramChannel(
        Failing(),
        deliver=deliver,
        token=telegram.token,
        base_url=telegram.base_url,
        webhook=TelegramWebhook(URL, SECRET),
    )
    await channel.start()
    server = WebServer(
        WebSettings("127.0.0.1", 0), build_app(telegram=TelegramHook(SECRET, channel))
    )
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            update = telegram.update(telegram.push_text(HIND, "bonjour"))
            response = await client.post(PATH, json=update, headers={HEADER: SECRET})
            assert response.status_code == 500
            not_an_update = await client.post(PATH, content=b"[]", headers={HEADER: SECRET})
            assert not_an_update.status_code == 400
    finally:
        await server.stop()
        await channel.stop()
