"""/interests as focal points live it: themes offered and sought (taps and typed numbers),
a project and a challenge in their own words (Darija, French) understood and corrected,
the scope, the contact details shared, the summary and Save; in Arabic and in French.
Then: bad input, a restart mid-flow, running it again, refusals, the facilitators' counts,
the offer after registration and the facilitator's prompt button."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from transcript import Person, Phone, grant, senders

from bot.agenda_cli import markdown, run_of_show
from bot.bootstrap import bootstrap
from bot.delivery.dispatcher import Delivery
from db.models import Broadcast, InterestProfile, Participant
from db.session import Database
from domain.agenda import AgendaInvalid, PromptKind, load
from domain.settings import Roles
from locales.i18n import Catalogs

LEAD = "900"
NNBSP = "\u202f"
DARIJA_PROJECT = "درنا الميزانية ديال المشاركة مع الجمعيات ونشرنا المعطيات المفتوحة فالبوابة"
DARIJA_CHALLENGE = "عندنا مشكل فالتواصل مع المواطنين وما عندناش التكوين"
FRENCH_PROJECT = "Nous avons lancé un budget participatif et publié nos données ouvertes"


@pytest.fixture
async def room(database, settings, clock):
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    return await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )


async def profile_of(app, person: Person) -> InterestProfile | None:
    async with app.database.unit_of_work() as session:
        participant = await session.scalar(
            select(Participant).where(Participant.full_name == person.name)
        )
        return await session.scalar(
            select(InterestProfile).where(InterestProfile.participant_id == participant.id)
        )


async def profiles(app) -> int:
    async with app.database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(InterestProfile))


async def registered(app, external_id: str, name: str, language: str = "English", **extra):
    person = Person(app.conversation, external_id, **extra)
    person.name = name
    await person.registers(name)
    if language != "English":
        await person.says("/language")
        await person.taps(language)
    return person


def chosen(person: Person) -> list[str]:
    return [label.removeprefix("✓ ") for label in person.labels if label.startswith("✓ ")]


async def gives(person: Person, offers: str, seeks: str, scope: str = "Both") -> None:
    """The quick way through, in English: typed numbers, no texts, no details shared."""
    await person.says("/interests")
    await person.says(offers)
    await person.taps("Done")
    await person.says(seeks)
    await person.taps("Done")
    await person.taps("Skip")
    await person.taps("Skip")
    await person.taps(scope)
    await person.taps("Save")
    person.sees("Thank you, your interests are saved.")


# the whole flow, in Arabic and in French


async def test_the_whole_flow_in_arabic_with_darija_understood_and_corrected(room):
    amina = await registered(room, "11", "Amina Idrissi", "العربية", handle="@amina_b")
    await amina.says("/interests")
    amina.sees(
        "ماذا يمكنكم أن تقدموا؟ اختاروا المحاور التي لدى جماعتكم الترابية فيها تجربة",
        "المحاور المختارة: لا شيء",
    )
    assert len(amina.labels) == 13 and amina.labels[3] == "الميزانية التشاركية"
    assert amina.labels[-1] == "تمّ"
    await amina.taps("الميزانية التشاركية")
    await amina.taps("المعطيات المفتوحة والشفافية")
    assert chosen(amina) == ["المعطيات المفتوحة والشفافية", "الميزانية التشاركية"]
    await amina.taps("الميزانية التشاركية")  # taken back
    assert chosen(amina) == ["المعطيات المفتوحة والشفافية"]
    amina.sees("المحاور المختارة: المعطيات المفتوحة والشفافية")
    await amina.taps("تمّ")

    amina.sees("عمّ تبحثون؟")
    await amina.says("١٠ ١١")  # Eastern digits: capacity building, communication
    assert chosen(amina) == ["تقوية القدرات", "التواصل ووسائل التواصل الاجتماعي"]
    await amina.taps("تمّ")

    amina.sees("صفوا لي في بضع كلمات مشروعًا لجماعتكم الترابية تفخرون به")
    await amina.says(DARIJA_PROJECT)
    amina.sees(
        "فهمتُ من نصكم المحاور التالية:",
        "• الميزانية التشاركية («الميزانية ديال المشاركة»)",
        "• المعطيات المفتوحة والشفافية («ونشرنا المعطيات المفتوحة»)",
    )
    assert chosen(amina) == ["المعطيات المفتوحة والشفافية", "الميزانية التشاركية"]
    await amina.taps("المعطيات المفتوحة والشفافية")  # not what the project was about
    await amina.taps("المشاركة المواطنة")  # the associations took part
    assert chosen(amina) == ["المشاركة المواطنة", "الميزانية التشاركية"]
    await amina.taps("تأكيد")

    amina.sees("صفوا لي في بضع كلمات تحديًا تواجهه جماعتكم الترابية")
    await amina.says(DARIJA_CHALLENGE)
    amina.sees("• التواصل ووسائل التواصل الاجتماعي («فالتواصل مع المواطنين»)")
    await amina.taps("تأكيد")

    amina.sees("ما نوع الشراكات التي تبحثون عنها؟")
    await amina.taps("شراكات دولية")
    amina.sees("أيّ معطيات الاتصال الخاصة بكم يمكنه الاطلاع عليها؟")
    assert amina.labels == [
        "اسم المستخدم الخاص بي في المحادثة (\u2066@amina_b\u2069)",
        "عدم مشاركة أي معطى",
        "تمّ",
    ]
    await amina.taps("اسم المستخدم")
    await amina.taps("تمّ")

    amina.sees(
        "يرجى التحقق من اهتماماتكم:",
        "• ما تقدمونه: المعطيات المفتوحة والشفافية",
        "• ما تبحثون عنه: تقوية القدرات، التواصل ووسائل التواصل الاجتماعي",
        f"• مشروع تفخرون به: «{DARIJA_PROJECT}» (المحاور: الميزانية التشاركية، المشاركة المواطنة)",
        "• الشراكات المطلوبة: دولية",
        "• ما يظهر للمشاركين الذين تتواصلون معهم: اسم المستخدم في المحادثة",
    )
    assert await profiles(room) == 0, "nothing is stored before Save"
    await amina.taps("حفظ")
    amina.sees(
        "شكرًا لكم، تم حفظ اهتماماتكم.",
        "لا توجد اقتراحات جديدة حاليًا",  # she is the first to give interests
    )

    stored = await profile_of(room, amina)
    assert stored.offers == ["open_data_transparency"]
    assert stored.seeks == ["capacity_building", "communication_social_media"]
    assert stored.offer_text == DARIJA_PROJECT, "the raw text is kept"
    assert stored.offer_text_themes == ["participatory_budgeting", "citizen_participation"]
    assert stored.seek_text == DARIJA_CHALLENGE
    assert stored.seek_text_themes == ["communication_social_media", "capacity_building"]
    assert (stored.scope, stored.shares, stored.handle) == ("international", ["handle"], "@amina_b")


async def register_in_french_with_contacts(app, external_id: str, name: str) -> Person:
    person = Person(app.conversation, external_id)
    person.name = name
    await person.begins("Français")
    await person.says(name)
    await person.says("berkane")
    await person.says("1")
    await person.says("Chargé de la coopération")
    await person.says("0612345678")
    await person.says("youssef@example.ma")
    await person.taps("J'accepte")
    await person.taps("Confirmer")
    return person


async def test_the_whole_flow_in_french_right_after_registering(room):
    youssef = await register_in_french_with_contacts(room, "12", "Youssef Amrani")
    youssef.sees(
        "votre inscription est confirmée",
        f"Souhaitez-vous indiquer maintenant ce que vous pouvez offrir et ce que vous "
        f"recherchez{NNBSP}?",
    )
    await youssef.taps("Oui, maintenant")
    youssef.sees(f"Que pouvez-vous offrir{NNBSP}?")
    await youssef.says("1, 4, 7")
    assert chosen(youssef) == [
        "Droit d'accès à l'information",
        "Budget participatif",
        "Environnement et climat",
    ]
    await youssef.taps("Terminé")
    await youssef.says("2 ; 9")
    await youssef.says("13")  # the number of “Terminé”
    youssef.sees("Décrivez-moi en quelques mots un projet de votre collectivité")

    await youssef.says(FRENCH_PROJECT)
    youssef.sees(
        f"Dans votre texte, j'ai compris ces thèmes{NNBSP}:",
        f"• Budget participatif («{NNBSP}budget participatif{NNBSP}»)",
        f"• Données ouvertes et transparence («{NNBSP}données ouvertes{NNBSP}»)",
    )
    await youssef.taps("Données ouvertes")
    await youssef.taps("Confirmer")
    youssef.sees("un défi que rencontre votre collectivité")
    await youssef.taps("Passer")
    await youssef.taps("Les deux")

    assert youssef.labels == [
        "Mon numéro de téléphone (+212 6 12 34 56 78)",
        "Mon e-mail (youssef@example.ma)",
        "Ne rien partager",
        "Terminé",
    ]
    await youssef.taps("e-mail")
    await youssef.taps("téléphone")
    await youssef.taps("Terminé")
    youssef.sees(
        f"Veuillez vérifier vos intérêts{NNBSP}:",
        f"• Ce que vous offrez{NNBSP}: Droit d'accès à l'information, Budget participatif, "
        "Environnement et climat",
        f"• Ce que vous recherchez{NNBSP}: Données ouvertes et transparence, "
        "Coopération décentralisée et internationale",
        f"• Un projet qui fait votre fierté{NNBSP}: «{NNBSP}{FRENCH_PROJECT}{NNBSP}» "
        f"(thèmes{NNBSP}: Budget participatif)",
        f"• Un défi que vous rencontrez{NNBSP}: non renseigné",
        f"• Partenariats recherchés{NNBSP}: nationaux et internationaux",
        f"• Visible par les personnes avec qui vous entrez en contact{NNBSP}: e-mail, téléphone",
    )

    await youssef.taps("Modifier ma recherche")
    assert chosen(youssef) == [
        "Données ouvertes et transparence",
        "Coopération décentralisée et internationale",
    ]
    await youssef.taps("Données ouvertes")
    await youssef.taps("Terminé")
    youssef.sees(f"• Ce que vous recherchez{NNBSP}: Coopération décentralisée et internationale")
    await youssef.taps("Enregistrer")
    youssef.sees(
        "Merci, vos intérêts sont enregistrés.",
        "Pas de nouvelle suggestion pour l'instant",
        "Voici ce que je peux faire",  # the help that follows a registration
    )

    stored = await profile_of(room, youssef)
    assert stored.offers == [
        "access_to_information",
        "participatory_budgeting",
        "environment_climate",
    ]
    assert stored.seeks == ["international_cooperation"]
    assert (stored.offer_text, stored.offer_text_themes) == (
        FRENCH_PROJECT,
        ["participatory_budgeting"],
    )
    assert (stored.seek_text, stored.seek_text_themes) == ("", [])
    assert (stored.scope, stored.shares, stored.handle) == ("both", ["email", "phone"], None)


# typed numbers and bad input


async def test_typed_numbers_toggle_several_at_once(room):
    sara = await registered(room, "13", "Sara Bennani")
    await sara.says("/interests")
    await sara.says("1 4 7")
    assert chosen(sara) == [
        "Access to information",
        "Participatory budgeting",
        "Environment and climate",
    ]
    await sara.says("1،4")  # the Arabic comma
    assert chosen(sara) == ["Environment and climate"]
    await sara.says("١ ٤")  # Eastern digits
    sara.sees("Chosen: Environment and climate, Access to information, Participatory budgeting")
    await sara.says("2 2")  # a number typed twice counts once
    assert "Open data and transparency" in chosen(sara)
    await sara.says("4")
    await sara.says("participatory budgeting and open data")  # named: chosen, never taken back
    sara.sees(
        "Chosen: Environment and climate, Access to information, Open data and transparency, "
        "Participatory budgeting"
    )
    await sara.taps("Done")
    sara.sees("What are you looking for?")


async def test_bad_input_is_answered_politely_and_nothing_is_stored(room):
    sara = await registered(room, "14", "Sara Bennani")
    await sara.says("/interests")
    await sara.says("3 14")
    sara.sees(
        "There is no number 14 here: please type numbers from 1 to 13.",
        "What can you offer?",
    )
    assert chosen(sara) == [], "nothing toggled, not even the 3"
    await sara.says("0")
    sara.sees("There is no number 0 here")
    await sara.says("   ")
    sara.sees("I received an empty message.", "What can you offer?")
    await sara.says("hello there")
    sara.sees("Please tap the themes, or type their numbers.")
    await sara.taps_key("offer:no_such_theme")
    sara.sees("That button is no longer active.")
    await sara.taps("Done")
    await sara.taps("Done")

    await sara.says(" ")
    sara.sees("I received an empty message.", "a project of your collectivity")
    await sara.says("🎉🎉")
    sara.sees("I need a few words in letters here, not only symbols or emoji.")
    await sara.says("x" * 501)
    sara.sees("That is too long: please keep it to 500 characters or fewer.")
    await sara.says("We trained our agents on open data")
    await sara.says("99")
    sara.sees(
        "There is no number 99 here",
        "In your text, I understood these themes:",
        "• Open data and transparency (“open data”)",
    )
    await sara.taps("Confirm")
    await sara.taps("Skip")
    await sara.says("maybe")
    sara.sees("Please choose one of the options offered.", "Which partnerships")

    await sara.says("/cancel")
    sara.sees("Cancelled.")
    assert await profiles(room) == 0
    await sara.says("/interests")
    sara.sees("What can you offer?", "Chosen: none")


# a restart, and running it again


async def test_a_restart_mid_flow_loses_nothing(database, settings, clock):
    first = await bootstrap(settings, database=database, clock=clock)
    omar = await registered(first, "15", "Omar Tazi", handle="@omar_t")
    await omar.says("/interests")
    await omar.taps("Digital services")
    await omar.taps("Done")
    await omar.says("12")
    await omar.taps("Done")
    await omar.says(FRENCH_PROJECT)
    await first.stop()

    second = await bootstrap(settings, database=Database(database.url), clock=clock)
    omar.conversation = second.conversation
    try:
        await omar.taps("Confirm")
        await omar.taps("Skip")
        await omar.taps("National partnerships")
        assert omar.labels == ["My chat username (@omar_t)", "Share nothing", "Done"]
        await omar.taps("My chat username")
        await omar.taps("Share nothing")
        omar.sees(
            "• What you offer: Digital services",
            "• What you seek: Monitoring and evaluation",
            "(themes: Participatory budgeting, Open data and transparency)",
        )
        await omar.taps("Save")
        stored = await profile_of(second, omar)
        assert (stored.offers, stored.seeks) == (["digital_services"], ["monitoring_evaluation"])
        assert stored.offer_text_themes == ["participatory_budgeting", "open_data_transparency"]
        assert (stored.scope, stored.shares, stored.handle) == ("national", [], None)
    finally:
        await second.database.close()


async def test_running_interests_again_starts_from_what_was_saved(room):
    sara = await registered(room, "16", "Sara Bennani")
    await gives(sara, "1 5", "3")
    await sara.says("/interests")
    sara.sees(
        "Please check your interests:",
        "• What you offer: Access to information, Digital services",
        "• What you seek: Citizen participation",
        "• Partnerships sought: national and international",
    )
    await sara.taps("Change what I offer")
    assert chosen(sara) == ["Access to information", "Digital services"]
    await sara.says("5 6")
    await sara.taps("Done")
    sara.sees("• What you offer: Access to information, Inclusion of women and youth")
    await sara.taps("Change the project")
    await sara.says("Un budget participatif des jeunes")
    await sara.taps("Confirm")
    sara.sees(
        "• A project you are proud of: “Un budget participatif des jeunes” "
        "(themes: Participatory budgeting, Inclusion of women and youth)"
    )
    await sara.taps("Save")
    stored = await profile_of(room, sara)
    assert stored.offers == ["access_to_information", "women_youth_inclusion"]
    assert stored.seeks == ["citizen_participation"]
    assert stored.offer_text == "Un budget participatif des jeunes"
    assert await profiles(room) == 1


# who may use it


async def test_someone_not_registered_is_refused(room):
    stranger = Person(room.conversation, "17")
    await stranger.says("/interests")
    stranger.sees("لم تقوموا بالتسجيل بعد. يرجى إرسال \u2066/start\u2069 للتسجيل.")
    registering = Person(room.conversation, "18")
    await registering.begins("English")
    await registering.says("/interests")
    registering.sees(
        "Please finish your registration first; then you can take part.",
        "What is your full name?",
    )
    assert await profiles(room) == 0


# the facilitators' counts


async def test_facilitators_see_live_counts_by_theme(room):
    lead = await registered(room, LEAD, "Lead Facilitator")
    await lead.says("/interests counts")
    lead.sees("Nobody has given their interests yet.")

    first = await registered(room, "21", "Hind Berrada")
    second = await registered(room, "22", "Karim Alaoui")
    third = await registered(room, "23", "Nadia Fassi", "Français")
    await gives(first, "4 2", "9")
    await gives(second, "4", "2 9")
    await third.says("/interests")
    await third.says("4")
    await third.taps("Terminé")
    await third.taps("Terminé")
    await third.says("Nous voulons former les agents à l'évaluation des projets")
    await third.taps("Confirmer")
    await third.taps("Passer")
    await third.taps("Les deux")
    await third.taps("Enregistrer")

    await lead.says("/interests counts")
    assert lead.text.splitlines() == [
        "3 people have given their interests.",
        "Participatory budgeting: offered by 3, sought by 0",
        "Open data and transparency: offered by 1, sought by 1",
        "Decentralised and international cooperation: offered by 0, sought by 2",
        "Capacity building: offered by 1, sought by 0",
        "Monitoring and evaluation: offered by 1, sought by 0",
    ]
    await lead.says("/language")
    await lead.taps("العربية")
    await lead.says("/interests counts")
    lead.sees(
        "3 أشخاص حددوا اهتماماتهم.",
        "الميزانية التشاركية: يقدّمه \u20683\u2069، ويبحث عنه \u20680\u2069",
    )

    await first.says("/interests counts")
    first.sees("The counts by theme are for the facilitators.")
    first.does_not_see("offered by")


# after registration


async def test_the_offer_after_registration(room):
    later = Person(room.conversation, "31")
    await later.reaches_the_summary("Laila Bennis")
    await later.taps("Confirm")
    later.sees(
        "your registration is complete",
        "Would you like to say now what you can offer and what you seek?",
    )
    assert later.labels == ["Yes, now", "Later"]
    await later.says("no")
    later.sees(
        "Very well. You can give your interests at any time with /interests.",
        "Here is what I can do:",
    )
    await later.says("hello")
    later.sees("Here is what I can do:")
    later.does_not_see("Would you like")

    now = Person(room.conversation, "32")
    await now.reaches_the_summary("Mehdi Kabbaj", "oujda")
    await now.taps("Confirm")
    await now.says("yes")
    now.sees("What can you offer?")
    assert await profiles(room) == 0


# the facilitator's prompt


DAY = date(2024, 11, 13)
AGENDA = """
[[session]]
code = "mapping"
starts = {day}T15:25:00
ends = {day}T15:40:00
title = {{ ar = "خريطة الاهتمامات", fr = "Cartographie des intérêts", en = "Interest mapping" }}
place = {{ ar = "القاعة الكبرى", fr = "Grande salle", en = "Main hall" }}

