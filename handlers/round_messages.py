"""What each person seated in a speed-networking round reads, written to the outbox.

Their seat (the round, their table, whom they meet, when it ends, how to begin), a
warning before the end and the end itself, each in the language of each of their
accounts, written when the round starts: the warning and the end due later, each
expiring rather than going out late. Keys: ``round:<id>:seat|warn|end:<account>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from db.models import ChannelAccount, NetworkingRound, Participant, as_utc
from db.rounds import Plan
from domain.matching import Profile
from domain.themes import Taxonomy
from handlers.messages import ChannelLimits, Reply, check, to_content
from handlers.wording import collectivity_label
from locales.i18n import Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context

END_GRACE = timedelta(minutes=5)
"""How long after its time a round's end may still be said; later, it is dropped."""


def local_time(ctx: Context, moment: datetime) -> Ltr:
    """The wall time in the event's zone, 24-hour: 15:48."""
    return Ltr(ctx.tr.time(as_utc(moment).astimezone(ZoneInfo(ctx.services.event.timezone))))


def running_line(ctx: Context, running: NetworkingRound) -> str:
    return ctx.tr._(
        "Round {number} is on until {time}.",
        number=ctx.tr.number(running.number),
        time=local_time(ctx, running.ends_at),
    )


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
            label = {"name": name, "theme": Native(theme.name(tr.locale))}
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
    ids = [pid for table in plan.tables for pid in table]
    people = await ctx.store.networking.participants(ids)
    accounts = await ctx.store.networking.reachable_accounts(ids)
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
