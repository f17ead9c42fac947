"""Commitments: made, listed, edited and withdrawn by their owner, each step in their history.

A repository of the conversation's unit of work. Every change writes a
:class:`CommitmentUpdate` and plans the follow-ups again through
:meth:`db.follow_ups.FollowUps.reschedule`, the one way they are planned.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.follow_ups import FollowUps
from db.models import (
    CLOSED_STATUSES,
    Commitment,
    CommitmentPartner,
    CommitmentUpdate,
    MatchRequest,
    NetworkingRound,
    Participant,
    RoundSeat,
)
from domain.follow_ups import DEFAULT_RULES, FollowUpRules

EDITABLE = ("text", "theme", "deadline", "indicator")


class Commitments:
    def __init__(self, session: AsyncSession, follow_ups: FollowUps) -> None:
        self._session = session
        self._follow_ups = follow_ups

    async def create(
        self,
        event_id: int,
        participant_id: int,
        *,
        text: str,
        theme: str | None,
        deadline: date,
        indicator: str | None,
        partners: list[int],
        now: datetime,
        timezone: str,
        rules: FollowUpRules = DEFAULT_RULES,
    ) -> Commitment:
        """The commitment, its partners, its first history step and its follow-ups."""
        commitment = Commitment(
            event_id=event_id,
            participant_id=participant_id,
            text=text,
            theme=theme,
            deadline=deadline,
            indicator=indicator or None,
            status="open",
            created_at=now,
            updated_at=now,
        )
        self._session.add(commitment)
        await self._session.flush()
        self._session.add_all(
            CommitmentPartner(commitment_id=commitment.id, collectivity_id=collectivity_id)
            for collectivity_id in dict.fromkeys(partners)
        )
        self._history(commitment, now, "created")
        await self._session.flush()
        await self._follow_ups.reschedule(commitment, now, timezone, rules)
        return commitment

    async def of_participant(self, event_id: int, participant_id: int) -> list[Commitment]:
        """The person's commitments at the event, oldest first (their status on each)."""
        rows = await self._session.scalars(
            select(Commitment)
            .where(Commitment.event_id == event_id, Commitment.participant_id == participant_id)
            .order_by(Commitment.id)
        )
        return list(rows)

    async def get(self, commitment_id: int, participant_id: int) -> Commitment | None:
        """The commitment when it is this person's own; None for anyone else's."""
        commitment = await self._session.get(Commitment, commitment_id)
        if commitment is None or commitment.participant_id != participant_id:
            return None
        return commitment

    async def partners(self, commitment_id: int) -> list[int]:
        rows = await self._session.scalars(
            select(CommitmentPartner.collectivity_id)
            .where(CommitmentPartner.commitment_id == commitment_id)
            .order_by(CommitmentPartner.collectivity_id)
        )
        return list(rows)

    async def history(self, commitment_id: int) -> list[CommitmentUpdate]:
        rows = await self._session.scalars(
            select(CommitmentUpdate)
            .where(CommitmentUpdate.commitment_id == commitment_id)
            .order_by(CommitmentUpdate.id)
        )
        return list(rows)

    async def edit(
        self,
        commitment: Commitment,
        *,
        now: datetime,
        timezone: str,
        rules: FollowUpRules = DEFAULT_RULES,
        partners: list[int] | None = None,
        **changes: object,
    ) -> list[str]:
        """Change the parts given (``text``, ``theme``, ``deadline``, ``indicator``,
        ``partners``); one "edited" step per part changed; a new deadline plans the
        follow-ups again. Returns the names of the parts changed."""
        changed = []
        for name in EDITABLE:
            if name in changes and getattr(commitment, name) != changes[name]:
                setattr(commitment, name, changes[name])
                changed.append(name)
        if partners is not None:
            wanted = list(dict.fromkeys(partners))
            if sorted(wanted) != await self.partners(commitment.id):
                await self._session.execute(
                    delete(CommitmentPartner).where(
                        CommitmentPartner.commitment_id == commitment.id
                    )
                )
                self._session.add_all(
                    CommitmentPartner(commitment_id=commitment.id, collectivity_id=collectivity)
                    for collectivity in wanted
                )
                changed.append("partners")
        if not changed:
            return []
        commitment.updated_at = now
        for name in changed:
            self._history(commitment, now, "edited", note=name)
        await self._session.flush()
        if "deadline" in changed:
            await self._follow_ups.reschedule(commitment, now, timezone, rules)
        return changed

    async def withdraw(
        self,
        commitment: Commitment,
        *,
        now: datetime,
        timezone: str,
        rules: FollowUpRules = DEFAULT_RULES,
    ) -> bool:
        """Withdraw it (False when it was closed already); its pending follow-ups are
        cancelled."""
        if commitment.status in CLOSED_STATUSES:
            return False
        commitment.status = "withdrawn"
        commitment.closed_at = now
        commitment.updated_at = now
        self._history(commitment, now, "withdrawn")
        await self._session.flush()
        await self._follow_ups.reschedule(commitment, now, timezone, rules)
        return True

    async def partner_candidates(self, event_id: int, participant_id: int) -> list[int]:
        """The collectivities of this person's accepted connections (either side), then
        of those who sat at their table in a round; their own collectivity left out."""
        connected = await self._session.scalars(
            select(Participant.collectivity_id)
            .join(
                MatchRequest,
                or_(
                    (MatchRequest.requester_id == participant_id)
                    & (MatchRequest.requested_id == Participant.id),
                    (MatchRequest.requested_id == participant_id)
                    & (MatchRequest.requester_id == Participant.id),
                ),
            )
            .where(MatchRequest.event_id == event_id, MatchRequest.status == "accepted")
            .order_by(MatchRequest.id)
        )
        mine, theirs = aliased(RoundSeat), aliased(RoundSeat)
        seated = await self._session.scalars(
            select(Participant.collectivity_id)
            .join(theirs, theirs.participant_id == Participant.id)
            .join(
                mine,
                (mine.round_id == theirs.round_id)
                & (mine.table_number == theirs.table_number)
                & (mine.participant_id == participant_id),
            )
            .join(NetworkingRound, NetworkingRound.id == theirs.round_id)
            .where(NetworkingRound.event_id == event_id, theirs.participant_id != participant_id)
            .order_by(NetworkingRound.number, Participant.id)
        )
        own = await self._session.scalar(
            select(Participant.collectivity_id).where(Participant.id == participant_id)
        )
        found = [*connected, *seated]
        return [c for c in dict.fromkeys(found) if c is not None and c != own]

    def _history(
        self, commitment: Commitment, now: datetime, source: str, note: str | None = None
    ) -> None:
        self._session.add(
            CommitmentUpdate(
                commitment_id=commitment.id,
                at=now,
                status=commitment.status,
                note=note,
                source=source,
            )
        )
