"""The repositories the flows use, over one unit of work.

``handlers/`` never touches SQLAlchemy: within one unit of work it is handed a
:class:`Store`, whose repositories say what the conversation may read and change.
Everything done through one store is committed together, or not at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db.commitments import Commitments
from db.directory import Directory
from db.follow_ups import FollowUps
from db.following import Following
from db.match_requests import Requests
from db.models import (
    ChannelAccount,
    Collectivity,
    DialogueState,
    EventRegistration,
    InboundUpdate,
    Participant,
    Region,
)
from db.networking import Networking
from db.outbox import Outbox
from db.polls import Live
from db.reports import Reports
from db.rounds import Rounds
from db.schedule import Schedule
from db.session import Database


def _loaded(session: AsyncSession) -> dict[Any, Any]:
    """What this unit of work has read already, held strongly (the session's identity map
    holds its objects weakly: a dialogue state read and dropped is read again)."""
    return session.info.setdefault("tawasul_loaded", {})


_NO_DIALOGUE = object()
"""In :func:`_loaded`: the account was read and has no dialogue state."""


# The statements of every event, built once (building one costs more than running it).
# populate_existing: a row already in the session is refreshed from the locked read.
_FRESH = {"populate_existing": True}
_THE_PERSON = (
    ChannelAccount.channel == bindparam("channel"),
    ChannelAccount.external_id == bindparam("external_id"),
)
_AROUND = (
    select(Participant, DialogueState)
    .select_from(ChannelAccount)
    .outerjoin(Participant, Participant.id == ChannelAccount.participant_id)
    .outerjoin(DialogueState, DialogueState.account_id == ChannelAccount.id)
    .execution_options(**_FRESH)
)
_OPEN_ON_SQLITE = _AROUND.add_columns(ChannelAccount).where(*_THE_PERSON)
_LOCK_ON_POSTGRESQL = (
    select(ChannelAccount).where(*_THE_PERSON).with_for_update().execution_options(**_FRESH)
)
_AROUND_ACCOUNT = _AROUND.where(ChannelAccount.id == bindparam("account_id"))
_DIALOGUES = DialogueState.__table__
_SAVE_DIALOGUE = (
    update(_DIALOGUES)
    .where(_DIALOGUES.c.account_id == bindparam("state_of"))
    .values(
        flow=bindparam("flow"),
        step=bindparam("step"),
        data=bindparam("data"),
        updated_at=bindparam("updated_at"),
    )
)
_FIRST_DELIVERY = {
    "sqlite": sqlite_insert(InboundUpdate.__table__).on_conflict_do_nothing(),
    "postgresql": postgresql_insert(InboundUpdate.__table__).on_conflict_do_nothing(),
}


class Accounts:
    """Channel accounts: who wrote, on which channel, as (channel, external id)."""

    OPEN_ATTEMPTS = 3
    """A row can vanish between the insert and the select (its other event forgot it)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(
        self, channel: str, external_id: str, *, lock: bool = False
    ) -> ChannelAccount | None:
        """The account, or None; ``lock`` holds it until the end of the unit of work.

        The lock is ``SELECT … FOR UPDATE`` on PostgreSQL: a second event of the same person,
        handled at the same moment in another unit of work (or another process), waits
        here until the first is committed, then reads what it left. SQLite has no row
        locks and needs none: its units of work run one at a time, whole (see
        :meth:`db.session.Database.unit_of_work`).

        A locked read brings the account's participant (with their collectivity) and
        dialogue state along, in the same statement on SQLite, in a second one on
        PostgreSQL: :class:`Participants` and :class:`Dialogues` then find them without
        asking the database again.
        """
        if not lock:
            return await self._session.scalar(
                select(ChannelAccount).where(
                    ChannelAccount.channel == channel, ChannelAccount.external_id == external_id
                )
            )
        person = {"channel": channel, "external_id": external_id}
        if self._session.bind.dialect.name == "sqlite":
            # Units of work run one at a time: what this statement reads is current.
            row = (await self._session.execute(_OPEN_ON_SQLITE, person)).first()
            if row is None:
                return None
            participant, state, account = row
        else:
            # Two statements: after waiting for the lock, PostgreSQL refreshes only the
            # locked row; a dialogue state joined in the same statement would be the one
            # from before the other unit of work committed.
            account = await self._session.scalar(_LOCK_ON_POSTGRESQL, person)
            if account is None:
                return None
            participant, state = (
                await self._session.execute(_AROUND_ACCOUNT, {"account_id": account.id})
            ).one()
        loaded = _loaded(self._session)
        loaded[("account", channel, external_id)] = account
        if participant is not None:
            loaded[(Participant, participant.id)] = participant
        loaded[(DialogueState, account.id)] = _NO_DIALOGUE if state is None else state
        return account

    async def open(self, channel: str, external_id: str, now: datetime) -> ChannelAccount:
        """The sender's account, locked for this unit of work; created on a first message.

        A locked select first (the account of someone who wrote before: one statement);
        else ``INSERT … ON CONFLICT DO NOTHING`` then the locked select: two first messages
        of a new person handled at once make one account, and the second waits for the
        first instead of failing on the unique key. The account comes back with its id.
        Opened again in the same unit of work, it is the one already locked.
        """
        opened = _loaded(self._session).get(("account", channel, external_id))
        if opened is not None:
            return opened
        account = await self.find(channel, external_id, lock=True)
        if account is not None:
            return account
        for _attempt in range(self.OPEN_ATTEMPTS):
            await self._session.execute(
                _insert(self._session)(ChannelAccount)
                .values(channel=channel, external_id=external_id, created_at=now)
                .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            )
            account = await self.find(channel, external_id, lock=True)
            if account is not None:
                return account
        raise RuntimeError(f"channel account {channel} kept vanishing while being opened")

    async def forget(self, account_id: int) -> None:
        """Delete the account and its dialogue state: nothing of it remains."""
        _forget_loaded_accounts(self._session)
        await self._session.execute(
            delete(DialogueState).where(DialogueState.account_id == account_id)
        )
        await self._session.execute(delete(ChannelAccount).where(ChannelAccount.id == account_id))


