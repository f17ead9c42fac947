"""Many people at once, each person in order: one person's state is never overwritten by a
second event of theirs handled at the same time, and units of work never nest."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

import pytest
from sqlalchemy import func, select, text
from transcript import Person, channel_under_test

from db.models import ChannelAccount, DialogueState
from db.session import Database, NestedUnitOfWork
from db.store import UnitOfWork
from handlers.conversation import Conversation
from handlers.messages import Inbound


class HeldAfterReading:
    """A unit of work that holds the first event just after it read the person's state.

    It lets the first go on once the second event has read the state too (the race the
    review found: both then answer the name step), or once the second is seen waiting on
    the database for the first: PostgreSQL shows a backend waiting on a lock, SQLite's
    writer turn is held. No sleeps: the hold ends on what the database says.
    """

    def __init__(self, app) -> None:
        self._inner = UnitOfWork(app.database, app.conversation.unit_of_work.directory)
        self._database = app.database
        self.reads = 0
        self.first_read = asyncio.Event()
        self._second_read = asyncio.Event()

    @contextlib.asynccontextmanager
    async def __call__(self):
        async with self._inner() as store:
            yield dataclasses.replace(store, dialogues=_Observed(store.dialogues, self))

    async def read(self) -> None:
        self.reads += 1
        if self.reads == 1:
            self.first_read.set()
            while not self._second_read.is_set() and not await self._second_waits():
                await asyncio.sleep(0)
        elif self.reads == 2:
            self._second_read.set()

    async def _second_waits(self) -> bool:
        if self._database.dialect == "sqlite":
            writer = self._database._sqlite_writer
            return writer is not None and writer.waiting() > 0
        async with self._database.engine.connect() as connection:
            waiting = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        return waiting > 0


class _Observed:
    """The dialogue repository, telling the race when a unit of work first reads a state."""

    def __init__(self, dialogues, race: HeldAfterReading) -> None:
        self._dialogues = dialogues
        self._race = race
        self._read = False

    async def load(self, account_id):
        state = await self._dialogues.load(account_id)
        if not self._read:
            self._read = True
            await self._race.read()
        return state

    def __getattr__(self, name):
        return getattr(self._dialogues, name)


async def test_two_messages_at_once_at_the_name_step_are_taken_one_after_the_other(app):
    """The review's race: both texts were taken as the name, and «berkane» was saved."""
    sara = Person(app.conversation, "7001")
    await sara.begins("English")
    sara.sees("What is your full name?")
    race = HeldAfterReading(app)
    conversation = Conversation(race, app.services)

    name = Inbound.message(channel_under_test(), "7001", "Sara Bennani", "race-1")
    place = Inbound.message(channel_under_test(), "7001", "berkane", "race-2")
    async with asyncio.timeout(20):
        first = asyncio.create_task(conversation.handle(name))
        await race.first_read.wait()
        second = asyncio.create_task(conversation.handle(place))
        written = await asyncio.gather(first, second)
    as_name, as_place = ([item.reply for item in rows] for rows in written)

    assert [reply.text for reply in as_name] == [
        "Which collectivity do you represent? Type part of its name, in Arabic or French."
    ]
    assert "Which one is yours?" in as_place[-1].text
    assert "Commune de Berkane" in [option.label for option in as_place[-1].options]
    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
    assert state.data["draft"]["full_name"] == "Sara Bennani"
    assert state.step == "pick"


async def test_two_first_messages_at_once_make_one_account_and_no_error(app, caplog):
    """The second first message waits for the first's new account instead of failing on the
    unique key and getting the apology."""
    race = HeldAfterReading(app)
    conversation = Conversation(race, app.services)
    hello = Inbound.message(channel_under_test(), "7002", "/start", "first-1")
    again = Inbound.message(channel_under_test(), "7002", "/start", "first-2")
    async with asyncio.timeout(20):
        first = asyncio.create_task(conversation.handle(hello))
        await race.first_read.wait()
        second = asyncio.create_task(conversation.handle(again))
        answers = await asyncio.gather(first, second)

    for replies in ([item.reply for item in rows] for rows in answers):
        assert "العربية" in [option.label for option in replies[-1].options]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(ChannelAccount)) == 1


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
