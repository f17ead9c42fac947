"""Follow-ups of commitments over months, on a controlled clock: sent on the right local
days and hour (Africa/Casablanca, across Ramadan's change of offset), answered with one
tap, stopped once closed, moved with the deadline, never sent twice across a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from test_agenda_config import config
from test_matches import interested, joins, participant_id
from transcript import Phone, senders

from bot.bootstrap import bootstrap
from bot.config import ConfigError, load_settings
from bot.delivery.dispatcher import Delivery
from db.follow_ups import FollowUps
from db.models import Commitment, CommitmentUpdate, FollowUp, OutboxMessage, as_utc
from domain.follow_ups import FollowUpRules
from handlers.messages import from_content

BUDGETING = "participatory_budgeting"
MADE = datetime(2025, 2, 24, 9, 0, tzinfo=UTC)
"""During Ramadan 2025: Morocco is at UTC+0 from 23 February to 6 April, UTC+1 otherwise."""
DEADLINE = date(2025, 4, 28)
TEXT = "Publish the municipal budget in open data"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def commit(app, pid, *, text=TEXT, deadline=DEADLINE, theme=BUDGETING) -> int:
    """A commitment made now, with its follow-ups planned (as /commit would)."""
    now = app.services.clock()
    async with app.database.unit_of_work() as session:
        commitment = Commitment(
            event_id=app.services.event_id,
            participant_id=pid,
            text=text,
            theme=theme,
            deadline=deadline,
            status="open",
            created_at=now,
            updated_at=now,
        )
        session.add(commitment)
        await session.flush()
        await FollowUps(session).reschedule(
            commitment, now, app.services.event.timezone, app.services.follow_ups
        )
        return commitment.id


async def commitment_of(app, commitment_id):
    async with app.database.unit_of_work() as session:
        found = await session.get(Commitment, commitment_id)
        history = list(
            await session.scalars(
                select(CommitmentUpdate)
                .where(CommitmentUpdate.commitment_id == commitment_id)
                .order_by(CommitmentUpdate.id)
            )
        )
        follow_ups = list(
            await session.scalars(
                select(FollowUp)
                .where(FollowUp.commitment_id == commitment_id)
                .order_by(FollowUp.sequence)
            )
        )
        return found, history, follow_ups


async def follow_up_rows(app) -> list[OutboxMessage]:
    async with app.database.unit_of_work() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith("followup:"))
            .order_by(OutboxMessage.id)
        )
        return list(rows)


class Inbox:
    """Everyone's phone, filled by the dispatcher with the bulk rows due."""

    def __init__(self, app, clock) -> None:
        self.app, self.clock, self.phone = app, clock, Phone()

    async def sweep(self, app=None) -> int:
        """One follow-up sweep, then delivery; how many follow-ups were sent."""
        swept = await (app or self.app).follow_up_sweep.run_once()
        await Delivery(
            self.app.database, senders(self.phone), self.clock, sleep=self.clock.sleep
        ).run_once()
        return swept.sent

    def of(self, person) -> list:
        return self.phone.received.get(person.external_id, [])


@pytest.fixture
async def sara(app, clock):
    person = await joins(app, "1", "Sara Bennani", "berkane")
    clock.current = MADE
    return person


async def test_follow_ups_fire_on_the_local_days_and_hour_across_ramadan(app, clock, sara):
    inbox = Inbox(app, clock)
    commitment_id = await commit(app, await participant_id(app, sara))
    _, _, planned = await commitment_of(app, commitment_id)
    local = [
        # 10:00 in Casablanca: UTC during Ramadan (to 6 April), 09:00 UTC after it
        utc(2025, 3, 10, 10),
        utc(2025, 4, 3, 10),
        utc(2025, 4, 21, 9),
        utc(2025, 4, 28, 9),
        utc(2025, 5, 12, 9),
        utc(2025, 5, 26, 9),
    ]
    assert [as_utc(follow_up.due_at) for follow_up in planned] == local

    clock.current = utc(2025, 3, 10, 9, 59)
    assert await inbox.sweep() == 0
    assert inbox.of(sara) == []
    clock.current = utc(2025, 3, 10, 10)
    assert await inbox.sweep() == 1
    [message] = inbox.of(sara)
    assert message.text.startswith("A follow-up of your commitment:\n“" + TEXT + "”")
    assert "Deadline: 28 April 2025." in message.text
    assert [option.label for option in message.options] == [
        "Done",
        "In progress",
        "Blocked",
        "Dropped",
        "I need help",
    ]
    assert message.options[0].key == f"followup:{planned[0].id}:done"
    assert await inbox.sweep() == 0  # sent once

    clock.current = utc(2025, 4, 21, 8, 59)
    assert await inbox.sweep() == 1  # the one of 3 April, late but not lost
    assert await inbox.sweep() == 0
    clock.current = utc(2025, 4, 21, 9)
    assert await inbox.sweep() == 1
    assert len(inbox.of(sara)) == 3
    keys = [row.idempotency_key for row in await follow_up_rows(app)]
    account = (await follow_up_rows(app))[0].account_id
    assert keys == [f"followup:{follow_up.id}:{account}" for follow_up in planned[:3]]
    _, _, after = await commitment_of(app, commitment_id)
    assert [follow_up.status for follow_up in after] == ["sent"] * 3 + ["pending"] * 3


