"""/matches and the double opt-in, as the people involved read them.

The interests are stored directly (the /interests flow is tested on its own); what each
person receives from the others is read off a phone, as the dispatcher sends it.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from bidi import lines_laid_out_left_to_right
from sqlalchemy import func, select
from test_agenda_config import config
from transcript import Person, Phone, grant, senders

from bot.bootstrap import bootstrap
from bot.config import ConfigError, load_settings
from bot.delivery.dispatcher import Delivery
from db.models import ChannelAccount, InterestProfile, MatchRequest, OutboxMessage
from db.outbox import purge_finished_replies
from domain.matching import Reasons
from domain.settings import MatchingSettings, Roles
from handlers.introductions import reason_line

LEAD = "900"
STALE_BUTTON_AR = "لم يعد هذا الزر صالحًا."
STALE_REQUEST_AR = "لم يعد هذا الطلب قائمًا."
STALE_REQUEST_FR = "Cette demande n'est plus active."
BUDGETING, OPEN_DATA, DIGITAL = (
    "participatory_budgeting",
    "open_data_transparency",
    "digital_services",
)


@pytest.fixture
async def room(database, settings, clock):
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


async def joins(app, external_id, name, place, language="English", phone=None, email=None):
    """Register (the first collectivity found for ``place``), then speak ``language``."""
    person = Person(app.conversation, external_id)
    await person.begins("English")
    await person.says(name)
    await person.says(place)
    await person.says("1")
    await person.says("Focal point")
    await (person.says(phone) if phone else person.taps("Skip"))
    await (person.says(email) if email else person.taps("Skip"))
    await person.taps("I agree")
    await person.taps("Confirm")
    person.sees("your registration is complete")
    await person.taps("Later")
    if language != "English":
        await person.says("/language")
        await person.taps(language)
    return person


async def participant_id(app, person) -> int:
    async with app.conversation.unit_of_work() as store:
        account = await store.accounts.find(person.channel, person.external_id)
        return account.participant_id


async def interested(app, person, offers=(), seeks=(), shares=(), handle=None, text=""):
    """What the /interests flow would store for ``person``."""
    pid = await participant_id(app, person)
    event_id = app.services.event_id
    async with app.conversation.unit_of_work() as store:
        profile = await store.networking.profile(event_id, pid)
        profile = profile or InterestProfile(event_id=event_id, participant_id=pid)
        profile.offers, profile.seeks, profile.offer_text = list(offers), list(seeks), text
        profile.shares, profile.handle = list(shares), handle
        profile.updated_at = app.services.clock()
        await store.networking.save_profile(profile)
    return pid


class Phones:
    """Everyone's phone, as the dispatcher fills them with what was sent in bulk."""

    def __init__(self, app) -> None:
        self.app = app
        self.phone = Phone()

    async def deliver(self) -> None:
        clock = self.app.services.clock  # the test's clock: the rate budget waits on it
        phones = senders(self.phone, "console")
        await Delivery(self.app.database, phones, clock, sleep=clock.sleep).run_once()

    def of(self, person) -> list:
        return self.phone.received.get(person.external_id, [])


def readable_in_arabic(message) -> None:
    texts = [message.text, *(option.label for option in message.options)]
    assert not [line for text in texts for line in lines_laid_out_left_to_right(text)]


@pytest.fixture
async def pair(room):
    """Amal (Arabic, shares her phone and email) seeks what Karim (French, shares his chat
    username) offers: participatory budgeting."""
    amal = await joins(
        room, "1", "Amal Idrissi", "berkane", "العربية", "0612345678", "amal@example.ma"
    )
    karim = await joins(room, "2", "Karim Benali", "fes", "Français")
    await interested(room, amal, seeks=[BUDGETING], shares=["phone", "email"])
    await interested(room, karim, offers=[BUDGETING], shares=["handle"], handle="@karim_fes")
    return amal, karim


async def requests(app) -> list[tuple[str, str]]:
    async with app.database.unit_of_work() as session:
        rows = await session.scalars(select(MatchRequest).order_by(MatchRequest.id))
        return [(row.status, row.requester_id) for row in rows]


# Suggestions


