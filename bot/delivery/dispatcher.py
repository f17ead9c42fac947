"""Sending the outbox: the fast path right after a commit, and the dispatcher for the rest.

The database is the source of truth. The fast path claims the rows one transaction
wrote and sends them at once; anything it did not send (a crash, an error, a rate
limit) is still pending and the dispatcher takes it: it is woken by APScheduler at the
next due time and sweeps every ``sweep_s`` seconds anyway. Each outcome is recorded
in a short unit of work of its own; the fast path's claims, and the rows sent, that
come while such a unit of work waits for its turn on the database join it.

Policies:

- retry later (429, 5xx, no connection): due again after the platform's retry_after,
  or an exponential backoff (``backoff_s`` doubled per attempt, at most
  ``max_backoff_s``); after ``max_attempts`` the row has failed for good;
- unknown (a timeout after the request left): replies are sent again, and bulk too
  (``resend_unknown_bulk``): a missed reminder costs more than a duplicate one;
- blocked (403): the account is marked unreachable and its pending rows blocked;
- failed (400): kept with the platform's reason, never retried.

Each channel has a rate budget of its own (Telegram's 30 a second are the bot's; a
WhatsApp number has its own throughput, ``channels``); replies go first within each.

On a channel whose sender has a ``window`` (WhatsApp: free-form messages only within 24
hours of the person's last message), a row due when the person's window is closed, or
refused by the platform as outside it (``OutsideWindow``, WhatsApp 131047), is *held*:
the approved template standing for it goes instead (``send_template``), its button
bringing back ``reopen:<row id>``. When the person writes again, whatever was held for
them is due at once (the conversation releases it) and goes as written. While a template
waits for the person's tap, later rows join it, held without a template of their own.
With no template for it, the row has failed and the account is unreachable there.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.delivery.budget import RateBudget, Sleep
from bot.delivery.ports import (
    Blocked,
    Failed,
    Outcome,
    OutsideWindow,
    RetryLater,
    Sender,
    Sent,
    Unknown,
)
from bot.sweeps import Sweeps
from db.outbox import BULK, REPLY, Claimed, OutboxQueue, SentRow
from db.session import Database
from handlers.messages import REOPEN, Outgoing, from_content

log = logging.getLogger("tawasul.delivery")
T = TypeVar("T")
R = TypeVar("R")
BATCHES_IN_HAND = 2


@dataclass(frozen=True)
class DeliverySettings:
    rate_per_s: int = 30
    """Messages in any second for the whole bot, both lanes (Telegram allows about 30)."""
    window_margin_s: float = 0.03
    """Added to the second the budget counts in, for what the round trips do not show."""
    bulk_burst: float = 3.0
    """Bulk places the budget may grant at once, to make up grants the event loop made late."""
    chat_rate_per_s: float | None = 1.0
    """Messages per second to one chat once its burst is spent (None: not limited)."""
    chat_burst: int = 3
    batch: int = 100
    max_in_flight: int = 32
    """Bulk sends under way or not yet recorded at once; replies are never held by it."""
    max_attempts: int = 8
    backoff_s: float = 1.0
    max_backoff_s: float = 300.0
    lease_s: float = 60.0
    sweep_s: float = 1.5
    resend_unknown_bulk: bool = True
    channels: Mapping[str, ChannelPace] = field(default_factory=dict)
    """Channels with a budget of their own; the others share the bot's (``rate_per_s``)."""


@dataclass(frozen=True)
class ChannelPace:
    """A channel's own rate budget: messages a second in all, and to one chat.

    ``window_margin_s`` is added to its one-second window (None: the bot's
    ``window_margin_s``): the margin costs a share of the throughput, so a faster channel
    takes a smaller one, about the time of one message as the bot's is at Telegram's 30.
    """

    rate_per_s: int
    chat_rate_per_s: float | None = None
    chat_burst: int = 3
    window_margin_s: float | None = None


WHATSAPP_PACE = ChannelPace(
    rate_per_s=80, chat_rate_per_s=1 / 6, chat_burst=20, window_margin_s=0.01
)
"""Meta's defaults: 80 messages a second from a number; to one person about one every 6
seconds (the pair rate limit, 131056), after a burst Meta allows up to 45. A margin of
0.01 s (0.03 s cost 3% of the 80: whatsapp-1000 ran at 0.944 of the limit, 0.965 with
this one, no 130429 either way)."""
WINDOW_MARGIN = timedelta(minutes=5)
"""A window about to close counts as closed: the message could arrive after it."""


