"""Speed-networking rounds, as the facilitator and the people seated live them: seats in
each person's language, the warning and the end at their times, /round stop and next,
/rounds, "did you meet?"; and properties of the seating over random populations."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from bidi import lines_laid_out_left_to_right
from conftest import POSTGRES_HINT, POSTGRES_URL
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_agenda_config import config
from transcript import Person, Phone, grant, senders

from bot.bootstrap import bootstrap, migrate
from bot.config import ConfigError, load_settings
from bot.delivery.dispatcher import Delivery, DeliverySettings
from db.broadcasts import create, parse_audience
from db.models import (
    ChannelAccount,
    CheckIn,
    Collectivity,
    Event,
    EventRegistration,
    InterestProfile,
    MeetingReport,
    NetworkingRound,
    OutboxMessage,
    Participant,
    RoundSeat,
)
from db.rounds import TooFewPeople
from db.scratch import create_database, drop_database
from db.session import Database
from db.store import UnitOfWork
from domain.matching import MatchingImpossible
from domain.settings import Roles, RoundSettings

LEAD = "900"
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))
LANGUAGES = ("ar", "fr", "en")
PB, OPEN_DATA, DIGITAL = "participatory_budgeting", "open_data_transparency", "digital_services"


@pytest.fixture
async def room(database, settings, clock):
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


class Phones:
    """Everyone's phone: what the dispatcher sends of the bulk lane reaches them here."""

    def __init__(self, app) -> None:
        self.app = app
        self.phone = Phone()
        self.read: dict[str, int] = {}

    async def deliver(self) -> None:
        """One sweep of the dispatcher, as the running bot does; its rate budget waits on the
        test's clock (a second or so at most here)."""
        clock = self.app.services.clock
        sending = Delivery(
            self.app.database,
            senders(self.phone),
            clock,
            DeliverySettings(chat_rate_per_s=None),
            sleep=clock.sleep,
        )
        await sending.run_once()

    def new(self, person: Person) -> list:
        """The messages the person got since last asked, checked as a phone lays them out."""
        received = self.phone.received.get(person.external_id, [])
        fresh = received[self.read.get(person.external_id, 0) :]
        self.read[person.external_id] = len(received)
        if person.reads_arabic:
            for message in fresh:
                assert not lines_laid_out_left_to_right(message.text), message.text
        return fresh

    def texts(self, person: Person) -> list[str]:
        return [message.text.translate(ISOLATES) for message in self.new(person)]


async def arrives(app, external_id: str, name: str, place: str, language: str = "English"):
    """Register (from ``place``), speak ``language``, and check in with /here."""
    person = Person(app.conversation, external_id)
    await person.registers(name, place)
    if language != "English":
        await person.says("/language")
        await person.taps(language)
    await person.says("/here")
    return person


async def interests(app, person: Person, offers=(), seeks=()) -> None:
    async with app.conversation.unit_of_work() as store:
        account = await store.accounts.find(person.channel, person.external_id)
        await store.networking.save_profile(
            InterestProfile(
                event_id=app.services.event_id,
                participant_id=account.participant_id,
                offers=list(offers),
                seeks=list(seeks),
                updated_at=app.services.clock(),
            )
        )


async def lead_in(app) -> Person:
    lead = Person(app.conversation, LEAD)
    await lead.begins("English")
    return lead


def label(app, slug: str, locale: str) -> str:
    return app.settings.themes.theme(slug).label[locale]


async def seating(app) -> list[list[set[str]]]:
    """Each round's tables, first round first, as the names seated at each."""
    async with app.database.unit_of_work() as session:
        rows = await session.execute(
            select(NetworkingRound.number, RoundSeat.table_number, Participant.full_name)
            .join(RoundSeat, RoundSeat.round_id == NetworkingRound.id)
            .join(Participant, Participant.id == RoundSeat.participant_id)
            .order_by(NetworkingRound.number, RoundSeat.table_number)
        )
        rounds: dict[int, dict[int, set[str]]] = {}
        for number, table, name in rows:
            rounds.setdefault(number, {}).setdefault(table, set()).add(name)
    return [list(tables.values()) for _, tables in sorted(rounds.items())]


