"""Unfinished registrations are personal data held before consent: they expire."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from transcript import Person

from bot.bootstrap import bootstrap
from bot.housekeeping import JOB_ID, expire_drafts
from db.models import ChannelAccount, DialogueState, Participant

IDLE = timedelta(days=7)


async def count(database, model) -> int:
    async with database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def registered(app, who: str) -> Person:
    person = Person(app.conversation, who)
    await person.registers()
    return person


async def test_an_abandoned_draft_is_erased_after_the_idle_time(app, clock):
    ahmed = Person(app.conversation, "7001")
    await ahmed.begins("English")
    await ahmed.says("Ahmed Benali")
    await ahmed.says("berkane")
    await ahmed.says("1")
    await ahmed.says("Focal point")
    await ahmed.says("0612345678")
    assert await count(app.database, DialogueState) == 1

    clock.advance(days=6, hours=23)
    assert await expire_drafts(app.database, clock(), IDLE) == 0
    assert await count(app.database, DialogueState) == 1

    clock.advance(hours=2)
    assert await expire_drafts(app.database, clock(), IDLE) == 1
    assert await count(app.database, DialogueState) == 0
    assert await count(app.database, ChannelAccount) == 0

    await ahmed.says("hello")
    ahmed.sees("Please choose your language.")


async def test_a_draft_that_moves_is_kept(app, clock):
    ahmed = Person(app.conversation, "7002")
    await ahmed.begins("English")
    clock.advance(days=6)
    await ahmed.says("Ahmed Benali")
    clock.advance(days=6)
    assert await expire_drafts(app.database, clock(), IDLE) == 0
    await ahmed.says("berkane")
    ahmed.sees("Which one is yours?")


async def test_an_account_holding_only_a_language_is_erased_too(app, clock):
    stranger = Person(app.conversation, "7003")
    await stranger.says("/language")
    await stranger.taps("Français")
    assert await count(app.database, ChannelAccount) == 1
    assert await count(app.database, DialogueState) == 0
    clock.advance(days=8)
    assert await expire_drafts(app.database, clock(), IDLE) == 1
    assert await count(app.database, ChannelAccount) == 0


async def test_a_participant_is_kept_and_only_a_stale_side_step_is_reset(app, clock):
    sara = await registered(app, "7004")
    await sara.says("/delete_me")
    assert await count(app.database, DialogueState) == 1
    clock.advance(days=30)
    assert await expire_drafts(app.database, clock(), IDLE) == 0
    assert await count(app.database, Participant) == 1
    assert await count(app.database, ChannelAccount) == 1
    assert await count(app.database, DialogueState) == 0, "the erase question no longer pending"
    await sara.says("1")
    assert await count(app.database, Participant) == 1


async def test_bootstrap_expires_drafts_at_start(database, settings, clock):
    first = await bootstrap(settings, database=database, clock=clock)
    ahmed = Person(first.conversation, "7005")
    await ahmed.begins("English")
    await ahmed.says("Ahmed Benali")
    clock.advance(days=8)
    await bootstrap(settings, database=database, clock=clock)
    assert await count(database, DialogueState) == 0
    assert await count(database, ChannelAccount) == 0


async def test_the_housekeeping_job_is_scheduled_hourly_and_runs(app, clock):
    ahmed = Person(app.conversation, "7006")
    await ahmed.begins("English")
    await app.start()
    try:
        job = app.housekeeping.scheduler.get_job(JOB_ID)
        assert job is not None
        assert job.trigger.interval == timedelta(hours=1)
        assert job.misfire_grace_time is None
        assert job.coalesce is True
        clock.advance(days=8)
        assert await app.housekeeping.run_once() == 1
    finally:
        await app.stop()
    assert not app.housekeeping.scheduler.running
    assert await count(app.database, ChannelAccount) == 0


async def test_the_expiry_follows_the_configuration(database, settings, clock):
    import dataclasses

    quick = dataclasses.replace(
        settings, registration=dataclasses.replace(settings.registration, draft_expiry_days=2)
    )
    app = await bootstrap(quick, database=database, clock=clock)
    ahmed = Person(app.conversation, "7007")
    await ahmed.begins("English")
    clock.advance(days=3)
    assert await app.housekeeping.run_once() == 1
