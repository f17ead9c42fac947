"""The outbox: every outgoing message is a row, written in the transaction that decided it.

:class:`Outbox` is the repository the conversation writes through (inside its unit of
work). :class:`OutboxQueue` is what delivery uses, each call its own short transaction:
claim due rows, record an outcome.

A row is claimed by setting ``claimed_by`` and ``lease_until`` in one statement:
``WITH picked AS MATERIALIZED (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) UPDATE … WHERE
id IN (SELECT id FROM picked) RETURNING``. On PostgreSQL, ``SKIP LOCKED`` keeps two
dispatchers off each other's rows, and the materialised CTE keeps the limit (a plain
``IN (subquery)`` may be run twice and claim more). SQLite has neither clause and
serialises writers, so the single statement is enough there. A row whose lease has
expired belongs to a process that died and is claimable again.

Per person and lane, rows go out in the order they were written: a row is not claimed
while an earlier pending row of the same account and lane waits for a retry or is
claimed by someone else. A row written ahead for a later time and never tried yet (a
scheduled broadcast, a round's warning) holds back nothing: what is due now goes now.

A bulk row may carry ``expires_at``: still pending then, it is marked ``skipped``
(``last_error`` "expired") when bulk rows are next claimed, and never sent late.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import ChannelAccount, DialogueState, OutboxMessage, as_utc
from db.session import Database

REPLY = "reply"
BULK = "bulk"
HELD = "held"
WAITING = ("pending", HELD)
"""Rows still to be delivered: pending, or held behind a template until the person writes."""
ERROR_MAX = 500
EXPIRED = "expired"
_ADD = insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)
"""Built once: building a statement costs more than running it."""


class Outbox:
    """Write outgoing messages inside the conversation's unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        account_id: int,
        content: dict,
        *,
        key: str,
        now: datetime,
        lane: str = REPLY,
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> int:
        """Write one row, pending, due ``due_at`` (now by default); return its id.

        A row with ``expires_at`` that is still pending at that instant is skipped, never
        sent late (see :meth:`OutboxQueue.claim`). A plain ``INSERT … RETURNING id`` on the
        table: the row is not needed as an object in the session, and the ORM's flush of
        one would cost more than the statement."""
        result = await self._session.execute(
            _ADD,
            {
                "account_id": account_id,
                "lane": lane,
                "content": content,
                "due_at": due_at or now,
                "expires_at": expires_at,
                "status": "pending",
                "attempts": 0,
                "idempotency_key": key,
                "created_at": now,
            },
        )
        return result.scalar_one()

    async def pending_with_key_prefix(self, prefix: str) -> list[tuple[int, dict]]:
        """``(id, content)`` of the pending rows whose key starts with ``prefix``, in order."""
        rows = await self._session.execute(
            select(OutboxMessage.id, OutboxMessage.content)
            .where(
                OutboxMessage.idempotency_key.startswith(prefix, autoescape=True),
                OutboxMessage.status == "pending",
            )
            .order_by(OutboxMessage.id)
        )
        return [(row.id, row.content) for row in rows]

    async def keys_with_prefix(self, prefix: str) -> set[str]:
        """The idempotency keys written so far that start with ``prefix``, whatever their
        status: what was asked once is not asked again."""
        keys = await self._session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.idempotency_key.startswith(prefix, autoescape=True)
            )
        )
        return set(keys)

    async def skip_pending_with_key_prefix(self, prefix: str, reason: str) -> int:
        """Mark the rows still waiting (pending or held) whose key starts with ``prefix``
        skipped, with ``reason``: they are never sent. How many were."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.idempotency_key.startswith(prefix, autoescape=True),
                OutboxMessage.status.in_(WAITING),
            )
            .values(status="skipped", last_error=reason[:ERROR_MAX])
        )
        return result.rowcount or 0

    async def release_held(self, account_id: int, now: datetime) -> int:
        """The person wrote: the rows held behind a template for them are due now, in the
        order they were written. How many were."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.account_id == account_id, OutboxMessage.status == HELD)
            .values(status="pending", due_at=now, claimed_by=None, lease_until=None)
        )
        return result.rowcount or 0

    async def bring_forward_with_key_prefix(
        self, prefix: str, now: datetime, expires_at: datetime | None
    ) -> int:
        """Make the pending rows whose key starts with ``prefix`` due ``now`` (and expire at
        ``expires_at``). How many were."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.idempotency_key.startswith(prefix, autoescape=True),
                OutboxMessage.status == "pending",
            )
            .values(due_at=now, expires_at=expires_at)
        )
        return result.rowcount or 0


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row a sender holds until ``lease_until``."""

    id: int
    account_id: int
    channel: str
    external_id: str
    lane: str
    content: dict
    attempts: int
    lease_until: datetime | None = None
    """When the claim lapses and another sender may take the row."""
    locale: str | None = None
    """The recipient's language, as chosen in the conversation (None: the default)."""
    last_inbound_at: datetime | None = None
    """When the recipient last wrote, on a channel that keeps it (see ``ChannelAccount``)."""


