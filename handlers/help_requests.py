"""A request for help, told to the organisers.

When the owner of a commitment taps *I need help* on a follow-up, each organiser of the
``[roles]`` grants gets one bulk outbox message, in the language of the organiser's own
conversation with the bot: who asks (name, collectivity), the commitment, its theme and
deadline, and the peers suggested to the owner. An organiser who never wrote to the bot
has no channel account and cannot be written to first: skipped. Keyed
``help:<commitment id>:<follow-up id>:<account id>``: a second tap on the same follow-up
writes nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence

from db.models import Commitment, FollowUp, Participant
from db.outbox import BULK
from handlers.connections import person_line
from handlers.context import Context
from handlers.messages import ChannelLimits, Reply, check, to_content
from handlers.wording import collectivity_label
from locales.i18n import Native, Translator

NAMESPACE = "help"


def grants(organisers: frozenset[str]) -> list[tuple[str, str]]:
    """``channel:external id`` grants as pairs, in a stable order."""
    pairs = (grant.split(":", 1) for grant in sorted(organisers))
    return [(pair[0], pair[1]) for pair in pairs if len(pair) == 2 and all(pair)]


def theme_label(ctx: Context, tr: Translator, slug: str | None) -> str:
    if slug is None or slug not in ctx.services.themes.slugs:
        return tr._("none chosen")
    return Native(ctx.services.themes.label(slug, tr.locale))


def help_message(
    ctx: Context,
    tr: Translator,
    owner: Participant,
    commitment: Commitment,
    peers: Sequence[Participant],
) -> Reply:
    lines = [
        tr._("A request for help from {person}.", person=person_line(tr, owner)),
        tr._("Commitment: “{commitment}”", commitment=commitment.text),
        tr._("Theme: {theme}", theme=theme_label(ctx, tr, commitment.theme)),
        tr._("Deadline: {deadline}.", deadline=tr.date(commitment.deadline)),
    ]
    if peers:
        lines.append(tr._("Peers suggested to them:"))
        lines += [
            tr._(
                "• {name}, {collectivity}",
                name=peer.full_name,
                collectivity=collectivity_label(tr, peer.collectivity),
            )
            for peer in peers
        ]
    else:
        lines.append(tr._("No peer has offered this theme yet."))
    return Reply("\n".join(lines))


async def tell_organisers(
    ctx: Context,
    owner: Participant,
    commitment: Commitment,
    follow_up: FollowUp,
    peers: Sequence[Participant],
) -> int:
    """Write the request to every reachable organiser once; how many rows were written."""
    services = ctx.services
    prefix = f"{NAMESPACE}:{commitment.id}:{follow_up.id}:"
    written_before = await ctx.store.outbox.keys_with_prefix(prefix)
    accounts = await ctx.store.following.accounts_of(grants(services.roles.organisers))
    written = 0
    for account in accounts:
        key = f"{prefix}{account.id}"
        if key in written_before:
            continue
        tr = services.catalogs.translator(account.locale or services.default_locale)
        limits = services.channel_limits.get(account.channel, ChannelLimits())
        reply = check(help_message(ctx, tr, owner, commitment, peers), limits)
        await ctx.store.outbox.add(account.id, to_content(reply), key=key, now=ctx.now(), lane=BULK)
        written += 1
    return written
