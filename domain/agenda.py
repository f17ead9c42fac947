"""The run of show: the event's sessions in time order, and the prompts of each.

The file is TOML (or CSV, see :func:`parse_csv`). Times are local, in the event's time
zone (``[event] timezone``, Africa/Casablanca), written without an offset; each is also
available as a UTC instant, right across Morocco's change of offset around Ramadan.
A text in three languages is a table ``{ ar = "…", fr = "…", en = "…" }``, or, the same in
TOML, one dotted key per language (``title.ar = "…"``)::

    [[session]]
    code = "welcome"                  # 1-32 of a-z 0-9 _ -, unique; keep it once published:
                                      # reminders and prompts are keyed on it
    starts = 2024-11-13T14:30:00      # a local date-time on the event day
    ends = 2024-11-13T14:45:00        # after starts; sessions must not overlap
    reminders = true                  # optional (default false): remind before it starts
    title = { ar = "…", fr = "…", en = "…" }
    place = { ar = "…", fr = "…", en = "…" }
    description = { ar = "…", … }     # optional
    objectives.ar = ["…", "…"]        # optional; as many in each language
    objectives.fr = ["…", "…"]
    objectives.en = ["…", "…"]

    [[session.prompt]]                # under its session, any number
    code = "checkin"                  # 1-32 of a-z 0-9 _ -, unique across the agenda
    at = "+5m"                        # an offset from the session's start (+1h10m, +90s)
                                      # or a local time on its day (14:35 or "14:35");
                                      # within the session
    kind = "checkin"                  # question: an open question, answered by a message;
                                      # poll: one tap among 2 to 6 options;
                                      # card: something to read, no answer;
                                      # checkin: one button, its one option, that checks
                                      # the person in (who tapped it are "present");
                                      # interests: one button that opens /interests (its
                                      # label an optional one option);
                                      # commit: one button that opens /commit, the same way
    audience = "present"              # all: everyone registered; present: those checked in
                                      # (default: present; a check-in goes to all)
    text = { ar = "…", fr = "…", en = "…" }
    options.ar = ["…", "…"]           # a poll's answers, a check-in's button; as many in
    options.fr = ["…", "…"]           # each language, at most 6
    options.en = ["…", "…"]

Reading a file gives every problem at once: :func:`parse_toml` (or :func:`parse_csv`)
reports what cannot be read (types, unknown keys, times), :func:`check` what is wrong
with what was read (overlaps, order, the event day, translations, codes, prompts outside
their session, options). Each problem is one line naming its session.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.durations import parse_duration
from domain.problems import Problem, ProblemsFound
from domain.settings import Localised

LANGUAGES = ("ar", "fr", "en")
MAX_OPTIONS = 6
DEFAULT_TIMEZONE = "Africa/Casablanca"
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
"""Short enough for a callback key such as ``prompt:<code>:<n>`` within Telegram's 64 bytes."""

SESSION_KEYS = (
    "code",
    "starts",
    "ends",
    "reminders",
    "title",
    "place",
    "description",
    "objectives",
    "prompt",
)
PROMPT_KEYS = ("code", "at", "kind", "audience", "text", "options")


class PromptKind(StrEnum):
    QUESTION = "question"
    POLL = "poll"
    CARD = "card"
    CHECKIN = "checkin"
    INTERESTS = "interests"
    COMMIT = "commit"


class Audience(StrEnum):
    ALL = "all"
    PRESENT = "present"


@dataclass(frozen=True)
class Prompt:
    """Something the bot sends to the room at a set moment of its session."""

    code: str
    at: str
    """As written: ``+5m`` (from the session's start) or ``14:35``."""
    due: datetime
    """The local moment it is due, in the event's zone."""
    kind: PromptKind
    audience: Audience
    text: Localised
    options: tuple[Localised, ...] = ()
    offset: timedelta | None = None
    """The elapsed time from the session's start when written as an offset (``+5m``);
    None for a local time."""

    @property
    def due_utc(self) -> datetime:
        return self.due.astimezone(UTC)


@dataclass(frozen=True)
class Session:
    code: str
    starts: datetime
    """Local, in the event's zone; compare instants with :attr:`starts_utc`."""
    ends: datetime
    title: Localised
    place: Localised
    description: Localised | None = None
    objectives: tuple[Localised, ...] = ()
    reminders: bool = False
    prompts: tuple[Prompt, ...] = ()

    @property
    def starts_utc(self) -> datetime:
        return self.starts.astimezone(UTC)

    @property
    def ends_utc(self) -> datetime:
        return self.ends.astimezone(UTC)

    def is_on(self, instant: datetime) -> bool:
        return self.starts_utc <= instant < self.ends_utc


