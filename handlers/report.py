"""``/report`` (organisers): where the event stands, in a few lines of the reader's language.

Registrations and check-ins, the commitments by status, how many are overdue (deadline
passed, not closed), blocked or asking for help, and the commitments by region. The full
reports and the action plan are files written by ``tawasul report`` on the server: the
chat does not send files yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from handlers.commands import ORGANISER, CommandSpec
from handlers.messages import Reply
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


def register(commands: Commands) -> None:
    commands.register(
        CommandSpec(
            "report", N_("Where registrations and commitments stand"), ORGANISER, report_command
        )
    )


async def report_command(ctx: Context, argument: str) -> list[Reply]:
    tr = ctx.tr
    today = ctx.now().astimezone(ZoneInfo(ctx.services.event.timezone)).date()
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
        language = "ar" if tr.locale == "ar" else "fr"
        for code, count in sorted(found.by_region.items(), key=lambda item: (-item[1], item[0])):
            region = Native(found.regions[code].region(language))
            lines.append(tr._("• {region}: {count}", region=region, count=number(count)))
    lines += [
        "",
        tr._(
            "The full reports and the action plan: {command}, on the server.",
            command=Ltr("tawasul report"),
        ),
    ]
    return [Reply("\n".join(lines))]
