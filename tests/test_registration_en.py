"""Registration transcripts in English, with the core as any channel would reach it."""

from __future__ import annotations

from sqlalchemy import func, select
from transcript import Person, channel_under_test

from db.models import ChannelAccount, DialogueState, EventRegistration, Participant


async def register(person: Person, *, name="Sara Bennani", place="Berkane") -> None:
    await person.begins("English")
    await person.says(name)
    await person.says(place)
    await person.taps("Commune de Berkane")
    await person.says("Head of the cooperation unit")
    await person.taps("Skip")
    await person.taps("Skip")
    await person.taps("I agree")
    await person.taps("Confirm")


async def count(app, model) -> int:
    async with app.database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_full_registration_in_english(app):
    sara = Person(app.conversation, "1001")

    await sara.says("/start")
    sara.sees("Please choose your language.")
    assert sara.labels == ["العربية", "Français", "English"]

    await sara.taps("English")
    sara.sees("What is your full name?")

    await sara.says("Sara Bennani")
    sara.sees("Which collectivity do you represent?")

    await sara.says("berkan")
    sara.sees("Which one is yours?")
    assert "Commune de Berkane" in sara.labels

    await sara.taps("Commune de Berkane")
    sara.sees("What is your position")

    await sara.says("Head of the cooperation unit")
    sara.sees("phone number")
    assert sara.replies[-1].contact_request == "Share my phone number"

    await sara.says("06 12 34 56 78")
    sara.sees("email address")

    await sara.says("sara.bennani@example.ma")
    sara.sees("Law 09-08")

    await sara.taps("I agree")
    sara.sees(
        "Name: Sara Bennani",
        "Commune de Berkane — Région de l'Oriental",
        "Position: Head of the cooperation unit",
        "Phone: +212 6 12 34 56 78",
        "Email: sara.bennani@example.ma",
    )

    await sara.taps("Confirm")
    sara.sees(
        "Thank you, Sara Bennani: your registration is complete. We look forward to seeing you "
        "at the REMACTO national meeting on 13 November 2024 in Saïdia."
    )
    sara.sees("Would you like to say now what you can offer and what you seek?")
    await sara.taps("Later")
    sara.sees("You can give your interests at any time with /interests.", "Here is what I can do:")

    async with app.database.unit_of_work() as session:
        participant = await session.scalar(select(Participant))
        assert participant.full_name == "Sara Bennani"
        assert participant.phone == "+212612345678"
        assert participant.email == "sara.bennani@example.ma"
        accounts = await session.scalars(
            select(ChannelAccount.locale).where(ChannelAccount.participant_id == participant.id)
        )
        assert list(accounts) == ["en"]
        assert participant.collectivity.code == "C-BERKANE"
        assert participant.consented_at is not None
    assert await count(app, EventRegistration) == 1
    assert await count(app, DialogueState) == 0


async def test_registered_person_who_starts_again_gets_the_profile_not_a_new_registration(app):
    sara = Person(app.conversation, "1002")
    await register(sara)

    await sara.says("/start")
    sara.sees("Your profile:", "Name: Sara Bennani", "/help")
    assert sara.options == []
    assert await count(app, Participant) == 1

    await sara.says("/me")
    sara.sees("Commune de Berkane", "Phone: not given", "Language: English")


async def test_corrections_from_the_summary(app):
    omar = Person(app.conversation, "1003")
    await omar.begins("English")
    await omar.says("Omar Tazi")
    await omar.says("oujda")
    await omar.taps("Commune d'Oujda")
    await omar.says("Focal point")
    await omar.shares_contact("212661234567")
    await omar.taps("Skip")
    await omar.taps("I agree")
    omar.sees("Name: Omar Tazi", "Phone: +212 6 61 23 45 67")

    await omar.taps("Correct the name")
    omar.sees("What is your full name?")
    await omar.says("Omar El Tazi")
    omar.sees("Please check your details:", "Name: Omar El Tazi")

    await omar.taps("Correct the collectivity")
    await omar.taps("Browse by region")
    omar.sees("Choose your region.")
    await omar.taps("Fès-Meknès")
    omar.sees("Choose the region itself, a commune, or a prefecture or province")
    await omar.taps("Préfecture de Fès")
    omar.sees("Choose the prefecture itself, or one of its communes.")
    assert omar.labels[:2] == ["Préfecture de Fès", "Commune de Fès"]
    await omar.taps("Commune de Fès")
    omar.sees("Please check your details:", "Commune de Fès — Région de Fès-Meknès")

    await omar.taps("Correct the email")
    await omar.says("omar@example.ma")
    omar.sees("Email: omar@example.ma")

    await omar.taps("Confirm")
    async with app.database.unit_of_work() as session:
        participant = await session.scalar(select(Participant))
        assert (participant.full_name, participant.collectivity.code) == ("Omar El Tazi", "C-FES")
        assert participant.email == "omar@example.ma"


async def test_typed_numbers_and_labels_answer_choices(app):
    lina = Person(app.conversation, "1004")
    await lina.says("/start")
    await lina.says("٣")
    lina.sees("What is your full name?")
    await lina.says("Lina")
    await lina.says("Browse by region")
    lina.sees("Choose your region.")
    await lina.says("2")
    lina.sees("Choose the region itself")
    assert any("Berkane" in label for label in lina.labels)


async def test_refusing_consent_keeps_nothing(app):
    nadia = Person(app.conversation, "1005")
    await nadia.begins("English")
    await nadia.says("Nadia Alaoui")
    await nadia.says("Saïdia")
    await nadia.taps("Saïdia")
    await nadia.says("Director")
    await nadia.says("0612345678")
    await nadia.says("nadia@example.ma")
    await nadia.taps("I do not agree")
    nadia.sees("Nothing personal has been kept", "/start")

    assert await count(app, Participant) == 0
    assert await count(app, DialogueState) == 0

    await nadia.says("/start")
    nadia.sees("Please choose your language.")