class Phase(StrEnum):
    EMPTY = "empty"
    BEFORE = "before"
    DURING = "during"
    BETWEEN = "between"
    AFTER = "after"


@dataclass(frozen=True)
class Moment:
    """Where an instant falls in the run of show."""

    phase: Phase
    current: Session | None = None
    following: Session | None = None


@dataclass(frozen=True)
class Agenda:
    timezone: str = DEFAULT_TIMEZONE
    sessions: tuple[Session, ...] = ()
    """In time order."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def day(self) -> date | None:
        """The local day of the first session."""
        return self.sessions[0].starts.date() if self.sessions else None

    def session(self, code: str) -> Session | None:
        return next((session for session in self.sessions if session.code == code), None)

    def prompt(self, code: str) -> Prompt | None:
        return next(
            (p for session in self.sessions for p in session.prompts if p.code == code), None
        )

    def prompts(self) -> tuple[tuple[Session, Prompt], ...]:
        """Every prompt with its session, in the order they are due."""
        pairs = [(session, prompt) for session in self.sessions for prompt in session.prompts]
        return tuple(sorted(pairs, key=lambda pair: pair[1].due_utc))

    def at(self, instant: datetime) -> Moment:
        """What is on at ``instant`` (an aware datetime), and what comes next."""
        if instant.tzinfo is None:
            raise ValueError("an instant needs its time zone")
        if not self.sessions:
            return Moment(Phase.EMPTY)
        current = next((s for s in self.sessions if s.is_on(instant)), None)
        following = next((s for s in self.sessions if s.starts_utc > instant), None)
        if current is not None:
            return Moment(Phase.DURING, current, following)
        if instant < self.sessions[0].starts_utc:
            return Moment(Phase.BEFORE, None, following)
        if following is None:
            return Moment(Phase.AFTER)
        return Moment(Phase.BETWEEN, None, following)


class AgendaInvalid(ProblemsFound):
    """An agenda that cannot be used; each problem names its session (``session
    welcome``, ``session welcome, prompt checkin``)."""


def load(
    text: str,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    day: date | None = None,
    csv_format: bool = False,
) -> Agenda:
    """Read and check an agenda; :class:`AgendaInvalid` lists every problem."""
    parse = parse_csv if csv_format else parse_toml
    agenda, problems = parse(text, timezone=timezone)
    problems += check(agenda, day)
    if problems:
        raise AgendaInvalid(problems)
    return agenda


# reading


def parse_toml(text: str, *, timezone: str = DEFAULT_TIMEZONE) -> tuple[Agenda, list[Problem]]:
    """The agenda as far as it can be read, and what could not be."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Agenda(timezone), [Problem("", f"not valid TOML ({error})")]
    return from_tables(raw, timezone=timezone)


def from_tables(
    raw: Mapping[str, Any], *, timezone: str = DEFAULT_TIMEZONE
) -> tuple[Agenda, list[Problem]]:
    """The agenda from the tables of a parsed file (``{"session": [...]}``)."""
    problems: list[Problem] = []
    zone = ZoneInfo(timezone)
    for key in raw:
        if key != "session":
            problems.append(Problem("", f"unknown key {key!r} (sessions are [[session]] tables)"))
    tables = raw.get("session", [])
    if not isinstance(tables, list) or not all(isinstance(item, dict) for item in tables):
        problems.append(Problem("", "session must be [[session]] tables"))
        tables = []
    if not tables:
        problems.append(Problem("", "no session: the agenda needs at least one session"))
    sessions = []
    for position, table in enumerate(tables, start=1):
        session = _session(table, position, zone, problems)
        if session is not None:
            sessions.append(session)
    sessions.sort(key=lambda session: (session.starts_utc, session.ends_utc))
    return Agenda(timezone, tuple(sessions)), problems


