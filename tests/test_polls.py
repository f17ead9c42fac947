"""Live polls, open questions and check-ins, as the people in the room live them."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select
from transcript import Person, grant

from bot.bootstrap import bootstrap
from db.broadcasts import CHECKIN, POLL, QUESTION, create, parse_audience, recipients
from db.models import (
    Broadcast,
    ChannelAccount,
    CheckIn,
    DialogueState,
    OutboxMessage,
    PollAnswer,
    QuestionReply,
    Region,
)
from domain.settings import Roles
from handlers.messages import from_content

FACILITATOR_ID = "900"
OPTIONS = [
    {"default": "نعم", "fr": "Oui", "en": "Yes"},
    {"default": "لا", "fr": "Non", "en": "No"},
    {"default": "ربما", "fr": "Peut-être", "en": "Maybe"},
]
QUESTION_TEXTS = {"default": "ما هي كلمتكم للانفتاح؟", "en": "One word for openness?"}
POLL_TEXTS = {"default": "هل تشاركون في الورشة المقبلة؟", "en": "Will you join the next one?"}


@pytest.fixture
async def room(database, settings, clock):
    """The app with one facilitator."""
    roles = Roles(facilitators=frozenset({grant(FACILITATOR_ID)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def reads(person: Person, *fragments: str) -> None:
    """Like ``sees``, without the isolates that keep numbers in order in Arabic."""
    text = person.text.translate(ISOLATES)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


async def broadcast(app, kind: str, texts: dict, options=None, audience: str = "all") -> int:
    created = await create(
        app.database,
        app.services.event_id,
        parse_audience(audience),
        texts,
        app.services.clock(),
        kind=kind,
        options=options,
    )
    return created.id


async def receives(app, person: Person, broadcast_id: int) -> None:
    """The person's copy of the broadcast, as the dispatcher would show it to them."""
    async with app.database.unit_of_work() as session:
        account = await session.scalar(
            select(ChannelAccount.id).where(ChannelAccount.external_id == person.external_id)
        )
        row = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.idempotency_key == f"broadcast:{broadcast_id}:{account}"
            )
        )
    assert row is not None, f"{person.external_id} got no copy of broadcast {broadcast_id}"
    assert row.lane == "bulk"
    person.replies = [from_content(row.content)]


async def answers(app, poll_id: int) -> dict[int, int]:
    async with app.database.unit_of_work() as session:
        rows = await session.execute(
            select(PollAnswer.participant_id, PollAnswer.choice).where(
                PollAnswer.broadcast_id == poll_id
            )
        )
        return dict(rows.all())


async def state_of(app, external_id: str) -> DialogueState | None:
    async with app.database.unit_of_work() as session:
        account = await session.scalar(
            select(ChannelAccount.id).where(ChannelAccount.external_id == external_id)
        )
        return await session.get(DialogueState, account)


async def three_people(app):
    """Sara (Berkane, Oriental) and Karim (Tanger) registered; Ali still registering."""
    sara = Person(app.conversation, "7001")
    await sara.registers("Sara Bennani", "berkane")
    karim = Person(app.conversation, "7002")
    await karim.registers("Karim Alaoui", "tanger")
    ali = Person(app.conversation, "7003")
    await ali.begins("English")
    await ali.says("Ali Amrani")
    ali.sees("Which collectivity")
    return sara, karim, ali


