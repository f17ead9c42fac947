"""Live speed-networking rounds, run by the facilitator from the chat.

- ``/round start [pairs|tables N] [minutes] [all]`` seats those checked in (``all``:
  everyone registered) in pairs (a trio takes the odd one) or at tables of N (3 to 5),
  never two of one collectivity, never two who met in an earlier round, never a pair on
  the "do not match" list. Each person seated is told, in their language, their table,
  whom they meet, when the round ends and how to begin; a warning before the end and
  the end itself are written at the same time, due later, and expire rather than go
  out late.
- ``/round stop`` ends the running round now: its warnings are dropped and its end goes
  out at once. ``/round next`` starts the next round as the last one was set (ending a
  running one first). ``/rounds`` is the history.
- ``/round askmet``, after the event, asks each person seated, for each person they sat
  with, "did you meet?", with Yes and No buttons (``met:<round id>:<other id>:y|n``);
  the answers are counted in ``/rounds``.

Every message goes through the outbox, in the unit of work that decided it: what the
people seated read is :mod:`handlers.round_messages`, "did you meet?" is
:mod:`handlers.meetings`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.models import NetworkingRound, as_utc
from db.rounds import ALL, PAIRS, PRESENT, TABLE_SIZES, TABLES, Plan, TooFewPeople
from domain.arabic import to_ascii_digits
from domain.matching import MatchingImpossible
from domain.settings import LONGEST_ROUND_MINUTES
from handlers import meetings
from handlers.commands import FACILITATOR, Commands, CommandSpec
from handlers.messages import Reply
from handlers.round_messages import END_GRACE, announce, local_time, running_line
from handlers.router import Callbacks
from locales.i18n import N_, Ltr, Translator

if TYPE_CHECKING:
    from handlers.context import Context

DEFAULT_TABLE_SIZE = 4
STOPPED = "round stopped"
ROUND_COMMANDS = (
    ("round", N_("Speed-networking rounds: start, next, stop, askmet")),
    ("rounds", N_("The speed-networking rounds so far")),
)


def register(commands: Commands, callbacks: Callbacks) -> None:
    handlers = {"round": round_command, "rounds": rounds_command}
    for name, description in ROUND_COMMANDS:
        commands.register(CommandSpec(name, description, FACILITATOR, handlers[name]))
    callbacks.register(meetings.NAMESPACE, meetings.on_met_tap)


# what the facilitator asks for


@dataclass(frozen=True)
class Choice:
    """A round's settings, as the facilitator gave them."""

    mode: str = PAIRS
    size: int = 2
    minutes: int = 8
    audience: str = PRESENT


class BadChoice(ValueError):
    """The words after ``/round start`` are not a round's settings."""


def _number(word: str) -> int | None:
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 3 else None


MINUTES = re.compile(r"(\d{1,3})(?:m|min|mn|د)?")
MINUTE_WORDS = frozenset({"min", "mn", "minute", "minutes", "دقيقة", "دقائق", "د"})


def parse_choice(text: str, default_minutes: int) -> Choice:
    """``pairs``, ``tables 4``, ``10`` (minutes; ``10m``, ``10 min`` too) and ``all``, in
    any order."""
    words = to_ascii_digits(text).casefold().split()
    mode, size, minutes, audience = PAIRS, 2, None, PRESENT
    position = 0
    while position < len(words):
        word = words[position]
        given = MINUTES.fullmatch(word)
        if word in ("pairs", "pair"):
            mode, size = PAIRS, 2
        elif word in ("tables", "table"):
            mode, size = TABLES, DEFAULT_TABLE_SIZE
            following = _number(words[position + 1]) if position + 1 < len(words) else None
            if following is not None:
                size = following
                position += 1
        elif word == "all":
            audience = ALL
        elif given is not None and minutes is None:
            minutes = int(given.group(1))
        elif not (word in MINUTE_WORDS and minutes is not None):
            raise BadChoice(word)
        position += 1
    return Choice(mode, size, default_minutes if minutes is None else minutes, audience)


def choice_problem(tr: Translator, choice: Choice) -> str | None:
    low, high = TABLE_SIZES
    if choice.mode == TABLES and not low <= choice.size <= high:
        return tr._(
            "Tables are of {low} to {high} people, for example {example}.",
            low=tr.number(low),
            high=tr.number(high),
            example=Ltr("/round start tables 4"),
        )
    if not 1 <= choice.minutes <= LONGEST_ROUND_MINUTES:
        return tr._(
            "A round lasts from 1 to {most} minutes.", most=tr.number(LONGEST_ROUND_MINUTES)
        )
    return None


