"""Commands registered with the role they need: /help, menus and refusals follow the roles."""

from __future__ import annotations

import dataclasses

import pytest
from transcript import Person, grant

from bot.bootstrap import bootstrap
from domain.settings import Roles
from handlers.agenda import AGENDA_COMMANDS
from handlers.commands import (
    FACILITATOR,
    ORGANISER,
    PARTICIPANT,
    Commands,
    CommandSpec,
    may_use,
)
from handlers.messages import Reply
from handlers.wording import CORE_COMMANDS
from locales.i18n import N_

ORGANISER_ID = "900"
FACILITATOR_ID = "901"


@pytest.fixture
async def staffed(database, settings, clock):
    """The app with one organiser and one facilitator, and a command for each role."""
    roles = Roles(
        organisers=frozenset({grant(ORGANISER_ID), "console:boss"}),
        facilitators=frozenset({grant(FACILITATOR_ID)}),
    )
    app = await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )
    app.used = []

    def handler(name):
        async def run(ctx, argument):
            app.used.append((name, ctx.account.external_id, argument))
            return [Reply(f"{name} done")]

        return run

    commands = app.conversation.commands
    # Translated msgids of the core, so the menus read well in every language.
    commands.register(CommandSpec("huddle", N_("Stop the current step"), FACILITATOR, handler("r")))
    commands.register(CommandSpec("ledger", N_("Show my profile"), ORGANISER, handler("b")))
    return app


async def test_help_shows_each_person_only_what_they_may_use(staffed):
    amina = Person(staffed.conversation, "902")
    await amina.says("/help")
    amina.sees("/start", "/delete_me")
    amina.does_not_see("/huddle")
    amina.does_not_see("/ledger")

    facilitator = Person(staffed.conversation, FACILITATOR_ID)
    await facilitator.says("/help")
    facilitator.sees("/start", "/huddle")
    facilitator.does_not_see("/ledger")

    organiser = Person(staffed.conversation, ORGANISER_ID)
    await organiser.says("/help")
    organiser.sees("/start", "/huddle", "/ledger")


async def test_a_participant_is_refused_a_facilitator_command_in_their_language(staffed):
    amina = Person(staffed.conversation, "903")
    await amina.says("/huddle now")
    assert staffed.used == []
    amina.sees("عذرًا، الأمر", "غير متاح لكم")
    amina.does_not_see("لا أعرف الأمر")

    ali = Person(staffed.conversation, "904")
    await ali.begins("Français")
    await ali.says("/ledger")
    assert staffed.used == []
    ali.sees("la commande /ledger ne vous est pas accessible", "Quels sont vos nom et prénom")


async def test_a_facilitator_command_runs_for_a_facilitator_then_the_question_comes_again(staffed):
    facilitator = Person(staffed.conversation, FACILITATOR_ID)
    await facilitator.begins("English")
    await facilitator.says("/huddle 2")
    assert staffed.used == [("r", FACILITATOR_ID, "2")]
    facilitator.sees("r done", "What is your full name?")
    await facilitator.says("/ledger")
    facilitator.sees("not available to you", "What is your full name?")
    assert staffed.used == [("r", FACILITATOR_ID, "2")]


async def test_an_organiser_may_use_the_facilitator_commands_too(staffed):
    boss = Person(staffed.conversation, "boss", channel="console")
    await boss.says("/huddle")
    await boss.says("/ledger")
    assert [use[0] for use in staffed.used] == ["r", "b"]


@pytest.mark.telegram_only
async def test_the_menus_per_role_and_the_telegram_chats_that_get_them(staffed):
    menus = staffed.role_menus()
    names = {role: [name for name, _ in menus[role]["en"]] for role in menus}
    core = [name for name, _ in (*CORE_COMMANDS, *AGENDA_COMMANDS)]
    live = ["present", "poll", "broadcasts", "prompt", "broadcast"]
    assert names[PARTICIPANT] == [
        *core,
        *("reminders", "here", "toolkit", "interests", "matches", "commit", "commitments"),
    ]
    networking = ["toolkit", "interests", "matches", "round", "rounds", "commit", "commitments"]
    assert names[FACILITATOR] == [*core, "reminders", "here", *live, *networking, "huddle"]
    assert names[ORGANISER] == [
        *core,
        *("reminders", "here", *live, *networking, "report", "huddle", "ledger"),
    ]
    assert menus[PARTICIPANT][None] == menus[PARTICIPANT]["ar"], "the default language's"
    assert dict(menus[FACILITATOR]["fr"])["huddle"] == "Arrêter l'étape en cours"
    assert staffed.command_menus() == menus[PARTICIPANT]

    chats = staffed.telegram_chat_menus()
    assert chats == {int(ORGANISER_ID): menus[ORGANISER], int(FACILITATOR_ID): menus[FACILITATOR]}


async def test_the_core_commands_come_from_the_registry(app):
    """/deleteme is /delete_me's alias; /help lists the registry's commands in order: the
    core's, then those of the capabilities (the agenda's, then presence's)."""
    sara = Person(app.conversation, "905")
    await sara.registers()
    await sara.says("/deleteme")
    sara.sees("This erases your profile for good")
    await sara.says("/cancel")
    await sara.says("/help")
    listed = [line.split()[0].strip("\u2066\u2069") for line in sara.text.splitlines()[1:-1]]
    assert listed == [f"/{name}" for name, _ in (*CORE_COMMANDS, *AGENDA_COMMANDS)] + [
        "/reminders",
        "/here",
        "/toolkit",
        "/interests",
        "/matches",
        "/commit",
        "/commitments",
    ]


def test_a_command_is_registered_once_with_a_known_role_and_a_telegram_name():
    commands = Commands()

    async def handler(ctx, argument):
        return []

    commands.register(CommandSpec("poll", N_("Show my profile"), FACILITATOR, handler))
    bad = [
        CommandSpec("poll", "x", FACILITATOR, handler),
        CommandSpec("other", "x", "admin", handler),
        CommandSpec("Poll", "x", PARTICIPANT, handler),
        CommandSpec("new", "x", PARTICIPANT, handler, aliases=("poll",)),
    ]
    for spec in bad:
        with pytest.raises(ValueError):
            commands.register(spec)
    assert commands.available(set()) == ()
    assert commands.available({ORGANISER}) == (("poll", "Show my profile"),)


@pytest.mark.parametrize(
    ("role", "roles", "allowed"),
    [
        (PARTICIPANT, set(), True),
        (FACILITATOR, set(), False),
        (FACILITATOR, {FACILITATOR}, True),
        (FACILITATOR, {ORGANISER}, True),
        (ORGANISER, {FACILITATOR}, False),
        (ORGANISER, {ORGANISER}, True),
    ],
)
def test_who_may_use_a_command(role, roles, allowed):
    assert may_use(role, roles) is allowed
