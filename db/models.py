"""The tables.

An event owns everything that belongs to one meeting; participants and
collectivities stand across events so the network's next meetings reuse them.
A participant is reached through one or more channel accounts, each identified
by (channel, external id): no platform type appears anywhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

COLLECTIVITY_KINDS = ("region", "prefecture", "province", "commune")
LABEL_MAX = 250
ALIASES_MAX = 1000


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite gives back naive ones (always UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    place_ar: Mapped[str] = mapped_column(String(200))
    place_fr: Mapped[str] = mapped_column(String(200))
    place_en: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))


class Collectivity(Base):
    __tablename__ = "collectivities"
    __table_args__ = (
        CheckConstraint("kind IN ('region', 'prefecture', 'province', 'commune')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_ar: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    invite_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    label_ar: Mapped[str] = mapped_column(String(LABEL_MAX))
    label_fr: Mapped[str] = mapped_column(String(LABEL_MAX))
    aliases: Mapped[str] = mapped_column(String(ALIASES_MAX), default="")
    """Other names people type ("Fez", «كازا», "TTA"), ``|``-separated as in the import file."""
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("collectivities.id"), index=True)
    """A commune's prefecture or province, when known."""

    region: Mapped[Region] = relationship(lazy="joined")

    @property
    def alias_list(self) -> list[str]:
        return [alias for alias in self.aliases.split("|") if alias]


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    collectivity_id: Mapped[int] = mapped_column(ForeignKey("collectivities.id"), index=True)
    position: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    collectivity: Mapped[Collectivity] = relationship(lazy="joined")


