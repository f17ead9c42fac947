"""Following commitments up: the follow-ups that are due, and the answers to them.

A repository of the conversation's unit of work (``store.following``); the follow-up
sweep uses it in its own unit of work. Planning follow-ups is :mod:`db.follow_ups`'s
(``reschedule``); making and editing commitments is another module's. Here: which
follow-ups are due (locked on PostgreSQL, so two processes never take the same one),
the commitment and its owner, its history, and the peers who offered its theme.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ChannelAccount,
    Commitment,
    CommitmentUpdate,
    EventRegistration,
    FollowUp,
    InterestProfile,
    Participant,
)

PENDING, SENT, ANSWERED, CANCELLED = "pending", "sent", "answered", "cancelled"


class Following:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # the sweep

    async def due(
        self, event_id: int, now: datetime, *, limit: int = 100
    ) -> list[tuple[FollowUp, Commitment]]:
        """Pending follow-ups whose time has come, earliest first, with their commitment;
        locked on PostgreSQL (``FOR UPDATE SKIP LOCKED``): two sweeps never take the same."""
        statement = (
            select(FollowUp, Commitment)
            .join(Commitment, Commitment.id == FollowUp.commitment_id)
            .where(
                Commitment.event_id == event_id,
                FollowUp.status == PENDING,
                FollowUp.due_at <= now,
            )
            .order_by(FollowUp.due_at, FollowUp.id)
            .limit(limit)
        )
        if self._session.bind.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True, of=FollowUp)
        return [(row[0], row[1]) for row in await self._session.execute(statement)]

    async def next_due(self, event_id: int) -> datetime | None:
        return await self._session.scalar(
            select(func.min(FollowUp.due_at))
            .join(Commitment, Commitment.id == FollowUp.commitment_id)
            .where(Commitment.event_id == event_id, FollowUp.status == PENDING)
        )

    async def accounts_of(self, people: list[tuple[str, str]]) -> list[ChannelAccount]:
        """The reachable channel accounts of these ``(channel, external id)`` pairs: the
        people who wrote to the bot at least once and did not block it since."""
        if not people:
            return []
        rows = await self._session.scalars(
            select(ChannelAccount)
            .where(
                tuple_(ChannelAccount.channel, ChannelAccount.external_id).in_(people),
                ChannelAccount.unreachable_at.is_(None),
            )
            .order_by(ChannelAccount.id)
        )
        return list(rows)

    async def participant(self, participant_id: int) -> Participant | None:
        return await self._session.get(Participant, participant_id)

    async def finish(self, follow_up: FollowUp, status: str, now: datetime) -> None:
        """Mark a follow-up ``sent`` (with ``sent_at``), ``answered`` or ``cancelled``."""
        follow_up.status = status
        if status == SENT:
            follow_up.sent_at = now
        elif status == ANSWERED:
            follow_up.answered_at = now
        await self._session.flush()

    # the answers

    async def get(self, follow_up_id: int, event_id: int) -> tuple[FollowUp, Commitment] | None:
        """The follow-up and its commitment, locked on PostgreSQL until the end of the unit
        of work (two taps at once are answered one after the other)."""
        statement = (
            select(FollowUp, Commitment)
            .join(Commitment, Commitment.id == FollowUp.commitment_id)
            .where(FollowUp.id == follow_up_id, Commitment.event_id == event_id)
            .execution_options(populate_existing=True)
        )
        if self._session.bind.dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else (row[0], row[1])

    async def commitment(self, commitment_id: int, event_id: int) -> Commitment | None:
        found = await self._session.get(Commitment, commitment_id)
        return found if found is not None and found.event_id == event_id else None

    async def record(
        self, commitment: Commitment, now: datetime, *, note: str | None = None
    ) -> CommitmentUpdate:
        """One step of the commitment's history, from a follow-up: its status now."""
        commitment.updated_at = now
        update = CommitmentUpdate(
            commitment_id=commitment.id,
            at=now,
            status=commitment.status,
            note=note,
            source="followup",
        )
        self._session.add(update)
        await self._session.flush()
        return update

    async def last_update(self, commitment_id: int) -> CommitmentUpdate | None:
        return await self._session.scalar(
            select(CommitmentUpdate)
            .where(CommitmentUpdate.commitment_id == commitment_id)
            .order_by(CommitmentUpdate.at.desc(), CommitmentUpdate.id.desc())
            .limit(1)
        )

    async def history(self, commitment_id: int) -> list[CommitmentUpdate]:
        rows = await self._session.scalars(
            select(CommitmentUpdate)
            .where(CommitmentUpdate.commitment_id == commitment_id)
            .order_by(CommitmentUpdate.at, CommitmentUpdate.id)
        )
        return list(rows)

    async def offering(
        self, event_id: int, theme: str, *, besides_collectivity: int, limit: int = 3
    ) -> list[Participant]:
        """Registered participants who offered ``theme`` (chosen or understood from their
        text), from other collectivities, in the order they registered."""
        rows = await self._session.execute(
            select(Participant, InterestProfile)
            .join(InterestProfile, InterestProfile.participant_id == Participant.id)
            .join(
                EventRegistration,
                (EventRegistration.participant_id == Participant.id)
                & (EventRegistration.event_id == event_id),
            )
            .where(
                InterestProfile.event_id == event_id,
                Participant.collectivity_id != besides_collectivity,
            )
            .order_by(Participant.id)
        )
        found = []
        for participant, profile in rows:
            if theme in (profile.offers or ()) or theme in (profile.offer_text_themes or ()):
                found.append(participant)
                if len(found) == limit:
                    break
        return found
