"""Broadcasts: one message to many participants, as one outbox row per recipient.

The audience is said in one short string an organiser types:

- ``all``: everyone registered for the event;
- ``region:NN``: those whose collectivity lies in region NN (01 to 12);
- ``kind:KIND``: those whose collectivity is of that kind (region, prefecture,
  province, commune);
- ``collectivity:CODE,CODE…``: those of the collectivities with these codes;
- ``present``: those checked in to the event (by ``/here`` or a check-in prompt's tap);
- ``table:ROUND:TABLE``: those seated at that table in that speed-networking round of
  the event ("my table in round N");
- ``unanswered:BROADCAST``: those that poll, question or check-in of the event reached
  (a copy was sent to them) who have not answered it: no answer to the poll, no reply
  to the question, not checked in.

A recipient is a channel account of a registered participant that is not unreachable
(the person has not blocked the bot). Each gets the text of their locale, else the
default text. The broadcast and its rows are written in one unit of work (:func:`write`
inside the caller's, :func:`create` in one of its own); the bot's dispatcher sends them
in the ``bulk`` lane, each keyed ``broadcast:<id>:<account>``, at once or at ``due_at``.

A broadcast's kind says what its buttons do. A ``poll`` carries 2 to 6 options, keyed
``poll:<id>:<n>`` (``n`` from 0); a ``checkin`` one button, ``here:<id>``; a ``question``
one button, ``ask:<id>``, that opens a short side flow taking one sentence. Each option
maps a locale (or ``default``) to its label, as the texts do; a check-in's and a
question's button are labelled from the catalogs when no label is given.

An ``interests`` (or ``commit``) broadcast is stored as a ``message`` (the kinds are a
constraint of the schema) whose one button, ``interests:<id>`` (``commit:<id>``), opens the
interests flow (/commit): its option names the namespace it opens under :data:`OPENS`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    COLLECTIVITY_KINDS,
    Broadcast,
    ChannelAccount,
    CheckIn,
    Collectivity,
    EventRegistration,
    NetworkingRound,
    OutboxMessage,
    Participant,
    PollAnswer,
    QuestionReply,
    Region,
    RoundSeat,
    as_utc,
)
from db.outbox import BULK, Outbox
from db.session import Database
from locales.i18n import N_, Catalogs

DEFAULT = "default"
AUDIENCE_FORMS = (
    "all, present, region:NN, kind:KIND, collectivity:CODE,CODE…, table:ROUND:TABLE "
    "or unanswered:BROADCAST"
)
MESSAGE, POLL, QUESTION, CHECKIN = "message", "poll", "question", "checkin"
INTERESTS = "interests"
"""Written as a ``message`` with one button keyed ``interests:<id>``; never a stored kind."""
COMMIT = "commit"
"""The same, with one button keyed ``commit:<id>`` that opens /commit."""
OPENERS = (INTERESTS, COMMIT)
"""The kinds written as a ``message`` whose one button opens the flow of that name."""
OPENS = "opens"
"""In a message's one option: the callback namespace its button opens."""
ANSWERABLE = (POLL, QUESTION, CHECKIN)
"""The kinds of broadcast that ``unanswered:ID`` can follow up."""
POLL_OPTIONS = (2, 6)
"""The fewest and the most answers a poll offers."""
BUTTON_LABELS = {
    CHECKIN: N_("I am here"),
    QUESTION: N_("Answer"),
    INTERESTS: N_("Give my interests"),
    COMMIT: N_("Make a commitment"),
}
"""The one button of a check-in and of an open question, when no label is given."""
LABEL_LOCALES = ("ar", "fr", "en")


class BadAudience(ValueError):
    """The audience string names nothing that exists, or is not one of the forms."""


