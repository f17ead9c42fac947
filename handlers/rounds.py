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

Every message goes through the outbox, in the unit of work that decided it, keyed
``round:<id>:seat|warn|end:<account>`` and ``round:<id>:met:<other>:<account>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from db.models import ChannelAccount, NetworkingRound, Participant, as_utc
from db.rounds import ALL, PAIRS, PRESENT, TABLE_SIZES, TABLES, Plan, TooFewPeople
from domain.arabic import to_ascii_digits
from domain.matching import MatchingImpossible, Profile
from domain.settings import LONGEST_ROUND_MINUTES
from domain.themes import Taxonomy
from handlers.commands import FACILITATOR, Commands, CommandSpec
from handlers.messages import NO, YES, ChannelLimits, Option, Reply, check, to_content
from handlers.router import Callbacks, Tap
from handlers.wording import collectivity_label
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context

NAMESPACE = "met"
DEFAULT_TABLE_SIZE = 4
END_GRACE = timedelta(minutes=5)
"""How long after its time a round's end may still be said; later, it is dropped."""
STOPPED = "round stopped"
ROUND_COMMANDS = (
    ("round", N_("Speed-networking rounds: start, next, stop, askmet")),
    ("rounds", N_("The speed-networking rounds so far")),
)


def register(commands: Commands, callbacks: Callbacks) -> None:
    handlers = {"round": round_command, "rounds": rounds_command}
    for name, description in ROUND_COMMANDS:
        commands.register(CommandSpec(name, description, FACILITATOR, handlers[name]))
    callbacks.register(NAMESPACE, on_met_tap)


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
        return [await ask_met(ctx)]
    running = await ctx.store.rounds.running(ctx.services.event_id, ctx.now())
    lines = []
    if action:
        lines.append(ctx.tr._("I did not understand that."))
    if running is not None:
        lines.append(running_line(ctx, running))
    return [Reply("\n\n".join([*lines, usage(ctx)]))]


def local_time(ctx: Context, moment: datetime) -> Ltr:
    """The wall time in the event's zone, 24-hour: 15:48."""
    return Ltr(ctx.tr.time(as_utc(moment).astimezone(ZoneInfo(ctx.services.event.timezone))))


def running_line(ctx: Context, running: NetworkingRound) -> str:
    return ctx.tr._(
        "Round {number} is on until {time}.",
        number=ctx.tr.number(running.number),
        time=local_time(ctx, running.ends_at),
    )


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


# what each person seated reads


def _theme(taxonomy: Taxonomy, slugs: frozenset[str]):
    """The first of ``slugs`` in the taxonomy's order, or None."""
    return next((theme for theme in taxonomy.themes if theme.slug in slugs), None)


def starter(
    tr: Translator, taxonomy: Taxonomy, me: Profile, partners: Sequence[tuple[str, Profile]]
) -> str:
    """A first question drawn from what they share: what a partner offers that I seek,
    then what I offer that a partner seeks, then a theme we both name; else a general one."""
    for rule in ("they_offer", "i_offer", "shared"):
        for name, other in partners:
            slugs = {
                "they_offer": other.offers & me.seeks,
                "i_offer": me.offers & other.seeks,
                "shared": me.themes & other.themes,
            }[rule]
            theme = _theme(taxonomy, slugs)
            if theme is None:
                continue
            label = {"name": name, "theme": Native(theme.label.get(tr.locale, theme.slug))}
            if rule == "they_offer":
                return tr._(
                    "{name} has experience in {theme}, which you seek: ask how their "
                    "collectivity went about it.",
                    **label,
                )
            if rule == "i_offer":
                return tr._(
                    "You have experience in {theme}, which {name} seeks: tell them how your "
                    "collectivity went about it.",
                    **label,
                )
            return tr._(
                "You and {name} are both interested in {theme}: compare what your "
                "collectivities have done.",
                **label,
            )
    return tr._(
        "Each of you presents your collectivity's openness project in 30 seconds; then ask "
        "what each of you could offer the other."
    )


def seat_text(
    tr: Translator,
    taxonomy: Taxonomy,
    created: NetworkingRound,
    table: int,
    me: Profile,
    partners: Sequence[tuple[Participant, Profile]],
    ends: Ltr,
) -> str:
    lines = [
        tr._(
            "Round {number}: your table is number {table}.",
            number=tr.number(created.number),
            table=tr.number(table),
        ),
        tr._("You meet:"),
    ]
    lines += [
        tr._(
            "• {name}, {collectivity}",
            name=person.full_name,
            collectivity=collectivity_label(tr, person.collectivity),
        )
        for person, _ in partners
    ]
    lines.append(tr._("The round ends at {time}.", time=ends))
    named = [(person.full_name, profile) for person, profile in partners]
    lines.append(tr._("To begin: {starter}", starter=starter(tr, taxonomy, me, named)))
    return "\n".join(lines)


def warning_text(tr: Translator, created: NetworkingRound, minutes: int) -> str:
    return tr.ngettext(
        "Round {number}: {n} minute left. Time to wrap up and to exchange contacts, with each "
        "other's consent.",
        "Round {number}: {n} minutes left. Time to wrap up and to exchange contacts, with each "
        "other's consent.",
        minutes,
        number=tr.number(created.number),
    )


def end_text(tr: Translator, created: NetworkingRound) -> str:
    return tr._(
        "Round {number} is over. Thank you! Please wait for the facilitators' instructions.",
        number=tr.number(created.number),
    )


