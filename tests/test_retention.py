"""A profile is kept for the retention period the consent text states, then erased."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update
from transcript import Person, channel_under_test

from bot.housekeeping import expire_profiles, months_before
from db import broadcasts
from db.broadcasts import parse_audience
from db.models import ChannelAccount, EventRegistration, OutboxMessage, Participant
from handlers.messages import Inbound


async def count(database, model) -> int:
    async with database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def register(app, who: str) -> Person:
    person = Person(app.conversation, who)
    await person.registers()
    return person


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 13), 24, date(2024, 11, 13)),
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 15), 1, date(2024, 12, 15)),
        (date(2025, 12, 31), 12, date(2024, 12, 31)),
    ],
)
def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month(day, months, expected):
    assert months_before(day, months) == expected


async def test_a_profile_is_erased_the_day_after_its_retention_period(app):
    await register(app, "8001")
    # The event is on 13 November 2024; the shipped retention is 24 months.
    assert app.settings.privacy.retention_months == 24
    assert await expire_profiles(app.database, date(2026, 11, 13), 24) == 0
    assert await count(app.database, Participant) == 1

    assert await expire_profiles(app.database, date(2026, 11, 14), 24) == 1
    assert await count(app.database, Participant) == 0
    assert await count(app.database, ChannelAccount) == 0
    assert await count(app.database, EventRegistration) == 0


async def test_the_hourly_job_applies_the_retention_in_the_event_time_zone(app, clock):
    sara = await register(app, "8002")
    clock.current = datetime(2026, 11, 13, 22, 59, tzinfo=UTC)  # 23:59 in Casablanca
    await app.housekeeping.run_once()
    assert await count(app.database, Participant) == 1
    clock.current = datetime(2026, 11, 13, 23, 1, tzinfo=UTC)  # 14 November, 00:01
    await app.housekeeping.run_once()
    assert await count(app.database, Participant) == 0
    await sara.says("/me")
    sara.sees("لم تقوموا بالتسجيل بعد.")  # the language choice went with the account


async def outbox_lanes(database) -> list[tuple[str, str]]:
    async with database.unit_of_work() as session:
        rows = await session.execute(
            select(OutboxMessage.lane, OutboxMessage.status).order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]


async def test_a_sent_reply_is_deleted_after_its_days_and_a_broadcast_copy_is_kept(app, clock):
    await register(app, "8003")
    replies = await outbox_lanes(app.database)
    assert replies and set(replies) == {("reply", "sent")}
    await broadcasts.create(
        app.database,
        app.conversation.services.event_id,
        parse_audience("all"),
        {"default": "x"},
        clock(),
    )
    async with app.database.unit_of_work() as session:
        await session.execute(update(OutboxMessage).values(status="sent"))
    assert app.settings.privacy.sent_replies_days == 7

    clock.advance(days=6, hours=23)
    await app.housekeeping.run_once()
    assert len(await outbox_lanes(app.database)) == len(replies) + 1

    clock.advance(hours=2)
    await app.housekeeping.run_once()
    assert await outbox_lanes(app.database) == [("bulk", "sent")]
    assert await count(app.database, Participant) == 1


async def test_a_reply_still_pending_is_never_purged(app, clock):
    await register(app, "8004")
    await app.conversation.handle(Inbound.message(channel_under_test(), "8004", "/me", "u-8004-me"))
    clock.advance(days=30)
    await app.housekeeping.run_once()
    assert await outbox_lanes(app.database) == [("reply", "pending")]
