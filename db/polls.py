"""What happens live in the room: poll answers, open-question replies, check-ins, and the
broadcasts that asked for them, as a repository of the conversation's unit of work.

A person has one answer per poll, changed in place until the poll closes; closing it
stops the counting for good. Only participants registered for the event answer, reply or
check in; the caller checks that (:meth:`Live.registered`) and says it politely.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db import broadcasts
from db.models import (
    Broadcast,
    CheckIn,
    Collectivity,
    EventRegistration,
    Participant,
    PollAnswer,
    QuestionReply,
    Region,
)
from locales.i18n import Catalogs


class Answered(StrEnum):
    COUNTED = "counted"
    """A first answer."""
    CHANGED = "changed"
    """Another option than before."""
    SAME = "same"
    """The option already chosen."""
    CLOSED = "closed"
    """The poll was closed: nothing is counted."""


@dataclass(frozen=True, slots=True)
class PresentIn:
    region: Region
    count: int


class Live:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self):
        dialect = self._session.bind.dialect.name
        return postgresql_insert if dialect == "postgresql" else sqlite_insert

    async def registered(self, event_id: int, participant_id: int) -> bool:
        found = await self._session.get(EventRegistration, (event_id, participant_id))
        return found is not None

    # broadcasts

    async def broadcast(self, broadcast_id: int, *, event_id: int) -> Broadcast | None:
        """The event's broadcast of that id, or None."""
        found = await self._session.get(Broadcast, broadcast_id)
        return found if found is not None and found.event_id == event_id else None

    async def latest_open_poll(self, event_id: int) -> Broadcast | None:
        return await self._session.scalar(
            select(Broadcast)
            .where(
                Broadcast.event_id == event_id,
                Broadcast.kind == broadcasts.POLL,
                Broadcast.closed_at.is_(None),
            )
            .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
            .limit(1)
        )

    async def recent(self, event_id: int, limit: int = 5) -> list[broadcasts.Listed]:
        """The event's last broadcasts, newest first, with where their copies stand."""
        return await broadcasts.listed(self._session, event_id=event_id, limit=limit)

    async def close(self, broadcast: Broadcast, now: datetime) -> bool:
        """Stop a poll or question taking answers; False when it was closed already."""
        if broadcast.closed_at is not None:
            return False
        broadcast.closed_at = now
        await self._session.flush()
        return True

    # polls

    async def answer(
        self, poll: Broadcast, participant_id: int, choice: int, now: datetime
    ) -> Answered:
        """Record or change the person's answer, unless the poll is closed.

        On PostgreSQL the poll's row is read with a shared lock: a close (which updates it)
        waits for the answers in progress, and the answers after it see it closed.
        """
        closed_at = await self._session.scalar(
            select(Broadcast.closed_at)
            .where(Broadcast.id == poll.id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
        if closed_at is not None:
            return Answered.CLOSED
        before = await self._session.scalar(
            select(PollAnswer.choice).where(
                PollAnswer.broadcast_id == poll.id, PollAnswer.participant_id == participant_id
            )
        )
        if before == choice:
            return Answered.SAME
        statement = self._insert()(PollAnswer).values(
            broadcast_id=poll.id, participant_id=participant_id, choice=choice, answered_at=now
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["broadcast_id", "participant_id"],
                set_={"choice": choice, "answered_at": now},
            )
        )
        return Answered.COUNTED if before is None else Answered.CHANGED

    async def choice_of(self, poll_id: int, participant_id: int) -> int | None:
        return await self._session.scalar(
            select(PollAnswer.choice).where(
                PollAnswer.broadcast_id == poll_id, PollAnswer.participant_id == participant_id
            )
        )

    async def counts(self, poll: Broadcast) -> list[int]:
        """How many chose each option, in the options' order."""
        rows = await self._session.execute(
            select(PollAnswer.choice, func.count())
            .where(PollAnswer.broadcast_id == poll.id)
            .group_by(PollAnswer.choice)
        )
        by_choice = dict(rows.all())
        return [by_choice.get(position, 0) for position in range(len(poll.options or ()))]

    # open questions

    async def add_reply(
        self, question: Broadcast, participant_id: int, text: str, now: datetime
    ) -> bool:
        """Keep one sentence in answer to the question; False when it is closed."""
        if question.closed_at is not None:
            return False
        self._session.add(
            QuestionReply(
                broadcast_id=question.id, participant_id=participant_id, text=text, received_at=now
            )
        )
        await self._session.flush()
        return True

    async def replies(self, question_id: int) -> list[QuestionReply]:
        """The replies to a question, in the order they came."""
        return list(
            await self._session.scalars(
                select(QuestionReply)
                .where(QuestionReply.broadcast_id == question_id)
                .order_by(QuestionReply.received_at, QuestionReply.id)
            )
        )

    async def reply_count(self, question_id: int) -> int:
        return await self._session.scalar(
            select(func.count()).where(QuestionReply.broadcast_id == question_id)
        )

    async def answer_count(self, poll_id: int) -> int:
        return await self._session.scalar(
            select(func.count()).where(PollAnswer.broadcast_id == poll_id)
        )

    # check-ins

    async def check_in(self, event_id: int, participant_id: int, now: datetime) -> bool:
        """Check the person in; False when they were already (their first time is kept)."""
        statement = self._insert()(CheckIn).values(
            event_id=event_id, participant_id=participant_id, checked_in_at=now
        )
        result = await self._session.execute(statement.on_conflict_do_nothing())
        return result.rowcount == 1

    async def present(self, event_id: int) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event_id)
        )

    async def present_by_region(self, event_id: int) -> list[PresentIn]:
        """How many are checked in from each region, most first, then by region code."""
        count = func.count().label("count")
        rows = await self._session.execute(
            select(Region, count)
            .join(Collectivity, Collectivity.region_code == Region.code)
            .join(Participant, Participant.collectivity_id == Collectivity.id)
            .join(CheckIn, CheckIn.participant_id == Participant.id)
            .where(CheckIn.event_id == event_id)
            .group_by(Region.code)
            .order_by(count.desc(), Region.code)
        )
        return [PresentIn(region, n) for region, n in rows.all()]

    # composing a broadcast in the chat

    async def unknown_codes(self, codes: tuple[str, ...]) -> list[str]:
        """Those of ``codes`` that no collectivity has, in the order given."""
        known = set(
            await self._session.scalars(
                select(Collectivity.code).where(Collectivity.code.in_(codes))
            )
        )
        return [code for code in codes if code not in known]

    async def check_audience(self, event_id: int, audience: broadcasts.Audience) -> None:
        """Raise :class:`db.broadcasts.BadAudience` when the audience names something unknown."""
        await broadcasts.check_audience(self._session, audience, event_id)

    async def answerable(self, event_id: int, limit: int = 5) -> list[Broadcast]:
        """The event's last polls, questions and check-ins, newest first."""
        return list(
            await self._session.scalars(
                select(Broadcast)
                .where(Broadcast.event_id == event_id, Broadcast.kind.in_(broadcasts.ANSWERABLE))
                .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
                .limit(limit)
            )
        )

    async def audience_locales(self, event_id: int, audience: broadcasts.Audience) -> Counter:
        """How many the audience reaches in each locale, for the preview."""
        return await broadcasts.locales_of(self._session, event_id, audience)

    async def send(
        self,
        event_id: int,
        audience: broadcasts.Audience,
        texts: dict[str, str],
        now: datetime,
        *,
        kind: str,
        options: list[dict[str, str]] | None,
        sent_by: int | None,
        catalogs: Catalogs | None = None,
    ) -> broadcasts.Created:
        """Write the broadcast and its copies in this unit of work."""
        return await broadcasts.write(
            self._session,
            event_id,
            audience,
            texts,
            now,
            kind=kind,
            options=options,
            sent_by=sent_by,
            catalogs=catalogs,
        )
