"""Broadcasts: one message to many participants, as one outbox row per recipient.

The audience is said in one short string an organiser types:

- ``all``: everyone registered for the event;
- ``region:NN``: those whose collectivity lies in region NN (01 to 12);
- ``kind:KIND``: those whose collectivity is of that kind (region, prefecture,
  province, commune);
- ``collectivity:CODE,CODE…``: those of the collectivities with these codes.

A recipient is a channel account of a registered participant that is not unreachable
(the person has not blocked the bot). Each gets the text of their locale, else the
default text. The broadcast and its rows are written in one unit of work; the bot's
dispatcher sends them in the ``bulk`` lane, each keyed ``broadcast:<id>:<account>``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    COLLECTIVITY_KINDS,
    Broadcast,
    ChannelAccount,
    Collectivity,
    EventRegistration,
    OutboxMessage,
    Participant,
    Region,
    as_utc,
)
from db.outbox import BULK, Outbox
from db.session import Database

DEFAULT = "default"
AUDIENCE_FORMS = "all, region:NN, kind:KIND or collectivity:CODE,CODE…"


class BadAudience(ValueError):
    """The audience string names nothing that exists, or is not one of the forms."""


@dataclass(frozen=True, slots=True)
class Audience:
    kind: str
    """``all``, ``region``, ``kind`` or ``collectivity``."""
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.kind if self.kind == "all" else f"{self.kind}:{','.join(self.values)}"


def parse_audience(text: str) -> Audience:
    """The audience ``text`` names, checked for form only (see :func:`check_audience`)."""
    text = text.strip()
    if text == "all":
        return Audience("all")
    form, _, rest = text.partition(":")
    values = tuple(value.strip() for value in rest.split(",") if value.strip())
    if form == "region":
        if len(values) != 1 or not re.fullmatch(r"\d{2}", values[0]):
            raise BadAudience(f"audience {text!r}: give a two-digit region code, e.g. region:02")
        return Audience("region", values)
    if form == "kind":
        if len(values) != 1 or values[0] not in COLLECTIVITY_KINDS:
            raise BadAudience(
                f"audience {text!r}: the kind is one of {', '.join(COLLECTIVITY_KINDS)}"
            )
        return Audience("kind", values)
    if form == "collectivity":
        if not values:
            raise BadAudience(f"audience {text!r}: give one or more collectivity codes")
        return Audience("collectivity", tuple(dict.fromkeys(values)))
    raise BadAudience(f"audience {text!r}: use {AUDIENCE_FORMS}")


async def check_audience(session: AsyncSession, audience: Audience) -> None:
    """Raise :class:`BadAudience` when the audience names a region or code that is unknown."""
    if audience.kind == "region":
        if await session.get(Region, audience.values[0]) is None:
            raise BadAudience(f"audience {audience}: no region {audience.values[0]}")
    elif audience.kind == "collectivity":
        known = set(
            await session.scalars(
                select(Collectivity.code).where(Collectivity.code.in_(audience.values))
            )
        )
        unknown = [code for code in audience.values if code not in known]
        if unknown:
            raise BadAudience(f"audience {audience}: no collectivity {', '.join(unknown)}")


async def recipients(
    session: AsyncSession, event_id: int, audience: Audience
) -> list[tuple[int, str]]:
    """``(account id, locale)`` of everyone the audience reaches, by account id."""
    await check_audience(session, audience)
    query = (
        select(ChannelAccount.id, ChannelAccount.locale)
        .join(Participant, Participant.id == ChannelAccount.participant_id)
        .join(EventRegistration, EventRegistration.participant_id == Participant.id)
        .join(Collectivity, Collectivity.id == Participant.collectivity_id)
        .where(EventRegistration.event_id == event_id, ChannelAccount.unreachable_at.is_(None))
        .order_by(ChannelAccount.id)
    )
    if audience.kind == "region":
        query = query.where(Collectivity.region_code == audience.values[0])
    elif audience.kind == "kind":
        query = query.where(Collectivity.kind == audience.values[0])
    elif audience.kind == "collectivity":
        query = query.where(Collectivity.code.in_(audience.values))
    return [(row.id, row.locale) for row in await session.execute(query)]


def text_for(texts: dict[str, str], locale: str) -> str:
    return texts.get(locale) or texts[DEFAULT]


def key(broadcast_id: int, account_id: int) -> str:
    return f"broadcast:{broadcast_id}:{account_id}"


@dataclass(frozen=True, slots=True)
class Created:
    id: int
    recipients: int


async def create(
    database: Database,
    event_id: int,
    audience: Audience,
    texts: dict[str, str],
    now: datetime,
) -> Created:
    """Write the broadcast and one pending bulk row per recipient, in one unit of work."""
    async with database.unit_of_work() as session:
        found = await recipients(session, event_id, audience)
        broadcast = Broadcast(
            event_id=event_id,
            created_at=now,
            audience=str(audience),
            texts=texts,
            recipients=len(found),
        )
        session.add(broadcast)
        await session.flush()
        outbox = Outbox(session)
        for account_id, locale in found:
            content = {"text": text_for(texts, locale), "options": [], "contact_request": None}
            await outbox.add(
                account_id, content, key=key(broadcast.id, account_id), now=now, lane=BULK
            )
        return Created(broadcast.id, len(found))


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast's rows stand; ``unreachable`` are those the person blocked."""

    recipients: int
    sent: int = 0
    pending: int = 0
    failed: int = 0
    unreachable: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


async def _counts(session: AsyncSession, broadcast_id: int) -> Counter:
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.idempotency_key.startswith(f"broadcast:{broadcast_id}:"))
        .group_by(OutboxMessage.status)
    )
    return Counter({status: count for status, count in rows})


def _progress(recipients: int, counts: Counter) -> Progress:
    return Progress(
        recipients=recipients,
        sent=counts["sent"],
        pending=counts["pending"],
        failed=counts["failed"],
        unreachable=counts["blocked"],
    )


async def progress(database: Database, broadcast_id: int) -> Progress:
    async with database.unit_of_work() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        return _progress(broadcast.recipients, await _counts(session, broadcast_id))


@dataclass(frozen=True, slots=True)
class Listed:
    id: int
    created_at: datetime
    audience: str
    progress: Progress


async def listing(database: Database) -> list[Listed]:
    """Every broadcast, newest first, with where its rows stand."""
    async with database.unit_of_work() as session:
        broadcasts = list(
            await session.scalars(
                select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
            )
        )
        listed = []
        for broadcast in broadcasts:
            counts = await _counts(session, broadcast.id)
            listed.append(
                Listed(
                    broadcast.id,
                    as_utc(broadcast.created_at),
                    broadcast.audience,
                    _progress(broadcast.recipients, counts),
                )
            )
        return listed