async def count(app, model) -> int:
    async with app.database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


# The round as three people see it


async def test_a_round_seen_by_three_participants_one_trio(room, clock):
    phones = Phones(room)
    amal = await arrives(room, "1", "أمل الإدريسي", "berkane", "العربية")
    claire = await arrives(room, "2", "Claire Martin", "tanger", "Français")
    sam = await arrives(room, "3", "Sam Lee", "oujda")
    await interests(room, amal, offers=[PB], seeks=[OPEN_DATA])
    await interests(room, claire, seeks=[PB])
    await interests(room, sam, offers=[OPEN_DATA])
    lead = await lead_in(room)

    await lead.says("/round start")
    lead.sees(
        "Round 1 has started: 3 people seated.",
        "In 1 pair.",
        "One of them is a trio, for the odd headcount.",
        "It ends at 10:08.",  # 09:00 UTC is 10:00 in Casablanca
        "Everyone seated is warned 2 minutes before the end.",
    )
    await phones.deliver()

    [seat] = phones.texts(amal)
    assert seat.startswith("الجولة 1: طاولتكم رقم 1.\nستلتقون:\n")
    assert "• Claire Martin، جماعة طنجة" in seat
    assert "• Sam Lee، جماعة وجدة" in seat
    assert "تنتهي الجولة على الساعة 10:08." in seat
    assert f"لدى Sam Lee تجربة في {label(room, OPEN_DATA, 'ar')}، وهو ما تبحثون عنه" in seat

    [seat] = phones.texts(claire)
    assert seat.startswith("Tour 1\u202f: vous êtes à la table n° 1.\nVous rencontrez\u202f:\n")
    assert "• أمل الإدريسي, Commune de Berkane" in seat
    assert "• Sam Lee, Commune d'Oujda" in seat
    assert "Le tour se termine à 10:08." in seat
    assert f"أمل الإدريسي a de l'expérience en {label(room, PB, 'fr')}" in seat

    [seat] = phones.texts(sam)
    assert seat.startswith("Round 1: your table is number 1.\nYou meet:\n")
    assert "• أمل الإدريسي, Commune de Berkane" in seat
    assert "• Claire Martin, Commune de Tanger" in seat
    assert (
        f"To begin: You have experience in {label(room, OPEN_DATA, 'en')}, which أمل الإدريسي "
        "seeks: tell them how your collectivity went about it."
    ) in seat
    assert await seating(room) == [[{"أمل الإدريسي", "Claire Martin", "Sam Lee"}]]


async def test_pairs_for_four_never_two_of_one_collectivity(room, clock):
    phones = Phones(room)
    sara = await arrives(room, "1", "Sara Bennani", "berkane")
    nadia = await arrives(room, "2", "Nadia Berkani", "berkane")  # the same commune as Sara
    karim = await arrives(room, "3", "Karim Alaoui", "tanger")
    omar = await arrives(room, "4", "Omar Tazi", "oujda")
    lead = await lead_in(room)

    await lead.says("/round start pairs 10")
    lead.sees("Round 1 has started: 4 people seated.", "In 2 pairs.", "It ends at 10:10.")
    lead.does_not_see("trio")
    [tables] = await seating(room)
    assert sorted(len(table) for table in tables) == [2, 2]
    assert {"Sara Bennani", "Nadia Berkani"} not in tables

    await phones.deliver()
    numbers = set()
    for person in (sara, nadia, karim, omar):
        [seat] = phones.texts(person)
        assert seat.count("• ") == 1, "one partner each"
        numbers.add(seat.split("\n")[0])
        assert "To begin: Each of you presents your collectivity's openness project" in seat
    assert numbers == {"Round 1: your table is number 1.", "Round 1: your table is number 2."}


