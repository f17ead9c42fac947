"""Many people at once, each person in order.

A room of focal points opening the bot together sends dozens of updates in one batch.
Handled one at a time, the last person waits for everyone before them; handled all at
once, two messages of one person can race each other through the core (the second is
read at the step the first has not left yet). The rule every channel follows:

    updates of different people are handled concurrently;
    the updates of one person are handled one after the other, in the order received.

The person is the key the core keeps their state under (the channel's external id).

- **Telegram** (:class:`PersonByPerson`): long polling hands python-telegram-bot the
  updates in ``update_id`` order; this processor gives each its turn behind the earlier
  ones of the same sender.
- **Console**: one person per process, reading one line after the other; in order by
  construction, nothing to add.
- **WhatsApp** (to come): the Cloud API posts each message to the webhook as its own
  HTTP request, and a person's requests can overlap. The adapter takes
  ``async with turns.turn(wa_id):`` around its call to the core (one :class:`Turns` per
  process), so a person's messages are handled in the order the webhook received them.

The order holds within one process. Across processes (two bots on one PostgreSQL
database) the core still cannot interleave one person's events: the sender's account is
locked ``FOR UPDATE`` for the whole unit of work (:meth:`db.store.Accounts.open`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256
"""Updates in hand at once (python-telegram-bot's own default for ``concurrent_updates``).
An update waiting behind the same person's earlier one counts: one person's long burst
can hold this many slots until it is worked off, which is ~10 ms an update."""


class _Line:
    __slots__ = ("holders", "lock")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.holders = 0


class Turns:
    """One line per key: whoever asks for a key's turn waits for those who asked before.

    The place in line is taken when :meth:`turn` is entered, before anything is awaited,
    and ``asyncio.Lock`` serves its waiters first come, first served: entering order is
    service order. A key's line is dropped as soon as nobody holds or awaits it, so
    memory follows the people active now, not all who ever wrote.
    """

    def __init__(self) -> None:
        self._lines: dict[Hashable, _Line] = {}

    @contextlib.asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = _Line()
        line.holders += 1
        try:
            async with line.lock:
                yield
        finally:
            line.holders -= 1
            if line.holders == 0:
                del self._lines[key]

    def __len__(self) -> int:
        """How many keys have someone holding or awaiting their turn."""
        return len(self._lines)


def person_of(update: object) -> int | None:
    """The sender's Telegram user id (the core's external id), else the chat's; None if neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PersonByPerson(BaseUpdateProcessor):
    """python-telegram-bot's update processor for the rule above.

    The application starts a task per update in ``update_id`` order; the library's
    semaphore (``max_concurrent_updates``, first come first served) lets them in, and
    each then waits for the turn of its sender. Updates with no sender (none are asked
    for today) go straight through.
    """

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        key: Callable[[object], Hashable | None] = person_of,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._key = key
        self.turns = Turns()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        if key is None:
            await coroutine
            return
        async with self.turns.turn(key):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: lines are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: the application has waited for every update in hand."""
