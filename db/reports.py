"""What the organisers' reports read: one query per table, whatever the number of rows.

Each function returns plain rows (dataclasses) for one event; the writers in
``bot/reports.py`` turn them into CSV, XLSX, DOCX or Markdown. Personal data (names,
phones, emails) is in these rows: reports are for organisers only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import (
    CLOSED_STATUSES,
    ChannelAccount,
    CheckIn,
    Collectivity,
    Commitment,
    CommitmentPartner,
    EventRegistration,
    FollowUp,
    InterestProfile,
    MatchRequest,
    MeetingReport,
    Participant,
    Region,
)


@dataclass(frozen=True)
class Place:
    """A collectivity as a report names it."""

    code: str
    label_ar: str
    label_fr: str
    region_code: str
    region_ar: str
    region_fr: str
    kind: str

    def label(self, language: str) -> str:
        return self.label_ar if language == "ar" else self.label_fr

    def region(self, language: str) -> str:
        return self.region_ar if language == "ar" else self.region_fr


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    name: str
    place: Place
    position: str
    phone: str | None
    email: str | None
    language: str | None
    registered_at: datetime
    checked_in_at: datetime | None


@dataclass(frozen=True)
class InterestRow:
    participant_id: int
    name: str
    place: Place
    offers: tuple[str, ...]
    seeks: tuple[str, ...]
    offer_text: str
    seek_text: str
    scope: str | None


@dataclass(frozen=True)
class MatchRow:
    id: int
    requester_id: int
    requester: str
    requester_place: Place
    requested_id: int
    requested: str
    requested_place: Place
    status: str
    created_at: datetime
    answered_at: datetime | None
    requester_met: bool | None
    """The requester's "did you meet?" answer (None: not answered)."""
    requested_met: bool | None


@dataclass(frozen=True)
class CommitmentRow:
    id: int
    owner_id: int
    owner: str
    place: Place
    text: str
    theme: str | None
    partners: tuple[Place, ...]
    deadline: date
    indicator: str | None
    status: str
    blocked_reason: str | None
    needs_help: bool
    updated_at: datetime
    follow_ups_sent: int

    def overdue(self, today: date) -> bool:
        return self.status not in CLOSED_STATUSES and self.deadline < today


def _place(collectivity: Collectivity) -> Place:
    region = collectivity.region
    return Place(
        collectivity.code,
        collectivity.label_ar,
        collectivity.label_fr,
        region.code,
        region.name_ar,
        region.name_fr,
        collectivity.kind,
    )


async def _places(session: AsyncSession) -> dict[int, Place]:
    """Every collectivity by id (a few thousand rows at most: read once)."""
    rows = await session.scalars(select(Collectivity).join(Region))
    return {collectivity.id: _place(collectivity) for collectivity in rows}


async def _people(session: AsyncSession, event_id: int) -> dict[int, tuple[str, int]]:
    """Registered participants: id → (name, collectivity id)."""
    rows = await session.execute(
        select(Participant.id, Participant.full_name, Participant.collectivity_id)
        .join(EventRegistration, EventRegistration.participant_id == Participant.id)
        .where(EventRegistration.event_id == event_id)
    )
    return {pid: (name, place) for pid, name, place in rows}


async def participants(session: AsyncSession, event_id: int) -> list[ParticipantRow]:
    places = await _places(session)
    languages: dict[int, str | None] = {}
    accounts = await session.execute(
        select(ChannelAccount.participant_id, ChannelAccount.locale)
        .where(ChannelAccount.participant_id.is_not(None))
        .order_by(ChannelAccount.id)
    )
    for pid, locale in accounts:
        languages.setdefault(pid, locale)
    rows = await session.execute(
        select(Participant, EventRegistration.registered_at, CheckIn.checked_in_at)
        .join(EventRegistration, EventRegistration.participant_id == Participant.id)
        .outerjoin(
            CheckIn,
            (CheckIn.participant_id == Participant.id) & (CheckIn.event_id == event_id),
        )
        .where(EventRegistration.event_id == event_id)
        .order_by(Participant.id)
    )
    return [
        ParticipantRow(
            person.id,
            person.full_name,
            places[person.collectivity_id],
            person.position,
            person.phone,
            person.email,
            languages.get(person.id),
            registered_at,
            checked_in_at,
        )
        for person, registered_at, checked_in_at in rows
    ]


