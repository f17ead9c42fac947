"""SQLite's one writer, in turns: delivery's short units of work go before the events
waiting, so a committed reply is not sent only after every update queued behind it."""

from __future__ import annotations

import asyncio

from db.session import WriterTurns


async def test_an_urgent_turn_goes_before_those_waiting_the_others_in_order():
    turns = WriterTurns()
    order: list[str] = []
    holding = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with turns.turn():
            holding.set()
            await release.wait()
            order.append("first")

    async def take(name: str, urgent: bool = False) -> None:
        async with turns.turn(urgent):
            order.append(name)

    tasks = [asyncio.create_task(first())]
    await holding.wait()
    tasks += [asyncio.create_task(take(f"event{n}")) for n in range(3)]
    tasks.append(asyncio.create_task(take("claim", urgent=True)))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks)

    assert order == ["first", "claim", "event0", "event1", "event2"]


async def test_a_waiter_cancelled_as_its_turn_came_hands_it_on():
    turns = WriterTurns()
    release = asyncio.Event()
    done: list[str] = []
    waiters: dict[str, asyncio.Task] = {}

    async def holder() -> None:
        async with turns.turn():
            await release.wait()
        waiters["cancelled"].cancel()  # its turn was just handed to it: it never ran

    async def waiter(name: str) -> None:
        async with turns.turn():
            done.append(name)

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiters["cancelled"] = asyncio.create_task(waiter("cancelled"))
    after = asyncio.create_task(waiter("after"))
    await asyncio.sleep(0)
    release.set()
    await held
    await asyncio.wait_for(after, 1)

    assert done == ["after"]
    assert waiters["cancelled"].cancelled()


async def test_on_sqlite_an_urgent_unit_of_work_goes_first(tmp_path):
    from db.session import Database

    database = Database(f"sqlite:///{tmp_path / 'turns.db'}")
    order: list[str] = []
    holding, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with database.unit_of_work():
            holding.set()
            await release.wait()

    async def unit(name: str, urgent: bool) -> None:
        async with database.unit_of_work(urgent=urgent):
            order.append(name)

    try:
        held = asyncio.create_task(first())
        await holding.wait()
        waiting = [asyncio.create_task(unit("event", False))]
        await asyncio.sleep(0)
        waiting.append(asyncio.create_task(unit("delivery", True)))
        await asyncio.sleep(0)
        release.set()
        await asyncio.gather(held, *waiting)
    finally:
        await database.close()

    assert order == ["delivery", "event"]
