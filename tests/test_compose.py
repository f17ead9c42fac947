"""/broadcast in the chat: a facilitator composes a message, a poll or a question in
steps, sees its recipients per language, and sends it; anyone else is refused."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select
from transcript import Person, Phone, grant, senders

from bot.bootstrap import bootstrap
from bot.delivery.dispatcher import Delivery
from db.models import Broadcast, OutboxMessage
from domain.settings import Roles

LEAD = "900"


@pytest.fixture
async def room(database, settings, clock):
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


async def participant(app, external_id: str, language: str = "English") -> Person:
    person = Person(app.conversation, external_id)
    await person.registers_speaking(language)
    return person


async def lead_in(app) -> Person:
    lead = Person(app.conversation, LEAD)
    await lead.begins("English")
    return lead


async def delivered(app) -> Phone:
    phone = Phone()
    await Delivery(app.database, senders(phone), app.services.clock).run_once()
    return phone


async def broadcasts_written(app) -> int:
    async with app.database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(Broadcast))


async def test_a_facilitator_composes_a_message_for_everyone(room):
    sara = await participant(room, "1")
    amal = await participant(room, "2", "العربية")
    lead = await lead_in(room)

    await lead.says("/broadcast")
    lead.sees("Write the message to send. Everyone gets this text")
    await lead.says("The coffee break starts now.\nBack at 16:10, please.")
    lead.sees("Should the message carry buttons?")
    await lead.taps("No buttons")
    lead.sees("Who should receive it?")
    await lead.taps("Everyone registered")
    lead.sees(
        "Here is the message as it will read:\n\nThe coffee break starts now.\n"
        "Back at 16:10, please.\n\nIt goes to 2 people (English: 1, العربية: 1)."
    )
    assert await broadcasts_written(room) == 0, "nothing is written before it is sent"
    await lead.taps("Send")
    lead.sees("Sent to 2 people (broadcast #1). Follow it with /broadcasts.")
    lead.sees("What is your full name?")  # the registration the lead left resumes

    phone = await delivered(room)
    for person in (sara, amal):
        [message] = phone.received[person.external_id]
        assert message.text == "The coffee break starts now.\nBack at 16:10, please."
        assert message.options == ()


async def test_a_poll_with_a_text_per_language_to_one_region(room):
    sara = await participant(room, "3")  # Berkane: the Oriental, region 02
    amal = await participant(room, "4", "العربية")
    lead = await lead_in(room)

    await lead.says("/broadcast")
    await lead.taps("One text per language")
    lead.sees("Write the text in العربية.")
    await lead.says("هل تشاركون في الورشة المقبلة؟")
    lead.sees("Write the text in Français.")
    await lead.says("Participerez-vous au prochain atelier ?")
    await lead.says("Will you join the next workshop?")
    await lead.taps("Answer buttons")
    lead.sees("Write the answers, one a line: from 2 to 6")
    await lead.says("Yes")
    lead.sees("A poll needs from 2 to 6 answers, one a line; I read 1.")
    await lead.says("Yes\nYes")
    lead.sees("Two answers are the same")
    await lead.says("Yes\nNo\nMaybe")
    await lead.taps("A region")
    lead.sees("Which region?")
    await lead.taps("Oriental")
    lead.sees("Will you join the next workshop?\n• Yes\n• No\n• Maybe", "It goes to 2 people")
    await lead.taps("Send")
    lead.sees("Sent to 2 people (broadcast #1).")

    phone = await delivered(room)
    [english] = phone.received[sara.external_id]
    [arabic] = phone.received[amal.external_id]
    assert english.text == "Will you join the next workshop?"
    assert arabic.text == "هل تشاركون في الورشة المقبلة؟"
    assert [option.label for option in english.options] == ["Yes", "No", "Maybe"]
    await sara.taps_key(english.options[1].key)
    sara.sees("Your answer is counted: No.")


async def test_an_audience_nobody_is_in_offers_to_change_it(room):
    await participant(room, "5")
    lead = await lead_in(room)
    await lead.says("/broadcast")
    await lead.says("Welcome to those present")
    await lead.taps("No buttons")
    await lead.taps("Those present")
    lead.sees("Nobody is in this audience yet.")
    assert lead.labels == ["Change the audience"]
    await lead.taps("Change the audience")
    await lead.taps("Some collectivities")
    await lead.says("99.999.99, 02.000.00")
    lead.sees("No collectivity has the code")
    await lead.says("/cancel")
    lead.sees("Cancelled.")
    assert await broadcasts_written(room) == 0


async def test_broadcast_can_be_cancelled_at_any_step(room):
    lead = await lead_in(room)
    await lead.says("/broadcast")
    await lead.says("A message")
    await lead.taps("An open question")
    await lead.says("/cancel")
    lead.sees("Cancelled.", "What is your full name?")
    assert await broadcasts_written(room) == 0


async def test_broadcast_is_refused_to_a_participant(room):
    sara = await participant(room, "6")
    await sara.says("/broadcast")
    sara.does_not_see("Write the message to send")
    await sara.says("Hello everyone")
    async with room.database.unit_of_work() as session:
        bulk = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.lane == "bulk")
        )
    assert (await broadcasts_written(room), bulk) == (0, 0)


async def test_in_arabic_every_step_reads_right_to_left(room):
    await participant(room, "7", "العربية")
    lead = Person(room.conversation, LEAD)
    await lead.begins("العربية")  # every message is checked as a phone lays it out
    await lead.says("/broadcast")
    lead.sees("يرجى كتابة الرسالة المراد إرسالها.")
    await lead.says("تبدأ الاستراحة الآن.")
    await lead.taps("أزرار للإجابة")
    await lead.says("نعم\nلا")
    await lead.taps("الحاضرون")
    lead.sees("لا يوجد أي شخص ضمن هذه الفئة حاليًا.")
    await lead.taps("تغيير الفئة المستهدفة")
    await lead.taps("صنف من الجماعات الترابية")
    await lead.taps("الجماعات")
    lead.sees("تبدأ الاستراحة الآن.\n• نعم\n• لا", "ستُرسل إلى شخص واحد (\u2068العربية: 1\u2069).")
    await lead.taps("إرسال")
    lead.sees("أُرسلت إلى شخص واحد")