async def test_tables_of_three_with_a_table_one_larger(room, clock):
    phones = Phones(room)
    places = ("berkane", "tanger", "oujda", "tetouan", "nador", "larache", "saidia")
    people = [
        await arrives(room, str(n), f"Person {n}", place) for n, place in enumerate(places, 1)
    ]
    await interests(room, people[0], offers=[DIGITAL])
    await interests(room, people[1], offers=[DIGITAL])
    lead = await lead_in(room)

    await lead.says("/round start tables 3 12")
    lead.sees("Round 1 has started: 7 people seated.", "At 2 tables.", "It ends at 10:12.")
    [tables] = await seating(room)
    assert sorted(len(table) for table in tables) == [3, 4]
    await phones.deliver()
    partners = [phones.texts(person)[0].count("• ") for person in people]
    assert sorted(partners) == [2, 2, 2, 3, 3, 3, 3]
    await lead.says("/round stop")
    await lead.says("/round start tables 6")
    lead.sees("Tables are of 3 to 5 people, for example /round start tables 4.")
    await lead.says("/round start 500")
    lead.sees("A round lasts from 1 to 120 minutes.")
    await lead.says("/round start circles")
    lead.sees("I did not understand these settings.", "/round start [pairs|tables N]")
    assert await count(room, NetworkingRound) == 1


async def test_an_arabic_speaking_facilitator_runs_a_round_in_arabic(room, clock):
    """Every line the facilitator reads lays out right to left (the transcript checks it)."""
    await arrives(room, "1", "Sara Bennani", "berkane")
    await arrives(room, "2", "Karim Alaoui", "tanger")
    lead = Person(room.conversation, LEAD)
    await lead.begins("العربية")
    await lead.says("/round")
    reads(lead, "لتسيير جولات التعارف السريع:", "/round next: الجولة الموالية")
    await lead.says("/round start 10")
    reads(lead, "انطلقت الجولة 1: أُجلس شخصان.", "في ثنائي واحد.", "تنتهي على الساعة 10:10.")
    await lead.says("/round start")
    reads(lead, "الجولة 1 جارية حتى الساعة 10:10.")
    clock.advance(minutes=4)
    await lead.says("/round stop")
    reads(lead, "أُوقفت الجولة 1: أُبلغ جميع الجالسين بانتهائها.")
    await lead.says("/rounds")
    reads(
        lead,
        "الجولة 1: ثنائيات، 10 دقائق، جلس شخصان؛ انطلقت على الساعة 10:00، "
        "أُوقفت قبل موعدها على الساعة 10:04.",
    )
    await lead.says("/round askmet")
    reads(lead, "أُرسل سؤالان «هل التقيتم؟».")


def reads(person: Person, *fragments: str) -> None:
    """Like ``sees``, without the isolates that keep numbers and Latin words in order."""
    text = person.text.translate(ISOLATES)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


# Time


async def test_the_warning_and_the_end_arrive_at_their_times_never_before(room, clock):
    phones = Phones(room)
    sara = await arrives(room, "1", "Sara Bennani", "berkane", "العربية")
    karim = await arrives(room, "2", "Karim Alaoui", "tanger")
    lead = await lead_in(room)
    await lead.says("/round start")
    await phones.deliver()
    assert len(phones.texts(sara)) == 1 and len(phones.texts(karim)) == 1

    clock.advance(minutes=5, seconds=59)
    await phones.deliver()
    assert phones.texts(karim) == [], "no warning before 2 minutes are left"
    clock.advance(seconds=1)
    await phones.deliver()
    assert phones.texts(karim) == [
        "Round 1: 2 minutes left. Time to wrap up and to exchange contacts, with each other's "
        "consent."
    ]
    [warning] = phones.texts(sara)
    assert warning.startswith("الجولة 1: بقيت دقيقتان.")

    clock.advance(minutes=1, seconds=59)
    await phones.deliver()
    assert phones.texts(karim) == [], "no end before the end"
    clock.advance(seconds=1)
    await phones.deliver()
    assert phones.texts(karim) == [
        "Round 1 is over. Thank you! Please wait for the facilitators' instructions."
    ]
    assert phones.texts(sara) == ["انتهت الجولة 1. شكرًا لكم! يُرجى انتظار توجيهات فريق التيسير."]

    await lead.says("/rounds")
    lead.sees("Round 1: pairs, 8 minutes, 2 people seated; started at 10:00, ran its full time.")


