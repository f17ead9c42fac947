"""Sending the outbox: the fast path right after a commit, and the dispatcher for the rest.

The database is the source of truth. The fast path claims the rows one transaction
wrote and sends them at once; anything it did not send (a crash, an error, a rate
limit) is still pending and the dispatcher takes it: it is woken by APScheduler at the
next due time and sweeps every ``sweep_s`` seconds anyway. Each outcome is recorded
in a short unit of work of its own.

Policies:

- retry later (429, 5xx, no connection): due again after the platform's retry_after,
  or an exponential backoff (``backoff_s`` doubled per attempt, at most
  ``max_backoff_s``); after ``max_attempts`` the row has failed for good;
- unknown (a timeout after the request left): replies are sent again, and bulk too
  (``resend_unknown_bulk``): a missed reminder costs more than a duplicate one;
- blocked (403): the account is marked unreachable and its pending rows blocked;
- failed (400): kept with the platform's reason, never retried.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.budget import Sleep, TokenBucket
from bot.delivery.ports import Blocked, Failed, Outcome, RetryLater, Sender, Sent, Unknown
from db.outbox import BULK, REPLY, Claimed, OutboxQueue
from db.session import Database
from handlers.messages import Outgoing, from_content

log = logging.getLogger("tawasul.delivery")
SWEEP_JOB = "outbox_sweep"
WAKE_JOB = "outbox_wake"


@dataclass(frozen=True)
class DeliverySettings:
    rate_per_s: float = 30.0
    """Messages per second for the whole bot, both lanes (Telegram allows about 30)."""
    burst: float = 30.0
    batch: int = 100
    max_in_flight: int = 32
    """Bulk sends under way or not yet recorded at once; replies are never held by it."""
    max_attempts: int = 8
    backoff_s: float = 1.0
    max_backoff_s: float = 300.0
    lease_s: float = 60.0
    sweep_s: float = 1.5
    resend_unknown_bulk: bool = True


class Delivery:
    """One per process: the fast path, the dispatcher sweep and the scheduler that wakes it."""

    def __init__(
        self,
        database: Database,
        senders: Mapping[str, Sender],
        clock: Callable[[], datetime],
        settings: DeliverySettings | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        owner: str | None = None,
    ) -> None:
        self.settings = settings = settings or DeliverySettings()
        self.senders = dict(senders)
        self.clock = clock
        self.owner = owner or f"tawasul-{uuid.uuid4().hex[:12]}"
        self.queue = OutboxQueue(database, self.owner, timedelta(seconds=settings.lease_s))
        self.budget = TokenBucket(settings.rate_per_s, settings.burst, clock, sleep)
        self._in_flight = asyncio.Semaphore(settings.max_in_flight)
        self._sweeping = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None

    # the fast path

    async def send_now(self, outgoing: Sequence[Outgoing]) -> None:
        """Send the rows a transaction just committed; what fails stays for the dispatcher."""
        if not outgoing:
            return
        ids = [item.outbox_id for item in outgoing]
        rows = await self.queue.claim(self.clock(), lane=REPLY, limit=len(ids), ids=ids)
        await self._send_in_order(rows)

    # the dispatcher

    async def run_once(self) -> int:
        """Send every due row, replies first; return how many rows were tried."""
        async with self._sweeping:
            tried = 0
            while True:
                now = self.clock()
                rows = await self.queue.claim(now, lane=REPLY, limit=self.settings.batch)
                if not rows:
                    rows = await self.queue.claim(now, lane=BULK, limit=self.settings.batch)
                if not rows:
                    return tried
                tried += len(rows)
                await self._send_in_order(rows)

    def start(self) -> None:
        """Sweep every ``sweep_s`` and at the next due time; call from a running loop."""
        if self._scheduler is not None:
            return
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(
            self._sweep,
            "interval",
            seconds=self.settings.sweep_s,
            id=SWEEP_JOB,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        self._scheduler.start()

    async def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        async with self._sweeping:
            pass

    async def _sweep(self) -> None:
        try:
            await self.run_once()
            await self._wake_at_next_due()
        except Exception:
            log.exception("outbox sweep failed")

    async def _wake_at_next_due(self) -> None:
        """A one-off wake-up at the next due time, when it comes before the next sweep."""
        if self._scheduler is None:
            return
        due = await self.queue.next_due()
        if due is None:
            return
        delay = (due - self.clock()).total_seconds()
        if 0 < delay < self.settings.sweep_s:
            self._scheduler.add_job(
                self._sweep,
                "date",
                run_date=datetime.now(due.tzinfo) + timedelta(seconds=delay),
                id=WAKE_JOB,
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
            )

    # sending

    async def _send_in_order(self, rows: Sequence[Claimed]) -> None:
        """Each person's rows one after the other, in order; different people at once."""
        chains: dict[tuple[int, str], list[Claimed]] = {}
        for row in rows:
            chains.setdefault((row.account_id, row.lane), []).append(row)
        await asyncio.gather(*(self._send_chain(chain) for chain in chains.values()))

    async def _send_chain(self, chain: list[Claimed]) -> None:
        for index, row in enumerate(chain):
            if not await self._send_one(row):
                await self.queue.release([later.id for later in chain[index + 1 :]])
                return

    async def _send_one(self, row: Claimed) -> bool:
        """Send one row and record its outcome; False when the rows after it must wait."""
        sender = self.senders.get(row.channel)
        if sender is None:
            log.error("no sender for channel %s: row %s left pending", row.channel, row.id)
            await self.queue.release([row.id])
            return False
        await self.budget.acquire(row.lane)
        if row.lane == BULK:
            # Held until the outcome is recorded: a crash repeats at most this many sends.
            async with self._in_flight:
                return await self._record(row, await self._call(sender, row))
        return await self._record(row, await self._call(sender, row))

    async def _call(self, sender: Sender, row: Claimed) -> Outcome:
        """The sender's outcome; a sender that raises is a retry, logged with its type only."""
        try:
            return await sender.send(row.external_id, from_content(row.content))
        except Exception as error:
            log.exception("sender for %s raised on row %s", row.channel, row.id)
            return RetryLater(type(error).__name__)

    async def _record(self, row: Claimed, outcome: Outcome) -> bool:
        now = self.clock()
        match outcome:
            case Sent(platform_id):
                await self.queue.sent(row, now, platform_id)
                return True
            case Failed(reason):
                log.warning("row %s failed for good: %s", row.id, reason)
                await self.queue.failed(row, reason)
                return True
            case Blocked(reason):
                log.info("account %s blocked the bot; row %s not sent", row.account_id, row.id)
                await self.queue.blocked(row.account_id, now, reason)
                return False
            case Unknown(reason) if row.lane == BULK and not self.settings.resend_unknown_bulk:
                await self.queue.failed(row, f"outcome unknown: {reason}")
                return True
            case Unknown(reason):
                return await self._retry(row, RetryLater(f"outcome unknown: {reason}"), now)
            case RetryLater():
                return await self._retry(row, outcome, now)
        raise TypeError(f"not an outcome: {outcome!r}")

    async def _retry(self, row: Claimed, outcome: RetryLater, now: datetime) -> bool:
        attempts = row.attempts + 1
        if attempts >= self.settings.max_attempts:
            log.warning("row %s failed after %d attempts: %s", row.id, attempts, outcome.reason)
            await self.queue.failed(row, f"{attempts} attempts: {outcome.reason}")
            return True
        delay = outcome.delay_s
        if delay is None:
            delay = min(self.settings.backoff_s * 2 ** (attempts - 1), self.settings.max_backoff_s)
        due = now + timedelta(seconds=delay)
        if outcome.rate_limited:
            self.budget.pause_bulk(due)
        log.info("row %s retried in %.1f s: %s", row.id, delay, outcome.reason)
        await self.queue.retry(row.id, due, outcome.reason)
        return False
