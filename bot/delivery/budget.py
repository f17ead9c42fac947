"""One rate budget per bot: a token bucket both lanes draw from, replies first.

Tokens refill at ``rate`` per second up to ``burst``. A reply takes the next token as
soon as there is one; bulk takes one only when no reply is waiting, so a person never
waits behind a broadcast for more than one token's time. A 429 pauses the bulk lane
until its retry_after; replies go on.

Time comes from the injected clock and waiting from the injected ``sleep``, so tests
move a fake clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from db.outbox import REPLY

Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    def __init__(
        self,
        rate: float,
        burst: float,
        clock: Callable[[], datetime],
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("the rate must be positive and the burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = burst
        self._at = clock()
        self._replies_waiting = 0
        self._bulk_paused_until: datetime | None = None

    def _refill(self) -> datetime:
        now = self._clock()
        elapsed = (now - self._at).total_seconds()
        if elapsed > 0:
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
            self._at = now
        return now

    def pause_bulk(self, until: datetime) -> None:
        if self._bulk_paused_until is None or until > self._bulk_paused_until:
            self._bulk_paused_until = until

    async def acquire(self, lane: str) -> None:
        """Wait for a token; replies before bulk."""
        reply = lane == REPLY
        if reply:
            self._replies_waiting += 1
        try:
            while True:
                now = self._refill()
                wait = self._wait(now, reply)
                if wait <= 0:
                    self._tokens -= 1
                    return
                await self._sleep(wait)
        finally:
            if reply:
                self._replies_waiting -= 1

    def _wait(self, now: datetime, reply: bool) -> float:
        """Seconds to wait before trying again; zero or less means a token can be taken."""
        if not reply:
            if self._bulk_paused_until is not None and now < self._bulk_paused_until:
                return (self._bulk_paused_until - now).total_seconds()
            if self._replies_waiting:
                return 1 / self.rate
        if self._tokens >= 1:
            return 0.0
        return (1 - self._tokens) / self.rate