async def test_done_closes_the_commitment_and_stops_its_follow_ups(app, clock, sara):
    inbox = Inbox(app, clock)
    commitment_id = await commit(app, await participant_id(app, sara))
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    [message] = inbox.of(sara)
    sara.replies = [message]
    await sara.taps("Done")
    sara.sees("Well done! Your commitment is marked as done; no more follow-ups.")
    assert sara.labels == ["Add a note", "No note"]
    await sara.taps("Add a note")
    sara.sees("Please write your note in one sentence.")
    await sara.says("Published on the commune's website")
    sara.sees("Thank you, your note is added.")

    found, history, follow_ups = await commitment_of(app, commitment_id)
    assert found.status == "done"
    assert found.closed_at is not None
    assert [(update.status, update.source, update.note) for update in history] == [
        ("done", "followup", "Published on the commune's website")
    ]
    assert [follow_up.status for follow_up in follow_ups] == ["answered"] + ["cancelled"] * 5
    clock.advance(days=200)
    assert await inbox.sweep() == 0
    assert len(inbox.of(sara)) == 1

    sara.replies = [message]
    await sara.taps("In progress")  # an old message of a closed commitment
    sara.sees("That follow-up is no longer active.")
    assert (await commitment_of(app, commitment_id))[0].status == "done"


async def test_in_progress_then_blocked_asks_the_reason(app, clock, sara):
    inbox = Inbox(app, clock)
    commitment_id = await commit(app, await participant_id(app, sara))
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    [first] = inbox.of(sara)
    sara.replies = [first]
    await sara.taps("In progress")
    sara.sees("Noted: your commitment is in progress.")
    await sara.taps("No note")
    sara.sees("Noted, thank you.")
    assert (await commitment_of(app, commitment_id))[0].status == "in_progress"

    clock.current = utc(2025, 4, 3, 10)
    await inbox.sweep()
    sara.replies = [inbox.of(sara)[-1]]
    await sara.taps("Blocked")
    sara.sees("Noted: your commitment is blocked.", "What is blocking it?")
    await sara.says("\u200b")
    sara.sees("empty")  # asked again, nothing kept
    await sara.says("The council has not voted the budget yet")
    sara.sees("Thank you, the reason is noted.")

    found, history, follow_ups = await commitment_of(app, commitment_id)
    assert found.status == "blocked"
    assert found.blocked_reason == "The council has not voted the budget yet"
    assert [(update.status, update.note) for update in history] == [
        ("in_progress", None),
        ("blocked", "The council has not voted the budget yet"),
    ]
    assert [follow_up.status for follow_up in follow_ups[:3]] == ["answered", "answered", "pending"]
    clock.current = utc(2025, 4, 21, 9)
    assert await inbox.sweep() == 1  # a blocked commitment is still followed up


