"""Reminders: what they say, and /reminders off|on for the person who wants none.

A reminder names what begins, when (the local day and time, so that one sent a little
late after a restart is still right) and where. The run of show decides when each goes
out (:mod:`domain.schedule`); this module only writes it, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from domain.agenda import Agenda
from domain.schedule import EVENT
from domain.settings import EventSettings
from handlers.commands import PARTICIPANT, Commands, CommandSpec
from handlers.messages import Reply
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context

ON = ("on", "تشغيل", "activer")
OFF = ("off", "إيقاف", "desactiver", "désactiver")


def register(commands: Commands) -> None:
    commands.register(
        CommandSpec("reminders", N_("Turn the reminders off or on"), PARTICIPANT, reminders)
    )


def reminder_text(
    tr: Translator, agenda: Agenda, event: EventSettings, payload: Mapping[str, object]
) -> str | None:
    """The reminder of ``payload`` (a :class:`domain.schedule.Planned` payload), or None
    when its session is no longer in the agenda."""
    session = agenda.session(str(payload.get("session")))
    if session is None:
        return None
    locale = tr.locale
    if payload.get("about") == EVENT:
        said = tr._(
            "Reminder: {event} begins on {day} at {time}, at {place}.",
            event=Native(event.name.get(locale)),
            day=tr.long_date(session.starts.date()),
            time=Ltr(tr.time(session.starts)),
            place=Native(event.place.get(locale)),
        )
    else:
        said = tr._(
            "Reminder: «{title}» begins at {time}, at {place}.",
            title=Native(session.title.get(locale)),
            time=Ltr(tr.time(session.starts)),
            place=Native(session.place.get(locale)),
        )
    stop = tr._("To stop the reminders, send {command}.", command=Ltr("/reminders off"))
    return f"{said}\n\n{stop}"


async def reminders(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    if ctx.participant is None:
        return [
            Reply(
                tr._(
                    "Reminders go to registered participants. Send {command} to register.",
                    command=Ltr("/start"),
                )
            )
        ]
    schedule = ctx.store.schedule
    event_id = ctx.services.event_id
    wanted = argument.strip().casefold()
    if wanted in ON or wanted in OFF:
        await schedule.set_reminders(event_id, ctx.participant.id, on=wanted in ON, now=ctx.now())
        if wanted in ON:
            return [Reply(tr._("The reminders are on again."))]
        return [
            Reply(
                tr._(
                    "You will receive no more reminders. To have them again, send {command}.",
                    command=Ltr("/reminders on"),
                )
            )
        ]
    if wanted:
        return [
            Reply(
                tr._(
                    "Please send {off} or {on}.",
                    off=Ltr("/reminders off"),
                    on=Ltr("/reminders on"),
                )
            )
        ]
    if await schedule.reminders_on(event_id, ctx.participant.id):
        return [
            Reply(
                tr._(
                    "The reminders are on. To stop them, send {command}.",
                    command=Ltr("/reminders off"),
                )
            )
        ]
    return [
        Reply(
            tr._(
                "The reminders are off. To have them again, send {command}.",
                command=Ltr("/reminders on"),
            )
        )
    ]
