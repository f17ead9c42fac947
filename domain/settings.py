"""The configuration as plain values: what the flows are given of it.

:mod:`bot.config` reads and checks the file; the flows see only these values, handed to
them by the composition root.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Localised:
    ar: str
    fr: str
    en: str

    def get(self, locale: str) -> str:
        return getattr(self, locale, self.ar)


@dataclass(frozen=True)
class EventSettings:
    code: str
    name: Localised
    date: date
    place: Localised
    timezone: str


@dataclass(frozen=True)
class Roles:
    organisers: frozenset[str] = frozenset()
    facilitators: frozenset[str] = frozenset()

    def of(self, channel: str, external_id: str) -> frozenset[str]:
        who = f"{channel}:{external_id}"
        roles = set()
        if who in self.organisers:
            roles.add("organiser")
        if who in self.facilitators:
            roles.add("facilitator")
        return frozenset(roles)


@dataclass(frozen=True)
class PrivacySettings:
    """The facts the Law 09-08 notice and consent question state (section ``[privacy]``)."""

    controller: Localised
    contact_email: str
    retention_months: int
    cndp_reference: str = ""
    sent_replies_days: int = 7
    """Days a sent reply's copy is kept in the outbox (it may repeat personal data)."""


@dataclass(frozen=True)
class RegistrationSettings:
    """Section ``[registration]``."""

    draft_expiry_days: int = 7
    """An unfinished registration (and its channel account) idle this long is erased."""


@dataclass(frozen=True)
class MatchingSettings:
    """Section ``[matching]``."""

    suggestions: int = 5
    """How many people /matches, and a facilitator's push, suggest to each person."""


@dataclass(frozen=True)
class RoundSettings:
    """Section ``[rounds]``: a speed-networking round's length unless the facilitator says
    otherwise, and how long before its end everyone seated is warned (0: no warning)."""

    minutes: int = 8
    warning_minutes: int = 2


LONGEST_ROUND_MINUTES = 120


@dataclass(frozen=True)
class ReminderSettings:
    """Section ``[reminders]``: how long before the event, and before each session that
    has ``reminders = true``, a reminder goes out; longest first."""

    before_event: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    before_session: tuple[timedelta, ...] = (timedelta(minutes=10),)
