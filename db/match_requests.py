"""Match requests ("I'd like to connect") and what the double opt-in needs around them.

A repository of the conversation's unit of work. A pair holds at most one request each
way (the table's unique key): asking again after a withdrawal opens the same row again.
A request read to be changed is locked (``SELECT … FOR UPDATE`` on PostgreSQL), so that
a withdrawal and an acceptance handled at the same moment are applied one after the
other, the second seeing what the first did.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MatchRequest, OutboxMessage, as_utc

PENDING, ACCEPTED, DECLINED, WITHDRAWN = "pending", "accepted", "declined", "withdrawn"
WAITING = (PENDING, DECLINED)
"""What the requester sees as "waiting for an answer": a decline is never told to them."""


class Requests:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, request_id: int, event_id: int) -> MatchRequest | None:
        """The event's request of that id, locked for this unit of work; None if not found."""
        return await self._session.scalar(
            select(MatchRequest)
            .where(MatchRequest.id == request_id, MatchRequest.event_id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def between(
        self, event_id: int, requester_id: int, requested_id: int
    ) -> MatchRequest | None:
        """The request from ``requester_id`` to ``requested_id``, locked; None if none."""
        return await self._session.scalar(
            select(MatchRequest)
            .where(
                MatchRequest.event_id == event_id,
                MatchRequest.requester_id == requester_id,
                MatchRequest.requested_id == requested_id,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def involving(
        self, event_id: int, participant_ids: Collection[int] | None = None
    ) -> list[MatchRequest]:
        """The event's requests made or received by ``participant_ids`` (all when None)."""
        query = select(MatchRequest).where(MatchRequest.event_id == event_id)
        if participant_ids is not None:
            ids = list(participant_ids)
            query = query.where(
                or_(MatchRequest.requester_id.in_(ids), MatchRequest.requested_id.in_(ids))
            )
        return list(await self._session.scalars(query.order_by(MatchRequest.id)))

    async def ask(
        self, event_id: int, requester_id: int, requested_id: int, reasons: dict, now: datetime
    ) -> MatchRequest:
        """A new pending request, or a withdrawn one opened again.

        ``created_at`` is when it was (last) asked, always later than before, so that the
        message telling the other person can be keyed by it and never repeats a key.
        """
        request = await self.between(event_id, requester_id, requested_id)
        if request is None:
            request = MatchRequest(
                event_id=event_id,
                requester_id=requester_id,
                requested_id=requested_id,
                created_at=now,
            )
            self._session.add(request)
        else:
            before = as_utc(request.created_at)
            request.created_at = now if now > before else before + timedelta(microseconds=1)
            request.answered_at = None
        request.status = PENDING
        request.reasons = dict(reasons)
        await self._session.flush()
        return request

    async def answer(self, request: MatchRequest, status: str, now: datetime) -> None:
        request.status = status
        request.answered_at = now
        await self._session.flush()

    async def keys_taken(self, keys: Collection[str]) -> set[str]:
        """Those of the outbox keys that are written already (whatever their status)."""
        if not keys:
            return set()
        rows = await self._session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.idempotency_key.in_(list(keys))
            )
        )
        return set(rows)
