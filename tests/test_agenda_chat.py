"""/agenda and /next transcripts in Arabic, French and English, against a clock we move."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime

import pytest
from transcript import Person

from bot.bootstrap import bootstrap
from bot.config import SHIPPED_AGENDA
from domain.agenda import load
from locales.i18n import FSI, LRI, PDI

NNBSP = "\u202f"
SHIPPED = SHIPPED_AGENDA.read_text("utf-8")


def ltr(value: str) -> str:
    return f"{LRI}{value}{PDI}"


def utc(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


NOVEMBER = date(2024, 11, 13)
"""The event day; Africa/Casablanca is at +01:00."""
RAMADAN = date(2025, 3, 10)
"""A day of Ramadan 2025, when Africa/Casablanca is at +00:00."""


async def speaks(person: Person, language: str) -> None:
    await person.says("/language")
    await person.taps(language)


def session_times(text: str) -> list[str]:
    return re.findall(r"(\d\d:\d\d)\u2069?–\u2066?(\d\d:\d\d)", text)


# /agenda


async def test_the_programme_in_arabic(app):
    amina = Person(app.conversation, "7001")
    await amina.says("/agenda")
    assert len(amina.replies) == 1
    amina.sees(
        "برنامج اللقاء الوطني للشبكة المغربية للجماعات الترابية المنفتحة\n"
        f"{FSI}الأربعاء 13 نونبر 2024{PDI}، السعيدية\n\n"
        f"{ltr('14:30')}–{ltr('14:45')} الترحيب وتقديم أهداف الورشة والانضمام إلى المساعد "
        "الرقمي «تواصل»\nالمكان: القاعة الكبرى\n\n",
        f"{ltr('16:10')}–{ltr('16:25')} استراحة\nالمكان: فضاء الاستراحة",
        f"يرجى إرسال {ltr('/next')} لمعرفة الفقرة الجارية والفقرة الموالية.",
    )
    assert session_times(amina.text) == [
        ("14:30", "14:45"),
        ("14:45", "15:00"),
        ("15:00", "15:25"),
        ("15:25", "15:40"),
        ("15:40", "16:10"),
        ("16:10", "16:25"),
        ("16:25", "17:00"),
        ("17:00", "17:20"),
        ("17:20", "17:30"),
    ]


async def test_the_programme_in_french(app):
    karim = Person(app.conversation, "7002")
    await speaks(karim, "Français")
    await karim.says("/agenda")
    karim.sees(
        f"Programme{NNBSP}: Rencontre nationale du réseau REMACTO\n"
        "mercredi 13 novembre 2024 à Saïdia\n\n"
        "14:30–14:45 Accueil, objectifs de l'atelier et prise en main de l'assistant "
        f"«{NNBSP}Tawasul{NNBSP}»\nLieu{NNBSP}: Grande salle",
        f"17:20–17:30 Clôture{NNBSP}: évaluation de l'atelier, prochaines étapes et calendrier",
        "Envoyez /next pour voir la séquence en cours et la suivante.",
    )
    assert len(session_times(karim.text)) == 9


async def test_the_programme_in_english(app):
    sara = Person(app.conversation, "7003")
    await speaks(sara, "English")
    await sara.says("/agenda")
    sara.sees(
        "Programme: REMACTO national meeting\nWednesday 13 November 2024, Saïdia\n\n"
        "14:30–14:45 Welcome, objectives of the workshop and joining Tawasul\nPlace: Main hall",
        "16:25–17:00 Thematic tables: national and international partnership opportunities\n"
        "Place: Thematic tables area",
        "Send /next to see what is on now and what comes next.",
    )
    sara.does_not_see(LRI)


async def test_the_programme_mid_registration_then_the_question_again(app):
    sara = Person(app.conversation, "7004")
    await sara.begins("English")
    await sara.says("/agenda")
    sara.sees("Programme: REMACTO national meeting", "What is your full name?")
    await sara.says("Sara Bennani")
    sara.sees("Which collectivity do you represent?")


# /next, as the clock moves


async def test_next_in_arabic_before_during_and_after_the_event(app, clock):
    amina = Person(app.conversation, "7010")
    await amina.says("/next")
    amina.sees(
        f"يبدأ البرنامج يوم {FSI}الأربعاء 13 نونبر 2024{PDI} على الساعة {ltr('14:30')}.\n\n"
        f"الفقرة الموالية:\n{ltr('14:30')}–{ltr('14:45')} الترحيب",
        f"يرجى إرسال {ltr('/agenda')} للاطلاع على البرنامج كاملًا.",
    )

    clock.current = utc(NOVEMBER, 13, 50)
    await amina.says("/next")
    amina.sees(
        f"الفقرة الجارية:\n{ltr('14:45')}–{ltr('15:00')} كسر الجليد: كلمة واحدة عن الانفتاح "
        "في جماعتكم الترابية\nالمكان: القاعة الكبرى\nتعبّر كل نقطة اتصال بكلمة واحدة",
        f"الفقرة الموالية:\n{ltr('15:00')}–{ltr('15:25')} التشبيك: الممارسات الجيدة",
    )
    amina.does_not_see("يبدأ البرنامج")

    clock.current = utc(NOVEMBER, 16, 25)
    await amina.says("/next")
    amina.sees(
        f"الفقرة الجارية:\n{ltr('17:20')}–{ltr('17:30')} الاختتام", "هذه آخر فقرة في البرنامج."
    )

    clock.current = utc(NOVEMBER, 16, 30)
    await amina.says("/next")
    assert amina.text == "انتهى البرنامج. شكرًا لكم على مشاركتكم!"


async def test_next_in_french(app, clock):
    karim = Person(app.conversation, "7011")
    await speaks(karim, "Français")
    await karim.says("/next")
    karim.sees(
        "Le programme commence le mercredi 13 novembre 2024 à 14:30.\n\n"
        f"Ensuite{NNBSP}:\n14:30–14:45 Accueil"
    )
    clock.current = utc(NOVEMBER, 15, 0)
    await karim.says("/next")
    karim.sees(
        f"En ce moment{NNBSP}:\n15:40–16:10 Réseautage express{NNBSP}: trois tours de 8 minutes\n"
        f"Lieu{NNBSP}: Grande salle\nTawasul propose à chaque point focal",
        f"Ensuite{NNBSP}:\n16:10–16:25 Pause\nLieu{NNBSP}: Espace pause",
        "Envoyez /agenda pour voir tout le programme.",
    )
    clock.current = utc(NOVEMBER, 17, 0)
    await karim.says("/next")
    assert karim.text == f"Le programme est terminé. Merci de votre participation{NNBSP}!"


async def test_next_in_english_between_two_sessions(app, clock):
    gapped = SHIPPED.replace("ends = 2024-11-13T16:25:00", "ends = 2024-11-13T16:15:00")
    app.services.agenda = load(gapped, day=NOVEMBER)
    sara = Person(app.conversation, "7012")
    await speaks(sara, "English")
    clock.current = utc(NOVEMBER, 15, 20)
    await sara.says("/next")
    assert sara.text == (
        "Nothing is on right now.\n\n"
        "Next:\n16:25–17:00 Thematic tables: national and international partnership "
        "opportunities\nPlace: Thematic tables area\n\n"
        "Send /agenda for the whole programme."
    )
    clock.current = utc(NOVEMBER, 15, 25)
    await sara.says("/next")
    sara.sees("Now:\n16:25–17:00 Thematic tables", "Next:\n17:00–17:20 The action plan")


# across the Ramadan change of Africa/Casablanca's offset


@pytest.fixture
async def ramadan_app(database, settings, clock):
    """The same workshop held on 10 March 2025, when the clocks are at +00:00."""
    event = dataclasses.replace(settings.event, date=RAMADAN)
    agenda = load(SHIPPED.replace("2024-11-13", "2025-03-10"), day=RAMADAN)
    return await bootstrap(
        dataclasses.replace(settings, event=event, agenda=agenda), database=database, clock=clock
    )


@pytest.mark.parametrize("language", ["العربية", "Français", "English"])
async def test_next_during_ramadan_uses_the_offset_of_the_day(ramadan_app, clock, language):
    person = Person(ramadan_app.conversation, "7020")
    await speaks(person, language)

    clock.current = utc(RAMADAN, 13, 40)
    await person.says("/next")
    begins = {
        "العربية": f"يبدأ البرنامج يوم {FSI}الاثنين 10 مارس 2025{PDI} على الساعة {ltr('14:30')}.",
        "Français": "Le programme commence le lundi 10 mars 2025 à 14:30.",
        "English": "The programme begins on Monday 10 March 2025 at 14:30.",
    }
    person.sees(begins[language])

    clock.current = utc(RAMADAN, 14, 40)
    await person.says("/next")
    now = {"العربية": "الفقرة الجارية:", "Français": f"En ce moment{NNBSP}:", "English": "Now:"}
    person.sees(now[language])
    times = session_times(person.text)
    assert times == [("14:30", "14:45"), ("14:45", "15:00")], "welcome now, the icebreaker next"


async def test_the_same_instant_in_november_is_an_hour_later_locally(app, clock):
    sara = Person(app.conversation, "7021")
    await speaks(sara, "English")
    clock.current = utc(NOVEMBER, 13, 40)
    await sara.says("/next")
    sara.sees("Now:\n14:30–14:45 Welcome")


# the menus


async def test_agenda_and_next_are_in_everyones_menu(app):
    menus = app.command_menus()
    assert dict(menus["ar"])["agenda"] == "برنامج اللقاء"
    assert dict(menus["fr"])["next"] == "La séquence en cours et la suivante"
    assert dict(menus["en"])["next"] == "What is on now, and what comes next"
    sara = Person(app.conversation, "7030")
    await sara.says("/help")
    sara.sees(ltr("/agenda"), ltr("/next"))


async def test_an_arabic_title_holding_latin_letters_still_lays_out_right_to_left(app):
    latin = SHIPPED.replace('title.ar = "استراحة"', 'title.ar = "استراحة وتبادل رموز QR"').replace(
        'place.ar = "فضاء الاستراحة"', 'place.ar = "فضاء الاستراحة (Hall B)"'
    )
    app.services.agenda = load(latin, day=NOVEMBER)
    amina = Person(app.conversation, "7031")
    await amina.says("/agenda")
    amina.sees(
        f"{ltr('16:10')}–{ltr('16:25')} استراحة وتبادل رموز QR\nالمكان: فضاء الاستراحة (Hall B)"
    )