class _Reader:
    """Reads the keys of one table, noting each problem against the table's name."""

    def __init__(self, table: dict[str, Any], where: str, problems: list[Problem]) -> None:
        self.table, self.where, self.problems = table, where, problems

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.where, message))

    def unknown(self, known: tuple[str, ...]) -> None:
        for key in self.table:
            if key not in known:
                self.problem(f"unknown key {key!r}")

    def text(self, key: str, *, required: bool = True) -> Localised | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.problem(f"{key} missing (a text in ar, fr and en)")
            return None
        if isinstance(value, str):
            self.problem(f"{key} must give each language: {key} = {{ ar = …, fr = …, en = … }}")
            return None
        if not isinstance(value, dict):
            self.problem(f"{key} must be a table of ar, fr and en texts")
            return None
        texts = {}
        for language, item in value.items():
            if language not in LANGUAGES:
                self.problem(f"{key}.{language}: unknown language (use ar, fr and en)")
            elif not isinstance(item, str):
                self.problem(f"{key}.{language} must be a text")
            else:
                texts[language] = item.strip()
        return Localised(**{language: texts.get(language, "") for language in LANGUAGES})

    def texts(self, key: str) -> tuple[Localised, ...]:
        """A list per language, read as one :class:`Localised` per position."""
        value = self.table.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.problem(f'{key} must give a list per language: {key}.ar = ["…", …]')
            return ()
        lists: dict[str, list[str]] = {}
        for language, items in value.items():
            if language not in LANGUAGES:
                self.problem(f"{key}.{language}: unknown language (use ar, fr and en)")
            elif not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                self.problem(f"{key}.{language} must be a list of texts")
            else:
                lists[language] = [item.strip() for item in items]
        if not lists:
            return ()
        counts = {language: len(items) for language, items in lists.items()}
        longest = max(counts.values())
        if len(set(counts.values())) > 1 or len(counts) < len(LANGUAGES):
            said = ", ".join(f"{counts.get(language, 0)} in {language}" for language in LANGUAGES)
            self.problem(f"{key}: {said} (give each one in every language)")
        padded = {
            language: [*lists.get(language, []), *[""] * longest][:longest]
            for language in LANGUAGES
        }
        return tuple(
            Localised(**{language: padded[language][index] for language in LANGUAGES})
            for index in range(longest)
        )

    def choice(self, key: str, kinds: type[StrEnum], default: StrEnum) -> StrEnum:
        value = self.table.get(key, default.value)
        try:
            return kinds(value)
        except ValueError:
            allowed = ", ".join(item.value for item in kinds)
            self.problem(f"{key} {value!r} is not one of {allowed}")
            return default


def _name(table: dict[str, Any], kind: str, position: int) -> tuple[str, str | None]:
    """How problems name the table: by its code when it has a usable one."""
    code = table.get("code")
    if isinstance(code, str) and CODE.fullmatch(code):
        return f"{kind} {code}", code
    return f"{kind} {position}", None


def _session(
    table: dict[str, Any], position: int, zone: ZoneInfo, problems: list[Problem]
) -> Session | None:
    where, code = _name(table, "session", position)
    read = _Reader(table, where, problems)
    read.unknown(SESSION_KEYS)
    if code is None:
        read.problem(_code_problem(table.get("code")))
    starts = _local_time(read, "starts", table.get("starts"), zone)
    ends = _local_time(read, "ends", table.get("ends"), zone)
    title = read.text("title")
    place = read.text("place")
    description = read.text("description", required=False)
    objectives = read.texts("objectives")
    reminders = table.get("reminders", False)
    if not isinstance(reminders, bool):
        read.problem("reminders must be true or false")
        reminders = False
    prompt_tables = table.get("prompt", [])
    if not isinstance(prompt_tables, list) or not all(
        isinstance(item, dict) for item in prompt_tables
    ):
        read.problem("prompt must be [[session.prompt]] tables")
        prompt_tables = []
    prompts = [
        _prompt(item, number, where, starts, zone, problems)
        for number, item in enumerate(prompt_tables, start=1)
    ]
    if None in (code, starts, ends, title, place) or None in prompts:
        return None
    return Session(
        code=code,
        starts=starts,
        ends=ends,
        title=title,
        place=place,
        description=description,
        objectives=objectives,
        reminders=reminders,
        prompts=tuple(sorted(prompts, key=lambda prompt: prompt.due_utc)),
    )


def _prompt(
    table: dict[str, Any],
    position: int,
    session: str,
    starts: datetime | None,
    zone: ZoneInfo,
    problems: list[Problem],
) -> Prompt | None:
    name, code = _name(table, "prompt", position)
    read = _Reader(table, f"{session}, {name}", problems)
    read.unknown(PROMPT_KEYS)
    if code is None:
        read.problem(_code_problem(table.get("code")))
    kind = read.choice("kind", PromptKind, PromptKind.QUESTION)
    default_audience = Audience.ALL if kind is PromptKind.CHECKIN else Audience.PRESENT
    audience = read.choice("audience", Audience, default_audience)
    text = read.text("text")
    options = read.texts("options")
    at = table.get("at")
    due = offset = None
    if at is None:
        read.problem('at missing (an offset from the session\'s start, "+5m", or a time, 14:35)')
    elif starts is not None:
        due, at, offset = _due(read, at, starts, zone)
    if None in (code, text, due):
        return None
    return Prompt(code, at, due, kind, audience, text, options, offset)


