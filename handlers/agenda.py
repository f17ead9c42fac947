"""The run of show in the chat: /agenda (the programme) and /next (now and next).

Both are for every participant, registered or not, and ask the pending question again
afterwards. Times are local to the event's zone, 24-hour, in Latin digits; in Arabic each
time is isolated, and the titles and places are placed as written (:class:`Native`), so
that a line starting with a time still lays out right to left.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from domain.agenda import Agenda, Phase, Session
from domain.settings import EventSettings
from handlers.commands import PARTICIPANT, Commands, CommandSpec
from handlers.messages import Reply
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context

AGENDA_COMMANDS = (
    ("agenda", N_("The programme of the event")),
    ("next", N_("What is on now, and what comes next")),
)


def register(commands: Commands) -> None:
    """Put /agenda and /next in everyone's menu."""
    handlers = {"agenda": show_agenda, "next": show_next}
    for name, description in AGENDA_COMMANDS:
        commands.register(CommandSpec(name, description, PARTICIPANT, handlers[name]))


async def show_agenda(ctx: Context, argument: str = "") -> Sequence[Reply]:
    return [Reply(programme_text(ctx.tr, ctx.services.agenda, ctx.services.event))]


async def show_next(ctx: Context, argument: str = "") -> Sequence[Reply]:
    return [Reply(now_and_next_text(ctx.tr, ctx.services.agenda, ctx.now()))]


def session_lines(tr: Translator, session: Session, *, description: bool = False) -> list[str]:
    """``14:30–14:45 title``, its place, and its description if asked for."""
    locale = tr.locale
    lines = [
        tr._(
            "{starts}–{ends} {title}",
            starts=Ltr(tr.time(session.starts)),
            ends=Ltr(tr.time(session.ends)),
            title=Native(session.title.get(locale)),
        ),
        tr._("Place: {place}", place=Native(session.place.get(locale))),
    ]
    if description and session.description is not None:
        lines.append(session.description.get(locale))
    return lines


def programme_text(tr: Translator, agenda: Agenda, event: EventSettings) -> str:
    """The whole programme: the event, its day and place, then each session."""
    if agenda.day is None:
        return tr._("The programme has not been published yet.")
    locale = tr.locale
    blocks = [
        "\n".join(
            (
                tr._("Programme: {event}", event=event.name.get(locale)),
                tr._(
                    "{day}, {place}",
                    day=tr.long_date(agenda.day),
                    place=Native(event.place.get(locale)),
                ),
            )
        )
    ]
    blocks += ["\n".join(session_lines(tr, session)) for session in agenda.sessions]
    blocks.append(
        tr._("Send {command} to see what is on now and what comes next.", command=Ltr("/next"))
    )
    return "\n\n".join(blocks)


def now_and_next_text(tr: Translator, agenda: Agenda, instant: datetime) -> str:
    """What is on at ``instant`` and what comes next; before the event, its first session
    and its day; after it, that it is over."""
    moment = agenda.at(instant)
    blocks: list[str] = []
    match moment.phase:
        case Phase.EMPTY:
            return tr._("The programme has not been published yet.")
        case Phase.AFTER:
            return tr._("The programme is over. Thank you for taking part!")
        case Phase.BEFORE:
            first = moment.following
            blocks.append(
                tr._(
                    "The programme begins on {day} at {time}.",
                    day=tr.long_date(first.starts.date()),
                    time=Ltr(tr.time(first.starts)),
                )
            )
        case Phase.BETWEEN:
            blocks.append(tr._("Nothing is on right now."))
        case Phase.DURING:
            blocks.append(
                "\n".join([tr._("Now:"), *session_lines(tr, moment.current, description=True)])
            )
    if moment.following is not None:
        blocks.append("\n".join([tr._("Next:"), *session_lines(tr, moment.following)]))
    else:
        blocks.append(tr._("This is the last session of the programme."))
    blocks.append(tr._("Send {command} for the whole programme.", command=Ltr("/agenda")))
    return "\n\n".join(blocks)