def usage(ctx: Context) -> str:
    tr = ctx.tr
    return "\n".join(
        (
            tr._("To run the speed-networking rounds:"),
            tr._(
                "{command}: seat those checked in, in pairs (the default) or at tables of N "
                "(3 to 5), for the minutes given (else {minutes}); add all to seat everyone "
                "registered.",
                command=Ltr("/round start [pairs|tables N] [minutes] [all]"),
                minutes=tr.number(ctx.services.rounds.minutes),
            ),
            tr._("{command}: the next round, set as the last one.", command=Ltr("/round next")),
            tr._("{command}: end the running round now.", command=Ltr("/round stop")),
            tr._(
                "{command}: after the event, ask each person whether they met those they sat with.",
                command=Ltr("/round askmet"),
            ),
            tr._("{command}: the rounds so far.", command=Ltr("/rounds")),
        )
    )


# /round


async def round_command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    action, _, rest = to_ascii_digits(argument).strip().partition(" ")
    action = action.casefold()
    if action == "start":
        try:
            choice = parse_choice(rest, ctx.services.rounds.minutes)
        except BadChoice:
            return [Reply(ctx.tr._("I did not understand these settings.") + "\n\n" + usage(ctx))]
        problem = choice_problem(ctx.tr, choice)
        if problem is not None:
            return [Reply(problem)]
        return [await start(ctx, choice, replacing=False)]
    if action == "next" and not rest.strip():
        return [await start_next(ctx)]
    if action == "stop" and not rest.strip():
        return [await stop(ctx)]
    if action == "askmet" and not rest.strip():
        return [await meetings.ask_met(ctx)]
    running = await ctx.store.rounds.running(ctx.services.event_id, ctx.now())
    lines = []
    if action:
        lines.append(ctx.tr._("I did not understand that."))
    if running is not None:
        lines.append(running_line(ctx, running))
    return [Reply("\n\n".join([*lines, usage(ctx)]))]


async def start(ctx: Context, choice: Choice, *, replacing: bool) -> Reply:
    """Seat the round and tell everyone; a running round is ended first when ``replacing``,
    once the new one is known to be possible."""
    tr = ctx.tr
    rounds = ctx.store.rounds
    event_id = ctx.services.event_id
    now = ctx.now()
    running = await rounds.running(event_id, now)
    if running is not None and not replacing:
        return Reply(
            running_line(ctx, running)
            + " "
            + tr._(
                "Send {next} to start the next one now, or {stop} to end it.",
                next=Ltr("/round next"),
                stop=Ltr("/round stop"),
            )
        )
    try:
        plan = await rounds.plan(
            event_id, mode=choice.mode, size=choice.size, audience=choice.audience
        )
    except TooFewPeople as few:
        return Reply(too_few(ctx, choice, few))
    except MatchingImpossible:
        return Reply(
            tr._(
                "I cannot seat everyone this time without two people of one collectivity, or "
                "two who met in an earlier round, at the same table. Nothing was started; "
                "try other settings, for example {example}.",
                example=Ltr("/round start tables 4"),
            )
        )
    if running is not None:
        await end_now(ctx, running)
    started_by = None if ctx.participant is None else ctx.participant.id
    created = await rounds.create(
        event_id, plan, minutes=choice.minutes, now=now, started_by=started_by
    )
    unreachable = await announce(ctx, created, plan)
    return Reply(started_text(ctx, created, plan, unreachable))


def too_few(ctx: Context, choice: Choice, few: TooFewPeople) -> str:
    tr = ctx.tr
    if few.count == 0 and choice.audience == PRESENT:
        return tr._(
            "Nobody is checked in yet: a round seats those who sent {here}. Add {all} to "
            "seat everyone registered.",
            here=Ltr("/here"),
            all=Ltr("all"),
        )
    if few.count == 0:
        return tr._("Nobody is registered yet.")
    return tr.ngettext(
        "Only {n} person is there: a round needs at least {least}. Nothing was started.",
        "Only {n} people are there: a round needs at least {least}. Nothing was started.",
        few.count,
        least=tr.number(few.least),
    )


