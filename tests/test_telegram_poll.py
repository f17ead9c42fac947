"""A poll over real python-telegram-bot: a tap keeps the buttons and marks the one chosen."""

from __future__ import annotations

import asyncio
import dataclasses

from sqlalchemy import select
from test_telegram_e2e import HIND, Chat, start, telegram

from bot.config import load_settings
from db.broadcasts import create, parse_audience
from db.models import ChannelAccount, Collectivity, EventRegistration, Participant

__all__ = ["telegram"]  # the fake Bot API fixture

OPTIONS = [{"default": "نعم", "fr": "Oui"}, {"default": "لا", "fr": "Non"}]


async def registered(app, external_id: int, locale: str) -> None:
    now = app.services.clock()
    async with app.database.unit_of_work() as session:
        collectivity = await session.scalar(select(Collectivity).limit(1))
        person = Participant(
            full_name="Hind Berrada",
            collectivity_id=collectivity.id,
            position="Point focal",
            consented_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        await session.flush()
        session.add(
            ChannelAccount(
                channel="telegram",
                external_id=str(external_id),
                participant_id=person.id,
                locale=locale,
                created_at=now,
            )
        )
        session.add(
            EventRegistration(
                event_id=app.services.event_id, participant_id=person.id, registered_at=now
            )
        )


def labels(message: dict) -> list[str]:
    return [button["text"] for row in message["reply_markup"]["inline_keyboard"] for button in row]


async def test_a_poll_tap_keeps_the_buttons_and_marks_the_answer(telegram, tmp_path):
    settings = dataclasses.replace(
        load_settings(environ={}),
        telegram_api_base_url=telegram.base_url,
        telegram_token=telegram.token,
    )
    app, running = await start(settings, f"sqlite:///{tmp_path / 'tawasul.db'}")
    await registered(app, HIND, "fr")
    texts = {"default": "هل تشاركون؟", "fr": "Serez-vous là ?"}
    poll = await create(
        app.database,
        app.services.event_id,
        parse_audience("all"),
        texts,
        app.services.clock(),
        kind="poll",
        options=OPTIONS,
    )
    await app.delivery({"telegram": running.sender}).run_once()
    hind = Chat(telegram, HIND)
    (question,) = await hind.next_messages()
    assert question["text"] == "Serez-vous là ?"
    assert labels(question) == ["Oui", "Non"]

    (counted,) = await hind.taps(question, "Oui")
    assert counted["text"] == "Votre réponse est comptée\u202f: Oui."
    await asyncio.to_thread(telegram.wait_for_calls, "editMessageReplyMarkup", 1, 10.0)
    shown = telegram.message(question["message_id"])
    assert shown["text"] == "Serez-vous là ?", "the question is not changed"
    assert labels(shown) == ["✓ Oui", "Non"]
    assert telegram.calls("answerCallbackQuery")

    (changed,) = await hind.taps(shown, "Non")
    assert changed["text"] == "Votre réponse est changée\u202f: Non."
    await asyncio.to_thread(telegram.wait_for_calls, "editMessageReplyMarkup", 2, 10.0)
    shown = telegram.message(question["message_id"])
    assert labels(shown) == ["Oui", "✓ Non"]
    callbacks = [
        b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert callbacks == [f"poll:{poll.id}:0", f"poll:{poll.id}:1"]
    assert "editMessageText" not in telegram.methods_called()

    await running.stop()
    await app.close()
