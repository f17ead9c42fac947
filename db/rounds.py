"""Speed-networking rounds: who sits with whom, round after round, and who says they met.

A repository of the conversation's unit of work. :meth:`Rounds.plan` seats the people of
a round (those checked in, or everyone registered) with :mod:`domain.matching`, over their
interest profiles, the organisers' "do not match" list and every meeting of the event's
earlier rounds, and writes nothing; :meth:`Rounds.create` then stores the round and its
seats. Planning first lets a caller stop the running round only once the next one is
known to be possible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    MeetingReport,
    NetworkingRound,
    RoundSeat,
    as_utc,
)
from db.networking import Networking
from domain.matching import Matcher, Pair, Profile, meetings, pairs, tables

PAIRS, TABLES = "pairs", "tables"
PRESENT, ALL = "present", "all"
TABLE_SIZES = (3, 5)
"""The smallest and the largest table a facilitator may ask for."""
FEWEST = {PAIRS: 2, TABLES: 3}
"""The fewest people a round of each mode can seat."""


class TooFewPeople(Exception):
    """Fewer people than a round of that mode needs."""

    def __init__(self, count: int, least: int) -> None:
        super().__init__(f"{count} people for a round that needs {least}")
        self.count = count
        self.least = least


@dataclass(frozen=True)
class Plan:
    """A round's seating, not stored yet: each table's participant ids, table 1 first."""

    mode: str
    size: int
    audience: str
    tables: tuple[tuple[int, ...], ...]
    profiles: dict[int, Profile]

    @property
    def seated(self) -> int:
        return sum(len(table) for table in self.tables)


@dataclass(frozen=True)
class Record:
    """One round as ``/rounds`` shows it: how many were seated and what they said after."""

    round: NetworkingRound
    seated: int
    met_yes: int
    met_no: int


@dataclass(frozen=True)
class Meeting:
    """Two people who sat at the same table of a round, from ``participant_id``'s side."""

    round: NetworkingRound
    participant_id: int
    other_id: int


def is_running(found: NetworkingRound, now: datetime) -> bool:
    return found.stopped_at is None and as_utc(found.ends_at) > now