def _code_problem(code: Any) -> str:
    if code is None:
        return "code missing"
    return f"code {code!r}: use 1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit"


def _local_time(read: _Reader, key: str, value: Any, zone: ZoneInfo) -> datetime | None:
    """A local date-time in ``zone``; one that the clock skips or repeats is refused."""
    if value is None:
        read.problem(f"{key} missing (a local date-time such as 2024-11-13T14:30:00)")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            read.problem(f"{key} {value!r} is not a date-time such as 2024-11-13T14:30:00")
            return None
    if not isinstance(value, datetime):
        read.problem(f"{key} must be a local date-time such as 2024-11-13T14:30:00")
        return None
    if value.tzinfo is not None:
        read.problem(f"{key}: write the local time without an offset (times are in {zone.key})")
        return None
    return _in_zone(read, key, value, zone)


def _in_zone(read: _Reader, key: str, naive: datetime, zone: ZoneInfo) -> datetime | None:
    local = naive.replace(tzinfo=zone)
    shown = f"{key} {naive:%Y-%m-%d %H:%M}"
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        read.problem(f"{shown} does not exist in {zone.key}: the clocks skip it")
        return None
    if local.replace(fold=1).utcoffset() != local.utcoffset():
        read.problem(f"{shown} happens twice in {zone.key} (the clocks go back): pick another")
        return None
    return local


def _due(
    read: _Reader, at: Any, starts: datetime, zone: ZoneInfo
) -> tuple[datetime | None, str, timedelta | None]:
    """When a prompt is due, as written, and its offset: an offset is real elapsed time
    from the session's start."""
    if isinstance(at, str) and re.fullmatch(r"\s*\d{1,2}:\d{2}\s*", at):
        hours, minutes = (int(part) for part in at.split(":"))
        if hours > 23 or minutes > 59:
            read.problem(f"at {at!r} is not a time of day")
            return None, at, None
        at = time(hours, minutes)
    if isinstance(at, time):
        local = _in_zone(read, "at", datetime.combine(starts.date(), at), zone)
        return local, f"{at:%H:%M}", None
    if isinstance(at, str):
        try:
            offset = parse_duration(at)
        except ValueError:
            read.problem(f'at {at!r}: write an offset such as "+5m" or a time such as 14:35')
            return None, at, None
        return _after(starts, offset), at.strip(), offset
    read.problem('at must be an offset such as "+5m" or a time such as 14:35')
    return None, str(at), None


def _after(starts: datetime, offset: timedelta) -> datetime:
    """``offset`` of elapsed time after ``starts``, as a local time in its zone."""
    return (starts.astimezone(UTC) + offset).astimezone(starts.tzinfo)


def moved_to(agenda: Agenda, day: date) -> Agenda:
    """The same run of show on another day, at the same local times, each resolved in the
    zone on that day (so that day's offset applies); offsets stay elapsed time."""

    def same_time(moment: datetime) -> datetime:
        shift = moment.date() - agenda.day
        return datetime.combine(day + shift, moment.time(), agenda.zone)

    sessions = []
    for session in agenda.sessions:
        starts = same_time(session.starts)
        prompts = tuple(
            replace(
                prompt,
                due=same_time(prompt.due)
                if prompt.offset is None
                else _after(starts, prompt.offset),
            )
            for prompt in session.prompts
        )
        sessions.append(
            replace(session, starts=starts, ends=same_time(session.ends), prompts=prompts)
        )
    return replace(agenda, sessions=tuple(sessions))