async def test_a_poll_seen_by_three_people_counts_one_changeable_answer_each(room):
    sara, karim, ali = await three_people(room)
    poll = await broadcast(room, POLL, POLL_TEXTS, OPTIONS)

    await receives(room, sara, poll)
    sara.sees("Will you join the next one?")
    assert sara.labels == ["Yes", "No", "Maybe"]
    assert [option.key for option in sara.options] == [f"poll:{poll}:{n}" for n in range(3)]
    await sara.taps("Yes")
    assert sara.text == "Your answer is counted: Yes."
    assert await state_of(room, "7001") is None, "an idle person stays idle"
    await receives(room, sara, poll)
    await sara.taps("No")
    sara.sees("Your answer is changed: No.")
    await receives(room, sara, poll)
    await sara.taps("No")
    sara.sees("Your answer is already counted: No.")

    await karim.says("/language")
    karim.sees("Please choose your language.")
    await receives(room, karim, poll)
    await karim.taps("Maybe")
    karim.sees("Your answer is counted: Maybe.", "Please choose your language.")
    await karim.taps("English")
    karim.sees("I will speak English with you.")

    await ali.taps_key(f"poll:{poll}:0")
    ali.sees("Please finish your registration first", "Which collectivity")
    await ali.says("berkane")
    ali.sees("Which one is yours?")

    assert sorted((await answers(room, poll)).values()) == [1, 2]

    facilitator = Person(room.conversation, FACILITATOR_ID)
    await facilitator.says("/poll")
    facilitator.sees(f"#{poll}", POLL_TEXTS["default"])
    reads(facilitator, "نعم ░░░░░░░░░░ 0% (0)", "لا █████░░░░░ 50% (1)", "ربما █████░░░░░ 50% (1)")
    facilitator.sees("جوابان.")
    assert facilitator.labels == ["تحديث", "إغلاق الاستطلاع"]

    await receives(room, sara, poll)
    await sara.taps("Yes")
    await facilitator.taps("تحديث")
    reads(facilitator, "نعم █████░░░░░ 50% (1)", "لا ░░░░░░░░░░ 0% (0)")

    await facilitator.taps("إغلاق الاستطلاع")
    facilitator.sees("الاستطلاع مغلق.")
    assert facilitator.labels == []
    await receives(room, karim, poll)
    await karim.taps("Yes")
    karim.sees("This poll is closed; answers are no longer counted.")
    assert sorted((await answers(room, poll)).values()) == [0, 2], "nothing counted after close"

    await facilitator.says("/poll")
    facilitator.sees("لا يوجد استطلاع مفتوح.")
    await facilitator.says(f"/poll {poll}")
    reads(facilitator, "الاستطلاع مغلق.", "نعم █████░░░░░ 50% (1)")
    await facilitator.says("/poll 999")
    facilitator.sees("لا يوجد استطلاع برقم")


async def test_a_poll_tap_on_an_unknown_poll_or_option_is_no_longer_active(room):
    sara = Person(room.conversation, "7010")
    await sara.registers()
    poll = await broadcast(room, POLL, POLL_TEXTS, OPTIONS)
    for key in (f"poll:{poll}:3", f"poll:{poll + 1}:0", f"poll:{poll}", "poll:x:1"):
        await sara.taps_key(key)
        sara.sees("That button is no longer active.")
    assert await answers(room, poll) == {}


async def test_here_checks_in_once_and_present_counts_by_region(room):
    sara, karim, ali = await three_people(room)
    await sara.says("/here")
    sara.sees("You are checked in. Welcome!")
    await sara.says("/here")
    sara.sees("You are already checked in.")

    checkin = await broadcast(room, CHECKIN, {"default": "مرحبًا بكم", "en": "Welcome"})
    await karim.says("/language")
    await receives(room, karim, checkin)
    assert karim.labels == ["I am here"]
    assert karim.options[0].key == f"here:{checkin}"
    await karim.taps("I am here")
    karim.sees("You are checked in. Welcome!", "Please choose your language.")
    await karim.taps("English")

    await ali.says("/here")
    ali.sees("Please finish your registration first", "Which collectivity")
    stranger = Person(room.conversation, "7099")
    await stranger.says("/here")
    stranger.sees("لم تقوموا بالتسجيل بعد.")

    async with room.database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(CheckIn)) == 2
        regions = {code: await session.get(Region, code) for code in ("01", "02")}
        present = await recipients(session, room.services.event_id, parse_audience("present"))
        assert len(present) == 2, "the present are the audience of live prompts"

    facilitator = Person(room.conversation, FACILITATOR_ID)
    await facilitator.says("/present")
    facilitator.sees("شخصان سجّلا حضورهما.")
    reads(facilitator, f"{regions['01'].name_ar}: 1", f"{regions['02'].name_ar}: 1")
    await facilitator.says("/language")
    await facilitator.taps("Français")
    await facilitator.says("/present")
    facilitator.sees("2 personnes présentes.")
    reads(facilitator, f"{regions['01'].name_fr}\u202f: 1", f"{regions['02'].name_fr}\u202f: 1")


async def test_nobody_checked_in_yet(room):
    facilitator = Person(room.conversation, FACILITATOR_ID)
    await facilitator.says("/present")
    facilitator.sees("لم يسجّل أحد حضوره بعد.")


