"""The Law 09-08 notice before the first personal question, the consent text, and what a
refusal leaves behind (nothing that identifies the person)."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from sqlalchemy import func, select, text
from transcript import Person

from bot.bootstrap import bootstrap
from bot.config import (
    ConfigError,
    _embedded_defaults,
    load_settings,
    privacy_placeholder_warnings,
)
from db.models import Base
from locales.i18n import FSI, LRI, PDI, Catalogs, Ltr

RLI = "\u2067"
REFERENCE_TABLES = {"events", "regions", "collectivities", "agendas", "schedule"}
"""Tables that hold the event, its run of show and the collectivity list, never a person."""


async def rows_about_people(app) -> dict[str, int]:
    """Rows of every table except the reference data and the handled update ids."""
    counts = {}
    async with app.database.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in REFERENCE_TABLES | {"inbound_updates"}:
                continue
            counts[table.name] = await session.scalar(select(func.count()).select_from(table))
        columns = {column.name for column in Base.metadata.tables["inbound_updates"].columns}
        assert columns == {"channel", "update_id", "received_at"}, "update ids name nobody"
        tables = await session.run_sync(
            lambda sync: sync.connection().dialect.get_table_names(sync.connection())
        )
    known = {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"}
    assert set(tables) <= known, f"a table the test does not know: {set(tables) - known}"
    return {name: n for name, n in counts.items() if n}


async def to_consent(person: Person, language: str, *answers: str) -> None:
    await person.begins(language)
    for answer in answers:
        await person.says(answer)


def first_strong_is_arabic(line: str) -> bool:
    """As a phone lays out a paragraph: the first strong character outside isolates."""
    depth = 0
    for char in line:
        if char in (LRI, RLI, FSI):
            depth += 1
        elif char == PDI:
            depth = max(0, depth - 1)
        elif depth == 0:
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return True
            if kind == "L":
                return False
    return True


async def test_the_notice_comes_before_the_name_question_in_english(app):
    sara = Person(app.conversation, "5001")
    await sara.begins("English")
    notice, question = sara.replies
    assert "What is your full name?" in question.text
    assert "Law 09-08" in notice.text
    assert "Controller: Directorate General of Territorial Collectivities (DGCT)" in notice.text
    assert "organising the REMACTO network's meetings and their follow-up" in notice.text
    assert "consent, which I will ask for at the end" in notice.text
    assert "erased after 7 days" in notice.text


async def test_the_consent_question_states_every_element_in_english(app):
    sara = Person(app.conversation, "5002")
    await to_consent(sara, "English", "Sara Bennani", "berkane")
    await sara.taps("Commune de Berkane")
    await sara.says("Focal point")
    await sara.taps("Skip")
    await sara.taps("Skip")
    sara.sees(
        "Law 09-08",
        "Controller: Directorate General of Territorial Collectivities (DGCT)",
        "organising the REMACTO network's meetings and their follow-up",
        "your name, collectivity, position, the contact details you gave, "
        "and your messaging account id",
        "the organising team",
        "only what you choose to share",
        "24 months",
        "rights of access, rectification and opposition",
        "/me",
        "/delete_me",
        "remacto-contact@example.ma",
        "Do you agree?",
    )
    sara.does_not_see("CNDP")
    assert all(len(line) <= 200 for line in sara.text.splitlines()), "short lines on a phone"
    assert sara.labels == ["I agree", "I do not agree"]


async def test_the_consent_question_in_arabic_reads_right_to_left(app):
    fatima = Person(app.conversation, "5003")
    await fatima.begins("العربية")
    fatima.sees("المسؤول عن المعالجة", "المديرية العامة للجماعات الترابية")
    fatima.sees("ما اسمكم الكامل؟")
    notice = fatima.text
    await fatima.says("فاطمة الزهراء")
    await fatima.says("بركان")
    await fatima.taps("بركان")
    await fatima.says("مكلفة بالتعاون")
    await fatima.says("تخطي")
    await fatima.says("تخطي")
    fatima.sees(
        "للقانون رقم 09.08",
        "المعطيات ذات الطابع الشخصي",
        "المسؤول عن المعالجة",
        "تنظيم لقاءات الشبكة المغربية للجماعات الترابية المنفتحة وتتبعها",
        "اسمكم وجماعتكم الترابية وصفتكم",
        "معرّف حسابكم",
        "فريق التنظيم",
        "24 شهرًا",
        "الحق في الولوج والتصحيح والتعرض",
        f"«{LRI}/me{PDI}»",
        f"«{LRI}/delete_me{PDI}»",
        f"{LRI}remacto-contact@example.ma{PDI}",
    )
    for line in (notice + "\n" + fatima.text).splitlines():
        if any(unicodedata.bidirectional(c) in ("R", "AL") for c in line):
            assert first_strong_is_arabic(line), f"laid out left to right: {line!r}"


async def test_the_consent_question_in_french(app):
    youssef = Person(app.conversation, "5004")
    await youssef.begins("Français")
    youssef.sees("Responsable du traitement\u202f: Direction générale des collectivités")
    await youssef.says("Youssef Amrani")
    await youssef.says("berkane")
    await youssef.taps("Commune de Berkane")
    await youssef.says("Point focal")
    await youssef.taps("Passer")
    await youssef.taps("Passer")
    youssef.sees(
        "loi n°\u00a009-08",
        "données à caractère personnel",
        "Responsable du traitement\u202f:",
        "l'organisation des rencontres du réseau REMACTO et leur suivi",
        "identifiant de votre compte de messagerie",
        "l'équipe d'organisation",
        "24\u00a0mois",
        "droits d'accès, de rectification et d'opposition",
        "/me",
        "/delete_me",
        "remacto-contact@example.ma",
        "Acceptez-vous\u202f?",
    )


async def test_a_cndp_reference_is_stated_when_the_organisers_have_one(database, clock):
    settings = load_settings(environ={})
    privacy = dataclasses.replace(settings.privacy, cndp_reference="D-GC-123/2024")
    app = await bootstrap(
        dataclasses.replace(settings, privacy=privacy), database=database, clock=clock
    )
    nadia = Person(app.conversation, "5005")
    await to_consent(nadia, "English", "Nadia", "berkane")
    await nadia.taps("Commune de Berkane")
    await nadia.says("Director")
    await nadia.taps("Skip")
    await nadia.taps("Skip")
    nadia.sees("CNDP declaration or authorisation number: D-GC-123/2024")


async def test_a_refused_registration_leaves_no_identifying_row(app):
    nadia = Person(app.conversation, "5006")
    await to_consent(nadia, "Français", "Nadia Alaoui", "berkane")
    await nadia.taps("Commune de Berkane")
    await nadia.says("Directrice")
    await nadia.says("0612345678")
    await nadia.says("nadia@example.ma")
    assert await rows_about_people(app), "the draft is held until the answer"
    await nadia.taps("Je n'accepte pas")
    nadia.sees("/start")
    assert await rows_about_people(app) == {}

    await nadia.says("bonjour")
    nadia.sees("Please choose your language.", "Veuillez choisir votre langue.")
    assert nadia.labels == ["العربية", "Français", "English"]


async def test_a_cancelled_registration_leaves_no_identifying_row(app):
    ali = Person(app.conversation, "5007")
    await to_consent(ali, "English", "Ali Idrissi", "oujda")
    await ali.says("/cancel")
    ali.sees("nothing was kept")
    assert await rows_about_people(app) == {}
    async with app.database.unit_of_work() as session:
        assert await session.scalar(text("SELECT count(*) FROM inbound_updates")) > 0

    await ali.says("/me")
    ali.sees("لم تقوموا بالتسجيل بعد")
    assert await rows_about_people(app) == {}, "not even an id: the account held nothing"


def test_privacy_facts_come_from_the_configuration(tmp_path):
    shipped = load_settings(environ={})
    assert shipped.privacy.retention_months == 24
    assert shipped.privacy.cndp_reference == ""
    assert shipped.registration.draft_expiry_days == 7
    assert len(privacy_placeholder_warnings(shipped)) == 2

    own = tmp_path / "config.toml"
    own.write_text(
        _embedded_defaults()
        .replace("remacto-contact@example.ma", "donnees@remacto.ma")
        .replace("et ses partenaires du programme PACTO", "(Rabat)")
        .replace("retention_months = 24", "retention_months = 12")
        .replace('cndp_reference = ""', 'cndp_reference = "A-123/2025"'),
        "utf-8",
    )
    settings = load_settings(own, environ={})
    assert settings.privacy.contact_email == "donnees@remacto.ma"
    assert settings.privacy.retention_months == 12
    assert settings.privacy.cndp_reference == "A-123/2025"
    assert privacy_placeholder_warnings(settings) == []


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("retention_months = 24", 'retention_months = "24"', "privacy.retention_months: must be"),
        ("retention_months = 24", "retention_months = 0", "privacy.retention_months: must be"),
        ('contact_email = "remacto-contact@example.ma"', 'contact_email = "x"', "contact_email"),
        ("draft_expiry_days = 7", "draft_expiry_days = 0", "registration.draft_expiry_days"),
        ("controller = { ar", "controller = { de = 'x', ar", "privacy.controller.de"),
    ],
)
def test_bad_privacy_settings_name_the_key(tmp_path, replace, by, message):
    text = _embedded_defaults()
    assert replace in text
    own = tmp_path / "config.toml"
    own.write_text(text.replace(replace, by), "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(own, environ={})
    assert message in str(raised.value)


NEW_MESSAGES = [
    ("Before we start, a word about your data (Law 09-08):", {}),
    ("• Controller: {controller}", {"controller": "المديرية العامة PACTO"}),
    ("• Purpose: organising the REMACTO network's meetings and their follow-up.", {}),
    (
        "One last step: your consent under Law 09-08 on the protection of individuals "
        "with regard to the processing of personal data.",
        {},
    ),
    (
        "• Your rights of access, rectification and opposition: see your data with /me, "
        "correct it on the next screen, erase it with /delete_me, or write to {email}.",
        {"email": Ltr("a@example.ma")},
    ),
    ("• CNDP declaration or authorisation number: {reference}", {"reference": Ltr("D-1/24")}),
    ("Do you agree?", {}),
    (
        "Welcome back, {name}! You registered with Tawasul for an earlier meeting of "
        "the network. Here are your details:",
        {"name": "Sara Bennani"},
    ),
    (
        "Shall I register you for the {event} on {date} in {place} with these details?",
        {"event": "اللقاء الوطني", "date": "13 نونبر 2024", "place": "السعيدية"},
    ),
    (
        "This erases what you have entered so far: the answers of your unfinished "
        "registration and your language choice. Do you want to erase it?",
        {},
    ),
    ("I need words in letters here, not only numbers.", {}),
    (
        "Your message holds characters I cannot read. Please type it again rather than pasting it.",
        {},
    ),
]


@pytest.mark.parametrize(("message", "values"), NEW_MESSAGES)
def test_new_messages_read_right_to_left_in_arabic_and_wrap_well_in_french(message, values):
    catalogs = Catalogs(("ar", "fr", "en"), "ar")
    arabic = catalogs.translator("ar")._(message, **values)
    assert arabic != message
    for line in arabic.splitlines():
        assert first_strong_is_arabic(line), f"laid out left to right: {line!r}"
    french = catalogs.translator("fr")._(message, **values)
    assert french != message
    for mark in ";:?!»":
        for at in (i for i, char in enumerate(french) if char == mark):
            if mark == ":" and french[at + 1 : at + 2] != " ":
                continue
            assert french[at - 1] == "\u202f", f"no narrow no-break space before {mark!r}"
