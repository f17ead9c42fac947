"""/toolkit: the networking toolkit's cards in each language, a card sent to the room by a
facilitator, and the cards file read and checked at start."""

from __future__ import annotations

import dataclasses

import pytest
from test_agenda_config import config
from transcript import Person, Phone, grant, senders

from bot.bootstrap import bootstrap
from bot.config import SHIPPED_TOOLKIT, ConfigError, load_settings
from bot.delivery.dispatcher import Delivery
from domain.settings import Roles
from domain.toolkit import ToolkitInvalid, load

LEAD = "900"


@pytest.fixture
async def room(database, settings, clock):
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


async def test_toolkit_lists_the_cards_and_a_tap_shows_one(room):
    sara = Person(room.conversation, "1")
    await sara.begins("English")
    await sara.says("/toolkit")
    sara.sees("The networking toolkit: choose a card.")
    assert sara.labels[:3] == [
        "Good practices of networking",
        "Digital tools for networking",
        "Keeping links alive",
    ]
    await sara.taps("Digital tools")
    sara.sees("Digital tools for networking\n• A group per theme on the messaging app")
    sara.sees("What is your full name?")  # the registration she left is asked again


async def test_a_card_by_its_code_in_arabic_and_french(room):
    amal = Person(room.conversation, "2")
    await amal.begins("العربية")
    await amal.says("/toolkit links")
    amal.sees("استدامة الروابط\n• زيارات ميدانية بين الأقران.")
    claire = Person(room.conversation, "3")
    await claire.begins("Français")
    await claire.says("/toolkit practices")
    claire.sees("Bonnes pratiques du réseautage\n• Présentez en 30 secondes")
    await claire.says("/toolkit nothing")
    claire.sees("Cette fiche n'existe pas.")


async def test_a_facilitator_sends_a_card_to_everyone_registered(room):
    sara = Person(room.conversation, "4")
    await sara.registers()
    lead = Person(room.conversation, LEAD)
    await lead.begins("English")
    await lead.says("/toolkit send")
    lead.sees("To send a card to the room: /toolkit send CODE", "practices, tools, links")
    await lead.says("/toolkit send tools all")
    lead.sees("Sent to 1 person (broadcast #1).")
    phone = Phone()
    await Delivery(room.database, senders(phone), room.services.clock).run_once()
    [card] = phone.received[sara.external_id]
    assert card.text.startswith("Digital tools for networking\n• ")

    await sara.says("/toolkit send tools all")
    sara.sees("There is no such card.")  # a participant sends nothing
    sara.does_not_see("Sent to")


def test_the_shipped_cards_and_a_bad_file(tmp_path):
    cards = load(SHIPPED_TOOLKIT.read_text("utf-8")).cards
    assert [card.code for card in cards] == ["practices", "tools", "links"]
    with pytest.raises(ToolkitInvalid) as invalid:
        load('[[card]]\ncode = "A b"\ntitle = { ar = "x", fr = "y" }\n[[card]]\ncode = "x"\n')
    assert invalid.value.problems == [
        "card 1: code 'A b': use 1 to 32 of a-z, 0-9, _ and -",
        "card 1: title.en missing",
        "card 1: text must give each language: text = { ar = …, fr = …, en = … }",
        "card x: title must give each language: title = { ar = …, fr = …, en = … }",
        "card x: text must give each language: text = { ar = …, fr = …, en = … }",
    ]

    bad = tmp_path / "cards.toml"
    bad.write_text("[[card]]\ncode = 1\n", "utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(config(tmp_path, '[toolkit]\nfile = "cards.toml"\n'), environ={})
    assert str(error.value).startswith(f"toolkit.file {bad}: 3 problems: card 1: code 1")