async def test_suggestions_in_arabic_each_with_its_reason(room):
    amal = await joins(room, "1", "Amal Idrissi", "berkane", "العربية")
    karim = await joins(room, "2", "Karim Benali", "fes", "Français")
    youssef = await joins(room, "3", "Youssef Alami", "oujda")
    nadia = await joins(room, "4", "Nadia Tazi", "tanger")
    await interested(room, amal, offers=[OPEN_DATA, DIGITAL], seeks=[BUDGETING])
    await interested(room, karim, offers=[BUDGETING])
    await interested(room, youssef, seeks=[OPEN_DATA])
    await interested(room, nadia, offers=[DIGITAL])

    await amal.says("/matches")
    amal.sees(
        "أشخاص نقترح عليكم التعرف عليهم، بناءً على ما تقدمونه وما تبحثون عنه:",
        "Karim Benali\u2069 — جماعة فاس\nتجربة في الميزانية التشاركية تبحثون عنها.",
        "Youssef Alami\u2069 — ",
        "اهتمام بتجربة في المعطيات المفتوحة والشفافية يمكنكم تقديمها.",
        "Nadia Tazi\u2069 — ",
        "اهتمام مشترك بـالخدمات الرقمية.",
    )
    assert amal.text.index("Karim") < amal.text.index("Youssef") < amal.text.index("Nadia")
    assert [label.split("مع ")[0] for label in amal.labels] == ["أرغب في التواصل "] * 3

    await karim.says("/matches")
    karim.sees(
        "1. Amal Idrissi — Commune de Berkane\n"
        "Recherche une expérience en budget participatif, que vous pouvez apporter."
    )
    assert "Je souhaite entrer en relation avec Amal Idrissi" in karim.labels


async def test_nobody_with_interests_is_left_without_a_suggestion(room):
    sara = await joins(room, "1", "Sara Bennani", "berkane")
    omar = await joins(room, "2", "Omar Fassi", "fes")
    leila = await joins(room, "3", "Leila Amrani", "tanger")
    driss = await joins(room, "4", "Driss Naciri", "oujda")
    await interested(room, sara, offers=[BUDGETING])
    await interested(room, omar, seeks=[OPEN_DATA])
    await interested(room, leila, offers=["environment_climate"])  # nothing in common

    for person in (sara, omar, leila):
        await person.says("/matches")
        person.sees("1. ")
        person.does_not_see("Driss")  # no interests given: suggested to nobody
    leila.sees("From another region")  # the diversity of the network, when no theme is shared

    await driss.says("/matches")
    driss.sees("Tell us first what you can offer and what you are looking for: send /interests.")


async def test_the_same_collectivity_is_never_suggested(room):
    sara = await joins(room, "1", "Sara Bennani", "berkane")
    omar = await joins(room, "2", "Omar Fassi", "berkane")  # the same commune
    leila = await joins(room, "3", "Leila Amrani", "tanger")
    await interested(room, sara, offers=[BUDGETING], seeks=[OPEN_DATA])
    omar_id = await interested(room, omar, offers=[OPEN_DATA], seeks=[BUDGETING])
    await interested(room, leila, offers=["environment_climate"])

    await sara.says("/matches")
    sara.sees("1. Leila Amrani")
    sara.does_not_see("Omar")
    await sara.taps_key(f"match:ask:{omar_id}")  # a button crafted by hand
    sara.sees("That button is no longer active.")
    assert await requests(room) == []


async def test_the_do_not_match_list_is_respected(room):
    sara = await joins(room, "1", "Sara Bennani", "berkane")
    omar = await joins(room, "2", "Omar Fassi", "fes")
    leila = await joins(room, "3", "Leila Amrani", "tanger")
    sara_id = await interested(room, sara, offers=[BUDGETING], seeks=[OPEN_DATA])
    omar_id = await interested(room, omar, offers=[OPEN_DATA], seeks=[BUDGETING])
    await interested(room, leila, offers=["environment_climate"])
    await sara.says("/matches")
    sara.sees("1. Omar Fassi")
    await sara.taps("Omar")  # asked before the organisers put them on the list

    async with room.conversation.unit_of_work() as store:
        await store.networking.block(omar_id, sara_id, room.services.clock())
    await sara.says("/matches")
    sara.does_not_see("Omar")
    await omar.says("/matches")
    omar.does_not_see("Sara")
    [request_id] = [row.id for row in await _request_rows(room)]
    await omar.taps_key(f"match:yes:{request_id}")
    omar.sees("This request is no longer active.")
    await omar.taps_key(f"match:ask:{sara_id}")
    omar.sees("That button is no longer active.")


async def _request_rows(app) -> list[MatchRequest]:
    async with app.database.unit_of_work() as session:
        return list(await session.scalars(select(MatchRequest).order_by(MatchRequest.id)))


async def test_someone_without_interests_or_not_registered_is_told_what_to_do(room):
    sara = await joins(room, "1", "Sara Bennani", "berkane", "Français")
    await sara.says("/matches")
    sara.sees("Dites-nous d'abord ce que vous pouvez apporter")
    stranger = Person(room.conversation, "2")
    await stranger.begins("English")
    await stranger.says("/matches")
    stranger.sees("Please finish your registration first")
    stranger.sees("What is your full name?")  # the registration goes on