@dataclass(frozen=True, slots=True)
class SentRow:
    """A claimed row the platform accepted, with when and under which message id."""

    row: Claimed
    at: datetime
    platform_id: str


class OutboxQueue:
    """Delivery's side of the outbox; each method is one short transaction, urgent on
    SQLite's writer turn (it goes before the events waiting) but for :meth:`next_due`,
    the claims of bulk rows and, when asked, the recording of bulk rows sent."""

    def __init__(
        self,
        database: Database,
        owner: str,
        lease: timedelta,
        channels: frozenset[str] | None = None,
    ) -> None:
        self.database = database
        self.owner = owner
        self.lease = lease
        self.channels = channels
        """The channels this process sends on (None: all): rows of another channel (one
        switched off, or served by another process) are left to wait, never claimed."""

    def _ours(self):
        """The rows of this process's channels, as a condition."""
        if self.channels is None:
            return true()
        return OutboxMessage.account_id.in_(
            select(ChannelAccount.id).where(ChannelAccount.channel.in_(sorted(self.channels)))
        )

    async def claim(
        self, now: datetime, *, lane: str, limit: int, ids: list[int] | None = None
    ) -> list[Claimed]:
        """Claim up to ``limit`` due rows of ``lane`` (or of ``ids``), oldest first; a
        bulk claim is not urgent (people's events go first)."""
        if limit <= 0:
            return []
        async with self.database.unit_of_work(urgent=lane == REPLY) as session:
            return await self._claim(session, now, lane, limit, ids)

    async def claim_together(
        self, clock: Callable[[], datetime], collect: Callable[[], Sequence[int]], *, lane: str
    ) -> list[Claimed]:
        """Claim the due rows of the ids ``collect`` gives, in one transaction.

        ``collect`` is called once the transaction has begun (on SQLite, once it has the
        writer's turn), so ids handed in while it waited are claimed too.
        """
        async with self.database.unit_of_work(urgent=True) as session:
            ids = list(collect())
            if not ids:
                return []
            return await self._claim(session, clock(), lane, len(ids), ids)

    async def _claim(
        self, session: AsyncSession, now: datetime, lane: str, limit: int, ids: list[int] | None
    ) -> list[Claimed]:
        earlier = aliased(OutboxMessage)
        free = or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now)
        if lane == BULK:
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.lane == BULK,
                    OutboxMessage.expires_at <= now,
                    free,
                )
                .values(status="skipped", last_error=EXPIRED)
            )
        claimable = and_(
            OutboxMessage.status == "pending",
            OutboxMessage.due_at <= now,
            free,
            or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
        )
        blocked_by_earlier = exists().where(
            earlier.account_id == OutboxMessage.account_id,
            earlier.lane == OutboxMessage.lane,
            earlier.status == "pending",
            earlier.id < OutboxMessage.id,
            or_(
                and_(earlier.due_at > now, earlier.attempts > 0),
                and_(earlier.lease_until.is_not(None), earlier.lease_until >= now),
            ),
        )
        chosen = (
            select(OutboxMessage.id)
            .where(claimable, OutboxMessage.lane == lane, ~blocked_by_earlier, self._ours())
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if ids is not None:
            chosen = chosen.where(OutboxMessage.id.in_(ids))
        if session.bind.dialect.name == "postgresql":
            chosen = chosen.with_for_update(skip_locked=True, of=OutboxMessage)
        # A materialised CTE: as a plain ``IN (subquery)``, PostgreSQL may run the
        # subquery more than once and claim more than ``limit`` rows.
        picked = chosen.cte("picked").prefix_with("MATERIALIZED", dialect="postgresql")
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(select(picked.c.id)), claimable)
            .values(claimed_by=self.owner, lease_until=now + self.lease)
            .returning(OutboxMessage.id)
        )
        claimed_ids = sorted(result.scalars())
        if not claimed_ids:
            return []
        rows = await session.execute(
            select(
                OutboxMessage,
                ChannelAccount.channel,
                ChannelAccount.external_id,
                ChannelAccount.locale,
                ChannelAccount.last_inbound_at,
            )
            .join(ChannelAccount, ChannelAccount.id == OutboxMessage.account_id)
            .where(OutboxMessage.id.in_(claimed_ids))
            .order_by(OutboxMessage.id)
        )
        return [
            Claimed(
                row.id,
                row.account_id,
                channel,
                external_id,
                row.lane,
                row.content,
                row.attempts,
                now + self.lease,
                locale,
                as_utc(last_inbound_at) if last_inbound_at is not None else None,
            )
            for row, channel, external_id, locale, last_inbound_at in rows
        ]

    async def sent(self, row: Claimed, now: datetime, platform_id: str) -> None:
        await self._finish(row, "sent", sent_at=now, platform_message_id=platform_id)

    async def sent_together(
        self, collect: Callable[[], Sequence[SentRow]], *, urgent: bool = True
    ) -> None:
        """Record rows as sent in one transaction, as :meth:`sent` does each.

        ``collect`` is called once the transaction has begun (on SQLite, once it has the
        writer's turn) and gives the rows: those sent while it waited are taken too.
        """
        async with self.database.unit_of_work(urgent=urgent) as session:
            rows = collect()
            if not rows:
                return
            table = OutboxMessage.__table__
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(
                    status="sent",
                    attempts=table.c.attempts + 1,
                    claimed_by=None,
                    lease_until=None,
                    sent_at=bindparam("at"),
                    platform_message_id=bindparam("platform_id"),
                ),
                [
                    {"row_id": sent.row.id, "at": sent.at, "platform_id": sent.platform_id}
                    for sent in rows
                ],
            )
            await _delete_emptied_accounts(session, {sent.row.account_id for sent in rows})

    async def failed(self, row: Claimed, reason: str) -> None:
        await self._finish(row, "failed", last_error=reason[:ERROR_MAX])

    async def blocked(self, account_id: int, now: datetime, reason: str) -> None:
        """The person blocked the bot: the account is unreachable, its pending rows blocked."""
        async with self.database.unit_of_work(urgent=True) as session:
            await _mark_account(session, account_id, unreachable_at=now)
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.account_id == account_id, OutboxMessage.status.in_(WAITING))
                .values(
                    status="blocked",
                    last_error=reason[:ERROR_MAX],
                    claimed_by=None,
                    lease_until=None,
                )
            )

    async def retry(self, row_id: int, due_at: datetime, reason: str) -> None:
        """Try again at ``due_at``; the attempt is counted."""
        async with self.database.unit_of_work(urgent=True) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(
                    due_at=due_at,
                    attempts=OutboxMessage.attempts + 1,
                    last_error=reason[:ERROR_MAX],
                    claimed_by=None,
                    lease_until=None,
                )
            )

    async def hold(self, row: Claimed, template_id: str | None) -> None:
        """Keep the row until the person writes again (:meth:`Outbox.release_held`): it is
        outside the channel's window, and ``template_id`` is the platform's id of the
        template sent in its place (None: one sent for an earlier row stands for it too)."""
        await self._finish(row, HELD, platform_message_id=template_id)

    async def holds_for(self, account_id: int) -> bool:
        """Whether a row for the account is already held behind a template."""
        async with self.database.unit_of_work() as session:
            held = await session.scalar(
                select(OutboxMessage.id)
                .where(OutboxMessage.account_id == account_id, OutboxMessage.status == HELD)
                .limit(1)
            )
        return held is not None

    async def window_closed(self, account_id: int) -> None:
        """The platform said the person's window is closed (WhatsApp 131047)."""
        async with self.database.unit_of_work(urgent=True) as session:
            await _mark_account(session, account_id, last_inbound_at=None)

    async def release(self, row_ids: list[int]) -> None:
        """Give back rows claimed and not tried (the row before them must go first)."""
        if not row_ids:
            return
        async with self.database.unit_of_work(urgent=True) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(row_ids), OutboxMessage.claimed_by == self.owner)
                .values(claimed_by=None, lease_until=None)
            )

    async def next_due(self) -> datetime | None:
        """The earliest time a pending row becomes due (or its lease expires)."""
        async with self.database.unit_of_work() as session:
            due = await session.scalar(
                select(
                    func.min(func.coalesce(OutboxMessage.lease_until, OutboxMessage.due_at))
                ).where(OutboxMessage.status == "pending", self._ours())
            )
        return None if due is None else as_utc(due)

    async def _finish(self, row: Claimed, status: str, **values) -> None:
        """Record the row's last outcome; an account that holds nothing and has nothing
        pending is deleted with it.

        The conversation deletes such an account at once, unless it still has replies to
        send (a goodbye after a refusal or an erasure): then it stays, empty, until here.
        """
        async with self.database.unit_of_work(urgent=True) as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(
                    status=status,
                    attempts=OutboxMessage.attempts + 1,
                    claimed_by=None,
                    lease_until=None,
                    **values,
                )
            )
            await _delete_emptied_accounts(session, {row.account_id})