async def test_an_end_the_dispatcher_missed_is_dropped_not_sent_late(room, clock):
    phones = Phones(room)
    karim = await arrives(room, "1", "Karim Alaoui", "tanger")
    await arrives(room, "2", "Sara Bennani", "berkane")
    lead = await lead_in(room)
    await lead.says("/round start 5")
    clock.advance(minutes=30)
    await phones.deliver()
    assert phones.texts(karim) == [], "the seat, the warning and the end all expired"


async def test_round_stop_drops_the_warning_and_sends_the_end_at_once(room, clock):
    phones = Phones(room)
    sara = await arrives(room, "1", "Sara Bennani", "berkane", "Français")
    karim = await arrives(room, "2", "Karim Alaoui", "tanger")
    lead = await lead_in(room)
    await lead.says("/round stop")
    lead.sees("No round is running.")
    await lead.says("/round start")
    await phones.deliver()
    phones.texts(sara), phones.texts(karim)

    clock.advance(minutes=3)
    await lead.says("/round start tables 4")
    lead.sees(
        "Round 1 is on until 10:08. Send /round next to start the next one now, "
        "or /round stop to end it."
    )
    await lead.says("/round stop")
    lead.sees("Round 1 is stopped: everyone seated is told it is over.")
    await phones.deliver()
    assert phones.texts(karim) == [
        "Round 1 is over. Thank you! Please wait for the facilitators' instructions."
    ]
    assert phones.texts(sara) == [
        "Le tour 1 est terminé. Merci\u202f! Veuillez attendre les consignes de l'équipe de "
        "facilitation."
    ]
    await lead.says("/round stop")
    lead.sees("No round is running.")
    clock.advance(minutes=4)  # 10:07: the warning's time had the round gone on
    await phones.deliver()
    assert phones.texts(karim) == [], "no warning, no second end"
    async with room.database.unit_of_work() as session:
        warnings = await session.execute(
            select(OutboxMessage.status, OutboxMessage.last_error).where(
                OutboxMessage.idempotency_key.like("round:%:warn:%")
            )
        )
        assert set(warnings) == {("skipped", "round stopped")}

    await lead.says("/rounds")
    lead.sees(
        "Round 1: pairs, 8 minutes, 2 people seated; started at 10:00, stopped early at 10:03."
    )
    await lead.says("/round start")  # not running any more: a new one is tried, in vain
    lead.sees("I cannot seat everyone this time")
    lead.does_not_see("is on until")


async def test_a_message_to_a_table_goes_at_once_during_the_round(room, clock):
    """The warning and end written ahead hold back nothing due now for the people seated."""
    phones = Phones(room)
    karim = await arrives(room, "1", "Karim Alaoui", "tanger")
    await arrives(room, "2", "Sara Bennani", "berkane")
    lead = await lead_in(room)
    await lead.says("/round start")
    await phones.deliver()
    phones.texts(karim)
    clock.advance(minutes=1)
    await create(
        room.database,
        room.services.event_id,
        parse_audience("table:1:1"),
        {"default": "Note one idea you could do together."},
        clock(),
    )
    await phones.deliver()
    assert phones.texts(karim) == ["Note one idea you could do together."]


# Next rounds and the history


