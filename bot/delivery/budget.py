"""One rate budget per bot: a sliding window both lanes draw from, replies first, each
chat paced.

The platform allows ``rate`` messages in any second. The budget keeps to it as the
platform counts, by the time each request arrives there, which comes some time after the
budget let it go: that time varies (a busy event loop, the network). So a message holds
its place in the window from its grant until ``window_s`` after it *arrived*, reckoned
from its answer: its answer came a round trip after it left, and it arrived no later than
its answer less the quickest round trip seen. A message the event loop held back is
answered late and holds its place longer; one still without its answer holds it.
``window_s`` is one second plus a small margin. (A token bucket could not keep to a
strict limit: refilled at ``rate`` with a burst of ``rate``, it lets twice ``rate`` go in
its first second.)

- **Replies** take any free place at once, so up to ``rate`` people who wrote at the
  same moment are answered together.
- **Bulk** takes a place only when no reply is waiting, and is paced at ``rate`` per
  ``window_s`` (a token bucket with a small ``bulk_burst``, so that a grant the event
  loop made late is made up). A broadcast is therefore spread evenly, places free up a
  few at a time, and a reply waits behind it for ``bulk_burst`` places at most. Were
  bulk to take every place as it frees up, its clumps would come back each window, and
  so would the gaps in which a reply waits.
- **Each chat** gets ``chat_burst`` messages at once, then one per ``1 / chat_rate``
  seconds (Telegram's guidance: about one a second per chat, short bursts allowed). A
  message waiting for its chat's turn holds no place and nobody else's message.
- A 429 pauses the bulk lane until its retry_after; replies go on.

Time comes from the injected clock and waiting from the injected ``sleep``, so tests
move a fake clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.outbox import REPLY

Sleep = Callable[[float], Awaitable[None]]
_PRUNE_CHATS_AT = 1024
_ROUND_TRIPS_KEPT = 256


@dataclass(slots=True)
class Place:
    """One message's place in the window: granted, then answered (or still in flight)."""

    granted: datetime
    answered: datetime | None = None


