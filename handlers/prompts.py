"""/prompt, for facilitators: the run of show's prompts, and a hand on their timing.

``/prompt`` lists what is due next; ``/prompt next`` sends the next one now, ``/prompt
skip`` drops it, ``/prompt pause`` holds them all while a session runs late and ``/prompt
resume`` lets them go again, each later by the time they were held.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from db.models import as_utc
from domain.agenda import Agenda
from domain.schedule import SKIPPED
from handlers.commands import FACILITATOR, Commands, CommandSpec
from handlers.messages import Reply
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context

LISTED = 5
KIND_NAMES = {
    "question": N_("open question"),
    "poll": N_("poll"),
    "card": N_("message"),
    "checkin": N_("check-in"),
    "interests": N_("interests button"),
    "commit": N_("commitment button"),
}


def register(commands: Commands) -> None:
    commands.register(
        CommandSpec(
            "prompt",
            N_("The next prompts of the run of show, and their timing"),
            FACILITATOR,
            prompt,
        )
    )


def prompt_line(tr: Translator, agenda: Agenda, code: str, fires_at: datetime) -> str:
    found = agenda.prompt(code)
    when = Ltr(tr.time(as_utc(fires_at).astimezone(agenda.zone)))
    if found is None:
        return tr._("{time} {prompt}", time=when, prompt=Ltr(code))
    return tr._(
        "{time} {kind}: {text}",
        time=when,
        kind=tr._(KIND_NAMES[found.kind.value]),
        text=Native(found.text.get(tr.locale)),
    )


async def prompt(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    schedule = ctx.store.schedule
    event_id = ctx.services.event_id
    agenda = ctx.services.agenda
    now = ctx.now()
    action = argument.strip().casefold()
    if action == "pause":
        if await schedule.pause(event_id, now):
            return [
                Reply(
                    tr._(
                        "The prompts are held. Send {command} to let them go again.",
                        command=Ltr("/prompt resume"),
                    )
                )
            ]
        return [Reply(tr._("The prompts are held already."))]
    if action == "resume":
        if await schedule.resume(event_id, now) is None:
            return [Reply(tr._("The prompts are not held."))]
        return [Reply(tr._("The prompts go again, each later by the time they were held."))]
    pending = await schedule.pending_prompts(event_id, limit=LISTED)
    if action in ("next", "skip"):
        if not pending:
            return [Reply(tr._("No prompt is left in the run of show."))]
        first = pending[0]
        line = prompt_line(tr, agenda, str(first.payload.get("prompt")), first.fires_at)
        if action == "skip":
            await schedule.finish(first, SKIPPED, now)
            return [Reply(tr._("Skipped: {prompt}", prompt=line))]
        if await schedule.paused_since(event_id) is not None:
            return [
                Reply(
                    tr._(
                        "The prompts are held: send {command} first.",
                        command=Ltr("/prompt resume"),
                    )
                )
            ]
        await schedule.bring_forward(first, now)
        return [Reply(tr._("Going out now: {prompt}", prompt=line))]
    if action:
        return [
            Reply(
                tr._(
                    "Please send {command} alone, or followed by next, skip, pause or resume.",
                    command=Ltr("/prompt"),
                )
            )
        ]
    if not pending:
        return [Reply(tr._("No prompt is left in the run of show."))]
    lines = [tr._("The next prompts:")]
    lines += [
        prompt_line(tr, agenda, str(item.payload.get("prompt")), item.fires_at) for item in pending
    ]
    if await schedule.paused_since(event_id) is not None:
        lines.append(
            tr._("They are held: send {command} to let them go.", command=Ltr("/prompt resume"))
        )
    else:
        lines.append(
            tr._(
                "Send {next} to send the first now, {skip} to drop it, {pause} to hold them.",
                next=Ltr("/prompt next"),
                skip=Ltr("/prompt skip"),
                pause=Ltr("/prompt pause"),
            )
        )
    return [Reply("\n".join(lines))]
