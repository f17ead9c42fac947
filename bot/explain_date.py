"""``tawasul explain date TEXT``: a typed deadline as the rules of domain/deadlines.py read it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from domain.deadlines import FAR_AWAY_YEARS, Deadline, Reason, understand

REASONS = {
    Reason.DATE: "a full date, day first",
    Reason.NEXT_OCCURRENCE: "a day without a year: its next occurrence, today included",
    Reason.LAST_DAY: "a month or a year: its last day",
    Reason.FIRST_DAY: "the beginning of a month or a year: its first day",
    Reason.MIDDLE: "the middle of a month (the 15th) or of a year (30 June)",
    Reason.DURATION: "a duration from today",
    Reason.RELATIVE_DAY: "today, tomorrow or the day after",
    Reason.THIS_MONTH_OR_NEXT_YEAR: (
        "a month without a year, and today is in it: this one or next year's?"
    ),
    Reason.DAY_OR_DAYS: "a bare number: a day of the month or a number of days?",
    Reason.DAY_OR_YEAR: "a month and a two-digit number: a day or a year?",
    Reason.BEFORE_DURATION: (
        '"before" with a duration may also mean "ago": confirm the duration from today'
    ),
    Reason.FAR_AWAY: f"more than {FAR_AWAY_YEARS} years from today: confirm",
    Reason.SEVERAL: "several dates: which one?",
    Reason.NO_SUCH_DATE: "no such date (numeric dates are day first, never month first)",
    Reason.IN_THE_PAST: "in the past",
    Reason.VAGUE: "not a date: ask for one",
    Reason.LUNAR: "a Hijri event, whose start depends on the moon: ask for a date",
    Reason.UNREADABLE: "no date understood: ask for one",
}
"""The reasons in English, for organisers; the chat phrases them through the catalogs."""


def explain_date(settings: Settings, text: str, today: date | None, language: str | None) -> int:
    if today is None:
        today = datetime.now(ZoneInfo(settings.event.timezone)).date()
    deadline = understand(text, today, language)
    print(deadline.line)
    print(reason_line(deadline))
    for candidate in deadline.candidates:
        print(f"{candidate.line}\t{REASONS[candidate.reason]}")
    return 0


def reason_line(deadline: Deadline) -> str:
    """The reason and its words: 'in the past, 2023-12-31 (from "31/12/2023")'."""
    line = REASONS[deadline.reason]
    if deadline.reason is Reason.IN_THE_PAST and deadline.date is not None:
        line += f", {deadline.date.isoformat()}"
    if deadline.words:
        line += f' (from "{" ".join(deadline.words)}")'
    return line
