"""The run of show on a controllable clock: reminders at their instants in each person's
language, /reminders off and on, the overdue rule after downtime, Ramadan's change of
offset, agenda changes that move and cancel, and /prompt for facilitators."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from transcript import Person, Phone, grant, senders

from bot.bootstrap import bootstrap
from bot.delivery.dispatcher import Delivery
from bot.run_of_show import load_agenda
from db.models import OutboxMessage, ScheduledItem
from domain.agenda import load
from domain.settings import ReminderSettings, Roles

DAY = date(2024, 11, 13)
AGENDA = """
[[session]]
code = "welcome"
starts = {day}T14:30:00
ends = {day}T14:45:00
reminders = true
title = {{ ar = "الترحيب", fr = "Accueil", en = "Welcome" }}
place = {{ ar = "القاعة الكبرى", fr = "Grande salle", en = "Main hall" }}

[[session.prompt]]
code = "word"
at = "+5m"
kind = "question"
audience = "all"
text = {{ ar = "كلمة واحدة؟", fr = "Un mot ?", en = "One word?" }}

[[session]]
code = "rounds"
starts = {day}T15:00:00
ends = {day}T15:30:00
reminders = true
title = {{ ar = "جولات التعارف", fr = "Tours de rencontres", en = "Networking rounds" }}
place = {{ ar = "الطاولات", fr = "Les tables", en = "The tables" }}

[[session.prompt]]
code = "ready"
at = "+1m"
kind = "card"
audience = "all"
text = {{ ar = "استعدوا", fr = "Préparez-vous", en = "Get ready" }}

[[session]]
code = "closing"
starts = {day}T15:30:00
ends = {day}T15:45:00
title = {{ ar = "الاختتام", fr = "Clôture", en = "Closing" }}
place = {{ ar = "القاعة الكبرى", fr = "Grande salle", en = "Main hall" }}
"""


def local(day: date, hour: int, minute: int = 0, offset_hours: int = 1) -> datetime:
    """A local time in Africa/Casablanca (+01:00 outside Ramadan) as a UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(
        hours=offset_hours
    )


def agenda_for(day: date, text: str = AGENDA):
    return load(text.format(day=day.isoformat()), day=day)


@pytest.fixture
async def show(database, settings, clock):
    event = dataclasses.replace(settings.event, date=DAY)
    roles = Roles(organisers=frozenset(), facilitators=frozenset({grant("facilitator")}))
    configured = dataclasses.replace(settings, event=event, agenda=agenda_for(DAY), roles=roles)
    clock.current = local(DAY, 9)
    return await bootstrap(configured, database=database, clock=clock)


class Room:
    """Everyone's phone: what the dispatcher sends of the bulk lane reaches them here."""

    def __init__(self, app) -> None:
        self.app = app
        self.phone = Phone()

    async def sweep(self) -> None:
        """One sweep of the run of show, then of the outbox, as the running bot does."""
        await self.app.run_of_show.run_once()
        clock = self.app.services.clock
        await Delivery(self.app.database, senders(self.phone), clock).run_once()

    def got(self, person: Person) -> list[str]:
        return [reply.text for reply in self.phone.received.get(person.external_id, [])]


async def registered(app, external_id: str, language: str = "English") -> Person:
    person = Person(app.conversation, external_id)
    await person.registers_speaking(language)
    return person


async def test_reminders_go_out_at_their_instants_in_each_language(show, clock):
    room = Room(show)
    fatima = await registered(show, "1", "العربية")
    claire = await registered(show, "2", "Français")

    clock.current = local(DAY, 14, 30) - timedelta(hours=24, seconds=1)
    await room.sweep()
    assert room.got(fatima) == [], "not a second early"

    clock.current = local(DAY, 14, 30) - timedelta(hours=24)
    await room.sweep()
    assert len(room.got(fatima)) == 1
    assert room.got(fatima)[0].startswith("تذكير: تنطلق أشغال")
    assert "الأربعاء 13 نونبر 2024" in room.got(fatima)[0]
    assert room.got(claire)[0].startswith("Rappel\u202f: ")
    assert "mercredi 13 novembre 2024 à 14:30" in room.got(claire)[0]

    await room.sweep()
    assert len(room.got(claire)) == 1, "a sweep again sends nothing twice"

    clock.current = local(DAY, 13, 30)
    await room.sweep()
    clock.current = local(DAY, 14, 20)
    await room.sweep()
    assert len(room.got(claire)) == 3
    assert room.got(claire)[2].startswith("Rappel\u202f: «\u202fAccueil\u202f» commence à 14:30")
    assert "Grande salle" in room.got(claire)[2]