async def interests(session: AsyncSession, event_id: int) -> list[InterestRow]:
    places = await _places(session)
    people = await _people(session, event_id)
    rows = await session.scalars(
        select(InterestProfile)
        .where(InterestProfile.event_id == event_id)
        .order_by(InterestProfile.participant_id)
    )
    return [
        InterestRow(
            profile.participant_id,
            people[profile.participant_id][0],
            places[people[profile.participant_id][1]],
            tuple(profile.offers),
            tuple(profile.seeks),
            profile.offer_text,
            profile.seek_text,
            profile.scope,
        )
        for profile in rows
        if profile.participant_id in people
    ]


async def matches(session: AsyncSession, event_id: int) -> list[MatchRow]:
    places = await _places(session)
    requester, requested = aliased(Participant), aliased(Participant)
    met: dict[tuple[int, int], bool] = {}
    reports = await session.execute(
        select(MeetingReport.participant_id, MeetingReport.other_id, MeetingReport.met).where(
            MeetingReport.event_id == event_id
        )
    )
    for pid, other, answer in reports:
        met[(pid, other)] = answer
    rows = await session.execute(
        select(MatchRequest, requester, requested)
        .join(requester, requester.id == MatchRequest.requester_id)
        .join(requested, requested.id == MatchRequest.requested_id)
        .where(MatchRequest.event_id == event_id)
        .order_by(MatchRequest.id)
    )
    return [
        MatchRow(
            request.id,
            first.id,
            first.full_name,
            places[first.collectivity_id],
            second.id,
            second.full_name,
            places[second.collectivity_id],
            request.status,
            request.created_at,
            request.answered_at,
            met.get((first.id, second.id)),
            met.get((second.id, first.id)),
        )
        for request, first, second in rows
    ]


async def commitments(session: AsyncSession, event_id: int) -> list[CommitmentRow]:
    """Every commitment of the event, withdrawn ones included (their status says so)."""
    places = await _places(session)
    partners: dict[int, list[Place]] = defaultdict(list)
    rows = await session.execute(
        select(CommitmentPartner.commitment_id, CommitmentPartner.collectivity_id)
        .join(Commitment, Commitment.id == CommitmentPartner.commitment_id)
        .where(Commitment.event_id == event_id)
        .order_by(CommitmentPartner.commitment_id, CommitmentPartner.collectivity_id)
    )
    for commitment_id, collectivity_id in rows:
        partners[commitment_id].append(places[collectivity_id])
    sent = dict(
        (
            await session.execute(
                select(FollowUp.commitment_id, func.count())
                .join(Commitment, Commitment.id == FollowUp.commitment_id)
                .where(Commitment.event_id == event_id, FollowUp.sent_at.is_not(None))
                .group_by(FollowUp.commitment_id)
            )
        ).all()
    )
    rows = await session.execute(
        select(Commitment, Participant.full_name, Participant.collectivity_id)
        .join(Participant, Participant.id == Commitment.participant_id)
        .where(Commitment.event_id == event_id)
        .order_by(Commitment.id)
    )
    return [
        CommitmentRow(
            commitment.id,
            commitment.participant_id,
            name,
            places[collectivity_id],
            commitment.text,
            commitment.theme,
            tuple(partners.get(commitment.id, ())),
            commitment.deadline,
            commitment.indicator,
            commitment.status,
            commitment.blocked_reason,
            commitment.needs_help_at is not None,
            commitment.updated_at,
            sent.get(commitment.id, 0),
        )
        for commitment, name, collectivity_id in rows
    ]


@dataclass(frozen=True)
class Summary:
    """The figures ``/report`` gives in the chat."""

    registered: int
    checked_in: int
    commitments: int
    by_status: dict[str, int]
    overdue: int
    blocked: int
    needs_help: int
    by_region: dict[str, int]
    """Region code → commitments (withdrawn ones left out)."""
    regions: dict[str, Place]
    """Region code → a place of it, for the region's name."""


async def summary(session: AsyncSession, event_id: int, today: date) -> Summary:
    rows = await commitments(session, event_id)
    registered = await session.scalar(
        select(func.count())
        .select_from(EventRegistration)
        .where(EventRegistration.event_id == event_id)
    )
    present = await session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event_id)
    )
    live = [row for row in rows if row.status != "withdrawn"]
    return Summary(
        registered or 0,
        present or 0,
        len(live),
        dict(Counter(row.status for row in rows)),
        sum(row.overdue(today) for row in rows),
        sum(row.status == "blocked" for row in rows),
        sum(row.needs_help and row.status not in CLOSED_STATUSES for row in rows),
        dict(Counter(row.place.region_code for row in live)),
        {row.place.region_code: row.place for row in live},
    )


class Reports:
    """``store.reports``: what the chat's ``/report`` reads."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def summary(self, event_id: int, today: date) -> Summary:
        return await summary(self.session, event_id, today)
