"""Many people at once, each in order: through the real python-telegram-bot application and
the fake Bot API server, to a core that records when each update starts and ends.

No sleeps: overlap is proven by a barrier the first update of every person waits at, which
only opens when all of them are inside the core at the same time.
"""

from __future__ import annotations

import asyncio

import pytest
from fake_telegram import FakeTelegramServer

import bot.channels.telegram as telegram_channel
from bot.channels.ordering import PersonByPerson, Turns, person_of
from bot.channels.telegram import TelegramChannel
from handlers.messages import Inbound, Outgoing

PEOPLE = 20
MESSAGES = 5


class RecordingCore:
    """The core's port: records each update's start and end, in the order they happen.

    With ``barrier``, the first message of each of the first ``barrier.parties`` people
    waits there: it opens only when that many people are inside at once. Every message
    yields to the loop a few times, so that a second update of the same person would
    overlap if it were let in.
    """

    def __init__(self, total: int, barrier: asyncio.Barrier | None = None) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.inside: set[str] = set()
        self.most_inside = 0
        self.overlaps: list[str] = []
        self._barrier = barrier
        self._total = total
        self.done = asyncio.Event()

    async def give_up(self) -> None:
        """Let the held updates go, so that the application can stop after a failure."""
        if self._barrier is not None:
            await self._barrier.abort()

    async def handle(self, inbound: Inbound) -> list[Outgoing]:
        person, text = inbound.external_id, inbound.text
        if person in self.inside:
            self.overlaps.append(f"{person}: {text}")
        self.inside.add(person)
        self.most_inside = max(self.most_inside, len(self.inside))
        self.events.append(("start", person, text))
        if self._barrier is not None and text == "1" and int(person) < 9000 + self._barrier.parties:
            await self._barrier.wait()
        for _ in range(5):
            await asyncio.sleep(0)
        self.events.append(("end", person, text))
        self.inside.discard(person)
        if sum(kind == "end" for kind, _, _ in self.events) == self._total:
            self.done.set()
        return []

    def order_of(self, person: str) -> list[str]:
        return [text for kind, who, text in self.events if kind == "start" and who == person]


@pytest.fixture
def telegram():
    with FakeTelegramServer() as server:
        yield server


async def nothing_to_send(outgoing) -> None:
    """The recording core writes no replies: there is nothing for delivery to do."""
    assert not outgoing


def push_interleaved(server: FakeTelegramServer, people: int, messages: int) -> None:
    """Round after round: everyone's 1st message, then everyone's 2nd, and so on."""
    for number in range(1, messages + 1):
        for person in range(people):
            server.push_text(9000 + person, str(number))


async def handle_all(server: FakeTelegramServer, core: RecordingCore) -> None:
    channel = TelegramChannel(
        core, deliver=nothing_to_send, token=server.token, base_url=server.base_url, poll_timeout=1
    )
    await channel.start()
    try:
        async with asyncio.timeout(20):
            await core.done.wait()
    except TimeoutError:
        await core.give_up()
        raise
    finally:
        await channel.stop()


async def test_people_are_handled_at_once_and_each_person_in_order(telegram):
    push_interleaved(telegram, PEOPLE, MESSAGES)
    core = RecordingCore(PEOPLE * MESSAGES, asyncio.Barrier(PEOPLE))

    await handle_all(telegram, core)

    assert core.most_inside == PEOPLE
    assert core.overlaps == []
    expected = [str(number) for number in range(1, MESSAGES + 1)]
    for person in range(PEOPLE):
        assert core.order_of(str(9000 + person)) == expected


async def test_order_holds_when_updates_queue_for_a_free_slot(telegram, monkeypatch):
    """With 3 slots and each person's messages pushed back to back, updates wait for the
    library's semaphore first, then for their person's turn."""
    monkeypatch.setattr(telegram_channel, "MAX_CONCURRENT_UPDATES", 3)
    for person in range(PEOPLE):
        for number in range(1, MESSAGES + 1):
            telegram.push_text(9000 + person, str(number))
    core = RecordingCore(PEOPLE * MESSAGES)

    await handle_all(telegram, core)

    assert core.overlaps == []
    assert core.most_inside <= 3
    for person in range(PEOPLE):
        assert core.order_of(str(9000 + person)) == ["1", "2", "3", "4", "5"]


async def test_a_line_is_dropped_once_nobody_holds_or_awaits_it():
    turns = Turns()
    order: list[str] = []
    release = asyncio.Event()

    async def take(key: str, name: str) -> None:
        async with turns.turn(key):
            order.append(name)
            await release.wait()

    tasks = [asyncio.create_task(take(key, f"{key}{n}")) for n in range(3) for key in "ab"]
    for _ in range(3):
        await asyncio.sleep(0)
    assert len(turns) == 2
    assert order == ["a0", "b0"]
    release.set()
    await asyncio.gather(*tasks)
    assert order[2:] == ["a1", "b1", "a2", "b2"]
    assert len(turns) == 0


async def test_a_waiting_update_that_is_cancelled_leaves_the_line_in_order():
    turns = Turns()
    order: list[str] = []
    release = asyncio.Event()

    async def take(name: str) -> None:
        async with turns.turn("a"):
            order.append(name)
            await release.wait()

    first = asyncio.create_task(take("first"))
    gone = asyncio.create_task(take("gone"))
    last = asyncio.create_task(take("last"))
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    await asyncio.gather(first, last, return_exceptions=True)
    assert order == ["first", "last"]
    assert len(turns) == 0


def test_the_key_is_the_sender():
    from datetime import UTC, datetime

    from telegram import Chat, Message, Update, User

    user = User(id=42, first_name="Amina", is_bot=False)
    chat = Chat(id=42, type="private")
    message = Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=user, text="hi")
    assert person_of(Update(update_id=1, message=message)) == 42
    assert person_of(object()) is None
    assert PersonByPerson().max_concurrent_updates == 256