LEASE_MARGIN = 0.25
"""The last quarter of a lease is kept for the send and its record, never begun in."""


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
        self.queue = OutboxQueue(
            database, self.owner, timedelta(seconds=settings.lease_s), frozenset(self.senders)
        )
        self.budget = self._new_budget(
            ChannelPace(settings.rate_per_s, settings.chat_rate_per_s, settings.chat_burst), sleep
        )
        self.budgets = {
            channel: self._new_budget(pace, sleep) for channel, pace in settings.channels.items()
        }
        self._in_flight = asyncio.Semaphore(settings.max_in_flight)
        self._claims = _Together[int, list[Claimed]](
            lambda collect: self.queue.claim_together(clock, collect, lane=REPLY)
        )
        self._sent = {
            lane: _Together[SentRow, None](
                lambda collect, urgent=lane == REPLY: self.queue.sent_together(
                    collect, urgent=urgent
                )
            )
            for lane in (REPLY, BULK)
        }
        self._sweeping = asyncio.Lock()
        self._scheduler: Sweeps | None = None

    def _new_budget(self, pace: ChannelPace, sleep: Sleep) -> RateBudget:
        return RateBudget(
            pace.rate_per_s,
            self.clock,
            sleep,
            window_s=1 + _margin(pace, self.settings),
            bulk_burst=self.settings.bulk_burst,
            chat_rate=pace.chat_rate_per_s,
            chat_burst=pace.chat_burst,
        )

    def budget_of(self, channel: str) -> RateBudget:
        return self.budgets.get(channel, self.budget)

    # the fast path

    async def send_now(self, outgoing: Sequence[Outgoing]) -> None:
        """Send the rows a transaction just committed; what fails stays for the dispatcher."""
        if not outgoing:
            return
        ids = {item.outbox_id for item in outgoing}
        claimed = await self._claims.join(list(ids))
        await self._send_in_order([row for row in claimed if row.id in ids])

    # the dispatcher

    async def run_once(self) -> int:
        """Send every due row, replies first; return how many rows were tried.

        The next batch is claimed while the last one is being sent (two in hand at
        most), so the budget is never idle between batches. A person's row is never
        claimed while an earlier one of theirs is held, so their order is kept.
        """
        async with self._sweeping:
            tried = 0
            sending: set[asyncio.Task[None]] = set()
            try:
                while True:
                    now = self.clock()
                    rows = await self.queue.claim(now, lane=REPLY, limit=self.settings.batch)
                    if not rows:
                        rows = await self.queue.claim(now, lane=BULK, limit=self.settings.batch)
                    if rows:
                        tried += len(rows)
                        sending.add(asyncio.ensure_future(self._send_in_order(rows)))
                        if len(sending) < BATCHES_IN_HAND:
                            continue
                    if not sending:
                        return tried
                    done, sending = await asyncio.wait(sending, return_when=asyncio.FIRST_COMPLETED)
                    for batch in done:
                        batch.result()
            finally:
                await asyncio.gather(*sending, return_exceptions=True)

    def start(self) -> None:
        """Sweep every ``sweep_s`` and at the next due time; call from a running loop."""
        if self._scheduler is None:
            self._scheduler = Sweeps(self._sweep, self.settings.sweep_s, "outbox")

    async def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown()
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
        if due is not None:
            self._scheduler.wake_in((due - self.clock()).total_seconds())

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
        outside = self._outside_window(sender, row)
        if outside and await self.queue.holds_for(row.account_id):
            # A template already waits for the person's tap: this row waits with it.
            await self.queue.hold(row, None)
            return True
        if row.lane == BULK:
            # Held until the outcome is recorded: a crash repeats at most this many sends.
            async with self._in_flight:
                return await self._attempt(sender, row, outside, check_lease=True)
        return await self._attempt(sender, row, outside)

    async def _attempt(
        self, sender: Sender, row: Claimed, outside: bool, *, check_lease: bool = False
    ) -> bool:
        """One send within the channel's budget (the template, outside the window), and
        its outcome recorded."""
        budget = self.budget_of(row.channel)
        async with budget.turn(row.lane, row.account_id):
            if check_lease and self._lease_runs_out(row):
                # Waited so long for the budget (replies first) that another process
                # may take the row: give it back rather than risk two sends.
                await self.queue.release([row.id])
                return False
            if outside:
                outcome = await self._call_template(sender, row)
            else:
                outcome = await self._call(sender, row)
        if isinstance(outcome, OutsideWindow) and not outside and _window_of(sender):
            # The platform says the window closed (its clock, not ours): the template now.
            await self.queue.window_closed(row.account_id)
            async with budget.turn(row.lane, row.account_id):
                outcome = await self._call_template(sender, row)
            outside = True
        if outside:
            return await self._record_template(row, outcome)
        return await self._record(row, outcome)

    def _outside_window(self, sender: Sender, row: Claimed) -> bool:
        """Whether the person's window on the row's channel is closed (or about to)."""
        window = _window_of(sender)
        if window is None:
            return False
        last = row.last_inbound_at
        return last is None or self.clock() - last >= window - WINDOW_MARGIN

    async def _call_template(self, sender: Sender, row: Claimed) -> Outcome:
        try:
            return await sender.send_template(
                row.external_id, row.content, row.locale, f"{REOPEN}:{row.id}"
            )
        except Exception as error:
            log.exception("template sender for %s raised on row %s", row.channel, row.id)
            return RetryLater(type(error).__name__)

    async def _record_template(self, row: Claimed, outcome: Outcome) -> bool:
        """The template's outcome: sent, the row is held until the person writes."""
        now = self.clock()
        match outcome:
            case Sent(platform_id):
                log.info("row %s held behind template %s", row.id, platform_id)
                await self.queue.hold(row, platform_id)
                return True
            case Failed(reason) | OutsideWindow(reason):
                # No approved template can reach the person: unreachable on this channel.
                log.warning("row %s: outside the window and no template: %s", row.id, reason)
                await self.queue.failed(row, f"outside the window: {reason}")
                await self.queue.blocked(row.account_id, now, f"outside the window: {reason}")
                return False
        return await self._record(row, outcome)

    def _lease_runs_out(self, row: Claimed) -> bool:
        """Whether the claim lapses before a send could be made and recorded."""
        if row.lease_until is None:
            return False
        margin = timedelta(seconds=self.settings.lease_s * LEASE_MARGIN)
        return self.clock() >= row.lease_until - margin

    async def _call(self, sender: Sender, row: Claimed) -> Outcome:
        """The sender's outcome; a sender that raises is a retry, logged with its type only."""
        try:
            return await sender.send(row.external_id, from_content(row.content), row.locale)
        except Exception as error:
            log.exception("sender for %s raised on row %s", row.channel, row.id)
            return RetryLater(type(error).__name__)

    async def _record(self, row: Claimed, outcome: Outcome) -> bool:
        now = self.clock()
        match outcome:
            case Sent(platform_id):
                await self._sent[row.lane].join([SentRow(row, now, platform_id)])
                return True
            case Failed(reason):
                log.warning("row %s failed for good: %s", row.id, reason)
                await self.queue.failed(row, reason)
                return True
            case Blocked(reason):
                log.info("account %s blocked the bot; row %s not sent", row.account_id, row.id)
                await self.queue.blocked(row.account_id, now, reason)
                return False
            case OutsideWindow(reason):
                log.warning("row %s refused as outside a window its channel has not", row.id)
                await self.queue.failed(row, reason)
                return True
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
        if outcome.counted and attempts >= self.settings.max_attempts:
            log.warning("row %s failed after %d attempts: %s", row.id, attempts, outcome.reason)
            await self.queue.failed(row, f"{attempts} attempts: {outcome.reason}")
            return True
        delay = outcome.delay_s
        if delay is None:
            delay = min(self.settings.backoff_s * 2 ** (attempts - 1), self.settings.max_backoff_s)
        due = now + timedelta(seconds=delay)
        if outcome.rate_limited:
            self.budget_of(row.channel).pause_bulk(due)
        log.info("row %s retried in %.1f s: %s", row.id, delay, outcome.reason)
        await self.queue.retry(row.id, due, outcome.reason)
        return False