@dataclass(frozen=True, slots=True)
class Audience:
    kind: str
    """``all``, ``present``, ``region``, ``kind``, ``collectivity``, ``table`` (values: the
    round's number and the table's) or ``unanswered`` (value: the broadcast's id)."""
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The audience as it is typed: :func:`parse_audience` reads it back."""
        separator = ":" if self.kind == "table" else ","
        return f"{self.kind}:{separator.join(self.values)}" if self.values else self.kind


def parse_audience(text: str) -> Audience:
    """The audience ``text`` names, checked for form only (see :func:`check_audience`)."""
    text = text.strip()
    if text in ("all", "present"):
        return Audience(text)
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
    if form == "table":
        numbers = tuple(value.strip() for value in rest.split(":"))
        if len(numbers) != 2 or not all(_small_number(number) for number in numbers):
            raise BadAudience(
                f"audience {text!r}: give the round's and the table's numbers, e.g. table:2:5"
            )
        return Audience("table", tuple(str(int(number)) for number in numbers))
    if form == "unanswered":
        if len(values) != 1 or not _small_number(values[0].lstrip("#")):
            raise BadAudience(f"audience {text!r}: give a broadcast's number, e.g. unanswered:12")
        return Audience("unanswered", (str(int(values[0].lstrip("#"))),))
    raise BadAudience(f"audience {text!r}: use {AUDIENCE_FORMS}")


def _small_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < len(text) < 10 and int(text) > 0


async def check_audience(
    session: AsyncSession, audience: Audience, event_id: int | None = None
) -> None:
    """Raise :class:`BadAudience` when the audience names a region, code, round, table or
    broadcast that is unknown (rounds and broadcasts: of ``event_id``)."""
    if audience.kind == "table":
        await _check_table(session, audience, event_id)
    elif audience.kind == "unanswered":
        await answerable(session, audience, event_id)
    elif audience.kind == "region":
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


async def _check_table(session: AsyncSession, audience: Audience, event_id: int | None) -> None:
    number, table = (int(value) for value in audience.values)
    found = await session.scalar(
        select(NetworkingRound.id).where(
            NetworkingRound.event_id == event_id, NetworkingRound.number == number
        )
    )
    if found is None:
        raise BadAudience(f"audience {audience}: no round {number}")
    seated = await session.scalar(
        select(func.count()).where(RoundSeat.round_id == found, RoundSeat.table_number == table)
    )
    if not seated:
        raise BadAudience(f"audience {audience}: round {number} has no table {table}")


async def answerable(session: AsyncSession, audience: Audience, event_id: int | None) -> Broadcast:
    """The poll, question or check-in that ``unanswered:ID`` follows up, or BadAudience."""
    broadcast = await session.get(Broadcast, int(audience.values[0]))
    if broadcast is None or broadcast.event_id != event_id:
        raise BadAudience(f"audience {audience}: no broadcast {audience.values[0]}")
    if broadcast.kind not in ANSWERABLE:
        raise BadAudience(
            f"audience {audience}: broadcast {broadcast.id} is a {broadcast.kind}, "
            "with nothing to answer (follow up a poll, a question or a check-in)"
        )
    return broadcast


async def recipients(
    session: AsyncSession, event_id: int, audience: Audience
) -> list[tuple[int, str]]:
    """``(account id, locale)`` of everyone the audience reaches, by account id."""
    await check_audience(session, audience, event_id)
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
    elif audience.kind == "present":
        query = query.join(
            CheckIn,
            (CheckIn.participant_id == Participant.id) & (CheckIn.event_id == event_id),
        )
    elif audience.kind == "table":
        number, table = (int(value) for value in audience.values)
        query = (
            query.join(RoundSeat, RoundSeat.participant_id == Participant.id)
            .join(NetworkingRound, NetworkingRound.id == RoundSeat.round_id)
            .where(
                NetworkingRound.event_id == event_id,
                NetworkingRound.number == number,
                RoundSeat.table_number == table,
            )
        )
    elif audience.kind == "unanswered":
        broadcast = await answerable(session, audience, event_id)
        query = query.where(_reached(broadcast.id), ~_answered(broadcast))
    return [(row.id, row.locale) for row in await session.execute(query)]


def _reached(broadcast_id: int):
    """The participant got a copy of the broadcast, on one of their accounts."""
    reached = ChannelAccount.__table__.alias("reached")
    return exists().where(
        reached.c.participant_id == Participant.id,
        OutboxMessage.account_id == reached.c.id,
        OutboxMessage.idempotency_key.startswith(f"broadcast:{broadcast_id}:"),
        OutboxMessage.status == "sent",
    )


def _answered(broadcast: Broadcast):
    """The participant answered the poll, replied to the question, or is checked in."""
    if broadcast.kind == POLL:
        return exists().where(
            PollAnswer.broadcast_id == broadcast.id, PollAnswer.participant_id == Participant.id
        )
    if broadcast.kind == QUESTION:
        return exists().where(
            QuestionReply.broadcast_id == broadcast.id,
            QuestionReply.participant_id == Participant.id,
        )
    return exists().where(
        CheckIn.event_id == broadcast.event_id, CheckIn.participant_id == Participant.id
    )


async def locales_of(session: AsyncSession, event_id: int, audience: Audience) -> Counter:
    """How many the audience reaches in each locale (``None``: no language chosen), for a
    preview before sending."""
    return Counter(locale for _, locale in await recipients(session, event_id, audience))


def text_for(texts: dict[str, str], locale: str | None) -> str:
    return texts.get(locale or "") or texts[DEFAULT]


def key(broadcast_id: int, account_id: int) -> str:
    return f"broadcast:{broadcast_id}:{account_id}"


def button_label(kind: str, catalogs: Catalogs | None = None) -> dict[str, str]:
    """The catalogs' label of a check-in's or a question's button, in every language;
    without the running bot's catalogs, the shipped ones are compiled for it."""
    catalogs = catalogs or Catalogs(LABEL_LOCALES, LABEL_LOCALES[0])
    labels = {
        locale: catalogs.translator(locale)._(BUTTON_LABELS[kind]) for locale in LABEL_LOCALES
    }
    return {DEFAULT: labels[catalogs.default], **labels}