async def test_a_deadline_change_moves_the_follow_ups(app, clock, sara):
    inbox = Inbox(app, clock)
    commitment_id = await commit(app, await participant_id(app, sara))
    clock.current = utc(2025, 3, 10, 10)
    assert await inbox.sweep() == 1
    clock.current = utc(2025, 3, 20, 12)
    async with app.database.unit_of_work() as session:
        commitment = await session.get(Commitment, commitment_id)
        commitment.deadline = date(2025, 9, 30)
        await FollowUps(session).reschedule(
            commitment, clock(), app.services.event.timezone, app.services.follow_ups
        )
    clock.current = utc(2025, 4, 28, 9)  # the old deadline
    assert await inbox.sweep() == 0
    _, _, follow_ups = await commitment_of(app, commitment_id)
    pending = [as_utc(f.due_at) for f in follow_ups if f.status == "pending"]
    # halfway from 10 March to 30 September, a week before, on it, then 14 days after
    assert pending == [
        utc(2025, 6, 20, 9),
        utc(2025, 9, 23, 9),
        utc(2025, 9, 30, 9),
        utc(2025, 10, 14, 9),
        utc(2025, 10, 28, 9),
    ]
    clock.current = utc(2025, 6, 20, 9)
    assert await inbox.sweep() == 1
    assert [message.text for message in inbox.of(sara)][-1].count("30 September 2025") == 1


async def test_a_restart_in_between_changes_nothing_and_sends_nothing_twice(
    app, clock, sara, settings
):
    inbox = Inbox(app, clock)
    commitment_id = await commit(app, await participant_id(app, sara))
    clock.current = utc(2025, 3, 10, 10)
    assert await inbox.sweep() == 1
    _, _, before = await commitment_of(app, commitment_id)

    restarted = await bootstrap(settings, database=app.database, clock=clock)
    _, _, after = await commitment_of(app, commitment_id)
    assert [(f.id, f.status, f.due_at) for f in after] == [
        (f.id, f.status, f.due_at) for f in before
    ]
    assert await inbox.sweep(restarted) == 0
    assert await inbox.sweep(app) == 0
    clock.current = utc(2025, 4, 3, 10)
    both = await asyncio.gather(  # two processes sweeping at once
        app.follow_up_sweep.run_once(), restarted.follow_up_sweep.run_once()
    )
    assert sum(swept.sent for swept in both) == 1
    assert await inbox.sweep(restarted) + await inbox.sweep(app) == 0
    assert len(await follow_up_rows(app)) == 2
    assert len(inbox.of(sara)) == 2
    sara.replies = [inbox.of(sara)[-1]]
    await sara.taps("In progress")  # the restarted bot's answer handling is the same
    assert (await commitment_of(app, commitment_id))[0].status == "in_progress"


async def test_a_commitment_closed_meanwhile_is_not_followed_up(app, clock, sara):
    inbox = Inbox(app, clock)
    commitment_id = await commit(app, await participant_id(app, sara))
    async with app.database.unit_of_work() as session:
        commitment = await session.get(Commitment, commitment_id)
        commitment.status, commitment.closed_at = "withdrawn", clock()
    clock.current = utc(2025, 3, 10, 10)
    assert await inbox.sweep() == 0
    assert inbox.of(sara) == []
    _, _, follow_ups = await commitment_of(app, commitment_id)
    assert follow_ups[0].status == "cancelled"


async def test_i_need_help_names_peers_who_offered_the_theme(app, clock, sara):
    inbox = Inbox(app, clock)
    karim = await joins(app, "2", "Karim Benali", "fes")
    omar = await joins(app, "3", "Omar Fassi", "berkane")  # Sara's own commune
    youssef = await joins(app, "4", "Youssef Alami", "oujda")
    driss = await joins(app, "5", "Driss Naciri", "oujda")
    await interested(app, karim, offers=[BUDGETING])
    await interested(app, omar, offers=[BUDGETING])
    await interested(app, youssef, offers=["digital_services"])
    await interested(app, driss, seeks=[BUDGETING])
    youssef_id = await participant_id(app, youssef)
    async with app.conversation.unit_of_work() as store:
        profile = await store.networking.profile(app.services.event_id, youssef_id)
        profile.offer_text_themes = [BUDGETING]  # understood from the project he told
        await store.networking.save_profile(profile)
    commitment_id = await commit(app, await participant_id(app, sara))
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    sara.replies = [inbox.of(sara)[-1]]
    await sara.taps("I need help")
    sara.sees(
        "Your request for help is flagged to the organisers.",
        "These peers offered to share their experience of “Participatory budgeting”:",
        "• Karim Benali, ",
        "• Youssef Alami, ",
        "Would you like to add a note?",
    )
    sara.does_not_see("Omar")
    sara.does_not_see("Driss")
    found, history, follow_ups = await commitment_of(app, commitment_id)
    assert found.needs_help_at is not None
    assert found.status == "open"
    assert [(update.status, update.source) for update in history] == [("open", "followup")]
    assert follow_ups[0].status == "answered"
    await sara.taps("Add a note")
    await sara.says("We need a data platform")
    _, history, _ = await commitment_of(app, commitment_id)
    assert history[-1].note == "We need a data platform"