async def _mark_account(session: AsyncSession, account_id: int, **values) -> None:
    """Set what the platform said of the account: unreachable, or its window closed."""
    await session.execute(
        update(ChannelAccount).where(ChannelAccount.id == account_id).values(**values)
    )


async def _delete_emptied_accounts(session: AsyncSession, account_ids: set[int]) -> None:
    """Delete those of the accounts that hold nothing and have nothing pending."""
    pending = exists().where(
        OutboxMessage.account_id == ChannelAccount.id, OutboxMessage.status.in_(WAITING)
    )
    dialogue = exists().where(DialogueState.account_id == ChannelAccount.id)
    await session.execute(
        delete(ChannelAccount).where(
            ChannelAccount.id.in_(account_ids),
            ChannelAccount.participant_id.is_(None),
            ChannelAccount.locale.is_(None),
            ~pending,
            ~dialogue,
        )
    )


PERSONAL_BULK_KEYS = ("match:", "matches:")
"""Key prefixes of bulk rows written to one person about others (requests to connect,
contact details, suggestions): personal data, purged as replies are."""


async def purge_finished_replies(database: Database, before: datetime) -> int:
    """Delete the reply-lane rows that have an outcome and were written before ``before``.

    A reply can hold personal data (the registration summary repeats the name, phone and
    email), so it is not kept once it is done with; nor is a bulk row keyed with one of
    :data:`PERSONAL_BULK_KEYS`. Other bulk rows stay: they are the record of each
    broadcast's copies (the counts of ``tawasul broadcasts``), and hold only the
    organisers' text. Pending rows are never purged.
    """
    personal = or_(
        OutboxMessage.lane == REPLY,
        *(
            OutboxMessage.idempotency_key.startswith(prefix, autoescape=True)
            for prefix in PERSONAL_BULK_KEYS
        ),
    )
    async with database.unit_of_work() as session:
        result = await session.execute(
            delete(OutboxMessage).where(
                personal,
                OutboxMessage.status.not_in(WAITING),
                OutboxMessage.created_at < before,
            )
        )
    return result.rowcount or 0


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a platform later said of a message it accepted (WhatsApp status webhooks):
    ``status`` is ``delivered``, ``read`` or ``failed``; a failure carries its reason, and
    ``resend`` (the window had closed: send it again, as a template) or ``unreachable``
    (the number cannot receive messages: the account is marked so)."""

    platform_id: str
    status: str
    at: datetime
    reason: str | None = None
    resend: bool = False
    unreachable: bool = False


async def record_receipts(database: Database, receipts: Sequence[Receipt]) -> int:
    """Apply receipts to the rows sent under their platform ids; how many rows they named.

    Delivered and read keep their first time (a read message was delivered too). A
    failure after acceptance makes the row failed, or pending again (due at once, and the
    account's window closed) when it is to be sent again; an unknown id is ignored (a
    message of another deployment of the same number, or a row already purged).
    """
    named = 0
    async with database.unit_of_work() as session:
        for receipt in receipts:
            row = await session.scalar(
                select(OutboxMessage).where(
                    OutboxMessage.platform_message_id == receipt.platform_id
                )
            )
            if row is None:
                continue
            named += 1
            if receipt.status in ("delivered", "read"):
                row.delivered_at = row.delivered_at or receipt.at
                if receipt.status == "read":
                    row.read_at = row.read_at or receipt.at
            elif receipt.status == "failed":
                await _failed_after_acceptance(session, row, receipt)
    return named


async def _failed_after_acceptance(
    session: AsyncSession, row: OutboxMessage, receipt: Receipt
) -> None:
    reason = (receipt.reason or "failed after acceptance")[:ERROR_MAX]
    if receipt.resend and row.status == "sent":
        row.status, row.due_at, row.last_error = "pending", receipt.at, reason
        row.sent_at = row.platform_message_id = None
        await _mark_account(session, row.account_id, last_inbound_at=None)
        return
    row.status, row.last_error = "failed", reason
    if receipt.unreachable:
        await _mark_account(session, row.account_id, unreachable_at=receipt.at)
