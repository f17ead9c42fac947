"""A commitment's follow-ups, as rows that the follow-up sweep turns into messages.

A repository of the conversation's unit of work. :meth:`FollowUps.reschedule` is the one
way follow-ups are planned: when a commitment is made, when its deadline changes, and
(with nothing to plan) when it is closed. Pending ones are cancelled, never deleted, and
the new ones continue the commitment's sequence, so no key is ever used twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CLOSED_STATUSES, Commitment, FollowUp, as_utc
from domain.follow_ups import DEFAULT_RULES, FollowUpRules, follow_up_days, send_time


class FollowUps:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of(self, commitment_id: int) -> list[FollowUp]:
        """Every follow-up of the commitment, cancelled ones included, in sequence."""
        rows = await self._session.scalars(
            select(FollowUp)
            .where(FollowUp.commitment_id == commitment_id)
            .order_by(FollowUp.sequence)
        )
        return list(rows)

    async def cancel_pending(self, commitment_id: int) -> int:
        result = await self._session.execute(
            update(FollowUp)
            .where(FollowUp.commitment_id == commitment_id, FollowUp.status == "pending")
            .values(status="cancelled")
        )
        return result.rowcount or 0

    async def reschedule(
        self,
        commitment: Commitment,
        now: datetime,
        timezone: str,
        rules: FollowUpRules = DEFAULT_RULES,
    ) -> list[FollowUp]:
        """Cancel the pending follow-ups and plan those still to come (none once closed).

        ``commitment`` must be flushed (it has an id). Days are counted in ``timezone``:
        the day it was made, today, the deadline; sent ones count against ``at_most``.
        """
        await self.cancel_pending(commitment.id)
        if commitment.status in CLOSED_STATUSES:
            return []
        counts = (
            await self._session.execute(
                select(
                    func.coalesce(func.max(FollowUp.sequence), 0),
                    func.count().filter(FollowUp.status.in_(("sent", "answered"))),
                ).where(FollowUp.commitment_id == commitment.id)
            )
        ).one()
        last, already = counts
        zone = ZoneInfo(timezone)
        days = follow_up_days(
            as_utc(commitment.created_at).astimezone(zone).date(),
            commitment.deadline,
            today=as_utc(now).astimezone(zone).date(),
            already=already,
            rules=rules,
        )
        planned = [
            FollowUp(
                commitment_id=commitment.id,
                sequence=last + position,
                due_at=send_time(day, timezone, rules).astimezone(UTC),
                status="pending",
            )
            for position, day in enumerate(days, start=1)
        ]
        self._session.add_all(planned)
        await self._session.flush()
        return planned