async def test_the_number_of_suggestions_is_configurable(room, tmp_path):
    people = [
        await joins(room, str(n), f"Person {n}", place)
        for n, place in enumerate(("berkane", "fes", "tanger", "oujda"), 1)
    ]
    for person in people:
        await interested(room, person, offers=[BUDGETING], seeks=[BUDGETING])
    room.services.matching = MatchingSettings(suggestions=2)
    await people[0].says("/matches")
    people[0].sees("1. ", "2. ")
    people[0].does_not_see("3. ")

    settings = load_settings(config(tmp_path, "[matching]\nsuggestions = 3\n"), environ={})
    assert settings.matching.suggestions == 3
    assert load_settings(config(tmp_path), environ={}).matching.suggestions == 5
    with pytest.raises(ConfigError, match=r"matching\.suggestions: must be between 1 and 10"):
        load_settings(config(tmp_path, "[matching]\nsuggestions = 0\n"), environ={})


def test_the_reason_lines_say_the_strongest_fact_first(app):
    themes = app.services.themes
    tr = app.services.catalogs.translator("en")

    def reason(**facts) -> str:
        base = {
            "a_offers_b_seeks": frozenset(),
            "b_offers_a_seeks": frozenset(),
            "shared": frozenset(),
            "other_region": False,
            "other_kind": False,
        }
        return reason_line(tr, themes, Reasons(**(base | facts)))

    both = reason(b_offers_a_seeks={BUDGETING}, a_offers_b_seeks={OPEN_DATA, DIGITAL})
    assert both == (
        "Offers experience in participatory budgeting, which you are looking for, "
        "and seeks yours in open data and transparency and digital services."
    )
    assert (
        reason(shared={DIGITAL}, other_region=True) == "Shares your interest in digital services."
    )
    assert reason(text_similarity=0.5, other_region=True) == "Works on a project close to yours."
    assert reason(other_region=True, other_kind=True).startswith("Another region and another kind")
    assert reason(other_kind=True) == "Another kind of collectivity: a different viewpoint."
    assert reason(shared={"no_such_theme"}) == "A peer of the network to get to know."


# The double opt-in


async def test_accepting_reveals_to_both_the_details_each_chose_to_share(room, pair, clock):
    amal, karim = pair
    karim_id = await participant_id(room, karim)
    async with room.database.unit_of_work() as session:  # Karim also uses the console
        for external_id, blocked_at in (("karim-console", None), ("karim-old", clock())):
            session.add(
                ChannelAccount(
                    channel="console",
                    external_id=external_id,
                    participant_id=karim_id,
                    locale="en",
                    created_at=clock(),
                    unreachable_at=blocked_at,  # an old chat that blocked the bot
                )
            )
    phones = Phones(room)
    await amal.says("/matches")
    await amal.taps("Karim")
    amal.sees("تم إرسال طلبكم إلى", "Karim Benali", "ستتوصلون ببيانات الاتصال في حال قبول الطلب.")
    assert amal.labels == ["سحب الطلب"]

    await phones.deliver()
    [request] = phones.of(karim)
    assert request.text == (
        "Amal Idrissi — Commune de Berkane souhaite entrer en relation avec vous.\n"
        "Recherche une expérience en budget participatif, que vous pouvez apporter.\n"
        "Si vous acceptez, chacun recevra les coordonnées que l'autre a choisi de partager."
    )
    assert [option.label for option in request.options] == ["Accepter", "Décliner"]
    [on_the_console] = phones.phone.received["karim-console"]  # each chat in its language
    assert "karim-old" not in phones.phone.received
    assert on_the_console.text.startswith(
        "A request to connect from Amal Idrissi — Commune de Berkane.\n"
        "Looks for experience in participatory budgeting, which you can offer."
    )
    assert phones.of(amal) == []  # nothing revealed, to either, before both said yes

    await karim.taps_key(request.options[0].key)
    karim.sees(
        "Vous êtes désormais en relation avec Amal Idrissi — Commune de Berkane.",
        "Les coordonnées partagées avec vous\u202f:\nTéléphone\u202f: +212 6 12 34 56 78\n"
        "E-mail\u202f: amal@example.ma",
        "Vous partagez\u202f: nom d'utilisateur (messagerie).",
    )
    await phones.deliver()
    [accepted] = phones.of(amal)
    assert "أنتم الآن على تواصل مع" in accepted.text and "Karim Benali" in accepted.text
    assert "اسم المستخدم في المحادثة: \u2066@karim_fes\u2069" in accepted.text
    assert "ما تشاركونه: الهاتف والبريد الإلكتروني." in accepted.text
    readable_in_arabic(accepted)

    await karim.taps_key(request.options[0].key)  # a second tap: the details again, once
    karim.sees("Téléphone\u202f: +212 6 12 34 56 78")
    await phones.deliver()
    assert len(phones.of(amal)) == 1
    await amal.says("/matches")
    amal.sees("على تواصل معكم:\n• \u2068Karim Benali\u2069 — جماعة فاس")
    assert not [label for label in amal.labels if "Karim" in label]