def _margin(pace: ChannelPace, settings: DeliverySettings) -> float:
    return settings.window_margin_s if pace.window_margin_s is None else pace.window_margin_s


def _window_of(sender: Sender) -> timedelta | None:
    """The free-form window of a windowed sender (WhatsApp's 24 hours); None for others."""
    return getattr(sender, "window", None)


class _Together(Generic[T, R]):
    """Calls that share one transaction: whoever comes while the last one still waits for
    its turn on the database joins it. Each caller gets the shared result once it is done.

    ``run`` is given a function that hands over the items gathered so far; it calls it
    once its transaction has begun, and items after that start the next one.
    """

    def __init__(self, run: Callable[[Callable[[], list[T]]], Awaitable[R]]) -> None:
        self._run = run
        self._items: list[T] = []
        self._running: asyncio.Future[R] | None = None

    async def join(self, items: Sequence[T]) -> R:
        self._items.extend(items)
        if self._running is None:
            self._running = asyncio.ensure_future(self._run(self._collect))
            self._running.add_done_callback(self._ended)
        return await asyncio.shield(self._running)

    def _collect(self) -> list[T]:
        items, self._items, self._running = self._items, [], None
        return items

    def _ended(self, running: asyncio.Future[R]) -> None:
        """A run that failed before it collected: its items wait for the next one."""
        if self._running is running:
            self._running = None
