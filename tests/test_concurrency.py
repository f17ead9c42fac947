"""Many people at once, each person in order: one person's state is never overwritten by a
second event of theirs handled at the same time, and units of work never nest."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from transcript import Person

from db.models import ChannelAccount, DialogueState
from db.session import Database, NestedUnitOfWork
from handlers.messages import Inbound


async def test_two_messages_at_once_at_the_name_step_are_taken_one_after_the_other(app):
    """The review's race: both texts were taken as the name, and «berkane» was saved."""
    sara = Person(app.conversation, "7001")
    await sara.begins("English")
    sara.sees("What is your full name?")

    name = Inbound.message("telegram", "7001", "Sara Bennani", "conc-1")
    place = Inbound.message("telegram", "7001", "berkane", "conc-2")
    first, second = await asyncio.gather(
        app.conversation.handle(name), app.conversation.handle(place)
    )

    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
    answers = {"Sara Bennani": first, "berkane": second}
    taken_as_name = state.data["full_name"]
    assert taken_as_name in answers
    other = "berkane" if taken_as_name == "Sara Bennani" else "Sara Bennani"
    assert "collectivity" in "\n".join(r.text for r in answers[taken_as_name])
    assert state.step != "name"
    assert state.data.get("suggestions") or state.step == "collectivity", (other, state.step)


async def test_a_unit_of_work_inside_another_raises_at_once(database):
    """On SQLite it used to wait forever for the writer turn its own task held."""
    await database.upgrade()
    async with asyncio.timeout(10), database.unit_of_work():
        with pytest.raises(NestedUnitOfWork, match="inside another one"):
            async with database.unit_of_work():
                pass
    async with database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(ChannelAccount)) == 0


async def test_units_of_work_of_other_tasks_and_databases_are_not_nested(database, tmp_path):
    """Only the same task on the same database is refused: others wait their turn."""
    await database.upgrade()
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    await other.upgrade()
    try:
        async with asyncio.timeout(10), database.unit_of_work():
            async with other.unit_of_work() as session:
                await session.scalar(select(func.count()).select_from(ChannelAccount))
            later = asyncio.create_task(_count_accounts(database))
        assert await later == 0
    finally:
        await other.close()


async def _count_accounts(database) -> int:
    async with database.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(ChannelAccount))