class RateBudget:
    def __init__(
        self,
        rate: int,
        clock: Callable[[], datetime],
        sleep: Sleep = asyncio.sleep,
        *,
        window_s: float = 1.0,
        bulk_burst: float = 5.0,
        chat_rate: float | None = None,
        chat_burst: int = 3,
    ) -> None:
        if rate < 1 or window_s <= 0 or bulk_burst < 1:
            raise ValueError("the rate and the bulk burst must be at least 1, the window positive")
        if chat_rate is not None and (chat_rate <= 0 or chat_burst < 1):
            raise ValueError("a chat's rate must be positive and its burst at least 1")
        self.rate = rate
        self.window = timedelta(seconds=window_s)
        self.bulk_rate = rate / window_s
        self.bulk_burst = bulk_burst
        self._clock = clock
        self._sleep = sleep
        self._places: list[Place] = []
        self._round_trips: deque[float] = deque()
        self._quickest = 0.0
        self._bulk_tokens = bulk_burst
        self._bulk_at = clock()
        self._bulk_paused_until: datetime | None = None
        self._reply_line: deque[asyncio.Event] = deque()
        self._bulk_line: deque[asyncio.Event] = deque()
        """Who waits for a place in each lane, first come first served."""
        self._chat_interval = None if chat_rate is None else timedelta(seconds=1 / chat_rate)
        self._chat_tolerance = (
            timedelta(0) if self._chat_interval is None else self._chat_interval * (chat_burst - 1)
        )
        self._chat_due: dict[Hashable, datetime] = {}
        """Per chat, when its paced sending would next be due (its places used up to then)."""
        self._prune_chats_at = _PRUNE_CHATS_AT

    def pause_bulk(self, until: datetime) -> None:
        if self._bulk_paused_until is None or until > self._bulk_paused_until:
            self._bulk_paused_until = until

    @contextlib.asynccontextmanager
    async def turn(self, lane: str, chat: Hashable | None = None) -> AsyncIterator[Place]:
        """A place for one message, held while it is sent: ``async with budget.turn(...)``."""
        place = await self.acquire(lane, chat)
        try:
            yield place
        finally:
            self.answered(place)

    def answered(self, place: Place) -> None:
        """The platform answered the message (or the attempt ended): time its round trip."""
        place.answered = now = self._clock()
        trip = max(0.0, (now - place.granted).total_seconds())
        self._round_trips.append(trip)
        dropped = None
        if len(self._round_trips) > _ROUND_TRIPS_KEPT:
            dropped = self._round_trips.popleft()
        if len(self._round_trips) == 1 or trip < self._quickest:
            self._quickest = trip
        elif dropped is not None and dropped <= self._quickest:
            self._quickest = min(self._round_trips)

    async def acquire(self, lane: str, chat: Hashable | None = None) -> Place:
        """Wait for ``chat``'s turn, then for a place in the window; replies before bulk.

        Only the first in each lane's line watches the clock; the others wait to be
        first. Say when the message was answered with :meth:`answered`, or use :meth:`turn`.
        """
        reply = lane == REPLY
        while True:
            await self._chat_turn(chat)
            place = await self._place_in_line(reply, chat)
            if place is not None:
                return place

    async def _chat_turn(self, chat: Hashable | None) -> None:
        while (wait := self._chat_wait(chat, self._clock())) > 0:
            await self._sleep(_whole_microseconds(wait))

    async def _place_in_line(self, reply: bool, chat: Hashable | None) -> Place | None:
        """A place once first in line; None if the chat's turn went meanwhile (to the
        chat's message in the other lane): then the line is left for the others."""
        line = self._reply_line if reply else self._bulk_line
        ticket = asyncio.Event()
        line.append(ticket)
        try:
            if line[0] is not ticket:
                await ticket.wait()
            while True:
                now = self._clock()
                if self._chat_wait(chat, now) > 0:
                    return None
                wait = self._wait(now, reply)
                if wait <= 0:
                    return self._grant(now, reply, chat)
                await self._sleep(_whole_microseconds(wait))
        finally:
            first = line[0] is ticket
            line.remove(ticket)
            if first and line:
                line[0].set()

    def _wait(self, now: datetime, reply: bool) -> float:
        """Seconds to wait before trying again; zero or less means a place can be taken."""
        if not reply:
            if self._bulk_paused_until is not None and now < self._bulk_paused_until:
                return (self._bulk_paused_until - now).total_seconds()
            if self._reply_line:
                return 1 / self.bulk_rate
            self._refill_bulk(now)
            if self._bulk_tokens < 1:
                return (1 - self._bulk_tokens) / self.bulk_rate
        return self._window_wait(now)

    def _window_wait(self, now: datetime) -> float:
        """Forget the places that have left the window; then the wait for a free one.

        A place leaves ``window`` after its message arrived, at the latest its answer
        less the quickest round trip seen (and never before ``window`` after its grant).
        """
        quickest = timedelta(seconds=self._quickest)
        held = []
        leaving = []
        for place in self._places:
            if place.answered is None:
                held.append(place)
                continue
            leaves = max(place.granted, place.answered - quickest) + self.window
            if leaves > now:
                held.append(place)
                leaving.append(leaves)
        self._places = held
        if len(held) < self.rate:
            return 0.0
        if not leaving:
            return self.window.total_seconds() / self.rate
        return (min(leaving) - now).total_seconds()

    def _refill_bulk(self, now: datetime) -> None:
        elapsed = (now - self._bulk_at).total_seconds()
        if elapsed > 0:
            self._bulk_tokens = min(self.bulk_burst, self._bulk_tokens + elapsed * self.bulk_rate)
            self._bulk_at = now
        if self._bulk_tokens > 1 - 1e-9:
            self._bulk_tokens = max(self._bulk_tokens, 1.0)

    def _chat_wait(self, chat: Hashable | None, now: datetime) -> float:
        if chat is None or self._chat_interval is None:
            return 0.0
        due = self._chat_due.get(chat)
        if due is None:
            return 0.0
        return (due - self._chat_tolerance - now).total_seconds()

    def _grant(self, now: datetime, reply: bool, chat: Hashable | None) -> Place:
        place = Place(now)
        self._places.append(place)
        if not reply:
            self._bulk_tokens -= 1
        if chat is not None and self._chat_interval is not None:
            due = self._chat_due.get(chat, now)
            self._chat_due[chat] = max(due, now) + self._chat_interval
            if len(self._chat_due) > self._prune_chats_at:
                self._forget_idle_chats(now)
        return place

    def _forget_idle_chats(self, now: datetime) -> None:
        """A chat whose paced sending is not ahead of now is as good as new: forget it."""
        self._chat_due = {chat: due for chat, due in self._chat_due.items() if due > now}
        self._prune_chats_at = max(_PRUNE_CHATS_AT, 2 * len(self._chat_due))


def _whole_microseconds(seconds: float) -> float:
    """Rounded up to the clock's microsecond, so a wait never ends just short of its mark."""
    return max(math.ceil(seconds * 1_000_000), 1) / 1_000_000
