"""The rate budget keeps to a strict limit as the platform counts it, answers people who
write together at once, puts replies before a broadcast, and paces each chat.

Time is simulated: the clock stands still while any task can run, then moves to the next
sleeper's wake-up. A send is a sleep on the way out, the arrival (what the platform
counts), and a sleep on the way back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import heapq
import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import bootstrap
from bot.channel_settings import WhatsAppSettings
from bot.delivery.budget import RateBudget
from db.outbox import BULK, REPLY


class SimulatedTime:
    """A clock that moves only when every task waits, to the earliest wake-up."""

    def __init__(self) -> None:
        self.now = datetime(2024, 11, 13, 9, 0, tzinfo=UTC)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._sleeps = 0

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return (self.now - datetime(2024, 11, 13, 9, 0, tzinfo=UTC)).total_seconds()

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        wake = self.now + timedelta(seconds=max(seconds, 0))
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        self._sleeps += 1
        await future

    async def run(self, *coroutines):
        tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
        while True:
            await self._settle(tasks)
            if all(task.done() for task in tasks):
                return [task.result() for task in tasks]
            assert self._sleepers, "every task waits and none sleeps: a deadlock"
            wake, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, wake)
            future.set_result(None)

    async def _settle(self, tasks) -> None:
        """Let the tasks run until nothing changes for a few turns of the loop."""
        calm = 0
        seen = None
        while calm < 5:
            await asyncio.sleep(0)
            state = (self._sleeps, len(self._sleepers), sum(task.done() for task in tasks))
            calm = calm + 1 if state == seen else 0
            seen = state


@pytest.fixture
def time() -> SimulatedTime:
    return SimulatedTime()


def budget_on(time: SimulatedTime, **options) -> RateBudget:
    return RateBudget(30, clock=time, sleep=time.sleep, window_s=1.03, **options)


def most_in_any_second(arrivals: list[float]) -> int:
    ordered = sorted(arrivals)
    return max(
        sum(1 for later in ordered[index:] if later - at < 1.0) for index, at in enumerate(ordered)
    )


async def test_a_strict_limit_is_kept_where_it_counts_even_when_sends_are_held_up(time):
    """Some requests leave late (a busy event loop): they count when they arrive."""
    budget = budget_on(time)
    chance = random.Random(6)
    arrivals: list[float] = []

    async def send(lane: str) -> None:
        async with budget.turn(lane):
            await time.sleep(0.35 if chance.random() < 0.2 else 0.05)
            arrivals.append(time.seconds())
            await time.sleep(0.05)

    await time.run(*(send(REPLY) for _ in range(120)), *(send(BULK) for _ in range(150)))

    assert len(arrivals) == 270
    assert most_in_any_second(arrivals) <= 30


async def test_a_broadcast_keeps_to_the_limit_within_five_percent(time):
    budget = budget_on(time)
    arrivals: list[float] = []

    async def send() -> None:
        async with budget.turn(BULK):
            await time.sleep(0.05)
            arrivals.append(time.seconds())
            await time.sleep(0.05)

    await time.run(*(send() for _ in range(600)))

    assert most_in_any_second(arrivals) <= 30
    per_second = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    assert per_second >= 0.95 * 30


async def test_people_who_write_together_are_answered_together_up_to_the_rate(time):
    budget = budget_on(time)
    granted: list[float] = []

    async def reply() -> None:
        async with budget.turn(REPLY):
            granted.append(time.seconds())

    await time.run(*(reply() for _ in range(45)))

    assert granted[:30] == [0.0] * 30, "the first 30 at once, no bulk-style pacing"
    assert granted[30] == pytest.approx(1.03), "the 31st when the first place leaves the window"


async def test_a_place_that_frees_up_goes_to_a_waiting_reply_before_waiting_bulk(time):
    budget = RateBudget(2, clock=time, sleep=time.sleep, bulk_burst=2)
    order: list[str] = []

    async def send(lane: str, name: str, after: float = 0.0) -> None:
        await time.sleep(after)
        async with budget.turn(lane):
            order.append(name)

    await time.run(*(send(BULK, f"bulk{n}") for n in range(5)), send(REPLY, "reply", after=0.7))

    assert order[:3] == ["bulk0", "bulk1", "reply"], "the window's next place is the reply's"


@pytest.mark.parametrize("bulk_burst", [1, 3])
async def test_a_reply_waits_behind_a_broadcast_for_a_place_or_a_bulk_burst_at_most(
    time, bulk_burst
):
    budget = budget_on(time, bulk_burst=bulk_burst)
    waited: list[float] = []

    async def bulk() -> None:
        async with budget.turn(BULK):
            await time.sleep(0.1)

    async def reply_later() -> None:
        await time.sleep(3.01)
        asked = time.seconds()
        async with budget.turn(REPLY):
            waited.append(time.seconds() - asked)

    await time.run(*(bulk() for _ in range(300)), reply_later())

    (wait,) = waited
    places = wait / (1.03 / 30)
    assert places <= bulk_burst + 0.05, f"waited {wait:.3f} s, {places:.1f} places"


async def test_each_chat_gets_a_burst_then_one_a_second_holding_nobody_else(time):
    budget = budget_on(time, chat_rate=1.0, chat_burst=3)
    granted: dict[str, list[float]] = {"amina": [], "omar": [], "bulk": []}

    async def send(lane: str, chat: str, record: str) -> None:
        async with budget.turn(lane, chat):
            granted[record].append(round(time.seconds(), 3))

    await time.run(
        *(send(REPLY, "amina", "amina") for _ in range(6)),
        send(REPLY, "omar", "omar"),
        *(send(BULK, f"person{n}", "bulk") for n in range(3)),
    )

    assert granted["amina"] == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]
    assert granted["omar"] == [0.0], "another chat is not held"
    assert granted["bulk"][0] == 0.0, "replies waiting for their chat hold back no broadcast"


async def test_the_per_chat_pace_comes_from_the_configuration(database, settings, clock):
    settings = dataclasses.replace(
        settings, delivery_per_chat_per_second=0.5, delivery_per_chat_burst=2
    )
    app = await bootstrap(settings, database=database, clock=clock)
    budget = app.delivery({}, sleep=clock.sleep).budget
    began = clock()
    for _ in range(3):
        async with budget.turn(REPLY, "amina"):
            pass

    assert (clock() - began).total_seconds() == pytest.approx(2.0), "a burst of 2, then 1 per 2 s"


async def test_whatsapp_keeps_a_budget_of_its_own_with_a_smaller_margin(database, settings, clock):
    """At 80 a second the bot's 0.03 s margin would cost 3% of WhatsApp's throughput."""
    settings = dataclasses.replace(
        settings, whatsapp=WhatsAppSettings("106540352242922", rate_per_second=80)
    )
    app = await bootstrap(settings, database=database, clock=clock)
    delivery = app.delivery({}, sleep=clock.sleep)

    whatsapp, telegram = delivery.budget_of("whatsapp"), delivery.budget_of("telegram")
    assert whatsapp is not telegram
    assert (whatsapp.rate, whatsapp.window) == (80, timedelta(seconds=1.01))
    assert (telegram.rate, telegram.window) == (30, timedelta(seconds=1.03))