class EventRegistration(Base):
    __tablename__ = "event_registrations"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reminders_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the person sent ``/reminders off`` for this event; None while they want them."""


class ChannelAccount(Base):
    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    """The language chosen in this conversation; the only place a person's language is kept."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unreachable_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the channel said the person blocked the bot; cleared when they write again."""
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the person last wrote, on a channel that allows free-form messages only for a
    while after that (WhatsApp's 24 hours); None when the platform said the window closed."""


class DialogueState(Base):
    """Where a person is in a flow, so a restart never loses a half-finished step."""

    __tablename__ = "dialogue_states"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("channel_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InboundUpdate(Base):
    """Platform update ids already handled: a re-delivered update has no second effect."""

    __tablename__ = "inbound_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


OUTBOX_LANES = ("reply", "bulk")
OUTBOX_STATUSES = ("pending", "held", "sent", "blocked", "failed", "skipped")


class OutboxMessage(Base):
    """One message to send, written in the transaction that decided it.

    ``content`` is the channel-neutral message: ``{"text", "options": [[key, label,
    meaning]], "contact_request"}``. A row is claimed by a sender (``claimed_by``) until
    ``lease_until``; a lease that expired belongs to a process that died.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("lane IN ('reply', 'bulk')", name="lane"),
        CheckConstraint(
            "status IN ('pending', 'held', 'sent', 'blocked', 'failed', 'skipped')",
            name="status",
        ),
        Index("ix_outbox_due_pending", "status", "due_at"),
        Index("ix_outbox_platform_message_id", "platform_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("channel_accounts.id", ondelete="CASCADE"), index=True
    )
    lane: Mapped[str] = mapped_column(String(8))
    content: Mapped[dict] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    platform_message_id: Mapped[str | None] = mapped_column(String(128))
    """The platform's id of what was sent (a Telegram message id, a WhatsApp wamid; for a
    row held behind a template, the template's)."""
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Past this instant the row is skipped, not sent: a reminder whose session began."""
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the platform said the message reached the phone (WhatsApp status webhooks)."""
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the platform said the person read it (WhatsApp, where read receipts are on)."""


class Broadcast(Base):
    """A message an organiser sent to many participants; its copies are outbox rows.

    Each copy's idempotency key is ``broadcast:<id>:<account id>``. ``texts`` maps a
    locale to its text, with ``default`` for everyone whose locale has none.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint("kind IN ('message', 'poll', 'question', 'checkin')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    audience: Mapped[str] = mapped_column(String(1000))
    texts: Mapped[dict] = mapped_column(JSON)
    recipients: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="message", server_default="message")
    """``message``, ``poll`` (one tap among its options), ``question`` (answered by a
    sentence) or ``checkin`` (its one button checks the person in)."""
    options: Mapped[list | None] = mapped_column(JSON)
    """A poll's or check-in's answers, in order: each maps a locale (or ``default``) to
    its label, as ``texts`` does."""
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When its copies are due, for a broadcast scheduled ahead; None: at once."""
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When its poll or question stopped taking answers."""
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    """The facilitator who composed it in the chat; None from the command line or the
    run of show."""
    origin: Mapped[str | None] = mapped_column(String(64))
    """``prompt:<code>`` when the run of show sent it."""


BROADCAST_KINDS = ("message", "poll", "question", "checkin")


class PollAnswer(Base):
    """A person's one answer to a poll; changed in place until the poll closes."""

    __tablename__ = "poll_answers"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    choice: Mapped[int] = mapped_column(Integer)
    """The position of the chosen option, from 0."""
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuestionReply(Base):
    """A sentence sent in answer to an open question, kept as written."""

    __tablename__ = "question_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(2000))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CheckIn(Base):
    """A participant is present at the event: by ``/here`` or a check-in prompt's tap."""

    __tablename__ = "check_ins"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoadedAgenda(Base):
    """The run of show the bot follows, as last loaded (at start or ``agenda load``)."""

    __tablename__ = "agendas"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[dict] = mapped_column(JSON)
    """The agenda, as :func:`domain.agenda` tables."""
    digest: Mapped[str] = mapped_column(String(64))
    config_digest: Mapped[str | None] = mapped_column(String(64))
    """The digest of the configured file's agenda when the bot last started: while that
    file is unchanged, an agenda loaded by hand (``tawasul agenda load``) stays."""
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    prompts_paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set by ``/prompt pause``: no prompt goes out until ``/prompt resume``."""


SCHEDULE_KINDS = ("reminder", "prompt")
SCHEDULE_STATUSES = ("pending", "done", "skipped", "cancelled")


class ScheduledItem(Base):
    """Something the run of show sends at its time: a reminder or a prompt.

    ``key`` is stable across agenda loads (``reminder:<session>:<offset>``,
    ``prompt:<code>``): a changed agenda moves a pending item, a removed one cancels it,
    and one that is done is never sent again.
    """

    __tablename__ = "schedule"
    __table_args__ = (
        UniqueConstraint("event_id", "key"),
        CheckConstraint("kind IN ('reminder', 'prompt')", name="kind"),
        CheckConstraint("status IN ('pending', 'done', 'skipped', 'cancelled')", name="status"),
        Index("ix_schedule_due", "status", "fires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    session_code: Mapped[str | None] = mapped_column(String(64))
    fires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    useful_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """Past this instant it is skipped, never sent late: a reminder's session start."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    payload: Mapped[dict] = mapped_column(JSON)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )


SCOPES = ("national", "international", "both")
SHARES = ("phone", "email", "handle")


class InterestProfile(Base):
    """What a participant can offer and seeks at one event, as they said it.

    ``offers`` and ``seeks`` are the themes chosen from the list; ``offer_text`` (a project
    they are proud of) and ``seek_text`` (a challenge they face) are kept as written, with
    the themes understood from each and confirmed or corrected by the person
    (``offer_text_themes``, ``seek_text_themes``). ``shares`` says which contact details a
    peer sees once both accept (``phone``, ``email``, ``handle``: the chat username,
    kept in ``handle`` only when chosen).
    """

    __tablename__ = "interest_profiles"
    __table_args__ = (
        CheckConstraint(
            "scope IS NULL OR scope IN ('national', 'international', 'both')", name="scope"
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    offers: Mapped[list] = mapped_column(JSON, default=list)
    seeks: Mapped[list] = mapped_column(JSON, default=list)
    offer_text: Mapped[str] = mapped_column(String(1000), default="")
    seek_text: Mapped[str] = mapped_column(String(1000), default="")
    offer_text_themes: Mapped[list] = mapped_column(JSON, default=list)
    seek_text_themes: Mapped[list] = mapped_column(JSON, default=list)
    scope: Mapped[str | None] = mapped_column(String(16))
    shares: Mapped[list] = mapped_column(JSON, default=list)
    handle: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DoNotMatch(Base):
    """Two participants the organisers never suggest to each other nor seat together.

    Stored once per pair, the smaller participant id first."""

    __tablename__ = "do_not_match"
    __table_args__ = (CheckConstraint("first_id < second_id", name="ordered"),)

    first_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


MATCH_REQUEST_STATUSES = ("pending", "accepted", "declined", "withdrawn")


class MatchRequest(Base):
    """ "I'd like to connect": one participant asks another, who accepts or declines.

    Contact details are revealed to both only once it is ``accepted``; a decline is never
    told to the requester. ``themes`` keeps the reason's facts (as
    :class:`domain.matching.Reasons` slugs), so each side reads it in their own language.
    """

    __tablename__ = "match_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "requester_id", "requested_id"),
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'withdrawn')", name="status"
        ),
        CheckConstraint("requester_id <> requested_id", name="two_people"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    requested_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


ROUND_MODES = ("pairs", "tables")


class NetworkingRound(Base):
    """One timed speed-networking round; its seats say who sits with whom."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("event_id", "number"),
        CheckConstraint("mode IN ('pairs', 'tables')", name="mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    """1, 2, 3… within the event."""
    mode: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    """2 for pairs (a trio takes the odd one), 3 to 5 for tables."""
    minutes: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(16))
    """``present`` (checked in) or ``all`` (everyone registered)."""
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When ``/round stop`` ended it early; None when it ran its time."""
    started_by: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )


class RoundSeat(Base):
    """Where one participant sits in one round: the table (or pair) number, from 1."""

    __tablename__ = "round_seats"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    table_number: Mapped[int] = mapped_column(Integer)


class MeetingReport(Base):
    """A participant's answer to "did you meet X?" after the event, for the reports."""

    __tablename__ = "meeting_reports"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    met: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


COMMITMENT_STATUSES = ("open", "in_progress", "done", "blocked", "dropped", "withdrawn")
CLOSED_STATUSES = ("done", "dropped", "withdrawn")
"""A commitment in one of these gets no more follow-ups."""


class Commitment(Base):
    """An action a focal point commits to at the end of the workshop, followed up for months.

    ``theme`` is a slug of the interests' taxonomy (suggested from the text, confirmed by
    the person); ``deadline`` is a local date (Africa/Casablanca), as the person meant it.
    """

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'blocked', 'dropped', 'withdrawn')",
            name="status",
        ),
        Index("ix_commitments_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(1000))
    theme: Mapped[str | None] = mapped_column(String(40))
    deadline: Mapped[date] = mapped_column(Date)
    indicator: Mapped[str | None] = mapped_column(String(300))
    """How the person will know it is done (optional)."""
    status: Mapped[str] = mapped_column(String(16), default="open")
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    needs_help_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the person said "I need help": flagged to the organisers until cleared."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CommitmentPartner(Base):
    """A collectivity a commitment is carried out with."""

    __tablename__ = "commitment_partners"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True
    )
    collectivity_id: Mapped[int] = mapped_column(
        ForeignKey("collectivities.id", ondelete="CASCADE"), primary_key=True, index=True
    )


COMMITMENT_SOURCES = ("created", "edited", "followup", "chat", "withdrawn")


class CommitmentUpdate(Base):
    """One step of a commitment's history: its status then, and the note given with it."""

    __tablename__ = "commitment_updates"
    __table_args__ = (
        CheckConstraint(
            "source IN ('created', 'edited', 'followup', 'chat', 'withdrawn')", name="source"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(1000))
    source: Mapped[str] = mapped_column(String(16))


FOLLOW_UP_STATUSES = ("pending", "sent", "answered", "cancelled")


class FollowUp(Base):
    """One scheduled follow-up of a commitment; its message is an outbox row once due.

    ``sequence`` counts the commitment's follow-ups from 1, cancelled ones included, so a
    rescheduled follow-up never reuses the key of one already sent.
    """

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("commitment_id", "sequence"),
        CheckConstraint("status IN ('pending', 'sent', 'answered', 'cancelled')", name="status"),
        Index("ix_follow_ups_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