def _forget_loaded_accounts(session: AsyncSession) -> None:
    """Accounts are deleted: the next open reads (or creates) them again."""
    loaded = _loaded(session)
    for key in [key for key in loaded if key[0] in ("account", DialogueState)]:
        del loaded[key]


class Participants:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, participant_id: int) -> Participant | None:
        loaded = _loaded(self._session).get((Participant, participant_id))
        if loaded is not None:
            return loaded
        return await self._session.get(Participant, participant_id)

    async def save(self, participant: Participant) -> Participant:
        """Store a new or changed participant; flushed, so a new one has an id."""
        self._session.add(participant)
        await self._session.flush()
        return participant

    async def erase(self, participant_id: int) -> None:
        """Erase the participant and every channel account they are reached through."""
        _forget_loaded_accounts(self._session)
        _loaded(self._session).pop((Participant, participant_id), None)
        await self._session.execute(
            delete(ChannelAccount).where(ChannelAccount.participant_id == participant_id)
        )
        await self._session.execute(delete(Participant).where(Participant.id == participant_id))


class Dialogues:
    """Where each person is in a flow, kept so that a restart loses nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, account_id: int) -> DialogueState | None:
        loaded = _loaded(self._session)
        state = loaded.get((DialogueState, account_id))
        if state is None:
            state = await self._session.get(DialogueState, account_id)
            loaded[(DialogueState, account_id)] = _NO_DIALOGUE if state is None else state
        return None if state is _NO_DIALOGUE else state

    async def save(
        self, account_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        state = await self.load(account_id)
        if state is None:
            state = DialogueState(account_id=account_id)
            self._session.add(state)
            _loaded(self._session)[(DialogueState, account_id)] = state
            state.flow, state.step, state.data, state.updated_at = flow, step, dict(data), now
            return
        # A stored state: one UPDATE, and the object told it holds what is stored, so
        # the commit has nothing left to flush for it.
        values = {"flow": flow, "step": step, "data": dict(data), "updated_at": now}
        result = await self._session.execute(_SAVE_DIALOGUE, {"state_of": account_id, **values})
        if result.rowcount != 1:
            raise RuntimeError(f"the dialogue state of account {account_id} vanished")
        for name, value in values.items():
            set_committed_value(state, name, value)

    async def clear(self, account_id: int) -> None:
        state = await self.load(account_id)
        if state is not None:
            await self._session.delete(state)
            _loaded(self._session)[(DialogueState, account_id)] = _NO_DIALOGUE


class Updates:
    """The platform update ids already handled."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_delivery(self, channel: str, update_id: str, now: datetime) -> bool:
        """Record the update id; False when it was handled already.

        ``INSERT … ON CONFLICT DO NOTHING`` on both databases: a re-delivery handled at the
        same moment by another unit of work waits for it and then finds the id, without an
        integrity error that could be mistaken for another one.
        """
        result = await self._session.execute(
            _FIRST_DELIVERY[self._session.bind.dialect.name],
            {"channel": channel, "update_id": update_id, "received_at": now},
        )
        return result.rowcount == 1