async def test_erasing_personal_data(app):
    sara = Person(app.conversation, "1006")
    await register(sara)

    await sara.says("/delete_me")
    sara.sees("erases your profile for good")
    await sara.taps("No, keep it")
    sara.sees("Nothing was erased.")
    assert await count(app, Participant) == 1

    await sara.says("/delete_me")
    await sara.taps("Yes, erase my data")
    sara.sees("Your personal data has been erased.")
    assert await count(app, Participant) == 0
    assert await count(app, EventRegistration) == 0
    assert await count(app, ChannelAccount) == 0

    await sara.says("/me")
    sara.sees("لم تقوموا بالتسجيل بعد")  # erased with the rest: the language choice too


async def test_erasing_removes_every_account_of_the_person(app, clock):
    sara = Person(app.conversation, "1016")
    await register(sara)
    bystander = Person(app.conversation, "1017")
    await register(bystander, name="Nadia Alaoui")
    async with app.database.unit_of_work() as session:
        mine = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_id == "1016")
        )
        session.add(
            ChannelAccount(
                channel="console",
                external_id="sara",
                participant_id=mine.participant_id,
                locale="en",
                created_at=clock(),
            )
        )
    on_console = Person(app.conversation, "sara", channel="console")
    await on_console.says("/me")
    on_console.sees("Name: Sara Bennani")

    await sara.says("/delete_me")
    await sara.taps("Yes, erase my data")
    sara.sees("Your personal data has been erased.")
    async with app.database.unit_of_work() as session:
        accounts = select(ChannelAccount.channel, ChannelAccount.external_id)
        left = (await session.execute(accounts.order_by(ChannelAccount.id))).all()
    nadia = (channel_under_test(), "1017")
    assert left == [nadia], "both of Sara's accounts are gone, Nadia's stays"
    assert await count(app, Participant) == 1

    await on_console.says("/me")
    on_console.sees("لم تقوموا بالتسجيل بعد")


async def test_deep_link_invitation_preselects_the_collectivity(app):
    karim = Person(app.conversation, "1007")
    await karim.says("/start saidia-2024")
    karim.sees("السعيدية")
    await karim.taps("English")
    await karim.says("Karim")
    karim.sees("What is your position")


async def test_unknown_invitation_code_is_said_and_registration_goes_on(app):
    karim = Person(app.conversation, "1008")
    await karim.says("/start nope-123")
    karim.sees("لم أتعرف على رمز الدعوة هذا")
    assert karim.labels == ["العربية", "Français", "English"]


async def test_cancel_drops_the_draft(app):
    ali = Person(app.conversation, "1009")
    await ali.begins("English")
    await ali.says("Ali")
    await ali.says("/cancel")
    ali.sees("Registration cancelled")
    assert await count(app, DialogueState) == 0
    assert await count(app, ChannelAccount) == 0
    await ali.says("/cancel")
    ali.sees("لا توجد أي خطوة جارية يمكن إلغاؤها.")  # the language choice was dropped with the rest


async def test_language_can_be_switched_in_the_middle_and_the_step_resumes(app):
    ali = Person(app.conversation, "1010")
    await ali.begins("English")
    await ali.says("Ali")
    ali.sees("Which collectivity")
    await ali.says("/language")
    await ali.taps("Français")
    assert len(ali.replies) == 2
    assert ali.replies[1].options, "the pending question is asked again"
    ali.does_not_see("Which collectivity")
    await ali.says("/language")
    await ali.taps("English")
    ali.sees("Which collectivity")
    await ali.says("berkane")
    ali.sees("Which one is yours?")


async def test_a_delivery_seen_twice_has_no_second_effect(app):
    """Seen again before its replies left, an update gives back the same stored rows."""
    from handlers.messages import Inbound

    first = Inbound.message(channel_under_test(), "1011", "/start", update_id="77")
    written = await app.conversation.handle(first)
    assert written
    assert await app.conversation.handle(first) == written, "the same rows, none new"
    choose = Inbound.choice(channel_under_test(), "1011", "lang:en", update_id="78")
    chosen = await app.conversation.handle(choose)
    assert await app.conversation.handle(choose) == chosen
    name = await app.conversation.handle(Inbound.message(channel_under_test(), "1011", "Ali", "79"))
    assert "Which collectivity" in name[0].reply.text


async def test_a_failure_inside_the_core_is_apologised_for_and_nothing_is_kept(app, monkeypatch):
    from handlers import conversation
    from handlers.flow import Flow, Step

    async def broken(ctx, answer):
        raise RuntimeError("disk on fire")

    sara = Person(app.conversation, "1012")
    await sara.begins("English")
    registration = conversation.FLOWS["registration"]
    steps = {**registration.steps, "name": Step(registration.steps["name"].prompt, broken)}
    monkeypatch.setitem(conversation.FLOWS, "registration", Flow("registration", "language", steps))
    await sara.says("Sara")
    sara.sees("Sorry, something went wrong on our side.")
    monkeypatch.undo()
    await sara.says("Sara")
    sara.sees("Which collectivity")


async def test_cancelling_a_side_step_returns_to_the_registration(app):
    ali = Person(app.conversation, "1013")
    await ali.begins("English")
    await ali.says("Ali")
    await ali.says("/language")
    await ali.says("/cancel")
    ali.sees("Cancelled.", "Which collectivity")
    await ali.says("/delete_me")
    await ali.taps("No, keep it")
    ali.sees("Nothing was erased.", "Which collectivity")
    await ali.says("berkane")
    ali.sees("Which one is yours?")