async def test_the_outbox_row_carries_the_template_in_the_accounts_language(app, clock):
    amal = await joins(app, "1", "Amal Idrissi", "berkane", "العربية")
    clock.current = MADE
    inbox = Inbox(app, clock)
    await commit(app, await participant_id(app, amal), text="نشر ميزانية الجماعة " * 10)
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    [row] = await follow_up_rows(app)
    template = row.content["template"]
    assert template["kind"] == "commitment_follow_up"
    assert template["language"] == "ar"
    parameters = template["parameters"]
    name, text, deadline = parameters["name"], parameters["commitment"], parameters["deadline"]
    assert name == "Amal Idrissi"
    assert len(text) == 100 and text.endswith("…")
    assert deadline == "28 أبريل 2025"
    message = from_content(row.content)  # what the dispatcher sends, the template aside
    assert message.text.count(deadline) == 1
    assert [option.key.split(":")[2] for option in message.options] == [
        "done",
        "progress",
        "blocked",
        "dropped",
        "help",
    ]
    assert inbox.of(amal)[0].text == message.text

    karim = await joins(app, "2", "Karim Benali", "fes", "Français")
    await interested(app, karim, offers=[BUDGETING])
    amal.replies = inbox.of(amal)
    await amal.taps("أحتاج إلى مساعدة")
    amal.sees("تمّ إبلاغ المنظمين بطلبكم للمساعدة.", "• \u2068Karim Benali\u2069، ")
    await amal.taps("بدون ملاحظة")
    amal.sees("تمّ التسجيل، شكرًا لكم.")
    amal.replies = inbox.of(amal)
    await amal.taps("قيد الإنجاز")
    amal.sees("تمّ التسجيل: التزامكم قيد الإنجاز.")


async def test_only_the_owner_answers_and_a_stale_tap_is_refused(app, clock, sara):
    inbox = Inbox(app, clock)
    karim = await joins(app, "2", "Karim Benali", "fes")
    commitment_id = await commit(app, await participant_id(app, sara))
    clock.current = utc(2025, 3, 10, 10)
    await inbox.sweep()
    [message] = inbox.of(sara)
    done = message.options[0].key
    await karim.taps_key(done)
    karim.sees("That follow-up is no longer active.")
    await karim.taps_key(done.replace(":done", ":note"))
    karim.sees("That follow-up is no longer active.")
    _, _, follow_ups = await commitment_of(app, commitment_id)
    pending = follow_ups[1]
    await sara.taps_key(f"followup:{pending.id}:done")  # not sent yet
    sara.sees("That follow-up is no longer active.")
    await sara.taps_key("followup:x:done")
    sara.sees("That follow-up is no longer active.")
    found, history, follow_ups = await commitment_of(app, commitment_id)
    assert found.status == "open" and history == []
    assert follow_ups[0].status == "sent"


def test_the_follow_up_rules_in_the_configuration(tmp_path):
    assert load_settings(config(tmp_path), environ={}).follow_ups == FollowUpRules()
    settings = load_settings(
        config(tmp_path, "[follow_ups]\nafter_days = 30\nhalfway = false\nhour = 9\n"),
        environ={},
    )
    assert settings.follow_ups == FollowUpRules(after_days=30, halfway=False, hour=9)
    for text, problem in [
        ("hour = 24", "follow_ups.hour: must be between 0 and 23"),
        ("after_days = 0", "follow_ups.after_days: must be between 1 and 365"),
        ("at_most = -1", "follow_ups.at_most: must be between 0 and 50"),
        ("halfway = 1", "follow_ups.halfway: must be true or false, not an integer"),
        ("every = 3", "follow_ups.every: unknown key"),
    ]:
        with pytest.raises(ConfigError) as error:
            load_settings(config(tmp_path, f"[follow_ups]\n{text}\n"), environ={})
        assert str(error.value) == problem
        assert "\n" not in str(error.value)


async def test_the_sweep_is_wired_with_the_configured_rules(database, clock, tmp_path):
    settings = load_settings(config(tmp_path, "[follow_ups]\nhour = 8\n"), environ={})
    app = await bootstrap(settings, database=database, clock=clock)
    assert app.services.follow_ups.hour == 8
    assert "followup" in app.conversation.callbacks.namespaces
