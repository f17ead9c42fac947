"""Rough edges a first user hit, each reproduced as a dialogue transcript."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select
from transcript import Person

from bot.bootstrap import bootstrap
from db.models import ChannelAccount, DialogueState, Event, EventRegistration, Participant


async def count(app, model) -> int:
    async with app.database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def at_summary(person: Person, name: str = "Omar Tazi") -> None:
    await person.reaches_the_summary(name, "oujda")


# /cancel while correcting a field


async def test_cancel_while_correcting_a_field_returns_to_the_summary(app):
    omar = Person(app.conversation, "6001")
    await at_summary(omar)
    await omar.taps("Correct the name")
    omar.sees("What is your full name?")
    await omar.says("/cancel")
    omar.sees("Cancelled.", "Please check your details:", "Name: Omar Tazi")
    omar.does_not_see("nothing was kept")
    await omar.taps("Confirm")
    omar.sees("your registration is complete")
    async with app.database.unit_of_work() as session:
        participant = await session.scalar(select(Participant))
        assert participant.full_name == "Omar Tazi"
        assert participant.consented_at is not None


async def test_cancel_while_correcting_the_collectivity_keeps_the_old_one(app):
    omar = Person(app.conversation, "6002")
    await at_summary(omar)
    await omar.taps("Correct the collectivity")
    await omar.says("berkane")
    omar.sees("Which one is yours?")
    await omar.says("/cancel")
    omar.sees("Please check your details:", "Oujda")
    omar.does_not_see("Berkane")


# bare numbers in free-text steps


@pytest.mark.parametrize("typed", ["1", "3", "٣", "12.", "(2)", "06 12"])
async def test_a_bare_number_is_not_a_name(app, typed):
    lina = Person(app.conversation, f"6003-{typed}")
    await lina.begins("English")
    await lina.says(typed)
    lina.sees("I need words in letters here, not only numbers.", "What is your full name?")
    await lina.says("Lina Berrada")
    lina.sees("Which collectivity")


async def test_a_stale_option_number_is_not_stored_as_the_position(app):
    lina = Person(app.conversation, "6004")
    await lina.begins("Français")
    await lina.says("Lina Berrada")
    await lina.says("berkane")
    await lina.says("1")
    lina.sees("Quelle est votre fonction")
    await lina.says("3")
    lina.sees("Il me faut des mots en lettres ici, pas seulement des chiffres.")
    await lina.says("Cheffe de division")
    lina.sees("numéro de téléphone")


# yes and no in words


@pytest.mark.parametrize(
    ("language", "word", "agrees"),
    [
        ("العربية", "نعم", True),
        ("العربية", "أجل", True),
        ("العربية", "موافق", True),
        ("العربية", "موافقة", True),
        ("العربية", "نعم!", True),
        ("العربية", "واخا", True),
        ("العربية", "لا", False),
        ("العربية", "غير موافق", False),
        ("Français", "oui", True),
        ("Français", "Oui.", True),
        ("Français", "d'accord", True),
        ("Français", "OK", True),
        ("Français", "non", False),
        ("English", "yes", True),
        ("English", "ok 👍", True),
        ("English", "no", False),
    ],
)
async def test_yes_and_no_in_words_answer_the_consent_question(app, language, word, agrees):
    salma = Person(app.conversation, f"6005-{language}-{word}")
    await salma.begins(language)
    await salma.says("Salma Bennani")
    await salma.says("berkane")
    await salma.says("1")
    await salma.says("Cheffe de service")
    await salma.says("0612345678")
    await salma.says("salma@example.ma")
    await salma.says(word)
    if agrees:
        assert len(salma.options) == 6, salma.text  # the summary and its corrections
    else:
        assert await count(app, ChannelAccount) == 0
        salma.sees("/start")


async def test_yes_in_words_confirms_an_erasure_and_no_keeps_the_profile(app):
    sara = Person(app.conversation, "6006")
    await at_summary(sara, "Sara Bennani")
    await sara.taps("Confirm")
    await sara.says("/delete_me")
    await sara.says("non")
    sara.sees("Nothing was erased.")
    await sara.says("/delete_me")
    await sara.says("yes")
    sara.sees("Your personal data has been erased.")
    assert await count(app, Participant) == 0


async def test_a_word_that_is_not_yes_or_no_still_gets_the_polite_re_ask(app):
    sara = Person(app.conversation, "6007")
    await at_summary(sara, "Sara Bennani")
    await sara.taps("Confirm")
    await sara.says("/delete_me")
    await sara.says("maybe")
    sara.sees("Please choose one of the options")
    assert await count(app, Participant) == 1


@pytest.mark.parametrize(
    ("language", "word"),
    [("العربية", "تخطي"), ("العربية", "تخطّى"), ("Français", "passer"), ("English", "Skip")],
)
async def test_skip_in_words_leaves_out_an_optional_step(app, language, word):
    nadia = Person(app.conversation, f"6008-{language}-{word}")
    await nadia.begins(language)
    await nadia.says("Nadia Idrissi")
    await nadia.says("berkane")
    await nadia.says("1")
    await nadia.says("Cheffe de division")
    await nadia.says(word)
    await nadia.says(word)
    await nadia.says("1")
    assert len(nadia.options) == 6, nadia.text  # consent given: the summary and its corrections
    assert nadia.text.count("—") >= 1 and "@" not in nadia.text and "+212" not in nadia.text


# invisible characters in names


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("\u200fفاطمة الزهراء", "فاطمة الزهراء"),
        ("Sara Bennani\u200e", "Sara Bennani"),
        ("Sara 👩\u200d💼", "Sara 👩💼"),
        ("\ufeffSara Bennani", "Sara Bennani"),
        ("Sara\u200cBennani", "SaraBennani"),
        ("Sara Bennani\n", "Sara Bennani"),
    ],
)
async def test_marks_that_phones_insert_are_stripped_from_a_name(app, typed, stored):
    sara = Person(app.conversation, f"6008-{stored}")
    await sara.begins("English")
    await sara.says(typed)
    sara.sees("Which collectivity")
    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
        assert state.data["draft"]["full_name"] == stored


async def test_an_unreadable_name_gets_a_message_saying_what_to_do(app):
    sara = Person(app.conversation, "6009")
    await sara.begins("English")
    await sara.says("Sara\x1b[31m")
    sara.sees("characters I cannot read", "type it again", "What is your full name?")


# erasure


async def test_delete_me_with_nothing_stored_erases_the_account_and_language_too(app):
    ali = Person(app.conversation, "6010")
    await ali.begins("English")
    await ali.says("/cancel")
    await ali.says("/language")
    await ali.taps("Français")
    assert await count(app, ChannelAccount) == 1, "an account holding a language"
    await ali.says("/delete_me")
    ali.sees("Aucune donnée à caractère personnel")
    assert await count(app, ChannelAccount) == 0
    assert await count(app, DialogueState) == 0


async def test_delete_me_during_a_draft_says_it_erases_what_was_entered(app):
    ali = Person(app.conversation, "6011")
    await ali.begins("English")
    await ali.says("Ali Idrissi")
    await ali.says("/delete_me")
    ali.sees("This erases what you have entered so far")
    ali.does_not_see("profile")
    await ali.taps("Yes, erase my data")
    ali.sees("erased")
    assert await count(app, ChannelAccount) == 0
    assert await count(app, DialogueState) == 0


async def test_start_after_delete_me_leaves_no_erasure_pending(app):
    sara = Person(app.conversation, "6012")
    await at_summary(sara, "Sara Bennani")
    await sara.taps("Confirm")
    await sara.says("/delete_me")
    await sara.says("/start")
    sara.sees("Your profile:")
    await sara.says("1")
    assert await count(app, Participant) == 1, "a stray 1 erased the profile"
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(DialogueState)) is None


# a returning participant


def other_event(settings):
    event = dataclasses.replace(settings.event, code="remacto-2023-rabat", date=date(2023, 10, 5))
    return dataclasses.replace(settings, event=event)


async def registered_at_an_earlier_event(database, settings, clock) -> Person:
    earlier = await bootstrap(other_event(settings), database=database, clock=clock)
    sara = Person(earlier.conversation, "6013")
    await at_summary(sara, "Sara Bennani")
    await sara.taps("Confirm")
    sara.sees("5 October 2023")
    await sara.taps("Later")
    return sara


async def registrations(app) -> set[tuple[str, str]]:
    async with app.database.unit_of_work() as session:
        rows = await session.execute(
            select(Event.code, Participant.full_name)
            .join(EventRegistration, EventRegistration.event_id == Event.id)
            .join(Participant, Participant.id == EventRegistration.participant_id)
        )
        return {tuple(row) for row in rows}


async def test_a_returning_participant_confirms_in_one_tap(database, settings, clock):
    sara = await registered_at_an_earlier_event(database, settings, clock)
    app = await bootstrap(settings, database=database, clock=clock)
    sara.conversation = app.conversation

    await sara.says("/start")
    sara.sees("Welcome back", "Name: Sara Bennani", "Commune d'Oujda", "REMACTO national meeting")
    assert sara.labels == ["Yes, register me", "Correct my details"]
    await sara.taps("Yes, register me")
    sara.sees("your registration is complete", "13 November 2024")
    assert await registrations(app) == {
        ("remacto-2023-rabat", "Sara Bennani"),
        ("remacto-2024-saidia", "Sara Bennani"),
    }
    assert await count(app, Participant) == 1

    await sara.says("/start")
    sara.sees("Your profile:")


async def test_a_returning_participant_corrects_then_confirms(database, settings, clock):
    sara = await registered_at_an_earlier_event(database, settings, clock)
    app = await bootstrap(settings, database=database, clock=clock)
    sara.conversation = app.conversation

    await sara.says("hello")
    sara.sees("Welcome back")
    await sara.taps("Correct my details")
    sara.sees("Please check your details:", "Name: Sara Bennani")
    await sara.taps("Correct the position")
    await sara.says("Head of partnerships")
    sara.sees("Position: Head of partnerships")
    await sara.taps("Confirm")
    sara.sees("your registration is complete")
    async with app.database.unit_of_work() as session:
        participant = await session.scalar(select(Participant))
        assert participant.position == "Head of partnerships"
    assert await count(app, Participant) == 1
    assert len(await registrations(app)) == 2


async def test_a_returning_participant_who_cancels_keeps_the_profile(database, settings, clock):
    sara = await registered_at_an_earlier_event(database, settings, clock)
    app = await bootstrap(settings, database=database, clock=clock)
    sara.conversation = app.conversation
    await sara.says("/start")
    await sara.says("/cancel")
    sara.does_not_see("nothing was kept")
    assert await count(app, Participant) == 1
    assert await count(app, ChannelAccount) == 1
    await sara.says("oui")
    sara.sees("Welcome back")
    await sara.says("oui")
    sara.sees("your registration is complete")