[[session.prompt]]
code = "give-interests"
at = "+1m"
kind = "interests"
audience = "all"
text.ar = "ما الذي تقدمونه وما الذي تبحثون عنه؟"
text.fr = "Vos intérêts ?"
text.en = "What do you offer and seek?"
"""


def at_local(hour: int, minute: int) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour - 1, minute, tzinfo=UTC)


async def test_the_facilitators_prompt_opens_the_flow_over_what_one_was_doing(
    database, settings, clock
):
    event = dataclasses.replace(settings.event, date=DAY)
    agenda = load(AGENDA.format(day=DAY.isoformat()), day=DAY)
    clock.current = at_local(9, 0)
    roles = Roles(facilitators=frozenset({grant(LEAD)}))
    configured = dataclasses.replace(settings, event=event, agenda=agenda, roles=roles)
    app = await bootstrap(configured, database=database, clock=clock)
    lead = Person(app.conversation, LEAD)
    await lead.begins("English")
    await lead.says("/prompt")
    lead.sees("The next prompts:", "15:26 interests button: What do you offer and seek?")
    sara = await registered(app, "41", "Sara Bennani")
    fatima = await registered(app, "42", "Fatima Alaoui", "العربية")
    await sara.says("/language")  # a question pending when the prompt comes

    clock.current = at_local(15, 26) + timedelta(seconds=1)
    await app.run_of_show.run_once()
    phone = Phone()
    await Delivery(app.database, senders(phone), clock, sleep=clock.sleep).run_once()
    [prompt] = [reply for reply in phone.received[sara.external_id] if reply.options]
    async with app.database.unit_of_work() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert (broadcast.kind, prompt.text) == ("message", "What do you offer and seek?")
    assert [(o.key, o.label) for o in prompt.options] == [
        (f"interests:{broadcast.id}", "Give my interests")
    ]
    [arabic] = [reply for reply in phone.received[fatima.external_id] if reply.options]
    assert arabic.options[0].label == "تحديد اهتماماتي"

    await sara.taps_key(prompt.options[0].key)
    sara.sees("What can you offer?")
    await gives_from_the_first_step(sara)
    sara.sees("Thank you, your interests are saved.", "Please choose your language.")
    await sara.taps("English")

    await sara.taps_key(f"interests:{broadcast.id + 1}")
    sara.sees("That button is no longer active.")
    outsider = Person(app.conversation, "43")
    await outsider.taps_key(prompt.options[0].key)
    outsider.sees("لم تقوموا بالتسجيل بعد.")
    await app.stop()


async def gives_from_the_first_step(person: Person) -> None:
    await person.says("5")
    await person.taps("Done")
    await person.taps("Done")
    await person.taps("Skip")
    await person.taps("Skip")
    await person.taps("Both")
    await person.taps("Save")


async def test_a_broadcast_composed_with_the_interests_button(room):
    sara = await registered(room, "51", "Sara Bennani")
    lead = await registered(room, LEAD, "Lead Facilitator")
    await lead.says("/broadcast")
    await lead.says("Welcome")
    await lead.taps("No buttons")
    await lead.taps("Everyone registered")
    await lead.taps("Send")
    lead.sees("(broadcast #1)")
    await sara.taps_key("interests:1")  # a plain message is not an interests prompt
    sara.sees("That button is no longer active.")
    await lead.says("/broadcast")
    await lead.says("Please give your interests now")
    await lead.taps("A button to give one's interests")
    await lead.taps("Everyone registered")
    await lead.taps("Send")
    lead.sees("Sent to 2 people")
    phone = Phone()
    clock = room.services.clock
    await Delivery(room.database, senders(phone), clock, sleep=clock.sleep).run_once()
    [welcome, message] = phone.received[sara.external_id]
    assert (welcome.options, message.options[0].key) == ((), "interests:2")
    await sara.taps_key(message.options[0].key)
    sara.sees("What can you offer?")


async def test_a_broadcast_composed_with_the_commitment_button(room):
    sara = await registered(room, "52", "Sara Bennani")
    lead = await registered(room, LEAD, "Lead Facilitator")
    await lead.says("/broadcast")
    await lead.says("Your commitment, please")
    await lead.taps("A button to make a commitment")
    await lead.taps("Everyone registered")
    await lead.taps("Send")
    lead.sees("Sent to 2 people", "(broadcast #1)")
    phone = Phone()
    clock = room.services.clock
    await Delivery(room.database, senders(phone), clock, sleep=clock.sleep).run_once()
    [message] = phone.received[sara.external_id]
    [button] = message.options
    assert (button.key, button.label) == ("commit:1", "Make a commitment")
    await sara.taps_key(button.key)
    sara.sees("What will you do to strengthen networking within the network?")


def test_an_interests_prompt_has_at_most_one_button(settings):
    two = AGENDA + 'options.ar = ["أ", "ب"]\noptions.fr = ["a", "b"]\noptions.en = ["a", "b"]\n'
    with pytest.raises(AgendaInvalid) as invalid:
        load(two.format(day=DAY.isoformat()), day=DAY)
    assert "an interests prompt has one button, its label, not 2" in str(invalid.value)
    one = AGENDA + 'options.ar = ["أعطي اهتماماتي"]\noptions.fr = ["a"]\noptions.en = ["Mine"]\n'
    agenda = load(one.format(day=DAY.isoformat()), day=DAY)
    [prompt] = agenda.session("mapping").prompts
    assert prompt.kind is PromptKind.INTERESTS and prompt.options[0].en == "Mine"
    exported = markdown(run_of_show(Catalogs(("en",), "en").translator("en"), agenda, settings))
    assert "15:26 — Interests button, to everyone registered" in exported
    assert "Button: Mine" in exported


async def test_saving_ones_interests_shows_whom_to_meet_at_once(room):
    sara = await registered(room, "31", "Sara Bennani")
    await gives(sara, offers="1", seeks="2")
    karim = Person(room.conversation, "32")
    karim.name = "Karim Tazi"
    await karim.registers("Karim Tazi", place="oujda")
    await gives(karim, offers="2", seeks="1")
    karim.sees(
        "Sara Bennani",
        "Offers experience in access to information, which you are looking for, "
        "and seeks yours in open data and transparency.",
    )
    assert any(label.startswith("I'd like to connect") for label in karim.labels)
