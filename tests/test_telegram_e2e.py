"""End to end: the real python-telegram-bot application, the real core, a fake Bot API server.

A focal point registers through getUpdates and callback buttons; the application is
stopped in the middle of the registration and a new one, on the same database, finishes it.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from fake_telegram import FakeTelegramServer
from sqlalchemy import select

from bot.bootstrap import bootstrap
from bot.config import load_settings
from db.models import ChannelAccount, Participant
from db.session import Database

HIND = 5001


@pytest.fixture
def telegram():
    with FakeTelegramServer() as server:
        yield server


class Chat:
    """Hind's phone: what she sends and what she reads."""

    def __init__(self, server: FakeTelegramServer, user_id: int) -> None:
        self.server = server
        self.user_id = user_id
        self.seen = 0

    async def next_messages(self, count: int = 1) -> list[dict]:
        wanted = self.seen + count
        messages = await asyncio.to_thread(
            self.server.wait_for_messages, self.user_id, wanted, 10.0
        )
        new, self.seen = messages[self.seen : wanted], wanted
        return new

    async def says(self, text: str, expect: int = 1) -> list[dict]:
        self.server.push_text(self.user_id, text)
        return await self.next_messages(expect)

    async def taps(self, message: dict, label: str, expect: int = 1) -> list[dict]:
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        button = next(b for b in buttons if label in b["text"])
        self.server.push_callback(self.user_id, message["message_id"], button["callback_data"])
        return await self.next_messages(expect)


async def start(settings, url: str):
    app = await bootstrap(settings, database=Database(url))
    sender = app.telegram_sender()
    delivery = app.delivery({"telegram": sender})
    channel = app.telegram_channel(delivery, poll_timeout=1)
    await channel.start()
    await sender.start()
    return app, Running(channel, sender)


class Running:
    """The channel and its sender, stopped together."""

    def __init__(self, channel, sender) -> None:
        self.channel = channel
        self.sender = sender

    async def stop(self) -> None:
        await self.channel.stop()
        await self.sender.stop()


async def test_registration_over_telegram_survives_a_restart(telegram, tmp_path):
    settings = dataclasses.replace(
        load_settings(environ={}),
        telegram_api_base_url=telegram.base_url,
        telegram_token=telegram.token,
    )
    url = f"sqlite:///{tmp_path / 'tawasul.db'}"
    hind = Chat(telegram, HIND)

    app, channel = await start(settings, url)
    assert {c.get("language_code") for c in telegram.calls("setMyCommands")} >= {"ar", "fr", "en"}

    (language,) = await hind.says("/start")
    assert "العربية" in str(language["reply_markup"])
    (notice, name) = await hind.taps(language, "Français", expect=2)
    assert "loi n°\u00a009-08" in notice["text"]
    assert name["text"] == "Quels sont vos nom et prénom\u202f?"
    assert telegram.calls("answerCallbackQuery")
    assert telegram.message(language["message_id"])["text"].endswith("✓ Français")
    assert not telegram.message(language["message_id"]).get("reply_markup")

    (collectivity,) = await hind.says("Hind Berrada")
    assert "Quelle collectivité" in collectivity["text"]
    (suggestions,) = await hind.says("بركان")
    assert "Commune de Berkane" in str(suggestions["reply_markup"])
    await channel.stop()
    await app.close()

    app, channel = await start(settings, url)
    (position,) = await hind.taps(suggestions, "Commune de Berkane")
    assert "fonction" in position["text"]
    (phone,) = await hind.says("Responsable de la coopération")
    assert phone["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    telegram.push_contact(HIND, "212612345678")
    (email,) = await hind.next_messages()
    assert "e-mail" in email["text"]
    assert email["reply_markup"] == {"remove_keyboard": True}
    await asyncio.to_thread(telegram.wait_for_calls, "editMessageReplyMarkup", 1, 10.0)
    buttons = telegram.message(email["message_id"])["reply_markup"]["inline_keyboard"]
    assert buttons[0][0]["callback_data"] == "skip"
    (consent,) = await hind.says("hind@example.ma")
    assert "09-08" in consent["text"]
    (summary,) = await hind.taps(consent, "J'accepte")
    assert "Hind Berrada" in summary["text"]
    done = await hind.taps(summary, "Confirmer", expect=2)
    assert "13 novembre 2024" in done[0]["text"]

    await channel.stop()

    async with app.database.unit_of_work() as session:
        participant = await session.scalar(select(Participant))
        assert participant.full_name == "Hind Berrada"
        assert participant.phone == "+212612345678"
        assert participant.email == "hind@example.ma"
        accounts = await session.scalars(
            select(ChannelAccount.locale).where(ChannelAccount.participant_id == participant.id)
        )
        assert list(accounts) == ["fr"]
    await app.close()


async def test_a_redelivered_update_is_answered_once(telegram, tmp_path):
    settings = dataclasses.replace(
        load_settings(environ={}),
        telegram_api_base_url=telegram.base_url,
        telegram_token=telegram.token,
    )
    app, channel = await start(settings, f"sqlite:///{tmp_path / 'tawasul.db'}")
    hind = Chat(telegram, HIND)
    update_id = telegram.push_text(HIND, "/start")
    await hind.next_messages(1)
    telegram.redeliver(update_id)
    await hind.says("/help")
    assert len(telegram.sent_messages(HIND)) == 2
    await channel.stop()
    await app.close()
