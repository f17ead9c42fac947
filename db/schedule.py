"""The run of show in the database: the agenda the bot follows and its schedule.

The loaded agenda is kept as its source text (``{"format": "toml"|"csv", "text": …,
"source": …, "config_digest": …}``) so that every process reads the same run of show;
``digest`` changes whenever it does. The schedule holds one row per reminder and prompt
(:mod:`domain.schedule`), moved, cancelled or brought back when a changed agenda is
loaded, and marked done, skipped or cancelled once decided.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ChannelAccount,
    EventRegistration,
    LoadedAgenda,
    OutboxMessage,
    ScheduledItem,
    as_utc,
)
from db.outbox import BULK
from domain.schedule import CANCELLED, PENDING, PROMPT, Changes, Planned, Stored


class Schedule:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # the agenda

    async def agenda(self, event_id: int) -> LoadedAgenda | None:
        return await self._session.get(LoadedAgenda, event_id)

    async def digest(self, event_id: int) -> str | None:
        return await self._session.scalar(
            select(LoadedAgenda.digest).where(LoadedAgenda.event_id == event_id)
        )

    async def store_agenda(
        self,
        event_id: int,
        document: dict,
        digest: str,
        now: datetime,
        *,
        config_digest: str | None,
    ) -> None:
        loaded = await self._session.get(LoadedAgenda, event_id)
        if loaded is None:
            loaded = LoadedAgenda(event_id=event_id)
            self._session.add(loaded)
        loaded.document, loaded.digest, loaded.loaded_at = document, digest, now
        loaded.config_digest = config_digest
        await self._session.flush()

    # the schedule

    async def stored(self, event_id: int) -> list[Stored]:
        items = await self._session.scalars(
            select(ScheduledItem).where(ScheduledItem.event_id == event_id)
        )
        return [
            Stored(
                item.key,
                item.status,
                as_utc(item.fires_at),
                as_utc(item.useful_until),
                item.payload,
                item.session_code,
            )
            for item in items
        ]

    async def apply(self, event_id: int, changes: Changes) -> None:
        for item in changes.added:
            self._session.add(
                ScheduledItem(
                    event_id=event_id,
                    key=item.key,
                    kind=item.kind,
                    session_code=item.session_code,
                    fires_at=item.fires_at,
                    useful_until=item.useful_until,
                    status=PENDING,
                    payload=dict(item.payload),
                )
            )
        for item in changes.moved:
            await self._session.execute(
                update(ScheduledItem)
                .where(ScheduledItem.event_id == event_id, ScheduledItem.key == item.key)
                .values(
                    fires_at=item.fires_at,
                    useful_until=item.useful_until,
                    payload=dict(item.payload),
                    session_code=item.session_code,
                    status=PENDING,
                )
            )
        if changes.cancelled:
            await self._session.execute(
                update(ScheduledItem)
                .where(
                    ScheduledItem.event_id == event_id,
                    ScheduledItem.key.in_(changes.cancelled),
                    ScheduledItem.status == PENDING,
                )
                .values(status=CANCELLED)
            )
        await self._session.flush()

    async def due(
        self, event_id: int, now: datetime, *, prompts: bool = True, limit: int = 20
    ) -> list[ScheduledItem]:
        """Pending items whose time has come, earliest first (without the prompts while
        they are held), locked on PostgreSQL: two processes never take the same one."""
        statement = (
            select(ScheduledItem)
            .where(
                ScheduledItem.event_id == event_id,
                ScheduledItem.status == PENDING,
                ScheduledItem.fires_at <= now,
            )
            .order_by(ScheduledItem.fires_at, ScheduledItem.id)
            .limit(limit)
        )
        if not prompts:
            statement = statement.where(ScheduledItem.kind != PROMPT)
        if self._session.bind.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        return list(await self._session.scalars(statement))

    async def finish(
        self, item: ScheduledItem, status: str, now: datetime, broadcast_id: int | None = None
    ) -> None:
        item.status, item.done_at, item.broadcast_id = status, now, broadcast_id
        await self._session.flush()

    async def next_fire(self, event_id: int) -> datetime | None:
        moment = await self._session.scalar(
            select(func.min(ScheduledItem.fires_at)).where(
                ScheduledItem.event_id == event_id, ScheduledItem.status == PENDING
            )
        )
        return None if moment is None else as_utc(moment)

    async def pending_prompts(self, event_id: int, *, limit: int = 5) -> list[ScheduledItem]:
        """The prompts still to go out, in the order they are due."""
        return list(
            await self._session.scalars(
                select(ScheduledItem)
                .where(
                    ScheduledItem.event_id == event_id,
                    ScheduledItem.kind == PROMPT,
                    ScheduledItem.status == PENDING,
                )
                .order_by(ScheduledItem.fires_at, ScheduledItem.id)
                .limit(limit)
            )
        )

    async def bring_forward(self, item: ScheduledItem, now: datetime) -> None:
        """Due now (``/prompt next``)."""
        item.fires_at = now
        await self._session.flush()

    # pausing the prompts

    async def paused_since(self, event_id: int) -> datetime | None:
        moment = await self._session.scalar(
            select(LoadedAgenda.prompts_paused_at).where(LoadedAgenda.event_id == event_id)
        )
        return None if moment is None else as_utc(moment)

    async def pause(self, event_id: int, now: datetime) -> bool:
        """Hold the prompts; False when they were held already (or no agenda is loaded)."""
        result = await self._session.execute(
            update(LoadedAgenda)
            .where(LoadedAgenda.event_id == event_id, LoadedAgenda.prompts_paused_at.is_(None))
            .values(prompts_paused_at=now)
        )
        return bool(result.rowcount)

    async def resume(self, event_id: int, now: datetime) -> datetime | None:
        """Let the prompts go again, each pending one later by the time they were held;
        the instant they were held since, or None when they were not held."""
        since = await self.paused_since(event_id)
        if since is None:
            return None
        held = now - since
        pending = await self._session.scalars(
            select(ScheduledItem).where(
                ScheduledItem.event_id == event_id,
                ScheduledItem.kind == PROMPT,
                ScheduledItem.status == PENDING,
            )
        )
        for item in pending:
            # The whole schedule slips by the pause, as the session ran late; one that
            # was due already when the pause began goes out on resuming.
            item.fires_at = max(as_utc(item.fires_at), since) + held
            item.useful_until = as_utc(item.useful_until) + held
        await self._session.execute(
            update(LoadedAgenda)
            .where(LoadedAgenda.event_id == event_id)
            .values(prompts_paused_at=None)
        )
        await self._session.flush()
        return since

    # who gets the reminders

    async def reminder_recipients(self, event_id: int) -> list[tuple[int, str, str | None]]:
        """``(account id, channel, locale)`` of every reachable account of a registered
        participant who has not turned the reminders off."""
        rows = await self._session.execute(
            select(ChannelAccount.id, ChannelAccount.channel, ChannelAccount.locale)
            .join(
                EventRegistration,
                EventRegistration.participant_id == ChannelAccount.participant_id,
            )
            .where(
                EventRegistration.event_id == event_id,
                EventRegistration.reminders_off_at.is_(None),
                ChannelAccount.unreachable_at.is_(None),
            )
            .order_by(ChannelAccount.id)
        )
        return [(row.id, row.channel, row.locale) for row in rows]

    async def send_to_each(
        self, item: ScheduledItem, contents: list[tuple[int, dict]], now: datetime
    ) -> None:
        """One bulk outbox row per ``(account id, content)``, keyed ``schedule:<item>:<account>``
        and skipped if still unsent when the item stops being useful; in one statement."""
        if not contents:
            return
        await self._session.execute(
            insert(OutboxMessage),
            [
                {
                    "account_id": account_id,
                    "lane": BULK,
                    "content": content,
                    "due_at": now,
                    "expires_at": as_utc(item.useful_until),
                    "status": "pending",
                    "attempts": 0,
                    "idempotency_key": f"schedule:{item.id}:{account_id}",
                    "created_at": now,
                }
                for account_id, content in contents
            ],
        )

    async def set_reminders(
        self, event_id: int, participant_id: int, *, on: bool, now: datetime
    ) -> bool:
        """Turn a registered participant's reminders on or off; False if not registered."""
        result = await self._session.execute(
            update(EventRegistration)
            .where(
                EventRegistration.event_id == event_id,
                EventRegistration.participant_id == participant_id,
            )
            .values(reminders_off_at=None if on else now)
        )
        return bool(result.rowcount)

    async def reminders_on(self, event_id: int, participant_id: int) -> bool:
        off = await self._session.scalar(
            select(EventRegistration.reminders_off_at).where(
                EventRegistration.event_id == event_id,
                EventRegistration.participant_id == participant_id,
            )
        )
        return off is None


def planned_from(item: ScheduledItem) -> Planned:
    return Planned(
        item.key,
        item.kind,
        item.session_code or "",
        as_utc(item.fires_at),
        as_utc(item.useful_until),
        item.payload,
    )