async def test_round_next_seats_nobody_with_someone_met_before(room, clock):
    phones = Phones(room)
    places = ("berkane", "tanger", "oujda", "tetouan")
    people = [
        await arrives(room, str(n), f"Person {n}", place) for n, place in enumerate(places, 1)
    ]
    lead = await lead_in(room)
    await lead.says("/round next")
    lead.sees("No round has been run yet. Send /round start to start the first one.")
    await lead.says("/round start pairs 6")
    clock.advance(minutes=2)
    await lead.says("/round next")
    lead.sees("Round 2 has started: 4 people seated.", "It ends at 10:08.")
    clock.advance(minutes=6)
    await lead.says("/round next")
    lead.sees("Round 3 has started: 4 people seated.")
    rounds = await seating(room)
    met = [frozenset(table) for tables in rounds for table in tables]
    assert len(met) == 6 == len(set(met)), "four people, three rounds: each pair once"

    await phones.deliver()
    [end, seat] = phones.texts(people[0])
    assert end == "Round 2 is over. Thank you! Please wait for the facilitators' instructions."
    assert seat.startswith("Round 3: your table is number")

    clock.advance(minutes=1)
    await lead.says("/round next")
    lead.sees("I cannot seat everyone this time without two people of one collectivity")
    assert len(await seating(room)) == 3, "nothing stored"
    await lead.says("/round")
    lead.sees("Round 3 is on until 10:14.", "/round askmet")

    await lead.says("/rounds")
    lead.sees(
        "The rounds so far:",
        "Round 1: pairs, 6 minutes, 4 people seated; started at 10:00, stopped early at 10:02.",
        "Round 2: pairs, 6 minutes, 4 people seated; started at 10:02, ran its full time.",
        "Round 3: pairs, 6 minutes, 4 people seated; started at 10:08, on until 10:14.",
    )


async def test_a_round_for_everyone_registered_and_too_few_present(room, clock):
    await arrives(room, "1", "Sara Bennani", "berkane")
    karim = Person(room.conversation, "2")
    await karim.registers("Karim Alaoui", "tanger")  # registered, never checked in
    lead = await lead_in(room)
    await lead.says("/round start")
    lead.sees("Only 1 person is there: a round needs at least 2. Nothing was started.")
    await lead.says("/round start tables 3 all")
    lead.sees("Only 2 people are there: a round needs at least 3.")
    assert await count(room, NetworkingRound) == 0
    await lead.says("/round start all")
    lead.sees("Round 1 has started: 2 people seated.")
    await lead.says("/rounds")
    lead.sees("Everyone registered was seated, present or not.")


async def test_nobody_checked_in_and_two_of_one_collectivity(room, clock):
    lead = await lead_in(room)
    await lead.says("/round start")
    lead.sees("Nobody is checked in yet: a round seats those who sent /here.")
    await arrives(room, "1", "Sara Bennani", "berkane")
    await arrives(room, "2", "Nadia Berkani", "berkane")
    await lead.says("/round start")
    lead.sees("I cannot seat everyone this time", "Nothing was started")
    assert await count(room, NetworkingRound) == 0
    assert await count(room, RoundSeat) == 0


async def test_a_participant_is_refused_the_rounds(room, clock):
    sara = await arrives(room, "1", "Sara Bennani", "berkane")
    await arrives(room, "2", "Karim Alaoui", "tanger")
    await sara.says("/round start")
    sara.sees("Sorry, the command /round is not available to you.")
    await sara.says("/rounds")
    sara.sees("Sorry, the command /rounds is not available to you.")
    assert await count(room, NetworkingRound) == 0


# "Did you meet X?"