class Rounds:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._networking = Networking(session)

    # seating

    async def plan(self, event_id: int, *, mode: str, size: int, audience: str) -> Plan:
        """Seat the audience's people; raises :class:`TooFewPeople` or
        :class:`domain.matching.MatchingImpossible`, having written nothing."""
        if mode not in FEWEST:
            raise ValueError(f"no round mode {mode!r}")
        if mode == TABLES and not TABLE_SIZES[0] <= size <= TABLE_SIZES[1]:
            raise ValueError(f"tables of {size}: tables are of 3 to 5 people")
        profiles = await self._networking.profiles(event_id, present_only=audience == PRESENT)
        if len(profiles) < FEWEST[mode]:
            raise TooFewPeople(len(profiles), FEWEST[mode])
        ids = [profile.participant_id for profile in profiles]
        blocked = await self._networking.do_not_match(ids)
        met = await self.met(event_id)
        matcher = Matcher(profiles, do_not_match=blocked)
        if mode == PAIRS:
            groups = pairs(profiles, met, matcher, do_not_match=blocked)
        else:
            groups = tables(profiles, size, met, matcher, do_not_match=blocked)
        return Plan(
            mode=mode,
            size=2 if mode == PAIRS else size,
            audience=audience,
            tables=tuple(tuple(group) for group in groups),
            profiles={profile.participant_id: profile for profile in profiles},
        )

    async def create(
        self,
        event_id: int,
        plan: Plan,
        *,
        minutes: int,
        now: datetime,
        started_by: int | None,
    ) -> NetworkingRound:
        """Store the planned round, numbered after the event's last one, and its seats."""
        last = await self._session.scalar(
            select(func.max(NetworkingRound.number)).where(NetworkingRound.event_id == event_id)
        )
        created = NetworkingRound(
            event_id=event_id,
            number=(last or 0) + 1,
            mode=plan.mode,
            size=plan.size,
            minutes=minutes,
            audience=plan.audience,
            started_at=now,
            ends_at=now + timedelta(minutes=minutes),
            started_by=started_by,
        )
        self._session.add(created)
        await self._session.flush()
        self._session.add_all(
            RoundSeat(round_id=created.id, participant_id=pid, table_number=number)
            for number, table in enumerate(plan.tables, start=1)
            for pid in table
        )
        await self._session.flush()
        return created

    async def stop(self, found: NetworkingRound, now: datetime) -> None:
        found.stopped_at = now
        await self._session.flush()

    # reading

    async def get(self, round_id: int, *, event_id: int) -> NetworkingRound | None:
        """The event's round of that id, or None."""
        found = await self._session.get(NetworkingRound, round_id)
        return found if found is not None and found.event_id == event_id else None

    async def by_number(self, event_id: int, number: int) -> NetworkingRound | None:
        return await self._session.scalar(
            select(NetworkingRound).where(
                NetworkingRound.event_id == event_id, NetworkingRound.number == number
            )
        )

    async def last(self, event_id: int) -> NetworkingRound | None:
        return await self._session.scalar(
            select(NetworkingRound)
            .where(NetworkingRound.event_id == event_id)
            .order_by(NetworkingRound.number.desc())
            .limit(1)
        )

    async def running(self, event_id: int, now: datetime) -> NetworkingRound | None:
        """The round still on at ``now``: only the last one can be (a new round stops it)."""
        last = await self.last(event_id)
        return last if last is not None and is_running(last, now) else None

    async def of_event(self, event_id: int) -> list[NetworkingRound]:
        return list(
            await self._session.scalars(
                select(NetworkingRound)
                .where(NetworkingRound.event_id == event_id)
                .order_by(NetworkingRound.number)
            )
        )

    async def tables(self, round_id: int) -> dict[int, tuple[int, ...]]:
        """Each table number's participant ids, by table number."""
        rows = await self._session.execute(
            select(RoundSeat.table_number, RoundSeat.participant_id)
            .where(RoundSeat.round_id == round_id)
            .order_by(RoundSeat.table_number, RoundSeat.participant_id)
        )
        found: dict[int, list[int]] = defaultdict(list)
        for number, pid in rows:
            found[number].append(pid)
        return {number: tuple(ids) for number, ids in found.items()}

    async def seat_of(self, round_id: int, participant_id: int) -> RoundSeat | None:
        return await self._session.get(RoundSeat, (round_id, participant_id))

    async def sat_together(self, round_id: int, a: int, b: int) -> bool:
        """Whether ``a`` and ``b`` (two people) sat at the same table of that round."""
        if a == b:
            return False
        first, second = await self.seat_of(round_id, a), await self.seat_of(round_id, b)
        return (
            first is not None and second is not None and first.table_number == second.table_number
        )

    async def groups(self, event_id: int) -> list[tuple[NetworkingRound, tuple[int, ...]]]:
        """Every table of every round of the event, as (round, participant ids)."""
        found = []
        for each in await self.of_event(event_id):
            found += [(each, table) for table in (await self.tables(each.id)).values()]
        return found

    async def met(self, event_id: int) -> set[Pair]:
        """Every pair who sat at the same table in a round of the event."""
        return meetings(table for _, table in await self.groups(event_id))

    async def meetings(self, event_id: int) -> list[Meeting]:
        """Every meeting of the event's rounds, once from each side, round by round."""
        return [
            Meeting(each, pid, other)
            for each, table in await self.groups(event_id)
            for pid in table
            for other in table
            if other != pid
        ]

    async def history(self, event_id: int) -> list[Record]:
        """The event's rounds, first first, with their seats and "did you meet?" answers."""
        answers = {
            (row.participant_id, row.other_id): row.met
            for row in await self._session.scalars(
                select(MeetingReport).where(MeetingReport.event_id == event_id)
            )
        }
        records = []
        for each in await self.of_event(event_id):
            seated, yes, no = 0, 0, 0
            for table in (await self.tables(each.id)).values():
                seated += len(table)
                for pid in table:
                    for other in table:
                        said = answers.get((pid, other))
                        yes += said is True
                        no += said is False
            records.append(Record(each, seated, yes, no))
        return records

    # "did you meet X?"

    async def reported(self, event_id: int) -> set[tuple[int, int]]:
        """(participant, other) of every answer given."""
        rows = await self._session.execute(
            select(MeetingReport.participant_id, MeetingReport.other_id).where(
                MeetingReport.event_id == event_id
            )
        )
        return {(a, b) for a, b in rows}

    async def report(
        self, event_id: int, participant_id: int, other_id: int, met: bool, now: datetime
    ) -> None:
        """Keep the person's answer about the other; a second answer replaces the first."""
        dialect = self._session.bind.dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(MeetingReport).values(
            event_id=event_id,
            participant_id=participant_id,
            other_id=other_id,
            met=met,
            answered_at=now,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["event_id", "participant_id", "other_id"],
                set_={"met": met, "answered_at": now},
            )
        )