def option_key(kind: str, broadcast_id: int, position: int, opens: str | None = None) -> str:
    """``poll:<id>:<n>``, ``here:<id>``, ``ask:<id>``, or ``<opens>:<id>`` for a message's
    button that opens a flow."""
    if opens:
        return f"{opens}:{broadcast_id}"
    if kind == POLL:
        return f"poll:{broadcast_id}:{position}"
    return f"{'here' if kind == CHECKIN else 'ask'}:{broadcast_id}"


def content_for(broadcast: Broadcast, locale: str | None) -> dict:
    """One copy's outbox content, in ``locale``: its text and its buttons."""
    options = [
        [
            option_key(broadcast.kind, broadcast.id, position, labels.get(OPENS)),
            text_for(labels, locale),
            None,
        ]
        for position, labels in enumerate(broadcast.options or ())
    ]
    return {"text": text_for(broadcast.texts, locale), "options": options, "contact_request": None}


def opens(broadcast: Broadcast) -> str | None:
    """The namespace a message's one button opens (``interests``), or None."""
    if broadcast.kind != MESSAGE or not broadcast.options or len(broadcast.options) != 1:
        return None
    return broadcast.options[0].get(OPENS)


class BadOptions(ValueError):
    """A poll's options are too few, too many, empty or repeated."""


def check_options(
    kind: str, options: list[dict[str, str]] | None, catalogs: Catalogs | None = None
) -> list[dict[str, str]] | None:
    """The options a broadcast of ``kind`` carries, checked; default labels filled in."""
    if kind in OPENERS:
        if options and len(options) != 1:
            raise BadOptions(f"a prompt of kind {kind} has one button")
        return [{**(options[0] if options else button_label(kind, catalogs)), OPENS: kind}]
    if kind == MESSAGE:
        if options:
            raise BadOptions("a plain message carries no options")
        return None
    if kind in (CHECKIN, QUESTION):
        if options and len(options) != 1:
            raise BadOptions(f"a {kind} has one button")
        return options or [button_label(kind, catalogs)]
    if kind != POLL:
        raise BadOptions(f"no broadcast kind {kind!r}")
    fewest, most = POLL_OPTIONS
    if not options or not fewest <= len(options) <= most:
        raise BadOptions(f"a poll offers {fewest} to {most} options")
    defaults = [option.get(DEFAULT, "").strip() for option in options]
    if not all(defaults):
        raise BadOptions("an option is empty")
    if len(set(defaults)) != len(defaults):
        raise BadOptions("an option is given twice")
    return options


@dataclass(frozen=True, slots=True)
class Created:
    id: int
    recipients: int