async def test_did_you_meet_answers_are_stored_and_counted(room, clock):
    phones = Phones(room)
    sara = await arrives(room, "1", "Sara Bennani", "berkane", "العربية")
    karim = await arrives(room, "2", "Karim Alaoui", "tanger")
    omar = await arrives(room, "3", "Omar Tazi", "oujda")
    lina = Person(room.conversation, "4")
    await lina.registers("Lina Fassi", "tetouan")  # registered, not checked in
    lead = await lead_in(room)
    await lead.says("/round askmet")
    lead.sees("No round has been run yet.")
    await lead.says("/round start")
    await lead.says("/round askmet")
    lead.sees("Round 1 is on until 10:08. Stop it first with /round stop.")
    clock.advance(minutes=8)
    await phones.deliver()
    for person in (sara, karim, omar):
        phones.new(person)

    await lead.says("/round askmet")
    lead.sees("Sent 6 questions “did you meet?”. The answers are counted in /rounds.")
    await phones.deliver()
    questions = phones.new(karim)
    assert [q.text for q in questions] == [
        "After the event: did you meet Sara Bennani, Commune de Berkane, with whom you sat "
        "in round 1?",
        "After the event: did you meet Omar Tazi, Commune d'Oujda, with whom you sat in round 1?",
    ]
    assert [o.label for o in questions[0].options] == ["Yes, we met", "No, we did not"]
    arabic = phones.new(sara)
    assert arabic[0].text.translate(ISOLATES).startswith("بعد اللقاء: هل التقيتم Karim Alaoui")

    await karim.taps_key(questions[0].options[0].key)
    karim.sees("Thank you: noted that you met Sara Bennani.")
    await karim.taps_key(questions[1].options[1].key)
    karim.sees("Thank you: noted that you did not meet Omar Tazi.")
    await karim.taps_key(questions[1].options[0].key)  # changed his mind
    karim.sees("Thank you: noted that you met Omar Tazi.")
    await omar.taps_key(questions[0].options[0].key)  # Omar sat with Sara too: his answer
    omar.sees("Thank you: noted that you met Sara Bennani.")
    await lina.taps_key(questions[0].options[0].key)  # Lina was not in the round
    lina.sees("That button is no longer active.")
    await omar.taps_key("met:99:1:y")
    omar.sees("That button is no longer active.")
    await omar.taps_key("met:1:x:y")
    omar.sees("That button is no longer active.")
    await sara.taps_key(arabic[0].options[1].key)
    assert "شكرًا لكم: سُجّل أنكم لم تلتقوا Karim Alaoui." in sara.text.translate(ISOLATES)

    async with room.database.unit_of_work() as session:
        reports = await session.execute(
            select(Participant.full_name, MeetingReport.met).join(
                Participant, Participant.id == MeetingReport.participant_id
            )
        )
        assert sorted(reports) == [
            ("Karim Alaoui", True),
            ("Karim Alaoui", True),
            ("Omar Tazi", True),
            ("Sara Bennani", False),
        ]
    await lead.says("/rounds")
    lead.sees("“Did you meet?”: 4 answers, 3 yes and 1 no.")
    await lead.says("/round askmet")
    lead.sees("Everyone has been asked already about each person they sat with.")
    await phones.deliver()
    assert phones.new(karim) == []


async def test_a_second_account_is_asked_only_what_is_not_answered(room, clock):
    """Someone who later writes from another channel is asked there only about those they
    have not answered for."""
    phones = Phones(room)
    sara = await arrives(room, "1", "Sara Bennani", "berkane")
    await arrives(room, "2", "Karim Alaoui", "tanger")
    await arrives(room, "3", "Omar Tazi", "oujda")
    lead = await lead_in(room)
    await lead.says("/round start")
    await lead.says("/round stop")
    await phones.deliver()
    phones.new(sara)
    await lead.says("/round askmet")
    await phones.deliver()
    [about_karim, about_omar] = phones.new(sara)
    await sara.taps_key(about_karim.options[0].key)
    async with room.database.unit_of_work() as session:
        account = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_id == sara.external_id)
        )
        session.add(
            ChannelAccount(
                channel="console",
                external_id="sara",
                participant_id=account.participant_id,
                created_at=clock(),
            )
        )
    await lead.says("/round askmet")
    lead.sees("Sent 1 question “did you meet?”.")
    async with room.database.unit_of_work() as session:
        keys = await session.scalars(
            select(OutboxMessage.idempotency_key)
            .join(ChannelAccount, ChannelAccount.id == OutboxMessage.account_id)
            .where(ChannelAccount.channel == "console")
        )
        [key] = list(keys)
    asked_about = key.split(":")[3]
    assert key.startswith("round:1:met:")
    assert asked_about == about_omar.options[0].key.split(":")[2], "Omar's, not Karim's"


