"""After the event, "did you meet X?": each person seated is asked, for each person they
sat with, whether they met, with Yes and No buttons keyed ``met:<round id>:<other id>:y|n``
(a callback namespace, so a tap works whatever the person is doing). Only someone who sat
at that table with that person may answer; a second answer replaces the first. The
answers are :class:`db.models.MeetingReport` rows, counted in ``/rounds``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.models import NetworkingRound, Participant
from handlers.messages import NO, YES, Option, Reply
from handlers.round_messages import Writer, running_line
from handlers.router import Tap
from handlers.wording import collectivity_label
from locales.i18n import Ltr, Translator

if TYPE_CHECKING:
    from handlers.context import Context

NAMESPACE = "met"


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
    people = await ctx.store.networking.participants(ids)
    accounts = await ctx.store.networking.reachable_accounts(ids)
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
    other = (await ctx.store.networking.participants([other_id]))[other_id]
    met = parts[2] == "y"
    await rounds.report(event_id, ctx.participant.id, other_id, met, ctx.now())
    if met:
        return [Reply(tr._("Thank you: noted that you met {name}.", name=other.full_name))]
    return [Reply(tr._("Thank you: noted that you did not meet {name}.", name=other.full_name))]


def _number_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