def to_tables(agenda: Agenda) -> dict[str, Any]:
    """The agenda as plain tables (JSON-safe), which :func:`from_tables` reads back as the
    same agenda: how the database keeps the run of show every process follows."""

    def text(value: Localised) -> dict[str, str]:
        return {language: getattr(value, language) for language in LANGUAGES}

    def texts(values: tuple[Localised, ...]) -> dict[str, list[str]]:
        return {language: [getattr(value, language) for value in values] for language in LANGUAGES}

    def local(moment: datetime) -> str:
        return moment.replace(tzinfo=None).isoformat()

    sessions = []
    for session in agenda.sessions:
        table: dict[str, Any] = {
            "code": session.code,
            "starts": local(session.starts),
            "ends": local(session.ends),
            "reminders": session.reminders,
            "title": text(session.title),
            "place": text(session.place),
        }
        if session.description is not None:
            table["description"] = text(session.description)
        if session.objectives:
            table["objectives"] = texts(session.objectives)
        prompts = []
        for prompt in session.prompts:
            item: dict[str, Any] = {
                "code": prompt.code,
                "at": prompt.at if prompt.offset is not None else f"{prompt.due:%H:%M}",
                "kind": prompt.kind.value,
                "audience": prompt.audience.value,
                "text": text(prompt.text),
            }
            if prompt.options:
                item["options"] = texts(prompt.options)
            prompts.append(item)
        if prompts:
            table["prompt"] = prompts
        sessions.append(table)
    return {"session": sessions}


# checking


def check(agenda: Agenda, day: date | None = None) -> list[Problem]:
    """Every problem of the sessions that could be read; ``day`` is the event's day (by
    default the first session's). A file without sessions is the reader's problem."""
    if not agenda.sessions:
        return []
    day = day or agenda.day
    problems: list[Problem] = []
    days = sorted({session.starts.date() for session in agenda.sessions})
    if day not in days:
        said = ", ".join(f"{other:%Y-%m-%d}" for other in days)
        problems.append(Problem("", f"the sessions are on {said}, not on the event day {day}"))
    problems += _check_codes(agenda)
    latest: Session | None = None
    for session in agenda.sessions:
        where = f"session {session.code}"
        if session.ends_utc <= session.starts_utc:
            problems.append(
                Problem(
                    where,
                    f"ends at {session.ends:%H:%M}, not after it starts ({session.starts:%H:%M})",
                )
            )
        if day in days:
            problems += _check_day(where, session, day, agenda.zone)
        if latest is not None and session.starts_utc < latest.ends_utc:
            problems.append(
                Problem(
                    where,
                    f"starts at {session.starts:%H:%M}, before session {latest.code} "
                    f"ends ({latest.ends:%H:%M}): sessions must not overlap",
                )
            )
        if latest is None or session.ends_utc > latest.ends_utc:
            latest = session
        problems += _check_texts(
            where,
            {
                "title": session.title,
                "place": session.place,
                "description": session.description,
                **{f"objectives[{n}]": item for n, item in enumerate(session.objectives, 1)},
            },
        )
        for prompt in session.prompts:
            problems += _check_prompt(f"{where}, prompt {prompt.code}", session, prompt)
    return problems


def _check_codes(agenda: Agenda) -> list[Problem]:
    problems = []
    sessions = [session.code for session in agenda.sessions]
    for code in sorted({code for code in sessions if sessions.count(code) > 1}):
        count = sessions.count(code)
        problems.append(
            Problem(f"session {code}", f"the code is used by {count} sessions: give each its own")
        )
    prompts = [(session.code, prompt.code) for session, prompt in agenda.prompts()]
    codes = [code for _, code in prompts]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        holders = sorted({session for session, other in prompts if other == code})
        problems.append(
            Problem(
                f"session {holders[0]}, prompt {code}",
                f"the code is used by {codes.count(code)} prompts "
                f"(in {', '.join(holders)}): give each its own",
            )
        )
    return problems


def _check_day(where: str, session: Session, day: date, zone: ZoneInfo) -> list[Problem]:
    midnight = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    if session.starts.date() != day:
        return [
            Problem(
                where,
                f"on {session.starts:%Y-%m-%d}, not on the event day {day:%Y-%m-%d}",
            )
        ]
    if session.ends_utc > midnight:
        return [
            Problem(where, f"ends on {session.ends:%Y-%m-%d}, after the event day {day:%Y-%m-%d}")
        ]
    return []


def _check_texts(where: str, texts: Mapping[str, Localised | None]) -> list[Problem]:
    problems = []
    for key, text in texts.items():
        if text is None:
            continue
        missing = [language for language in LANGUAGES if not getattr(text, language)]
        problems += [Problem(where, f"{key}.{language} missing") for language in missing]
        if not all(_lays_out_right_to_left(line) for line in text.ar.splitlines()):
            problems.append(
                Problem(
                    where,
                    f"{key}.ar has a line that begins with a Latin letter: begin it with an "
                    "Arabic word, so that phones lay it out right to left",
                )
            )
    return problems