async def test_a_participant_is_refused_the_facilitator_commands_and_buttons(room):
    sara = Person(room.conversation, "7020")
    await sara.registers()
    poll = await broadcast(room, POLL, POLL_TEXTS, OPTIONS)
    for command in ("/present", "/poll", "/broadcasts", f"/poll {poll}"):
        await sara.says(command)
        sara.sees(f"Sorry, the command {command.split()[0]} is not available to you.")
    for key in (f"pollctl:{poll}:close", f"bcast:{poll}:replies"):
        await sara.taps_key(key)
        sara.sees("Sorry, this button is not available to you.")
    async with room.database.unit_of_work() as session:
        assert (await session.scalar(select(func.count()).select_from(CheckIn))) == 0
    await sara.taps_key(f"poll:{poll}:0")
    sara.sees("Your answer is counted: Yes.")


async def test_an_open_question_is_answered_in_a_side_flow_and_listed(room):
    sara, karim, ali = await three_people(room)
    question = await broadcast(room, QUESTION, QUESTION_TEXTS)

    await receives(room, sara, question)
    assert sara.labels == ["Answer"]
    assert sara.options[0].key == f"ask:{question}"
    await sara.taps("Answer")
    sara.sees("One word for openness?", "Please write your answer in one sentence")
    await sara.says("البيانات المفتوحة للجماعة")
    assert sara.text == "Thank you, your answer has been received."
    assert await state_of(room, "7001") is None, "back to idle"

    await karim.says("/language")
    await receives(room, karim, question)
    await karim.taps("Answer")
    karim.sees("Please write your answer in one sentence")
    await karim.says("!!!")
    karim.sees("I need a few words in letters here", "Please write your answer")
    await karim.says("/help")
    karim.sees("Please write your answer in one sentence")
    await karim.says("La transparence,   d'abord")
    karim.sees("Thank you, your answer has been received.", "Please choose your language.")
    await karim.taps("English")
    karim.sees("I will speak English with you.")

    await ali.taps_key(f"ask:{question}")
    ali.sees("Please finish your registration first", "Which collectivity")

    async with room.database.unit_of_work() as session:
        kept = list(await session.scalars(select(QuestionReply.text).order_by(QuestionReply.id)))
    assert kept == ["البيانات المفتوحة للجماعة", "La transparence, d'abord"]

    poll = await broadcast(room, POLL, POLL_TEXTS, OPTIONS)
    await receives(room, sara, poll)
    await sara.taps("Yes")
    facilitator = Person(room.conversation, FACILITATOR_ID)
    await facilitator.says("/language")
    await facilitator.taps("English")
    await facilitator.says("/broadcasts")
    facilitator.sees("The last broadcasts, newest first:")
    reads(facilitator, f"#{poll} poll", f"#{question} open question", "to all (2)")
    facilitator.sees("sent 0, pending 2, failed 0, unreachable 0", "1 answer.", "2 replies.")
    assert facilitator.text.index(f"#{poll} poll") < facilitator.text.index(f"#{question} open")
    await facilitator.taps(f"Replies to #{question}")
    reads(facilitator, f"Replies to #{question}:", "One word for openness?")
    facilitator.sees("• البيانات المفتوحة للجماعة", "• La transparence, d'abord")
    reads(facilitator, "By theme:\n• 2 replies about Open data and transparency\n")


async def test_a_closed_question_takes_no_answer(room):
    sara = Person(room.conversation, "7030")
    await sara.registers()
    question = await broadcast(room, QUESTION, QUESTION_TEXTS)
    await receives(room, sara, question)
    await sara.taps("Answer")
    async with room.database.unit_of_work() as session:
        found = await session.get(Broadcast, question)
        found.closed_at = room.services.clock()
    await sara.says("A sentence too late")
    sara.sees("This question is closed; your answer was not kept.")
    await receives(room, sara, question)
    await sara.taps("Answer")
    sara.sees("This question is closed; answers are no longer taken.")
    assert await state_of(room, "7030") is None


async def test_nothing_broadcast_yet(room):
    facilitator = Person(room.conversation, FACILITATOR_ID)
    await facilitator.says("/broadcasts")
    facilitator.sees("لم تُرسل أي رسالة جماعية بعد.")