async def test_reminders_off_and_on_again(show, clock):
    room = Room(show)
    sara = await registered(show, "3")
    await sara.says("/reminders")
    sara.sees("The reminders are on. To stop them, send /reminders off.")
    await sara.says("/reminders off")
    sara.sees("You will receive no more reminders.")

    clock.current = local(DAY, 14, 20)
    await room.sweep()
    assert room.got(sara) == [], "the welcome's reminder does not reach her"

    await sara.says("/reminders on")
    sara.sees("The reminders are on again.")
    clock.current = local(DAY, 14, 50)
    await room.sweep()
    assert room.got(sara) == [
        "Reminder: «Networking rounds» begins at 15:00, at The tables.\n\n"
        "To stop the reminders, send /reminders off."
    ]


async def test_reminders_are_for_registered_people(show):
    stranger = Person(show.conversation, "4")
    await stranger.begins("English")
    await stranger.says("/reminders off")
    stranger.sees("Reminders go to registered participants. Send /start to register.")
    await stranger.says("/reminders loud")
    stranger.sees("Send /start to register")


async def test_after_downtime_a_reminder_goes_out_only_while_still_useful(show, clock):
    room = Room(show)
    sara = await registered(show, "5", "English")

    # Down from 9:00 to 14:40: the 24 h, 1 h and 10 min reminders of the welcome (14:30)
    # are past their use; the rounds' (15:00) 10 min reminder is not yet due.
    clock.current = local(DAY, 14, 40)
    await room.sweep()
    assert room.got(sara) == ["One word?"], "no reminder late and wrong; the question, on time"
    async with show.database.unit_of_work() as session:
        statuses = dict(
            (await session.execute(select(ScheduledItem.key, ScheduledItem.status))).all()
        )
    assert statuses["reminder:event:1d"] == "skipped"
    assert statuses["reminder:session:welcome:10m"] == "skipped"
    assert statuses["reminder:session:rounds:10m"] == "pending"

    # Down again from before 14:50 to 14:55: the rounds have not begun, it still goes out.
    clock.current = local(DAY, 14, 55)
    await room.sweep()
    assert [text.split("\n")[0] for text in room.got(sara)][1:] == [
        "Reminder: «Networking rounds» begins at 15:00, at The tables."
    ]


async def test_a_reminder_not_sent_before_its_session_begins_is_dropped(show, clock):
    room = Room(show)
    sara = await registered(show, "6", "English")
    clock.current = local(DAY, 14, 50)
    await show.run_of_show.run_once()  # written to the outbox, then the bot stops
    clock.current = local(DAY, 15, 0) + timedelta(seconds=30)
    await Delivery(show.database, senders(room.phone), clock).run_once()
    assert room.got(sara) == [], "the rounds began: the reminder is not sent late"
    async with show.database.unit_of_work() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith("schedule:"))
        )
    assert (row.status, row.last_error) == ("skipped", "expired")


async def test_reminders_fire_at_the_right_instant_across_the_ramadan_change(
    database, settings, clock
):
    """On 6 April 2025 Africa/Casablanca goes from +00:00 back to +01:00 at 02:00 UTC; a
    14:30 session that day starts at 13:30 UTC, and its reminder 24 h before falls in
    the +00:00 days."""
    day = date(2025, 4, 6)
    event = dataclasses.replace(settings.event, date=day)
    clock.current = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    app = await bootstrap(
        dataclasses.replace(settings, event=event, agenda=agenda_for(day)),
        database=database,
        clock=clock,
    )
    async with app.database.unit_of_work() as session:
        fires = dict(
            (await session.execute(select(ScheduledItem.key, ScheduledItem.fires_at))).all()
        )
    as_utc = {
        key: moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        for key, moment in fires.items()
    }
    assert as_utc["reminder:event:1d"] == datetime(2025, 4, 5, 13, 30, tzinfo=UTC)
    assert as_utc["reminder:event:1h"] == datetime(2025, 4, 6, 12, 30, tzinfo=UTC)
    assert as_utc["reminder:session:welcome:10m"] == datetime(2025, 4, 6, 13, 20, tzinfo=UTC)

    room = Room(app)
    sara = await registered(app, "7", "English")
    clock.current = datetime(2025, 4, 6, 13, 19, 59, tzinfo=UTC)
    await room.sweep()
    assert len(room.got(sara)) == 2, "the 24 h and 1 h reminders, not yet the 10 min one"
    clock.current = datetime(2025, 4, 6, 13, 20, tzinfo=UTC)
    await room.sweep()
    assert room.got(sara)[-1].startswith("Reminder: «Welcome» begins at 14:30")