def _insert(session: AsyncSession):
    """The dialect's ``insert``, the one that offers ``on_conflict_do_nothing``."""
    return postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


class Registrations:
    """Who is registered for which event."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event_id: int, participant_id: int, now: datetime) -> None:
        self._session.add(
            EventRegistration(event_id=event_id, participant_id=participant_id, registered_at=now)
        )

    async def exists(self, event_id: int, participant_id: int) -> bool:
        return await self._session.get(EventRegistration, (event_id, participant_id)) is not None


class Collectivities:
    """Search and browse the collectivities, through the shared fuzzy index."""

    def __init__(self, session: AsyncSession, directory: Directory) -> None:
        self._session = session
        self._directory = directory

    async def get(self, collectivity_id: int) -> Collectivity | None:
        return await self._directory.get(self._session, collectivity_id)

    async def by_invite_code(self, code: str) -> Collectivity | None:
        return await self._directory.by_invite_code(self._session, code)

    async def search(self, query: str, limit: int = 5) -> list[int]:
        return await self._directory.search(self._session, query, limit)

    async def regions(self) -> list[Region]:
        return await self._directory.regions(self._session)

    async def in_region(self, region_code: str, locale: str) -> list[Collectivity]:
        return await self._directory.in_region(self._session, region_code, locale)

    async def in_parent(self, parent_id: int, locale: str) -> list[Collectivity]:
        return await self._directory.in_parent(self._session, parent_id, locale)

    async def has_children(self, collectivity_id: int) -> bool:
        return await self._directory.has_children(self._session, collectivity_id)


@dataclass(frozen=True)
class Store:
    accounts: Accounts
    participants: Participants
    dialogues: Dialogues
    updates: Updates
    registrations: Registrations
    collectivities: Collectivities
    outbox: Outbox
    schedule: Schedule
    live: Live
    networking: Networking
    follow_ups: FollowUps
    following: Following
    requests: Requests
    rounds: Rounds
    reports: Reports
    commitments: Commitments


class UnitOfWork:
    """``async with unit_of_work() as store``: one transaction, committed on success.

    The directory's fuzzy index outlives the units of work, so it is built once.
    """

    def __init__(self, database: Database, directory: Directory | None = None) -> None:
        self.database = database
        self.directory = directory or Directory()

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[Store]:
        async with self.database.unit_of_work() as session:
            follow_ups = FollowUps(session)
            yield Store(
                accounts=Accounts(session),
                participants=Participants(session),
                dialogues=Dialogues(session),
                updates=Updates(session),
                registrations=Registrations(session),
                collectivities=Collectivities(session, self.directory),
                outbox=Outbox(session),
                schedule=Schedule(session),
                live=Live(session),
                networking=Networking(session),
                follow_ups=follow_ups,
                following=Following(session),
                requests=Requests(session),
                rounds=Rounds(session),
                reports=Reports(session),
                commitments=Commitments(session, follow_ups),
            )