def started_text(ctx: Context, created: NetworkingRound, plan: Plan, unreachable: int) -> str:
    tr = ctx.tr
    count = len(plan.tables)
    lines = [
        tr.ngettext(
            "Round {number} has started: {n} person seated.",
            "Round {number} has started: {n} people seated.",
            plan.seated,
            number=tr.number(created.number),
        )
    ]
    if plan.mode == PAIRS:
        lines.append(tr.ngettext("In {n} pair.", "In {n} pairs.", count))
        if any(len(table) == 3 for table in plan.tables):
            lines.append(tr._("One of them is a trio, for the odd headcount."))
    else:
        lines.append(tr.ngettext("At {n} table.", "At {n} tables.", count))
    lines.append(tr._("It ends at {time}.", time=local_time(ctx, created.ends_at)))
    warning = ctx.services.rounds.warning_minutes
    if 0 < warning < created.minutes:
        lines.append(
            tr.ngettext(
                "Everyone seated is warned {n} minute before the end.",
                "Everyone seated is warned {n} minutes before the end.",
                warning,
            )
        )
    if unreachable:
        lines.append(
            tr.ngettext(
                "{n} person seated cannot be reached in the chat: please tell them their table.",
                "{n} people seated cannot be reached in the chat: please tell them their table.",
                unreachable,
            )
        )
    lines.append(
        tr._(
            "Send {stop} to end it now, or {next} for the next round.",
            stop=Ltr("/round stop"),
            next=Ltr("/round next"),
        )
    )
    return "\n".join(lines)


async def start_next(ctx: Context) -> Reply:
    last = await ctx.store.rounds.last(ctx.services.event_id)
    if last is None:
        return Reply(
            ctx.tr._(
                "No round has been run yet. Send {command} to start the first one.",
                command=Ltr("/round start"),
            )
        )
    choice = Choice(last.mode, last.size, last.minutes, last.audience)
    return await start(ctx, choice, replacing=True)


async def stop(ctx: Context) -> Reply:
    running = await ctx.store.rounds.running(ctx.services.event_id, ctx.now())
    if running is None:
        return Reply(ctx.tr._("No round is running."))
    await end_now(ctx, running)
    return Reply(
        ctx.tr._(
            "Round {number} is stopped: everyone seated is told it is over.",
            number=ctx.tr.number(running.number),
        )
    )


async def end_now(ctx: Context, running: NetworkingRound) -> None:
    """Stop the round: its warnings (and seats not yet told) are dropped, its end is due now."""
    now = ctx.now()
    outbox = ctx.store.outbox
    await ctx.store.rounds.stop(running, now)
    await outbox.skip_pending_with_key_prefix(f"round:{running.id}:warn:", STOPPED)
    await outbox.skip_pending_with_key_prefix(f"round:{running.id}:seat:", STOPPED)
    await outbox.bring_forward_with_key_prefix(f"round:{running.id}:end:", now, now + END_GRACE)


# /rounds


async def rounds_command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    records = await ctx.store.rounds.history(ctx.services.event_id)
    if not records:
        return [
            Reply(
                tr._(
                    "No round has been run yet. Send {command} to start the first one.",
                    command=Ltr("/round start"),
                )
            )
        ]
    now = ctx.now()
    blocks = [tr._("The rounds so far:")]
    for record in records:
        found = record.round
        if found.stopped_at is not None:
            status = tr._("stopped early at {time}", time=local_time(ctx, found.stopped_at))
        elif as_utc(found.ends_at) > now:
            status = tr._("on until {time}", time=local_time(ctx, found.ends_at))
        else:
            status = tr._("ran its full time")
        mode = (
            tr._("pairs")
            if found.mode == PAIRS
            else tr.ngettext("tables of {n}", "tables of {n}", found.size)
        )
        lines = [
            tr._(
                "Round {number}: {mode}, {minutes}, {seated}; started at {time}, {status}.",
                number=tr.number(found.number),
                mode=mode,
                minutes=tr.ngettext("{n} minute", "{n} minutes", found.minutes),
                seated=tr.ngettext("{n} person seated", "{n} people seated", record.seated),
                time=local_time(ctx, found.started_at),
                status=status,
            )
        ]
        if found.audience == ALL:
            lines.append(tr._("Everyone registered was seated, present or not."))
        answers = record.met_yes + record.met_no
        if answers:
            lines.append(
                tr.ngettext(
                    "“Did you meet?”: {n} answer, {yes} yes and {no} no.",
                    "“Did you meet?”: {n} answers, {yes} yes and {no} no.",
                    answers,
                    yes=tr.number(record.met_yes),
                    no=tr.number(record.met_no),
                )
            )
        blocks.append("\n".join(lines))
    return [Reply("\n\n".join(blocks))]