async def write(
    session: AsyncSession,
    event_id: int,
    audience: Audience,
    texts: dict[str, str],
    now: datetime,
    *,
    kind: str = MESSAGE,
    options: list[dict[str, str]] | None = None,
    due_at: datetime | None = None,
    sent_by: int | None = None,
    origin: str | None = None,
    catalogs: Catalogs | None = None,
) -> Created:
    """Write the broadcast and one pending bulk row per recipient in ``session``'s unit of
    work, due at ``due_at`` (at once by default). Raises :class:`BadAudience` or
    :class:`BadOptions` before writing anything. ``catalogs`` label a check-in's or a
    question's button when no label is given."""
    options = check_options(kind, options, catalogs)
    found = await recipients(session, event_id, audience)
    broadcast = Broadcast(
        event_id=event_id,
        created_at=now,
        audience=str(audience),
        texts=texts,
        recipients=len(found),
        kind=MESSAGE if kind in OPENERS else kind,
        options=options,
        due_at=due_at,
        sent_by=sent_by,
        origin=origin,
    )
    session.add(broadcast)
    await session.flush()
    outbox = Outbox(session)
    for account_id, locale in found:
        await outbox.add(
            account_id,
            content_for(broadcast, locale),
            key=key(broadcast.id, account_id),
            now=now,
            lane=BULK,
            due_at=due_at,
        )
    return Created(broadcast.id, len(found))


async def create(
    database: Database,
    event_id: int,
    audience: Audience,
    texts: dict[str, str],
    now: datetime,
    **details,
) -> Created:
    """:func:`write` in a unit of work of its own (the command line's)."""
    async with database.unit_of_work() as session:
        return await write(session, event_id, audience, texts, now, **details)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast's rows stand; ``unreachable`` are those the person blocked.

    ``held`` wait behind a template for the person to write (WhatsApp, outside its 24
    hours); ``delivered`` and ``read`` count what the platform reported of the rows sent
    (WhatsApp's receipts; Telegram reports neither).
    """

    recipients: int
    sent: int = 0
    pending: int = 0
    failed: int = 0
    unreachable: int = 0
    held: int = 0
    delivered: int = 0
    read: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


async def _counts(session: AsyncSession, broadcast_id: int) -> Counter:
    rows = await session.execute(
        select(
            OutboxMessage.status,
            func.count(),
            func.count(OutboxMessage.delivered_at),
            func.count(OutboxMessage.read_at),
        )
        .where(OutboxMessage.idempotency_key.startswith(f"broadcast:{broadcast_id}:"))
        .group_by(OutboxMessage.status)
    )
    counts = Counter()
    for status, count, delivered, read in rows:
        counts[status] += count
        if status == "sent":
            counts[DELIVERED] += delivered
            counts[READ] += read
    return counts


DELIVERED, READ = "receipt:delivered", "receipt:read"


def _progress(recipients: int, counts: Counter) -> Progress:
    return Progress(
        recipients=recipients,
        sent=counts["sent"],
        pending=counts["pending"],
        failed=counts["failed"],
        unreachable=counts["blocked"],
        held=counts["held"],
        delivered=counts[DELIVERED],
        read=counts[READ],
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
    kind: str = MESSAGE
    due_at: datetime | None = None
    closed_at: datetime | None = None


async def listed(
    session: AsyncSession, *, event_id: int | None = None, limit: int | None = None
) -> list[Listed]:
    """The broadcasts (of one event, the last ``limit``), newest first, with where their
    rows stand."""
    query = select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
    if event_id is not None:
        query = query.where(Broadcast.event_id == event_id)
    if limit is not None:
        query = query.limit(limit)
    found = []
    for broadcast in await session.scalars(query):
        counts = await _counts(session, broadcast.id)
        found.append(
            Listed(
                broadcast.id,
                as_utc(broadcast.created_at),
                broadcast.audience,
                _progress(broadcast.recipients, counts),
                broadcast.kind,
                as_utc(broadcast.due_at) if broadcast.due_at else None,
                as_utc(broadcast.closed_at) if broadcast.closed_at else None,
            )
        )
    return found


async def listing(database: Database) -> list[Listed]:
    """Every broadcast, newest first, with where its rows stand."""
    async with database.unit_of_work() as session:
        return await listed(session)
