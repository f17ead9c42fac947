"""Interest profiles, as the matching sees them, and the organisers' "do not match" list.

A repository of the conversation's unit of work. :meth:`Networking.profiles` turns the
stored profiles of an event's registered participants into :class:`domain.matching.Profile`
values: the themes chosen from the list and those understood from the person's own texts
(as they confirmed them) together, and both texts as one, for the text similarity.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ChannelAccount,
    CheckIn,
    Collectivity,
    DoNotMatch,
    EventRegistration,
    InterestProfile,
    Participant,
)
from domain.matching import Pair, Profile


def as_profile(participant: Participant, stored: InterestProfile | None) -> Profile:
    """The matching's view of one participant; no interests when nothing is stored."""
    collectivity = participant.collectivity
    base = {
        "participant_id": participant.id,
        "collectivity_id": participant.collectivity_id,
        "region_code": collectivity.region_code,
        "collectivity_kind": collectivity.kind,
    }
    if stored is None:
        return Profile(**base)
    text = "\n".join(part for part in (stored.offer_text, stored.seek_text) if part)
    return Profile(
        **base,
        offers=frozenset(stored.offers or ()) | frozenset(stored.offer_text_themes or ()),
        seeks=frozenset(stored.seeks or ()) | frozenset(stored.seek_text_themes or ()),
        text=text,
    )


class Networking:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def profile(self, event_id: int, participant_id: int) -> InterestProfile | None:
        return await self._session.get(InterestProfile, (event_id, participant_id))

    async def save_profile(self, profile: InterestProfile) -> InterestProfile:
        self._session.add(profile)
        await self._session.flush()
        return profile

    async def profiles(
        self,
        event_id: int,
        participant_ids: Collection[int] | None = None,
        *,
        present_only: bool = False,
    ) -> list[Profile]:
        """The event's registered participants as matching profiles, by participant id;
        only ``participant_ids`` when given, only those checked in with ``present_only``."""
        query = (
            select(Participant, InterestProfile)
            .join(EventRegistration, EventRegistration.participant_id == Participant.id)
            .join(Collectivity, Collectivity.id == Participant.collectivity_id)
            .outerjoin(
                InterestProfile,
                (InterestProfile.participant_id == Participant.id)
                & (InterestProfile.event_id == event_id),
            )
            .where(EventRegistration.event_id == event_id)
            .order_by(Participant.id)
        )
        if participant_ids is not None:
            query = query.where(Participant.id.in_(list(participant_ids)))
        if present_only:
            query = query.join(
                CheckIn, (CheckIn.participant_id == Participant.id) & (CheckIn.event_id == event_id)
            )
        rows = await self._session.execute(query)
        return [as_profile(participant, stored) for participant, stored in rows]

    async def participants(self, ids: Collection[int]) -> dict[int, Participant]:
        """The participants of these ids (with their collectivities), by id."""
        if not ids:
            return {}
        rows = await self._session.scalars(select(Participant).where(Participant.id.in_(list(ids))))
        return {participant.id: participant for participant in rows}

    async def reachable_accounts(
        self, participant_ids: Collection[int]
    ) -> dict[int, list[ChannelAccount]]:
        """Each participant's channel accounts that have not blocked the bot, by participant
        id; a participant with none is absent."""
        found: dict[int, list[ChannelAccount]] = {}
        if not participant_ids:
            return found
        rows = await self._session.scalars(
            select(ChannelAccount)
            .where(
                ChannelAccount.participant_id.in_(list(participant_ids)),
                ChannelAccount.unreachable_at.is_(None),
            )
            .order_by(ChannelAccount.id)
        )
        for account in rows:
            found.setdefault(account.participant_id, []).append(account)
        return found

    async def do_not_match(self, participant_ids: Collection[int] | None = None) -> set[Pair]:
        """The pairs never to be suggested nor seated together (among ``participant_ids``)."""
        query = select(DoNotMatch.first_id, DoNotMatch.second_id)
        if participant_ids is not None:
            ids = list(participant_ids)
            query = query.where(or_(DoNotMatch.first_id.in_(ids), DoNotMatch.second_id.in_(ids)))
        return {frozenset(row) for row in await self._session.execute(query)}

    async def block(self, a: int, b: int, now: datetime) -> bool:
        """Put the pair on the list; False when it was on it already."""
        if a == b:
            raise ValueError("a participant is never matched with themselves")
        first, second = sorted((a, b))
        if await self._session.get(DoNotMatch, (first, second)) is not None:
            return False
        self._session.add(DoNotMatch(first_id=first, second_id=second, created_at=now))
        await self._session.flush()
        return True

    async def unblock(self, a: int, b: int) -> bool:
        """Take the pair off the list; False when it was not on it."""
        first, second = sorted((a, b))
        result = await self._session.execute(
            delete(DoNotMatch).where(DoNotMatch.first_id == first, DoNotMatch.second_id == second)
        )
        return result.rowcount == 1
