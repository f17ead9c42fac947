"""Taps on messages the bot sent first, and side flows inside side flows, as transcripts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from transcript import Person

from db.models import DialogueState, Participant
from handlers.messages import Reply
from handlers.router import Callbacks, parse_key

NAME_QUESTION = "What is your full name?"
LANGUAGE_QUESTION = "Please choose your language."


def poll_on(app) -> list[tuple[str, tuple[str, ...]]]:
    """Register a ``demo`` namespace, as a capability (the polls) would; return the taps."""
    seen = []

    async def on_poll(ctx, tap):
        seen.append((ctx.account.external_id, tap.parts))
        return [Reply(ctx.tr._("Done: I will speak {language} with you.", language=tap.parts[1]))]

    app.conversation.callbacks.register("demo", on_poll)
    return seen


async def state_of(app) -> DialogueState | None:
    async with app.database.unit_of_work() as session:
        return await session.scalar(select(DialogueState))


# a tap on a message the bot sent first


async def test_a_poll_tap_from_an_idle_person_is_handled(app):
    seen = poll_on(app)
    sara = Person(app.conversation, "8001")
    await sara.registers()
    await sara.taps_key("demo:12:b")
    assert seen == [("8001", ("12", "b"))]
    sara.sees("I will speak b with you.")
    sara.does_not_see("no longer active")
    sara.does_not_see("Here is what I can do")
    assert await state_of(app) is None, "an idle person stays idle"


async def test_a_poll_tap_mid_registration_is_handled_then_the_question_comes_again(app):
    seen = poll_on(app)
    ali = Person(app.conversation, "8002")
    await ali.begins("English")
    ali.sees(NAME_QUESTION)
    await ali.taps_key("demo:12:a")
    assert seen == [("8002", ("12", "a"))]
    assert len(ali.replies) == 1
    ali.sees("I will speak a with you.", NAME_QUESTION)
    await ali.says("Ali Amrani")
    ali.sees("Which collectivity")


async def test_a_poll_tap_mid_side_flow_is_handled_then_the_side_question_comes_again(app):
    seen = poll_on(app)
    ali = Person(app.conversation, "8003")
    await ali.begins("English")
    await ali.says("Ali Amrani")
    await ali.says("/language")
    ali.sees(LANGUAGE_QUESTION)
    await ali.taps_key("demo:12:c")
    assert seen == [("8003", ("12", "c"))]
    ali.sees("I will speak c with you.", LANGUAGE_QUESTION)
    await ali.taps("English")
    ali.sees("I will speak English with you.", "Which collectivity")


async def test_a_poll_tap_from_someone_not_registered_does_not_start_a_registration(app):
    seen = poll_on(app)
    stranger = Person(app.conversation, "8004")
    await stranger.taps_key("demo:12:a")
    assert seen == [("8004", ("12", "a"))]
    stranger.does_not_see("Welcome to Tawasul")
    assert await state_of(app) is None


async def test_a_tap_in_no_registered_namespace_is_still_no_longer_active(app):
    poll_on(app)
    sara = Person(app.conversation, "8005")
    await sara.registers()
    await sara.taps_key("round:3:go")
    sara.sees("That button is no longer active.")


def test_a_namespace_is_taken_once_and_never_one_of_the_core_flows():
    callbacks = Callbacks()

    async def handler(ctx, tap):
        return []

    callbacks.register("poll", handler)
    for taken in ("poll", "lang", "col", "edit", "Poll", "po:ll", ""):
        with pytest.raises(ValueError):
            callbacks.register(taken, handler)
    assert callbacks.find("poll:1:a") is not None
    assert callbacks.find("poll") is None, "a key without a colon belongs to no namespace"
    assert parse_key("followup:9:yes:2").parts == ("9", "yes", "2")


async def test_a_key_offered_by_the_pending_question_is_its_answer_not_a_routed_tap(app):
    seen = []

    async def on_lang(ctx, tap):
        seen.append(tap.key)
        return []

    # ``lang`` is reserved for the core; forced in here to see which of the two wins.
    app.conversation.callbacks._handlers["lang"] = on_lang
    ali = Person(app.conversation, "8006")
    await ali.begins("English")
    assert seen == [], "the language question offered lang:en, so it answered it"
    ali.sees(NAME_QUESTION)
    await ali.taps_key("lang:fr")
    assert seen == ["lang:fr"], "a key the pending question does not offer is routed"


# side flows inside side flows


async def test_each_side_flow_returns_to_the_one_it_interrupted(app):
    ali = Person(app.conversation, "8010")
    await ali.begins("English")
    await ali.says("Ali Amrani")
    ali.sees("Which collectivity")
    await ali.says("/language")
    ali.sees(LANGUAGE_QUESTION)
    await ali.says("/delete_me")
    ali.sees("This erases what you have entered so far")
    await ali.taps("No, keep it")
    ali.sees("Nothing was erased.", LANGUAGE_QUESTION)
    await ali.taps("English")
    ali.sees("I will speak English with you.", "Which collectivity")
    await ali.says("berkane")
    ali.sees("Which one is yours?")
    state = await state_of(app)
    assert state.data["draft"]["full_name"] == "Ali Amrani", "the draft came back with its flow"


async def test_cancel_in_a_nested_side_flow_returns_one_level(app):
    ali = Person(app.conversation, "8011")
    await ali.begins("English")
    await ali.says("/language")
    await ali.says("/delete_me")
    await ali.says("/cancel")
    ali.sees("Cancelled.", LANGUAGE_QUESTION)
    await ali.says("/cancel")
    ali.sees("Cancelled.", NAME_QUESTION)


async def test_a_side_flow_opened_again_is_not_stacked_twice(app):
    ali = Person(app.conversation, "8012")
    await ali.begins("English")
    await ali.says("/language")
    await ali.says("/delete_me")
    await ali.says("/language")
    ali.sees(LANGUAGE_QUESTION)
    state = await state_of(app)
    assert [frame["flow"] for frame in state.data["engine"]["stack"]] == ["registration"]
    await ali.taps("English")
    ali.sees(NAME_QUESTION)
    await ali.says("1")
    ali.sees(NAME_QUESTION)
    assert (await state_of(app)).flow == "registration", "no erasure was pending"


async def test_a_registered_person_back_from_nested_side_flows_is_idle(app):
    sara = Person(app.conversation, "8013")
    await sara.registers()
    await sara.says("/language")
    await sara.says("/delete_me")
    await sara.taps("No, keep it")
    sara.sees("Nothing was erased.", LANGUAGE_QUESTION)
    await sara.taps("English")
    assert len(sara.replies) == 1
    assert await state_of(app) is None


async def test_erasing_inside_nested_side_flows_leaves_nothing_pending(app):
    sara = Person(app.conversation, "8014")
    await sara.registers()
    await sara.says("/language")
    await sara.says("/delete_me")
    await sara.taps("Yes, erase my data")
    sara.sees("Your personal data has been erased.")
    sara.does_not_see(LANGUAGE_QUESTION)
    assert await state_of(app) is None
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(Participant)) is None


async def test_start_in_nested_side_flows_returns_to_the_registration(app):
    ali = Person(app.conversation, "8015")
    await ali.begins("English")
    await ali.says("/language")
    await ali.says("/delete_me")
    await ali.says("/start")
    ali.sees("Let us continue your registration", NAME_QUESTION)
    await ali.says("Ali Amrani")
    ali.sees("Which collectivity")
    assert (await state_of(app)).data["engine"]["stack"] == []


# a dialogue stored in the shape written before the flow stack


async def rewrite_state(app, data: dict) -> None:
    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
        state.data = data


async def test_a_side_flow_stored_in_the_old_shape_returns_to_its_registration(app):
    ali = Person(app.conversation, "8020")
    await ali.begins("English")
    await ali.says("Ali Amrani")
    await ali.says("/language")
    options = [[option.key, option.label, None] for option in ali.options]
    await rewrite_state(
        app,
        {
            "full_name": "Ali Amrani",
            "resume": ["registration", "collectivity"],
            "_options": options,
        },
    )
    await ali.says("3")
    ali.sees("I will speak English with you.", "Which collectivity")
    state = await state_of(app)
    assert state.data["draft"] == {"full_name": "Ali Amrani"}
    assert state.data["engine"]["stack"] == []
    assert "_options" not in state.data and "resume" not in state.data


async def test_a_registration_stored_in_the_old_shape_goes_on(app):
    ali = Person(app.conversation, "8021")
    await ali.begins("English")
    await ali.says("Ali Amrani")
    await ali.says("berkane")
    ali.sees("Which one is yours?")
    stored = (await state_of(app)).data
    old = {**stored["draft"], "_options": stored["engine"]["options"]}
    await rewrite_state(app, old)
    await ali.says("1")
    ali.sees("What is your position")
    assert (await state_of(app)).data["draft"]["full_name"] == "Ali Amrani"


async def test_a_state_that_cannot_be_read_is_taken_as_an_empty_draft(app):
    ali = Person(app.conversation, "8022")
    await ali.begins("English")
    await rewrite_state(app, {"engine": {"stack": "junk", "options": 3}, "draft": {}})
    await ali.says("Ali Amrani")
    ali.sees("Which collectivity")
