"""Presence: /here and a check-in prompt's tap check a participant in; /present counts.

Checking in is idempotent: the first time is kept. Being checked in makes a person one of
the ``present``, the audience of live prompts. Both work whatever the person was doing,
and the pending question is asked again afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from db.directory import local_name
from handlers.commands import FACILITATOR, PARTICIPANT, CommandSpec
from handlers.messages import Reply
from handlers.router import Tap
from locales.i18n import N_, Native

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.conversation import Conversation

REGISTRATION = "registration"
HERE = "here"
CHECKIN = "checkin"
PRESENCE_COMMANDS = (
    ("here", N_("Check in: tell the organisers you are here"), PARTICIPANT),
    ("present", N_("How many are checked in, by region"), FACILITATOR),
)


def register(conversation: Conversation) -> None:
    handlers = {"here": here_command, "present": present_command}
    for name, description, role in PRESENCE_COMMANDS:
        conversation.commands.register(CommandSpec(name, description, role, handlers[name]))
    conversation.callbacks.register(HERE, on_here_tap)


async def not_registered(ctx: Context) -> Reply | None:
    """The polite answer to someone not registered for this event, or None."""
    participant = ctx.participant
    if participant is not None and await ctx.store.live.registered(
        ctx.services.event_id, participant.id
    ):
        return None
    if REGISTRATION in (ctx.flow, *(frame.flow for frame in ctx.stack)):
        return Reply(ctx.tr._("Please finish your registration first; then you can take part."))
    return Reply(ctx.tr._("You are not registered yet. Send /start to register."))


async def check_in(ctx: Context) -> Reply:
    refused = await not_registered(ctx)
    if refused is not None:
        return refused
    fresh = await ctx.store.live.check_in(ctx.services.event_id, ctx.participant.id, ctx.now())
    if fresh:
        return Reply(ctx.tr._("You are checked in. Welcome!"))
    return Reply(ctx.tr._("You are already checked in."))


async def here_command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    return [await check_in(ctx)]


async def on_here_tap(ctx: Context, tap: Tap) -> Sequence[Reply]:
    """``here:<broadcast id>``: the button of a check-in prompt."""
    prompt = None
    if len(tap.parts) == 1 and tap.parts[0].isdigit():
        prompt = await ctx.store.live.broadcast(int(tap.parts[0]), event_id=ctx.services.event_id)
    if prompt is None or prompt.kind != CHECKIN:
        return [Reply(ctx.tr._("That button is no longer active."))]
    return [await check_in(ctx)]


async def present_command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    live = ctx.store.live
    event_id = ctx.services.event_id
    total = await live.present(event_id)
    if total == 0:
        return [Reply(tr._("Nobody has checked in yet."))]
    lines = [tr.ngettext("{n} person is checked in.", "{n} people are checked in.", total)]
    for row in await live.present_by_region(event_id):
        lines.append(
            tr._(
                "{region}: {count}",
                region=Native(local_name(row.region, tr.locale)),
                count=tr.number(row.count),
            )
        )
    return [Reply("\n".join(lines))]
