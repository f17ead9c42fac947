"""When a commitment is followed up: the days, from its creation to well past its deadline.

Pure. The default rules (``[follow_ups]`` in the configuration can change each):

- ``after_days`` (14) days after the commitment was made;
- halfway between that day and the deadline (``halfway``);
- ``before_days`` (7) days before the deadline;
- on the deadline (``on_deadline``);
- then every ``every_days`` (14) days after it, until the commitment is closed;
- ``at_most`` (6) follow-ups in all, counting those already sent.

Days that fall on or before the day it was made (or ``today``, when rescheduling), or twice
on one day, count once or not at all; a commitment due within 14 days still gets the
ones before and on its deadline. Each is sent at ``hour`` o'clock local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class FollowUpRules:
    after_days: int = 14
    halfway: bool = True
    before_days: int = 7
    on_deadline: bool = True
    every_days: int = 14
    at_most: int = 6
    hour: int = 10
    """The local hour (0-23) each follow-up is sent at."""


DEFAULT_RULES = FollowUpRules()


def follow_up_days(
    made_on: date,
    deadline: date,
    *,
    today: date | None = None,
    already: int = 0,
    rules: FollowUpRules = DEFAULT_RULES,
) -> list[date]:
    """The days of the follow-ups still to come, in order.

    ``today`` (default ``made_on``): only days after it are planned, as when the deadline
    changes; ``already``: how many follow-ups were sent, counted against ``at_most``.
    """
    after = max(made_on, today or made_on)
    wanted: set[date] = set()
    first = made_on + timedelta(days=rules.after_days)
    if first < deadline:
        wanted.add(first)
    if rules.halfway:
        start = first if first < deadline else made_on
        wanted.add(start + timedelta(days=(deadline - start).days // 2))
    if rules.before_days:
        wanted.add(deadline - timedelta(days=rules.before_days))
    if rules.on_deadline:
        wanted.add(deadline)
    days = sorted(day for day in wanted if day > after and day <= deadline)
    room = max(0, rules.at_most - already)
    if rules.every_days > 0:
        later = deadline + timedelta(days=rules.every_days)
        while len(days) < room:
            if later > after:
                days.append(later)
            later += timedelta(days=rules.every_days)
    return days[:room]


def send_time(day: date, timezone: str, rules: FollowUpRules = DEFAULT_RULES) -> datetime:
    """The instant (aware, in ``timezone``) a follow-up of ``day`` is sent."""
    return datetime.combine(day, time(rules.hour), tzinfo=ZoneInfo(timezone))