def test_the_rounds_settings_in_the_configuration(tmp_path):
    assert load_settings(environ={}).rounds == RoundSettings(minutes=8, warning_minutes=2)
    given = load_settings(
        config(tmp_path, "[rounds]\nminutes = 10\nwarning_minutes = 0\n"), environ={}
    )
    assert given.rounds == RoundSettings(minutes=10, warning_minutes=0)
    for text, problem in (
        ("minutes = 0", "rounds.minutes: must be between 1 and 120"),
        ("minutes = 121", "rounds.minutes: must be between 1 and 120"),
        ("minutes = 5\nwarning_minutes = 5", "rounds.warning_minutes: must be 0 (no warning)"),
        ("warning_minutes = -1", "rounds.warning_minutes: must be 0 (no warning)"),
        ('minutes = "8"', "rounds.minutes: must be an integer, not a string"),
        ("length = 8", "rounds.length: unknown key"),
    ):
        with pytest.raises(ConfigError, match=re.escape(problem)):
            load_settings(config(tmp_path, f"[rounds]\n{text}\n"), environ={})


async def test_no_warning_when_the_configuration_says_none(database, settings, clock):
    configured = dataclasses.replace(
        settings,
        roles=Roles(facilitators=frozenset({grant(LEAD)})),
        rounds=RoundSettings(minutes=5, warning_minutes=0),
    )
    app = await bootstrap(configured, database=database, clock=clock)
    phones = Phones(app)
    karim = await arrives(app, "1", "Karim Alaoui", "tanger")
    await arrives(app, "2", "Sara Bennani", "berkane")
    lead = await lead_in(app)
    await lead.says("/round start")
    lead.sees("It ends at 10:05.")
    lead.does_not_see("warned")
    for _minute in range(5):
        await phones.deliver()
        clock.advance(minutes=1)
    await phones.deliver()
    texts = phones.texts(karim)
    assert len(texts) == 2 and texts[-1].startswith("Round 1 is over.")
    async with app.database.unit_of_work() as session:
        warnings = await session.scalar(
            select(func.count()).where(OutboxMessage.idempotency_key.like("round:%:warn:%"))
        )
    assert warnings == 0, "none written"


# Properties of the seating, over random populations, through the repository