class Writer:
    """Writes a bulk message to one account, in its language, checked for its channel."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def translator(self, account: ChannelAccount) -> Translator:
        services = self.ctx.services
        return services.catalogs.translator(account.locale or services.default_locale)

    async def write(
        self,
        account: ChannelAccount,
        reply: Reply,
        key: str,
        *,
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        limits = self.ctx.services.channel_limits.get(account.channel, ChannelLimits())
        check(reply, limits)
        await self.ctx.store.outbox.add(
            account.id,
            to_content(reply),
            key=key,
            now=self.ctx.now(),
            lane="bulk",
            due_at=due_at,
            expires_at=expires_at,
        )


async def announce(ctx: Context, created: NetworkingRound, plan: Plan) -> int:
    """Write each seated person's seat, warning and end; how many could not be reached."""
    rounds = ctx.store.rounds
    ids = [pid for table in plan.tables for pid in table]
    people = await rounds.participants(ids)
    accounts = await rounds.reachable_accounts(ids)
    writer = Writer(ctx)
    ends = as_utc(created.ends_at)
    warning = ctx.services.rounds.warning_minutes
    unreachable = 0
    for number, table in enumerate(plan.tables, start=1):
        for pid in table:
            if not accounts.get(pid):
                unreachable += 1
            partners = [(people[other], plan.profiles[other]) for other in table if other != pid]
            for account in accounts.get(pid, ()):
                tr = writer.translator(account)
                ends_at = Ltr(tr.time(ends.astimezone(ZoneInfo(ctx.services.event.timezone))))
                text = seat_text(
                    tr, ctx.services.themes, created, number, plan.profiles[pid], partners, ends_at
                )
                prefix = f"round:{created.id}"
                await writer.write(
                    account, Reply(text), f"{prefix}:seat:{account.id}", expires_at=ends
                )
                if 0 < warning < created.minutes:
                    await writer.write(
                        account,
                        Reply(warning_text(tr, created, warning)),
                        f"{prefix}:warn:{account.id}",
                        due_at=ends - timedelta(minutes=warning),
                        expires_at=ends,
                    )
                await writer.write(
                    account,
                    Reply(end_text(tr, created)),
                    f"{prefix}:end:{account.id}",
                    due_at=ends,
                    expires_at=ends + END_GRACE,
                )
    return unreachable


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


# "did you meet X?"


def met_key(round_id: int, other_id: int, answer: str) -> str:
    return f"{NAMESPACE}:{round_id}:{other_id}:{answer}"


async def ask_met(ctx: Context) -> Reply:
    """Ask each person seated, once per person they sat with, whether they met."""
    tr = ctx.tr
    rounds = ctx.store.rounds
    event_id = ctx.services.event_id
    running = await rounds.running(event_id, ctx.now())
    if running is not None:
        return Reply(
            running_line(ctx, running)
            + " "
            + tr._("Stop it first with {stop}.", stop=Ltr("/round stop"))
        )
    meetings = await rounds.meetings(event_id)
    if not meetings:
        return Reply(
            tr._(
                "No round has been run yet. Send {command} to start the first one.",
                command=Ltr("/round start"),
            )
        )
    answered = await rounds.reported(event_id)
    ids = {meeting.participant_id for meeting in meetings}
    people = await rounds.participants(ids)
    accounts = await rounds.reachable_accounts(ids)
    asked = set()
    for found in {meeting.round.id for meeting in meetings}:
        asked |= await ctx.store.outbox.keys_with_prefix(f"round:{found}:met:")
    writer = Writer(ctx)
    questions = 0
    for meeting in meetings:
        pid, other = meeting.participant_id, meeting.other_id
        if (pid, other) in answered:
            continue
        written = False
        for account in accounts.get(pid, ()):
            key = f"round:{meeting.round.id}:met:{other}:{account.id}"
            if key in asked:
                continue
            reader = writer.translator(account)
            await writer.write(account, met_question(reader, meeting.round, people[other]), key)
            written = True
        questions += written
    if not questions:
        return Reply(tr._("Everyone has been asked already about each person they sat with."))
    return Reply(
        tr.ngettext(
            "Sent {n} question “did you meet?”. The answers are counted in {command}.",
            "Sent {n} questions “did you meet?”. The answers are counted in {command}.",
            questions,
            command=Ltr("/rounds"),
        )
    )


def met_question(tr: Translator, found: NetworkingRound, other: Participant) -> Reply:
    return Reply(
        tr._(
            "After the event: did you meet {name}, {collectivity}, with whom you sat in "
            "round {number}?",
            name=other.full_name,
            collectivity=collectivity_label(tr, other.collectivity),
            number=tr.number(found.number),
        ),
        (
            Option(met_key(found.id, other.id, "y"), tr._("Yes, we met"), YES),
            Option(met_key(found.id, other.id, "n"), tr._("No, we did not"), NO),
        ),
    )


async def on_met_tap(ctx: Context, tap: Tap) -> list[Reply]:
    """``met:<round id>:<other id>:y|n``, answered only by who sat with that person."""
    tr = ctx.tr
    inactive = [Reply(tr._("That button is no longer active."))]
    parts = tap.parts
    if ctx.participant is None or len(parts) != 3 or parts[2] not in ("y", "n"):
        return inactive
    round_id, other_id = _number_id(parts[0]), _number_id(parts[1])
    if round_id is None or other_id is None:
        return inactive
    rounds = ctx.store.rounds
    event_id = ctx.services.event_id
    found = await rounds.get(round_id, event_id=event_id)
    if found is None or not await rounds.sat_together(found.id, ctx.participant.id, other_id):
        return inactive
    other = (await rounds.participants([other_id]))[other_id]
    met = parts[2] == "y"
    await rounds.report(event_id, ctx.participant.id, other_id, met, ctx.now())
    if met:
        return [Reply(tr._("Thank you: noted that you met {name}.", name=other.full_name))]
    return [Reply(tr._("Thank you: noted that you did not meet {name}.", name=other.full_name))]


def _number_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