MOVED = AGENDA.replace("{day}T15:00:00", "{day}T15:10:00").replace(
    'code = "closing"', 'code = "farewell"'
)


async def test_a_changed_agenda_moves_and_cancels_what_is_still_to_come(show, clock):
    room = Room(show)
    sara = await registered(show, "8", "English")
    clock.current = local(DAY, 14, 20)
    await room.sweep()
    sent = len(room.got(sara))

    async with show.database.unit_of_work() as session:
        loaded = await load_agenda(
            session,
            show.services.event_id,
            agenda_for(DAY, MOVED),
            ReminderSettings(),
            clock(),
            config_digest=None,
        )
    assert loaded.changed
    assert (loaded.moved, loaded.cancelled) == (2, 0), "the rounds' reminder and prompt"
    await show.run_of_show.follow()
    await sara.says("/agenda")
    sara.sees("15:10–15:30 Networking rounds")

    clock.current = local(DAY, 14, 50)
    await room.sweep()
    assert len(room.got(sara)) == sent, "the rounds now begin at 15:10"
    clock.current = local(DAY, 15, 0)
    await room.sweep()
    assert room.got(sara)[-1].startswith("Reminder: «Networking rounds» begins at 15:10")

    # Reloaded again as it was: the rounds' reminder went out, it is not sent twice.
    async with show.database.unit_of_work() as session:
        await load_agenda(
            session,
            show.services.event_id,
            agenda_for(DAY),
            ReminderSettings(),
            clock(),
            config_digest=None,
        )
    clock.current = local(DAY, 14, 55)
    await room.sweep()
    assert len(room.got(sara)) == sent + 1


async def test_a_removed_session_cancels_its_reminders_and_a_restart_keeps_them_so(
    show, settings, clock
):
    without_rounds = AGENDA.split('[[session]]\ncode = "rounds"')[0] + (
        '[[session]]\ncode = "closing"' + AGENDA.split('[[session]]\ncode = "closing"')[1]
    )
    event = dataclasses.replace(settings.event, date=DAY)
    restarted = await bootstrap(
        dataclasses.replace(settings, event=event, agenda=agenda_for(DAY, without_rounds)),
        database=show.database,
        clock=clock,
    )
    async with restarted.database.unit_of_work() as session:
        statuses = dict(
            (await session.execute(select(ScheduledItem.key, ScheduledItem.status))).all()
        )
    assert statuses["reminder:session:rounds:10m"] == "cancelled"
    assert statuses["prompt:ready"] == "cancelled"
    assert statuses["reminder:session:welcome:10m"] == "pending"

    room = Room(restarted)
    sara = await registered(restarted, "9", "English")
    clock.current = local(DAY, 14, 55)
    await room.sweep()
    assert not [text for text in room.got(sara) if "Networking rounds" in text]


async def test_prompt_for_facilitators(show, clock):
    room = Room(show)
    sara = await registered(show, "11")
    lead = Person(show.conversation, "facilitator")
    await lead.begins("English")
    clock.current = local(DAY, 14, 31)
    await lead.says("/prompt")
    lead.sees("The next prompts:\n14:35 open question: One word?\n15:01 message: Get ready")

    await lead.says("/prompt pause")
    lead.sees("The prompts are held. Send /prompt resume to let them go again.")
    await lead.says("/prompt pause")
    lead.sees("The prompts are held already.")
    await lead.says("/prompt next")
    lead.sees("The prompts are held: send /prompt resume first.")
    await lead.says("/prompt")
    lead.sees("They are held: send /prompt resume to let them go.")
    clock.current = local(DAY, 14, 36)
    await room.sweep()
    assert room.got(sara) == [], "held: the question due at 14:35 waits"

    clock.current = local(DAY, 14, 41)
    await lead.says("/prompt resume")
    lead.sees("The prompts go again, each later by the time they were held.")
    await lead.says("/prompt")
    lead.sees("14:45 open question: One word?", "15:11 message: Get ready")

    await lead.says("/prompt skip")
    lead.sees("Skipped: 14:45 open question: One word?")
    clock.current = local(DAY, 14, 42)
    await lead.says("/prompt next")
    lead.sees("Going out now: 15:11 message: Get ready")
    await room.sweep()
    assert room.got(sara) == ["Get ready"], "the card, at once; the skipped question never"
    await lead.says("/prompt")
    lead.sees("No prompt is left in the run of show.")
    await lead.says("/prompt later")
    lead.sees("Please send /prompt alone, or followed by next, skip, pause or resume.")


