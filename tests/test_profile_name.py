"""On WhatsApp the webhook carries the person's profile name: registration offers it as
their name, to tap instead of typing; it is kept only when tapped."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from transcript import Person

from db.models import Participant
from handlers.messages import Inbound

pytestmark = pytest.mark.own_channels


class OnWhatsApp(Person):
    """A person whose every message carries their profile name, as WhatsApp's do."""

    def __init__(self, conversation, external_id: str, profile_name: str | None) -> None:
        super().__init__(conversation, external_id, channel="whatsapp")
        self.profile_name = profile_name

    async def _send(self, inbound: Inbound):
        return await super()._send(dataclasses.replace(inbound, display_name=self.profile_name))


async def names(app) -> list[str]:
    async with app.database.unit_of_work() as session:
        return list(await session.scalars(select(Participant.full_name)))


async def test_the_profile_name_is_offered_and_taken_with_one_tap(app):
    amal = OnWhatsApp(app.conversation, "212600000002", "Amal Idrissi")
    await amal.begins("Français")
    amal.sees("appuyez sur le nom")
    assert amal.labels == ["Amal Idrissi"]
    await amal.taps("Amal Idrissi")
    amal.sees("collectivité")
    await amal.says("berkane")
    await amal.says("1")
    await amal.says("Point focal")
    await amal.taps("Passer")
    await amal.taps("Passer")
    await amal.taps("J'accepte")
    amal.sees("Amal Idrissi")
    await amal.taps("Confirmer")
    amal.sees("votre inscription est confirmée")
    assert await names(app) == ["Amal Idrissi"]


async def test_a_typed_name_wins_over_the_profile_name(app):
    sara = OnWhatsApp(app.conversation, "212600000003", "Sara B.")
    await sara.begins("English")
    assert sara.labels == ["Sara B."]
    await sara.says("Sara Bennani")
    sara.sees("Which collectivity")
    await sara.says("berkane")
    await sara.says("1")
    await sara.says("Focal point")
    await sara.taps("Skip")
    await sara.taps("Skip")
    await sara.taps("I agree")
    await sara.taps("Confirm")
    assert await names(app) == ["Sara Bennani"]


async def test_a_profile_name_that_is_not_a_name_is_not_offered(app):
    sara = OnWhatsApp(app.conversation, "212600000005", "🌸🌸🌸")
    await sara.begins("English")
    sara.sees("What is your full name?")
    assert sara.labels == []


async def test_without_a_profile_name_the_question_is_the_plain_one(app):
    karim = OnWhatsApp(app.conversation, "212600000004", None)
    await karim.begins("English")
    karim.sees("What is your full name?")
    karim.does_not_see("profile")
    assert karim.labels == []
