"""``tawasul broadcast`` and ``tawasul broadcasts``: organisers at a terminal.

A broadcast is written, never sent, here: the broadcast and its outbox rows in one unit
of work, which the running bot's dispatcher then sends in the bulk lane. ``--wait``
watches the rows until each has an outcome, polling the database: the rows, not this
process, are the truth, so a wait interrupted with Ctrl-C loses nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.english import count_of
from locales.i18n import Catalogs

WAIT_POLL_S = 0.2
PROGRESS_EVERY_S = 1.0
EXIT_OK = 0
EXIT_USAGE = 2
OPTION_OF = {"default": "--text", "fr": "--text-fr", "en": "--text-en"}
BROADCASTS_HEADER = (
    "id\tcreated_at\taudience\trecipients\tsent\tpending\tfailed\tunreachable"
    "\theld\tdelivered\tread"
)


def _say(message: str) -> None:
    print(f"tawasul: {message}", file=sys.stderr)


def texts_of(arguments: argparse.Namespace) -> dict[str, str]:
    """The texts by locale, ``default`` for everyone whose language has none."""
    from db.broadcasts import DEFAULT

    given = {DEFAULT: arguments.text, "fr": arguments.text_fr, "en": arguments.text_en}
    return {locale: text.strip() for locale, text in given.items() if text and text.strip()}


def text_problem(arguments: argparse.Namespace) -> str | None:
    """Why the texts cannot be sent on some channel, in one line, or None."""
    from bot.channels.limits import LIMITS
    from handlers.messages import InvalidMessage, Reply, check

    if not (arguments.text or "").strip():
        return "--text: the message is empty"
    for locale, text in texts_of(arguments).items():
        for channel, limits in LIMITS.items():
            try:
                check(Reply(text), limits)
            except InvalidMessage as problem:
                return f"{OPTION_OF[locale]}: {problem} (on {channel})"
    return None


def kind_of(arguments: argparse.Namespace) -> tuple[str, list[dict[str, str]] | None]:
    """The broadcast's kind and its options, from --options, --question, --checkin,
    --interests or --commit."""
    from db.broadcasts import CHECKIN, COMMIT, DEFAULT, INTERESTS, MESSAGE, POLL, QUESTION

    if getattr(arguments, "options", None) is not None:
        labels = [label.strip() for label in arguments.options.split("|")]
        return POLL, [{DEFAULT: label} for label in labels]
    if getattr(arguments, "question", False):
        return QUESTION, None
    if getattr(arguments, "checkin", False):
        return CHECKIN, None
    if getattr(arguments, "interests", False):
        return INTERESTS, None
    if getattr(arguments, "commit", False):
        return COMMIT, None
    return MESSAGE, None


def options_problem(kind: str, options: list[dict[str, str]] | None) -> str | None:
    """Why the options cannot be sent, in one line, or None."""
    from bot.channels.limits import LIMITS
    from db.broadcasts import BadOptions, check_options

    try:
        check_options(kind, options)
    except BadOptions as bad:
        return f"--options: {bad}"
    for option in options or ():
        for label in option.values():
            for channel, limits in LIMITS.items():
                if len(label) > limits.max_label_length:
                    return (
                        f"--options: {label[:20]!r}… is longer than "
                        f"{limits.max_label_length} characters (on {channel})"
                    )
    return None


def schedule_of(text: str, timezone: str, now: datetime) -> datetime:
    """The instant of ``"2024-11-13 15:30"`` in the event's zone; ValueError if unreadable
    or past."""
    try:
        local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(
            f"--schedule {text!r}: give the local time as YYYY-MM-DD HH:MM, e.g. 2024-11-13 15:30"
        ) from None
    moment = local.replace(tzinfo=ZoneInfo(timezone))
    if moment <= now:
        raise ValueError(f"--schedule {text!r}: that time ({timezone}) has passed")
    return moment.astimezone(UTC)


def recipients_line(texts: dict[str, str], found: list[tuple[int, str]]) -> str:
    """``recipients: 5 (ar 2, en 1, fr 2); --text to ar, en; --text-fr to fr``."""
    from db.broadcasts import DEFAULT

    per_locale = Counter(locale for _, locale in found)
    counts = ", ".join(f"{locale} {count}" for locale, count in sorted(per_locale.items()))
    readers: dict[str, list[str]] = {}
    for locale in sorted(per_locale):
        readers.setdefault(locale if locale in texts else DEFAULT, []).append(locale)
    which = "; ".join(
        f"{OPTION_OF[text]} to {', '.join(locales)}" for text, locales in readers.items()
    )
    return f"recipients: {len(found)} ({counts}); {which}"


async def broadcast(
    settings: Settings,
    arguments: argparse.Namespace,
    *,
    ask: Callable[[str], str] = input,
    interactive: Callable[[], bool] = lambda: sys.stdin.isatty(),
) -> int:
    from bot.bootstrap import migrate, utc_now
    from db.broadcasts import BadAudience, create, parse_audience, recipients
    from db.session import Database

    kind, options = kind_of(arguments)
    problem = text_problem(arguments) or options_problem(kind, options)
    if problem:
        _say(problem)
        return EXIT_USAGE
    due_at = None
    if getattr(arguments, "schedule", None) is not None:
        try:
            due_at = schedule_of(arguments.schedule, settings.event.timezone, utc_now())
        except ValueError as bad:
            _say(f"{bad}")
            return EXIT_USAGE
    try:
        audience = parse_audience(arguments.audience)
    except BadAudience as bad:
        _say(f"{bad}")
        return EXIT_USAGE
    if not arguments.yes and not interactive():
        _say("not sent: no terminal to confirm on; add --yes to send without asking")
        return EXIT_USAGE
    texts = texts_of(arguments)
    database = Database(settings.database_url)
    try:
        event_id = await migrate(database, settings, utc_now())
        try:
            async with database.unit_of_work() as session:
                found = await recipients(session, event_id, audience)
        except BadAudience as bad:
            _say(f"{bad}")
            return EXIT_USAGE
        if not found:
            print(f"recipients: 0 ({audience}); nothing sent")
            return EXIT_OK
        print(recipients_line(texts, found), flush=True)
        if not arguments.yes:
            answer = ask(f"Send to {len(found)} people? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("not sent")
                return EXIT_OK
        created = await create(
            database,
            event_id,
            audience,
            texts,
            utc_now(),
            kind=kind,
            options=options,
            due_at=due_at,
            catalogs=Catalogs(settings.locales, settings.default_locale),
        )
        when = f" for {arguments.schedule.strip()} ({settings.event.timezone})" if due_at else ""
        print(
            f"broadcast {created.id}: "
            f"{count_of(created.recipients, 'message', 'messages')} queued{when}; "
            "the running bot (tawasul run) sends them",
            flush=True,
        )
        if arguments.wait:
            await wait(database, created.id)
    finally:
        await database.close()
    return EXIT_OK


async def wait(database, broadcast_id: int, *, poll_s: float = WAIT_POLL_S) -> None:
    """Progress on stderr until no row is pending; then the counts on stdout.

    On a terminal it is a progress bar (tqdm); otherwise (a log, a pipe) one line each
    second at most, when something changed.
    """
    from tqdm import tqdm

    from db.broadcasts import progress

    state = await progress(database, broadcast_id)
    bar = tqdm(
        total=state.recipients,
        desc=f"broadcast {broadcast_id}",
        unit="msg",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
    )
    shown = None
    last_line = 0.0
    try:
        while not state.done:
            done = state.recipients - state.pending
            if not bar.disable:
                bar.update(done - bar.n)
            elif state != shown and time.monotonic() - last_line >= PROGRESS_EVERY_S:
                print(
                    f"broadcast {broadcast_id}: {done}/{state.recipients} done, "
                    f"{state.pending} pending",
                    file=sys.stderr,
                    flush=True,
                )
                shown, last_line = state, time.monotonic()
            await asyncio.sleep(poll_s)
            state = await progress(database, broadcast_id)
        bar.update(state.recipients - bar.n)
    finally:
        bar.close()
    print(f"sent {state.sent}, unreachable {state.unreachable}, failed {state.failed}")
    if state.held:
        print(f"held {state.held}: sent as a template, waiting for the person to write")


async def broadcasts(settings: Settings) -> int:
    from db.broadcasts import listing
    from db.session import Database

    database = Database(settings.database_url)
    try:
        async with database.startup_lock():
            await database.upgrade()
        print(BROADCASTS_HEADER)
        for item in await listing(database):
            state = item.progress
            print(
                "\t".join(
                    str(value)
                    for value in (
                        item.id,
                        item.created_at.isoformat(timespec="seconds"),
                        item.audience,
                        state.recipients,
                        state.sent,
                        state.pending,
                        state.failed,
                        state.unreachable,
                        state.held,
                        state.delivered,
                        state.read,
                    )
                )
            )
    finally:
        await database.close()
    return EXIT_OK


async def poll_results(settings: Settings, raw_id: str) -> int:
    """A poll's question, then per option its label, bar, share and count; then the total."""
    from db.broadcasts import DEFAULT, POLL, text_for
    from db.models import Broadcast
    from db.polls import Live
    from db.session import Database
    from handlers.polls import bar

    if not (raw_id.isascii() and raw_id.isdigit()):
        _say(f"poll {raw_id!r}: give the number that tawasul broadcast printed")
        return EXIT_USAGE
    database = Database(settings.database_url)
    try:
        async with database.startup_lock():
            await database.upgrade()
        async with database.unit_of_work() as session:
            poll = await session.get(Broadcast, int(raw_id))
            if poll is None or poll.kind != POLL:
                _say(f"no poll {raw_id}; tawasul broadcasts lists them")
                return EXIT_USAGE
            counts = await Live(session).counts(poll)
        total = sum(counts)
        state = "closed" if poll.closed_at else "open"
        print(f"poll {poll.id} ({state}): {text_for(poll.texts, DEFAULT)}")
        for option, count in zip(poll.options, counts, strict=True):
            percent = round(100 * count / total) if total else 0
            print(f"{text_for(option, DEFAULT)}\t{bar(count, total)}\t{percent}%\t{count}")
        print(f"answers: {total}")
    finally:
        await database.close()
    return EXIT_OK


UNREACHABLE_HEADER = "since\tchannel\tparticipant\tfull_name\tcollectivity\tlabel_fr"


async def unreachable(settings: Settings) -> int:
    """The registered participants who blocked the bot: broadcasts leave them out."""
    from db.reachability import unreachable_participants
    from db.session import Database

    database = Database(settings.database_url)
    try:
        async with database.startup_lock():
            await database.upgrade()
        people = await unreachable_participants(database)
        print(UNREACHABLE_HEADER)
        for person in people:
            print(
                "\t".join(
                    (
                        person.since.isoformat(timespec="seconds"),
                        person.channel,
                        str(person.participant_id),
                        person.full_name,
                        person.collectivity_code,
                        person.collectivity_label,
                    )
                )
            )
        _say(
            count_of(len(people), "participant cannot be reached", "participants cannot be reached")
        )
    finally:
        await database.close()
    return EXIT_OK
