"""Bad input gets a short, polite answer in the person's language; the flow stays where it was."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from transcript import Person

from db.models import ChannelAccount, DialogueState, Participant


async def at_name_step(app, who="2001") -> Person:
    person = Person(app.conversation, who)
    await person.begins("English")
    person.sees("What is your full name?")
    return person


async def state_of(app, person: Person) -> tuple[ChannelAccount | None, DialogueState | None]:
    """The person's own channel account and pending dialogue state, each None when absent."""
    async with app.database.unit_of_work() as session:
        account = await session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == person.channel,
                ChannelAccount.external_id == person.external_id,
            )
        )
        state = await session.get(DialogueState, account.id) if account else None
        return account, state


async def step_of(app, person: Person) -> str | None:
    """The step this person's own dialogue is at (None when idle)."""
    _, state = await state_of(app, person)
    return state.step if state else None


@pytest.mark.parametrize(
    ("media", "answer"),
    [
        (m, "I can only read text here")
        for m in ("photo", "sticker", "voice", "location", "document")
    ],
)
async def test_media_where_text_is_expected(app, media, answer):
    person = await at_name_step(app)
    await person.sends(media)
    person.sees(answer, "What is your full name?")
    assert await step_of(app, person) == "name"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("", "I received an empty message."),
        ("   \n\t ", "I received an empty message."),
        ("😀🎉👍", "not only symbols or emoji"),
        ("x" * 121, "keep it to 120 characters or fewer"),
        ("Sara\x07Bennani", "characters I cannot read"),
        ("Sara\x1b[1mBennani", "type it again rather than pasting it"),
        ("12345", "not only numbers"),
        ("/frobnicate", "I do not know the command /frobnicate"),
    ],
)
async def test_bad_names(app, text, answer):
    person = await at_name_step(app)
    await person.says(text)
    person.sees(answer, "What is your full name?")
    assert await step_of(app, person) == "name"
    await person.says("Sara Bennani")
    person.sees("Which collectivity")


async def at_phone_step(app) -> Person:
    person = await at_name_step(app, "2002")
    await person.says("Sara")
    await person.says("Berkane")
    await person.taps("Commune de Berkane")
    await person.says("Focal point")
    person.sees("phone number")
    return person


async def test_bad_input_moves_nobody_else(app):
    sara = await at_phone_step(app)
    nadia = await at_name_step(app, "2006")
    await nadia.says("12345")
    await sara.says("call me")
    await nadia.sends("photo")
    assert await step_of(app, sara) == "phone"
    assert await step_of(app, nadia) == "name"


@pytest.mark.parametrize("phone", ["12", "call me", "06123", "+999 123", "0612345678901234"])
async def test_invalid_phone(app, phone):
    person = await at_phone_step(app)
    await person.says(phone)
    person.sees("does not look like a phone number", "0612345678")
    assert await step_of(app, person) == "phone"


async def test_eastern_arabic_digits_in_a_phone(app):
    person = await at_phone_step(app)
    await person.says("٠٦١٢٣٤٥٦٧٨")
    person.sees("email address")


@pytest.mark.parametrize("email", ["sara@", "sara.example.ma", "sara @example.ma", "@example.ma"])
async def test_invalid_email(app, email):
    person = await at_phone_step(app)
    await person.taps("Skip")
    await person.says(email)
    person.sees("does not look like an email address")
    assert await step_of(app, person) == "email"


async def test_collectivity_that_matches_nothing_offers_to_browse(app):
    person = await at_name_step(app, "2003")
    await person.says("Sara")
    await person.says("xqzwvk")
    person.sees("I found no collectivity matching", "xqzwvk")
    assert "Browse by region" in person.labels
    await person.taps("Browse by region")
    person.sees("Choose your region.")


async def test_text_where_a_button_is_expected(app):
    person = Person(app.conversation, "2004")
    await person.says("/start")
    await person.says("German please")
    person.sees("يرجى اختيار أحد الخيارات", "يرجى اختيار أحد الخيارات المقترحة")
    await person.says("9")
    person.sees("يرجى اختيار أحد الخيارات")
    assert len(person.labels) == 3


async def test_a_stale_button_is_refused(app):
    person = await at_name_step(app, "2005")
    await person.taps_key("lang:fr")
    person.sees("That button is no longer active.", "What is your full name?")


async def test_nothing_half_valid_is_stored(app):
    person = await at_phone_step(app)
    await person.sends("photo")
    await person.says("/cancel")
    person.sees("Registration cancelled; nothing was kept.")
    assert await state_of(app, person) == (None, None), "the draft and the account are erased"
    async with app.database.unit_of_work() as session:
        for model in (Participant, ChannelAccount, DialogueState):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model
    await person.says("/start")
    person.sees("Please choose your language.")