async def test_declining_is_silent_to_the_requester(room, pair):
    amal, karim = pair
    karim_id = await participant_id(room, karim)
    phones = Phones(room)
    await amal.says("/matches")
    await amal.taps("Karim")
    await phones.deliver()
    [request] = phones.of(karim)
    await karim.taps_key(request.options[1].key)
    karim.sees(
        "C'est noté\u202f: vous déclinez cette demande (Amal Idrissi — Commune de Berkane). "
        "Personne n'en est informé."
    )
    await phones.deliver()
    assert phones.of(amal) == []  # her phone receives nothing

    await amal.says("/matches")
    amal.sees("في انتظار الرد:\n• \u2068Karim Benali\u2069 — جماعة فاس")  # still waiting
    await amal.taps_key(f"match:ask:{karim_id}")
    amal.sees("سبق أن وجهتم طلبًا إلى")
    await karim.says("/matches")
    karim.does_not_see("Amal")  # not suggested to him again
    await phones.deliver()
    assert phones.of(amal) == [] and len(phones.of(karim)) == 1


async def test_a_withdrawn_request_cannot_be_accepted(room, pair):
    amal, karim = pair
    phones = Phones(room)
    await amal.says("/matches")
    await amal.taps("Karim")
    await phones.deliver()
    [request] = phones.of(karim)

    await amal.says("/matches")
    await amal.taps("سحب الطلب")
    amal.sees("تم سحب طلبكم الموجه إلى")
    await karim.taps_key(request.options[0].key)
    karim.sees(STALE_REQUEST_FR)
    karim.does_not_see("+212")
    await phones.deliver()
    assert phones.of(amal) == []

    await amal.says("/matches")  # Karim is suggested again, and asked again
    await amal.taps("Karim")
    await phones.deliver()
    [_, again] = phones.of(karim)
    assert again.options[0].key == request.options[0].key  # the same request, open again
    await karim.taps_key(again.options[0].key)
    karim.sees("Téléphone\u202f: +212 6 12 34 56 78")


async def test_asking_someone_who_asked_you_is_an_acceptance(room, pair):
    amal, karim = pair
    await interested(room, karim, offers=[BUDGETING], handle="@karim_fes")  # shares nothing
    phones = Phones(room)
    await karim.says("/matches")
    [ask_amal] = [option.key for option in karim.options if "Amal" in option.label]
    await amal.says("/matches")
    await amal.taps("Karim")
    await karim.says("/matches")
    karim.sees("Demandes de mise en relation reçues\u202f:\n• Amal Idrissi — Commune de Berkane")
    assert [label for label in karim.labels if "Amal" in label] == [
        "Accepter\u202f: Amal Idrissi",
        "Décliner\u202f: Amal Idrissi",
    ]

    await karim.taps_key(ask_amal)  # the button of his earlier suggestions
    karim.sees("Vous êtes désormais en relation avec Amal", "E-mail\u202f: amal@example.ma")
    karim.sees("Vous ne partagez aucune coordonnée.")
    await phones.deliver()
    [_request, connected] = phones.of(karim) + phones.of(amal)
    assert connected.text.endswith(
        "لم تتم مشاركة أي بيانات اتصال معكم؛ للتعارف خلال اللقاء: "
        "\u2068Karim Benali\u2069، جماعة فاس.\nما تشاركونه: الهاتف والبريد الإلكتروني."
    )
    assert [status for status, _ in await requests(room)] == ["accepted"]