def _check_prompt(where: str, session: Session, prompt: Prompt) -> list[Problem]:
    problems = []
    if prompt.due_utc < session.starts_utc or prompt.due_utc >= session.ends_utc:
        problems.append(
            Problem(
                where,
                f"due at {prompt.due:%H:%M} ({prompt.at}), outside its session "
                f"({session.starts:%H:%M}–{session.ends:%H:%M})",
            )
        )
    count = len(prompt.options)
    match prompt.kind:
        case PromptKind.POLL if count > MAX_OPTIONS:
            problems.append(Problem(where, f"{count} options, at most {MAX_OPTIONS}"))
        case PromptKind.POLL if count < 2:
            problems.append(Problem(where, f"a poll needs 2 to {MAX_OPTIONS} options, not {count}"))
        case PromptKind.CHECKIN if count != 1:
            problems.append(
                Problem(where, f"a check-in has one option, its button's label, not {count}")
            )
        case PromptKind.INTERESTS if count > 1:
            problems.append(
                Problem(where, f"an interests prompt has one button, its label, not {count}")
            )
        case PromptKind.COMMIT if count > 1:
            problems.append(
                Problem(where, f"a commit prompt has one button, its label, not {count}")
            )
        case PromptKind.QUESTION | PromptKind.CARD if count:
            problems.append(
                Problem(
                    where,
                    f"a {prompt.kind.value} takes no options; make it a poll to offer answers",
                )
            )
    if prompt.kind is PromptKind.CHECKIN and prompt.audience is not Audience.ALL:
        problems.append(Problem(where, 'a check-in goes to everyone registered: audience = "all"'))
    problems += _check_texts(
        where,
        {
            "text": prompt.text,
            **{f"options[{n}]": item for n, item in enumerate(prompt.options, 1)},
        },
    )
    return problems


def _lays_out_right_to_left(line: str) -> bool:
    """Whether a phone lays out a line holding Arabic right to left: its first strong
    letter is a right-to-left one. A line without Arabic may run left to right."""
    kinds = [unicodedata.bidirectional(char) for char in line]
    strong = [kind for kind in kinds if kind in ("L", "R", "AL")]
    return not strong or strong[0] != "L" or not ({"R", "AL"} & set(strong))


# CSV: one row a session, each followed by the rows of its prompts

CSV_LOCALISED = ("title", "place", "description", "text")
CSV_LISTS = ("objectives", "options")
CSV_COLUMNS = (
    "code",
    "starts",
    "ends",
    "reminders",
    "at",
    "kind",
    "audience",
    *(f"{key}_{language}" for key in (*CSV_LOCALISED, *CSV_LISTS) for language in LANGUAGES),
)
CSV_SEPARATOR = "|"


def parse_csv(text: str, *, timezone: str = DEFAULT_TIMEZONE) -> tuple[Agenda, list[Problem]]:
    """The CSV form, read into the same tables as the TOML one.

    A row with ``starts`` is a session; a row with ``at`` is a prompt of the session
    above it. Texts are ``title_ar``, ``title_fr``, ``title_en`` (and ``place_``,
    ``description_``, ``text_``); ``objectives_`` and ``options_`` separate their items
    with ``|``; ``reminders`` is ``true`` or ``false``. Columns may come in any order;
    empty cells are left out.
    """
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = rows.fieldnames or []
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        return Agenda(timezone), [Problem("", f"unknown column {unknown[0]!r}")]
    sessions: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for line, row in enumerate(rows, start=2):
        table = _csv_table(row)
        if not table:
            continue
        if "at" in table and "starts" not in table:
            if not sessions:
                problems.append(Problem(f"line {line}", "a prompt before any session"))
                continue
            sessions[-1].setdefault("prompt", []).append(table)
        else:
            sessions.append(table)
    agenda, more = from_tables({"session": sessions}, timezone=timezone)
    return agenda, problems + more


def _csv_table(row: dict[str, str | None]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for column, cell in row.items():
        value = (cell or "").strip()
        if not value or column is None:
            continue
        key, _, language = column.rpartition("_")
        if key in CSV_LOCALISED:
            table.setdefault(key, {})[language] = value
        elif key in CSV_LISTS:
            table.setdefault(key, {})[language] = [
                item.strip() for item in value.split(CSV_SEPARATOR)
            ]
        elif column == "reminders":
            table[column] = {"true": True, "false": False}.get(value.casefold(), value)
        else:
            table[column] = value
    return table