COLLECTIVITIES = 12
START = datetime(2024, 11, 13, 15, tzinfo=UTC)
THEMES = (PB, OPEN_DATA, DIGITAL, "capacity_building", "access_to_information")
MODES = (("pairs", 2), ("tables", 3), ("tables", 4), ("tables", 5))
people = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from((True, True, True, False)),
        st.frozensets(st.sampled_from(THEMES), max_size=2),
        st.frozensets(st.sampled_from(THEMES), max_size=2),
    ),
    min_size=3,
    max_size=30,
)
blocked = st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), max_size=4)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_round_keeps_the_rules_over_random_populations(backend, tmp_path):
    """Everyone present is seated exactly once per round; no table holds two people of one
    collectivity, a pair on the "do not match" list, or two who met in an earlier round;
    pairs are pairs (one trio for an odd headcount), tables hold 3 to 5, evenly. A round
    that cannot keep the rules stores nothing."""
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip(POSTGRES_HINT)
    runner = asyncio.Runner()
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'rounds.db'}"
    else:
        url = runner.run(create_database(POSTGRES_URL, prefix="tawasul_test"))
    database = Database(url)
    settings = load_settings(environ={})
    runner.run(migrate(database, settings, START))
    unit_of_work = UnitOfWork(database)
    events = itertools.count(1)
    checked = {"rounds": 0, "too few": 0, "impossible": 0}

    async def populate(population, pairs_blocked, audience) -> tuple[int, set[int], set]:
        now = START
        async with database.unit_of_work() as session:
            pool = list(await session.scalars(select(Collectivity.id).order_by(Collectivity.id)))[
                :COLLECTIVITIES
            ]
            names = {f"{part}_{lang}": "x" for part in ("name", "place") for lang in LANGUAGES}
            event = Event(
                code=f"prop-{next(events)}",
                starts_on=date(2024, 11, 13),
                timezone="Africa/Casablanca",
                **names,
            )
            session.add(event)
            await session.flush()
            ids, expected = [], set()
            for position, (shift, present, _, _) in enumerate(population):
                person = Participant(
                    full_name="p",
                    collectivity_id=pool[(position + shift) % COLLECTIVITIES],
                    position="p",
                    consented_at=now,
                    created_at=now,
                    updated_at=now,
                )
                session.add(person)
                await session.flush()
                session.add(
                    EventRegistration(
                        event_id=event.id, participant_id=person.id, registered_at=now
                    )
                )
                if present:
                    session.add(
                        CheckIn(event_id=event.id, participant_id=person.id, checked_in_at=now)
                    )
                if present or audience == "all":
                    expected.add(person.id)
                ids.append(person.id)
        blocks = set()
        async with unit_of_work() as store:
            for pid, (_, _, offers, seeks) in zip(ids, population, strict=True):
                await store.networking.save_profile(
                    InterestProfile(
                        event_id=event.id,
                        participant_id=pid,
                        offers=sorted(offers),
                        seeks=sorted(seeks),
                        updated_at=now,
                    )
                )
            for a, b in pairs_blocked:
                if a < len(ids) and b < len(ids) and a != b:
                    await store.networking.block(ids[a], ids[b], now)
                    blocks.add(frozenset((ids[a], ids[b])))
        return event.id, expected, blocks

    async def run(event_id, mode, size, audience, rounds) -> None:
        for number in range(rounds):
            async with unit_of_work() as store:
                try:
                    plan = await store.rounds.plan(
                        event_id, mode=mode, size=size, audience=audience
                    )
                except TooFewPeople:
                    checked["too few"] += 1
                    return
                except MatchingImpossible:
                    checked["impossible"] += 1
                    return
                await store.rounds.create(
                    event_id,
                    plan,
                    minutes=8,
                    now=START + timedelta(minutes=10 * number),
                    started_by=None,
                )
                checked["rounds"] += 1

    async def stored(event_id) -> list[list[tuple[int, ...]]]:
        async with unit_of_work() as store:
            return [
                list((await store.rounds.tables(each.id)).values())
                for each in await store.rounds.of_event(event_id)
            ]

    async def collectivity_of(ids) -> dict[int, int]:
        async with unit_of_work() as store:
            return {
                pid: p.collectivity_id
                for pid, p in (await store.networking.participants(ids)).items()
            }

    @hypothesis_settings(
        max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        people,
        blocked,
        st.sampled_from(MODES),
        st.sampled_from(["present", "all"]),
        st.integers(1, 4),
    )
    @example([(0, True, frozenset(), frozenset())] * 9, [], ("tables", 4), "present", 3)
    @example([(0, True, frozenset({PB}), frozenset())] * 7, [(0, 1)], ("pairs", 2), "all", 4)
    def seating_rules(population, pairs_blocked, mode_size, audience, rounds):
        mode, size = mode_size
        event_id, expected, blocks = runner.run(populate(population, pairs_blocked, audience))
        runner.run(run(event_id, mode, size, audience, rounds))
        seen = set()
        where = runner.run(collectivity_of(expected))
        for tables in runner.run(stored(event_id)):
            seated = [pid for table in tables for pid in table]
            assert sorted(seated) == sorted(expected), "everyone present, each once"
            sizes = sorted(len(table) for table in tables)
            if mode == "pairs":
                assert sizes == [2] * (len(seated) // 2 - len(seated) % 2) + [3] * (len(seated) % 2)
            else:
                assert sizes[0] >= 3 and sizes[-1] <= 5 and sizes[-1] - sizes[0] <= 1
            for table in tables:
                for a, b in itertools.combinations(table, 2):
                    assert where[a] != where[b], "two of one collectivity"
                    assert frozenset((a, b)) not in blocks, "a pair not to match"
                    assert frozenset((a, b)) not in seen, "a repeated meeting"
            seen |= {
                frozenset(pair) for table in tables for pair in itertools.combinations(table, 2)
            }

    try:
        seating_rules()
        assert checked["rounds"] >= 30 and checked["impossible"] >= 1, checked
    finally:
        runner.run(database.close())
        if backend == "postgresql":
            runner.run(drop_database(POSTGRES_URL, url))
        runner.close()
