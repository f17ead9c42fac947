"""What the run of show sends, and when: the reminders and prompts of an agenda.

:func:`plan` turns an agenda and the reminder offsets into :class:`Planned` items, each
with a key that stays the same when the agenda is edited (``reminder:event:24h``,
``reminder:session:<code>:10m``, ``prompt:<code>``). :func:`changes` compares that plan with
the items already stored and says what to add, move, cancel or bring back, so that a
reloaded agenda moves what is still to come and never repeats what was sent.

Instants are UTC, computed from the local times in the event's zone: a reminder 24 h
before a session is 24 hours of elapsed time before its start, whatever the clock of
Africa/Casablanca did in between (it moves by an hour around Ramadan).

The overdue rule (:func:`is_overdue`): an item is sent while it is still useful, that is
before its ``useful_until`` (a reminder: the start of what it announces; a prompt: the end
of its session); after that it is skipped, never sent late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.agenda import Agenda
from domain.durations import format_duration
from domain.settings import ReminderSettings

REMINDER = "reminder"
PROMPT = "prompt"
EVENT = "event"
SESSION = "session"

PENDING = "pending"
DONE = "done"
SKIPPED = "skipped"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Planned:
    key: str
    kind: str
    session_code: str
    fires_at: datetime
    useful_until: datetime
    payload: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stored:
    """What is known of an item already in the schedule."""

    key: str
    status: str
    fires_at: datetime
    useful_until: datetime
    payload: Mapping[str, object]
    session_code: str | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    added: tuple[Planned, ...] = ()
    moved: tuple[Planned, ...] = ()
    """Pending items whose time or content changed, and cancelled ones planned again."""
    cancelled: tuple[str, ...] = ()
    """Keys of pending items the agenda no longer has."""

    def __bool__(self) -> bool:
        return bool(self.added or self.moved or self.cancelled)


def plan(agenda: Agenda, reminders: ReminderSettings) -> list[Planned]:
    """Every reminder and prompt of the agenda, by time."""
    if not agenda.sessions:
        return []
    items: list[Planned] = []
    first = agenda.sessions[0]
    for offset in reminders.before_event:
        items.append(_reminder(EVENT, first.starts_utc, offset, session=first.code))
    for session in agenda.sessions:
        if not session.reminders:
            continue
        for offset in reminders.before_session:
            items.append(_reminder(SESSION, session.starts_utc, offset, session=session.code))
    for session, prompt in agenda.prompts():
        items.append(
            Planned(
                key=f"{PROMPT}:{prompt.code}",
                kind=PROMPT,
                session_code=session.code,
                fires_at=prompt.due_utc,
                useful_until=session.ends_utc,
                payload={"prompt": prompt.code},
            )
        )
    return sorted(items, key=lambda item: (item.fires_at, item.key))


def _reminder(about: str, starts: datetime, offset: timedelta, *, session: str) -> Planned:
    written = format_duration(offset)
    scope = EVENT if about == EVENT else f"{SESSION}:{session}"
    return Planned(
        key=f"{REMINDER}:{scope}:{written}",
        kind=REMINDER,
        session_code=session,
        fires_at=starts - offset,
        useful_until=starts,
        payload={"about": about, "session": session, "before": written},
    )


def changes(planned: Iterable[Planned], stored: Iterable[Stored]) -> Changes:
    """What to do to the stored schedule so that it follows ``planned``.

    A done or skipped item is never touched: what was sent is not sent again, even if its
    session moved. A pending item moves with its session, or is cancelled with it; a
    cancelled one whose session came back is pending again.
    """
    by_key = {item.key: item for item in stored}
    wanted = {item.key: item for item in planned}
    added, moved = [], []
    for key, item in wanted.items():
        old = by_key.get(key)
        if old is None:
            added.append(item)
        elif old.status == CANCELLED or (
            old.status == PENDING
            and (
                old.fires_at != item.fires_at
                or old.useful_until != item.useful_until
                or dict(old.payload) != dict(item.payload)
                or old.session_code != item.session_code
            )
        ):
            moved.append(item)
    cancelled = [key for key, old in by_key.items() if key not in wanted and old.status == PENDING]
    return Changes(tuple(added), tuple(moved), tuple(sorted(cancelled)))


def is_overdue(useful_until: datetime, now: datetime) -> bool:
    """Past its use: the session it announces has begun, or the one it belongs to is over."""
    return now >= useful_until