async def test_a_prompt_goes_out_at_its_time_with_its_buttons(show, clock):
    room = Room(show)
    sara = await registered(show, "12")
    clock.current = local(DAY, 14, 34, 59)
    await room.sweep()
    assert room.got(sara) == []
    clock.current = local(DAY, 14, 35)
    await room.sweep()
    [question] = room.phone.received[sara.external_id]
    assert question.text == "One word?"
    assert [(option.key.split(":")[0], option.label) for option in question.options] == [
        ("ask", "Answer")
    ]
    await sara.taps_key(question.options[0].key)
    sara.sees("Please write your answer in one sentence")
    await sara.says("Openness")
    sara.sees("Thank you, your answer has been received.")


async def test_a_prompt_past_its_session_is_skipped_after_downtime(show, clock):
    room = Room(show)
    sara = await registered(show, "13")
    clock.current = local(DAY, 14, 46)  # the welcome, and its question, ended at 14:45
    await room.sweep()
    assert room.got(sara) == []
    async with show.database.unit_of_work() as session:
        status = await session.scalar(
            select(ScheduledItem.status).where(ScheduledItem.key == "prompt:word")
        )
    assert status == "skipped"


async def test_prompt_is_refused_to_a_participant(show):
    sara = await registered(show, "10", "English")
    await sara.says("/prompt next")
    sara.does_not_see("Going out now")
    async with show.database.unit_of_work() as session:
        pending = await session.scalar(
            select(ScheduledItem).where(ScheduledItem.key == "prompt:word")
        )
    assert pending.status == "pending"
    assert pending.fires_at.replace(tzinfo=UTC) == local(DAY, 14, 35)


# tawasul agenda load


@pytest.fixture
def cli(tmp_path, capsys):
    """``tawasul --config <a config in tmp_path> ARGS`` on a SQLite file there."""
    from bot.cli import main

    path = tmp_path / "config.toml"
    path.write_text(
        '[event]\ncode = "remacto-2024-saidia"\n'
        'name = { ar = "اللقاء الوطني", fr = "Rencontre nationale", en = "National meeting" }\n'
        f"date = {DAY.isoformat()}\n"
        'place = { ar = "السعيدية", fr = "Saïdia", en = "Saïdia" }\n'
        'timezone = "Africa/Casablanca"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "tawasul.db"}"\n',
        "utf-8",
    )

    def tawasul(*arguments: str) -> tuple[int, str, str]:
        code = main(["--config", str(path), *arguments])
        out, err = capsys.readouterr()
        return code, out, err

    return tawasul


async def test_agenda_load_makes_a_file_the_one_followed_until_the_configured_one_changes(
    cli, tmp_path, settings, clock
):
    from bot.config import load_settings

    moved = tmp_path / "moved.toml"
    moved.write_text(MOVED.format(day=DAY.isoformat()), "utf-8")
    code, out, err = await asyncio.to_thread(cli, "agenda", "load", str(moved))
    assert code == 0, err
    assert out == (
        f"{moved}: loaded, 3 sessions; reminders and prompts: 6 added, 0 moved, 0 cancelled\n"
    )
    code, out, _ = await asyncio.to_thread(cli, "agenda", "load", str(moved))
    assert out == f"{moved}: the bot follows this agenda already (3 sessions)\n"

    # The bot starts on its configured file (the shipped draft), unchanged since the load:
    # the agenda loaded by hand is kept.
    configured = load_settings(tmp_path / "config.toml", environ={})
    app = await bootstrap(configured, database=None, clock=clock)
    try:
        assert app.services.agenda.session("rounds").starts.strftime("%H:%M") == "15:10"
    finally:
        await app.close()

    # The configured file changes: at the next start it is the one followed.
    programme = tmp_path / "programme.toml"
    programme.write_text(AGENDA.format(day=DAY.isoformat()), "utf-8")
    config = tmp_path / "config.toml"
    config.write_text(config.read_text("utf-8") + '[agenda]\nfile = "programme.toml"\n', "utf-8")
    app = await bootstrap(load_settings(config, environ={}), database=None, clock=clock)
    try:
        assert app.services.agenda.session("rounds").starts.strftime("%H:%M") == "15:00"
    finally:
        await app.close()


def test_agenda_load_of_a_bad_file_changes_nothing(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MOVED.format(day="2024-11-14"), "utf-8")
    code, _, err = cli("agenda", "load", str(bad))
    assert code == 2
    assert err.startswith(f"tawasul: configuration error: agenda.file {bad}: ")
    assert err.count("\n") == 1
    code, _, err = cli("agenda", "load", str(tmp_path / "missing.toml"))
    assert (code, err) == (
        2,
        f"tawasul: {tmp_path / 'missing.toml'}: no such file; give the "
        "path of an agenda file (TOML or CSV)\n",
    )