async def test_stale_foreign_and_malformed_taps_are_answered_politely(room, pair):
    amal, karim = pair
    nadia = await joins(room, "3", "Nadia Tazi", "tanger", "العربية")
    await amal.says("/matches")
    await amal.taps("Karim")
    [request_id] = [row.id for row in await _request_rows(room)]

    nadia_id = await participant_id(room, nadia)
    await interested(room, nadia, offers=[BUDGETING])
    for key in (
        "match:ask:abc",
        "match:zzz:1",
        "match:yes",
        "match:yes:1:2",
        "match:ask:",
        f"match:ask:{nadia_id}",  # herself
    ):
        await nadia.taps_key(key)
        nadia.sees(STALE_BUTTON_AR)
    await nadia.taps_key("match:yes:999")
    nadia.sees(STALE_REQUEST_AR)
    await nadia.taps_key(f"match:yes:{request_id}")  # someone else's request
    nadia.sees(STALE_REQUEST_AR)
    await amal.taps_key(f"match:yes:{request_id}")  # her own: only Karim answers it
    amal.sees(STALE_REQUEST_AR)
    await karim.taps_key(f"match:back:{request_id}")  # only Amal withdraws it
    karim.sees(STALE_REQUEST_FR)
    assert [status for status, _ in await requests(room)] == ["pending"]

    stranger = Person(room.conversation, "4")
    await stranger.taps_key(f"match:yes:{request_id}")
    stranger.sees("لم تقوموا بالتسجيل بعد.")


# The facilitator's push


async def test_a_facilitator_sends_everyone_present_their_own_suggestions(room, pair):
    amal, karim = pair
    nadia = await joins(room, "3", "Nadia Tazi", "tanger")
    await interested(room, nadia, seeks=[BUDGETING])
    for person in (amal, karim):
        await person.says("/here")
    phones = Phones(room)

    await nadia.says("/matches send")
    nadia.sees("Sending the suggestions to the room is for the facilitators. Send /matches")
    await phones.deliver()
    assert phones.phone.received == {}

    lead = Person(room.conversation, LEAD)
    await lead.begins("English")
    await lead.says("/matches send")
    lead.sees("Suggestions sent to 2 people.")
    await phones.deliver()
    [for_amal] = phones.of(amal)
    [for_karim] = phones.of(karim)
    assert for_amal.text.startswith("أشخاص نقترح عليكم التعرف عليهم")
    assert "Karim Benali" in for_amal.text and "Nadia Tazi" in for_amal.text
    readable_in_arabic(for_amal)
    assert for_karim.text.startswith("Des personnes à rencontrer")
    assert "Amal Idrissi" in for_karim.text and "Nadia Tazi" in for_karim.text
    assert phones.of(nadia) == []  # not checked in

    await lead.says("/matches send")  # again: the same suggestions are not sent twice
    lead.sees("Suggestions sent to 0 people.\n2 people had received the same suggestions already.")
    await lead.says("/matches send all")
    lead.sees("Suggestions sent to 1 person.\n2 people had received the same suggestions already.")
    await phones.deliver()
    [for_nadia] = phones.of(nadia)
    assert "Karim Benali" in for_nadia.text
    assert len(phones.of(amal)) == len(phones.of(karim)) == 1

    await karim.taps_key(for_karim.options[0].key)  # a pushed button works as /matches' do
    karim.sees("Votre demande est envoyée à")
    await lead.says("/matches send all")  # his and Amal's suggestions changed: sent anew
    lead.sees("Suggestions sent to 2 people.\n1 person had received the same suggestions already.")
    await lead.says("/matches send everyone")
    lead.sees("To send each person present their own suggestions: /matches send;")
    await lead.says("/matches")
    lead.sees("Please finish your registration first")


async def test_nothing_is_pushed_when_nobody_there_gave_interests(room):
    await joins(room, "1", "Sara Bennani", "berkane")
    lead = Person(room.conversation, LEAD)
    await lead.begins("English")
    await lead.says("/matches send all")
    lead.sees("Nobody there has given their interests yet: nothing was sent.")


async def test_messages_about_others_are_not_kept_once_sent(room, pair, clock):
    amal, karim = pair
    phones = Phones(room)
    await amal.says("/matches")
    await amal.taps("Karim")
    await phones.deliver()
    [request] = phones.of(karim)
    await karim.taps_key(request.options[0].key)
    nadia = await joins(room, "3", "Nadia Tazi", "tanger")
    await interested(room, nadia, seeks=[BUDGETING])
    lead = Person(room.conversation, LEAD)
    await lead.begins("English")
    await lead.says("/matches send all")
    lead.sees("Suggestions sent to 3 people.")
    await phones.deliver()
    async with room.database.unit_of_work() as session:
        keys = list(await session.scalars(select(OutboxMessage.idempotency_key)))
    assert {key.split(":")[0] for key in keys} == {"reply", "match", "matches"}
    clock.advance(days=8)
    await purge_finished_replies(room.database, clock() - timedelta(days=7))
    async with room.database.unit_of_work() as session:
        kept = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("match"))
        )
    assert kept == 0
