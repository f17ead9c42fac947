"""/commit and /commitments as focal points live them: the whole flow in Arabic («نهاية
دجنبر») and in French ("fin mars"); a date that is ambiguous, past or vague; the one-tap
choices; partners from a connection, a round and a search; what Save writes (the
commitment, its history, its follow-ups); the list, an edit of the deadline, a withdrawal;
someone else's commitment; /cancel; a stranger; the facilitator's prompt button."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from transcript import Person, Phone, senders

from bot.delivery.dispatcher import Delivery
from db import broadcasts
from db.models import (
    Commitment,
    CommitmentPartner,
    CommitmentUpdate,
    FollowUp,
    MatchRequest,
    NetworkingRound,
    Participant,
    RoundSeat,
)

ARABIC_TEXT = "سننظم لقاء شهريا عن بعد لتبادل التجارب حول المعطيات المفتوحة"
FRENCH_TEXT = "Organiser une rencontre mensuelle sur les données ouvertes avec nos voisins"


async def registered(app, external_id: str, name: str, place: str = "berkane", language=None):
    person = Person(app.conversation, external_id)
    person.name = name
    await person.registers(name, place)
    if language is not None:
        await person.says("/language")
        await person.taps(language)
    return person


async def participant_id(app, person: Person) -> int:
    async with app.database.unit_of_work() as session:
        return await session.scalar(
            select(Participant.id).where(Participant.full_name == person.name)
        )


async def commitments(app) -> list[Commitment]:
    async with app.database.unit_of_work() as session:
        return list(await session.scalars(select(Commitment).order_by(Commitment.id)))


async def follow_ups(app, commitment_id: int) -> list[FollowUp]:
    async with app.database.unit_of_work() as session:
        rows = await session.scalars(
            select(FollowUp)
            .where(FollowUp.commitment_id == commitment_id)
            .order_by(FollowUp.sequence)
        )
        return list(rows)


ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def reads(person: Person, *fragments: str) -> None:
    """``person.sees``, the invisible marks that keep a date or a name in its direction aside."""
    text = person.text.translate(ISOLATES)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


def due(row: FollowUp) -> datetime:
    moment = row.due_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def commits_quickly(person: Person, text: str = FRENCH_TEXT, when: str = "In 3 months"):
    """The quick way through, in English: the suggested theme, no partner, a one-tap date."""
    await person.says("/commit")
    await person.says(text)
    await person.taps("Confirm")
    await person.taps("No partner")
    await person.taps(when)
    await person.taps("Skip")
    await person.taps("Save")
    person.sees("Thank you, your commitment is saved.")


async def test_the_whole_flow_in_arabic_with_the_end_of_december(app):
    sara = await registered(app, "1", "Sara Bennani", language="العربية")
    await sara.says("/commit")
    sara.sees("ما الذي ستقومون به لتعزيز التشبيك داخل الشبكة؟")
    await sara.says(ARABIC_TEXT)
    sara.sees("المحور كما فهمته:")
    assert "✓ المعطيات المفتوحة والشفافية" in sara.labels
    await sara.taps("تأكيد")
    sara.sees("مع أي جماعات ترابية ستنجزونه؟")
    await sara.taps("دون شريك")
    sara.sees("ما أجل الإنجاز؟")
    await sara.says("نهاية دجنبر")
    reads(sara, "فهمت: الثلاثاء 31 دجنبر 2024 (آخر يوم من الشهر أو السنة).")
    sara.sees("كيف ستعرفون أن الالتزام قد أُنجز؟")
    await sara.says("عقد ثلاثة لقاءات على الأقل")
    reads(
        sara,
        "المرجو التحقق من التزامكم:",
        f"• ما ستقومون به: «{ARABIC_TEXT}»",
        "• المحور: ",
        "• الجماعات الشريكة: لا شيء",
        "• الأجل: الثلاثاء 31 دجنبر 2024",
        "• مؤشر النجاح: عقد ثلاثة لقاءات على الأقل",
    )
    assert await commitments(app) == [], "nothing is stored before Save"
    await sara.taps("حفظ")
    reads(
        sara,
        "شكرًا لكم، تم حفظ التزامكم.",
        "سأسألكم عن تقدم الإنجاز، أول مرة يوم الجمعة 15 نونبر 2024.",
    )
    [commitment] = await commitments(app)
    assert commitment.participant_id == await participant_id(app, sara)
    assert (commitment.theme, commitment.deadline) == ("open_data_transparency", date(2024, 12, 31))
    assert (commitment.status, commitment.indicator) == ("open", "عقد ثلاثة لقاءات على الأقل")
    async with app.database.unit_of_work() as session:
        history = list(await session.scalars(select(CommitmentUpdate)))
    assert [(h.source, h.status) for h in history] == [("created", "open")]
    planned = await follow_ups(app, commitment.id)
    assert [row.status for row in planned] == ["pending"] * 6
    # 15 November 2024, 10:00 in Casablanca (+01:00): 14 days after it was made
    assert due(planned[0]) == datetime(2024, 11, 15, 9, 0, tzinfo=UTC)
    assert due(planned[3]) == datetime(2024, 12, 31, 9, 0, tzinfo=UTC), "on the deadline"


async def test_the_whole_flow_in_french_with_the_end_of_march(app):
    nadia = await registered(app, "2", "Nadia Idrissi", language="Français")
    await nadia.says("/commit")
    nadia.sees("Que ferez-vous pour renforcer le réseautage au sein du réseau\u202f?")
    await nadia.says(FRENCH_TEXT)
    nadia.sees("Son thème, tel que je l'ai compris\u202f:")
    await nadia.taps("Confirmer")
    await nadia.taps("Aucun partenaire")
    await nadia.says("fin mars")
    nadia.sees("J'ai compris\u202f: lundi 31 mars 2025 (le dernier jour du mois ou de l'année).")
    await nadia.taps("Passer")
    nadia.sees("• Échéance\u202f: lundi 31 mars 2025", "• Indicateur de réussite\u202f: non")
    await nadia.taps("Enregistrer")
    nadia.sees("Merci, votre engagement est enregistré.")
    [commitment] = await commitments(app)
    assert (commitment.deadline, commitment.indicator) == (date(2025, 3, 31), None)


async def test_an_ambiguous_date_is_confirmed_by_a_tap(app):
    sara = await registered(app, "3", "Sara Bennani")
    await sara.says("/commit")
    await sara.says(FRENCH_TEXT)
    await sara.taps("Confirm")
    await sara.taps("No partner")
    await sara.says("fin novembre")  # on 1 November: this one or next year's?
    sara.sees("We are in that month already: do you mean this one, or next year's?")
    assert sara.labels == ["Saturday 30 November 2024", "Sunday 30 November 2025", "Another date"]
    await sara.taps("2025")
    await sara.taps("Skip")
    sara.sees("• Deadline: Sunday 30 November 2025")
    await sara.taps("Save")
    [commitment] = await commitments(app)
    assert commitment.deadline == date(2025, 11, 30)


async def test_a_past_date_and_soon_are_refused_with_the_reason(app):
    sara = await registered(app, "4", "Sara Bennani", language="العربية")
    await sara.says("/commit")
    await sara.says(ARABIC_TEXT)
    await sara.taps("تأكيد")
    await sara.taps("دون شريك")
    await sara.says("31/10/2024")
    reads(sara, "هذا التاريخ، 31 أكتوبر 2024، قد مضى: المرجو ذكر تاريخ ابتداء من اليوم.")
    sara.sees("ما أجل الإنجاز؟")
    await sara.says("قريبا")
    sara.sees("أحتاج إلى تاريخ محدد بدل «قريبا»")
    sara.sees("ما أجل الإنجاز؟")
    await sara.says("31/02/2025")
    sara.sees("هذا التاريخ غير موجود")
    await sara.says("في رمضان")
    sara.sees("يتوقف بدء الشهر الهجري أو العيد على رؤية الهلال")
    await sara.says("/cancel")
    assert await commitments(app) == []


async def test_one_tap_three_months(app):
    sara = await registered(app, "5", "Sara Bennani")
    await commits_quickly(sara, when="In 3 months (1 February 2025)")
    [commitment] = await commitments(app)
    assert commitment.deadline == date(2025, 2, 1)


async def test_partners_from_a_connection_a_round_and_a_search(app):
    sara = await registered(app, "10", "Sara Bennani", "berkane")
    karim = await registered(app, "11", "Karim Tazi", "oujda")
    lina = await registered(app, "12", "Lina Fassi", "tetouan")
    omar = await registered(app, "13", "Omar Alami", "nador")  # sat at another table
    ids = {p.name: await participant_id(app, p) for p in (sara, karim, lina, omar)}
    now = app.services.clock()
    async with app.database.unit_of_work() as session:
        session.add(
            MatchRequest(
                event_id=app.services.event_id,
                requester_id=ids["Karim Tazi"],
                requested_id=ids["Sara Bennani"],
                status="accepted",
                reasons={},
                created_at=now,
            )
        )
        rounds = NetworkingRound(
            event_id=app.services.event_id,
            number=1,
            mode="pairs",
            size=2,
            minutes=8,
            audience="all",
            started_at=now,
            ends_at=now + timedelta(minutes=8),
        )
        session.add(rounds)
        await session.flush()
        for name, table in (("Sara Bennani", 1), ("Lina Fassi", 1), ("Omar Alami", 2)):
            session.add(RoundSeat(round_id=rounds.id, participant_id=ids[name], table_number=table))
    await sara.says("/commit")
    await sara.says(FRENCH_TEXT)
    await sara.taps("Confirm")
    sara.sees("Listed first: those you connected with or sat with in the rounds")
    offered = sara.labels
    assert offered[:2] == ["Commune d'Oujda", "Commune de Tétouan"], offered
    assert not any("Nador" in label for label in offered)
    await sara.says("1 2")
    assert sara.labels[:2] == ["✓ Commune d'Oujda", "✓ Commune de Tétouan"]
    await sara.says("tanger")
    sara.sees("I found")
    await sara.taps("Commune de Tanger")
    sara.sees("Chosen: Commune d'Oujda, Commune de Tétouan, Commune de Tanger")
    await sara.taps("Done")
    await sara.taps("In 6 months")
    await sara.taps("Skip")
    sara.sees("• Partners: Commune d'Oujda, Commune de Tétouan, Commune de Tanger")
    await sara.taps("Save")
    [commitment] = await commitments(app)
    async with app.database.unit_of_work() as session:
        partners = await session.scalar(
            select(func.count())
            .select_from(CommitmentPartner)
            .where(CommitmentPartner.commitment_id == commitment.id)
        )
    assert partners == 3
    await sara.says("/commitments")
    await sara.taps("Edit 1")
    await sara.taps("Change the partners")
    await sara.taps("No partner")
    sara.sees("• Partners: none")
    await sara.taps("Save")
    sara.sees("Your commitment is updated.")
    async with app.database.unit_of_work() as session:
        left = await session.scalar(select(func.count()).select_from(CommitmentPartner))
        notes = list(
            await session.scalars(
                select(CommitmentUpdate.note).where(CommitmentUpdate.source == "edited")
            )
        )
    assert (left, notes) == (0, ["partners"])


async def test_listed_edited_then_withdrawn(app, clock):
    sara = await registered(app, "20", "Sara Bennani")
    await commits_quickly(sara, when="In 3 months")
    await commits_quickly(sara, text="Publier nos données ouvertes", when="In 6 months")
    await sara.says("/commitments")
    sara.sees(
        "Your commitments:",
        f"1. “{FRENCH_TEXT}” — open, by 1 February 2025",
        "2. “Publier nos données ouvertes” — open, by 1 May 2025",
    )
    assert sara.labels == ["Edit 1", "Withdraw 1", "Edit 2", "Withdraw 2"]
    first, _ = await commitments(app)
    before = await follow_ups(app, first.id)
    clock.advance(days=20)  # the first follow-up (15 November) is past
    await sara.says("/commitments")
    await sara.taps("Edit 1")
    sara.sees("Please check your commitment:", "• Deadline: Saturday 1 February 2025")
    await sara.taps("Change the deadline")
    sara.sees("The deadline now: Saturday 1 February 2025.")
    await sara.says("fin juin")
    await sara.taps("Save")
    sara.sees("Your commitment is updated.")
    after = await follow_ups(app, first.id)
    cancelled = [row for row in after if row.status == "cancelled"]
    pending = [row for row in after if row.status == "pending"]
    assert len(cancelled) == len(before) and len(pending) > 0
    assert min(row.sequence for row in pending) == len(before) + 1, "keys never reused"
    assert due(pending[0]).date() > date(2024, 11, 21), "only days after today"
    assert any(due(row).date() == date(2025, 6, 30) for row in pending), "on the new deadline"
    [edited] = [c for c in await commitments(app) if c.id == first.id]
    assert edited.deadline == date(2025, 6, 30)
    async with app.database.unit_of_work() as session:
        sources = list(
            await session.scalars(
                select(CommitmentUpdate.source)
                .where(CommitmentUpdate.commitment_id == first.id)
                .order_by(CommitmentUpdate.id)
            )
        )
    assert sources == ["created", "edited"]
    await sara.says("/commitments")
    await sara.taps("Withdraw 1")
    sara.sees("Withdraw this commitment?")
    await sara.taps("No, keep it")
    sara.sees("Very well, your commitment stays as it is.")
    await sara.says("/commitments")
    await sara.taps("Withdraw 1")
    await sara.taps("Yes, withdraw it")
    sara.sees("Your commitment is withdrawn; no more follow-ups will be sent for it.")
    assert not [row for row in await follow_ups(app, first.id) if row.status == "pending"]
    await sara.says("/commitments")
    sara.sees(f"1. “{FRENCH_TEXT}” — withdrawn, by 30 June 2025")
    assert sara.labels == ["Edit 2", "Withdraw 2"], "a withdrawn commitment has no buttons"


async def test_nobody_touches_someone_elses_commitment(app):
    sara = await registered(app, "30", "Sara Bennani")
    await commits_quickly(sara)
    [commitment] = await commitments(app)
    karim = await registered(app, "31", "Karim Tazi", "oujda")
    for action in ("edit", "drop", "confirm"):
        await karim.taps_key(f"commitment:{commitment.id}:{action}")
        karim.sees("That button is no longer active.")
    await karim.taps_key("commitment:999:confirm")
    karim.sees("That button is no longer active.")
    [unchanged] = await commitments(app)
    assert unchanged.status == "open"
    pending = [row for row in await follow_ups(app, commitment.id) if row.status == "pending"]
    assert len(pending) == 6
    await karim.says("/commitments")
    karim.sees("You have made no commitment yet.")


async def test_cancel_keeps_nothing(app):
    sara = await registered(app, "40", "Sara Bennani")
    await sara.says("/commit")
    await sara.says(FRENCH_TEXT)
    await sara.taps("Confirm")
    await sara.taps("No partner")
    await sara.taps("In 1 month")
    await sara.says("/cancel")
    sara.sees("Cancelled.")
    assert await commitments(app) == []
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(FollowUp)) == 0


async def test_someone_not_registered_is_refused(app):
    stranger = Person(app.conversation, "50")
    await stranger.says("/commit")
    stranger.sees("لم تقوموا بالتسجيل بعد.")
    await stranger.says("/commitments")
    stranger.sees("لم تقوموا بالتسجيل بعد.")
    assert await commitments(app) == []


async def test_the_facilitators_prompt_opens_commit(app):
    sara = await registered(app, "60", "Sara Bennani")
    async with app.database.unit_of_work() as session:
        created = await broadcasts.write(
            session,
            app.services.event_id,
            broadcasts.parse_audience("all"),
            {broadcasts.DEFAULT: "Your commitment, please"},
            app.services.clock(),
            kind=broadcasts.COMMIT,
            catalogs=app.services.catalogs,
        )
    phone = Phone()
    clock = app.services.clock
    await Delivery(app.database, senders(phone), clock, sleep=clock.sleep).run_once()
    [message] = phone.received[sara.external_id]
    [button] = message.options
    assert (button.key, button.label) == (f"commit:{created.id}", "Make a commitment")
    await sara.taps_key(button.key)
    sara.sees("What will you do to strengthen networking within the network?")
    await sara.says("/cancel")
    async with app.database.unit_of_work() as session:
        plain = await broadcasts.write(
            session,
            app.services.event_id,
            broadcasts.parse_audience("all"),
            {broadcasts.DEFAULT: "Welcome"},
            app.services.clock(),
        )
    for stale in (f"commit:{plain.id}", "commit:999"):  # a plain message opens nothing
        await sara.taps_key(stale)
        sara.sees("That button is no longer active.")
