"""Durations as organisers write them: ``24h``, ``1h``, ``10m``, ``90s``, ``1h30m``, ``2d``.

One or more of days (``d``), hours (``h``), minutes (``m``) and seconds (``s``), in that
order, each a whole number; an optional leading ``+`` (a prompt's offset within its
session reads ``+5m``). Used by the reminders' offsets and the prompts of the agenda.
"""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"\+?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def parse_duration(text: str) -> timedelta:
    """``"1h30m"`` → 90 minutes; :class:`ValueError` for anything else (``"10"``, ``"1.5h"``)."""
    cleaned = text.strip().casefold()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned.lstrip("+") or match is None:
        raise ValueError(f"{text!r} is not a duration (write it like 24h, 1h30m, 10m or 90s)")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The shortest form :func:`parse_duration` reads back: 90 minutes → ``"1h30m"``."""
    total = int(delta.total_seconds())
    if total == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, total = divmod(total, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)
