"""``/report`` (organisers): where the event stands, in a few lines of the reader's language.

Registrations and check-ins, the commitments by status, how many are overdue (deadline
passed, not closed), blocked or asking for help, and the commitments by region.

``/report commitments`` (or participants, interests, matches, plan) answers with the full
report as a file: an XLSX table, the action plan as DOCX. The reply carries a recipe
(:class:`~handlers.messages.Document`), not the file: the channel's sender builds it from
the database when it sends. Reports exist in Arabic and French: an organiser who reads
English gets the French one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from handlers.commands import ORGANISER, CommandSpec
from handlers.messages import REPORT_FORMATS, Document, Reply
from locales.i18n import N_, Ltr, Native

if TYPE_CHECKING:
    from handlers.commands import Commands
    from handlers.context import Context

STATUS_LINES = {
    "open": N_("Not started: {count}"),
    "in_progress": N_("In progress: {count}"),
    "done": N_("Done: {count}"),
    "blocked": N_("Blocked: {count}"),
    "dropped": N_("Dropped: {count}"),
    "withdrawn": N_("Withdrawn: {count}"),
}

CAPTIONS = {
    "participants": N_("Participants: everyone registered, with contacts and presence."),
    "interests": N_("Interests: what each participant offers and seeks."),
    "matches": N_("Connections: the requests to connect and the meetings."),
    "commitments": N_("Commitments: every commitment and where it stands."),
    "plan": N_("The network action plan, by theme."),
}


def register(commands: Commands) -> None:
    commands.register(
        CommandSpec(
            "report", N_("Where registrations and commitments stand"), ORGANISER, report_command
        )
    )


async def report_command(ctx: Context, argument: str) -> list[Reply]:
    today = ctx.now().astimezone(ZoneInfo(ctx.services.event.timezone)).date()
    kind = argument.strip().lower()
    if not kind:
        return await summary(ctx, today)
    if kind not in REPORT_FORMATS:
        return [
            Reply(
                ctx.tr._(
                    "There is no such report. Ask for one of: {reports}.",
                    reports=Ltr(", ".join(REPORT_FORMATS)),
                )
            )
        ]
    return [file_reply(ctx, kind, today)]


def report_language(locale: str) -> str:
    """Reports are written in Arabic or French; English readers get French."""
    return "ar" if locale == "ar" else "fr"


def file_reply(ctx: Context, kind: str, today) -> Reply:
    fmt = REPORT_FORMATS[kind]
    language = report_language(ctx.tr.locale)
    document = Document(kind, fmt, language, f"{kind}-{today.isoformat()}-{language}.{fmt}")
    return Reply(ctx.tr._(CAPTIONS[kind]), document=document)


async def summary(ctx: Context, today) -> list[Reply]:
    tr = ctx.tr
    found = await ctx.store.reports.summary(ctx.services.event_id, today)
    number = tr.number
    lines = [
        tr._("Report: {event}", event=Native(ctx.services.event.name.get(tr.locale))),
        tr._(
            "Registered: {registered}, checked in: {present}",
            registered=number(found.registered),
            present=number(found.checked_in),
        ),
        "",
    ]
    if not found.by_status:
        lines.append(tr._("No commitments yet."))
    else:
        lines.append(tr._("Commitments: {count}", count=number(found.commitments)))
        lines += [
            "• " + tr._(message, count=number(found.by_status[status]))
            for status, message in STATUS_LINES.items()
            if found.by_status.get(status)
        ]
        lines.append(
            tr._(
                "Overdue: {overdue}, blocked: {blocked}, asking for help: {help}",
                overdue=number(found.overdue),
                blocked=number(found.blocked),
                help=number(found.needs_help),
            )
        )
        lines += ["", tr._("By region:")]
        language = report_language(tr.locale)
        for code, count in sorted(found.by_region.items(), key=lambda item: (-item[1], item[0])):
            region = Native(found.regions[code].region(language))
            lines.append(tr._("• {region}: {count}", region=region, count=number(count)))
    lines += [
        "",
        tr._(
            "The full reports as files: {commands}.",
            commands=Ltr(", ".join(f"/report {kind}" for kind in REPORT_FORMATS)),
        ),
    ]
    return [Reply("\n".join(lines))]
