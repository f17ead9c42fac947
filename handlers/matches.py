"""/matches: whom to meet and why, and where one's requests to connect stand.

- ``/matches`` (a participant registered for the event, who gave their interests): the
  top suggestions (``[matching] suggestions``, 5 by default), each with its name,
  collectivity, a one-line reason (:func:`handlers.introductions.reason_line`) and an
  "I'd like to connect" button; then the requests to answer (Accept, Decline), their own
  requests waiting for an answer (Withdraw) and those already connected. People already
  asked, asking or connected are listed as such, never suggested again; nobody of the
  same collectivity nor on the organisers' do-not-match list is ever suggested.
- ``/matches send`` (facilitators): everyone present who gave their interests receives
  their own suggestions, in their language (``/matches send all``: everyone registered).
  Each copy is keyed ``matches:<digest>:<account>``, the digest naming the people
  suggested: sending again gives nothing to those whose suggestions did not change (a
  second tap, a repeated command), and the new suggestions to those whose did.

Other flows reuse :func:`suggestions_reply` (the interests flow, once interests are saved).
The taps are :mod:`handlers.connections`'.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.models import MatchRequest, Participant
from db.outbox import BULK
from domain.matching import Matcher, Pair, Suggestion
from domain.themes import Taxonomy
from handlers.commands import FACILITATOR, PARTICIPANT, Commands, CommandSpec, may_use
from handlers.connections import (
    ASK,
    BACK,
    NAMESPACE,
    NO,
    YES,
    Relations,
    key,
    no_interests,
    on_tap,
    person_line,
    relations,
)
from handlers.introductions import flipped, reason_line, reasons_from_json
from handlers.messages import ChannelLimits, Option, Reply, check, to_content
from handlers.presence import not_registered
from handlers.router import Callbacks
from locales.i18n import N_, Ltr, Translator

if TYPE_CHECKING:
    from handlers.context import Context

log = logging.getLogger("tawasul.matches")
PUSH = "matches"
LISTED_MAX = 10
"""At most this many people in each part of the listing (requests, connections)."""


def register(commands: Commands, callbacks: Callbacks) -> None:
    commands.register(
        CommandSpec(
            "matches", N_("People to meet, and your requests to connect"), PARTICIPANT, matches
        )
    )
    callbacks.register(NAMESPACE, on_tap)


@dataclass(frozen=True)
class Network:
    """What listings need of the event, read once (a push lists many people)."""

    matcher: Matcher
    requests: list[MatchRequest]
    blocked: set[Pair]


async def network(ctx: Context, participant_ids: Collection[int] | None = None) -> Network:
    """Everyone registered, as matching profiles; the requests of ``participant_ids``."""
    event_id = ctx.services.event_id
    networking = ctx.store.networking
    blocked = await networking.do_not_match()
    matcher = Matcher(await networking.profiles(event_id), do_not_match=blocked)
    requests = await ctx.store.requests.involving(event_id, participant_ids)
    return Network(matcher, requests, blocked)


def picks(network: Network, me: int, k: int) -> tuple[list[Suggestion], Relations]:
    """The top ``k`` among those not asked, asking or connected yet; and those."""
    known = relations(me, network.requests, network.blocked)
    profile = network.matcher.by_id[me]
    ranked = network.matcher.suggestions_for(profile, k + len(known.known))
    fresh = [item for item in ranked if item.participant_id not in known.known]
    return fresh[:k], known


def _needed(fresh: Sequence[Suggestion], known: Relations) -> set[int]:
    return {item.participant_id for item in fresh} | known.known


def listing(
    tr: Translator,
    themes: Taxonomy,
    fresh: Sequence[Suggestion],
    known: Relations,
    people: dict[int, Participant],
) -> Reply:
    """The suggestions with their reasons and buttons, then the requests and connections."""

    def person(participant_id: int) -> str:
        return person_line(tr, people[participant_id])

    def name(participant_id: int) -> str:
        return people[participant_id].full_name

    lines = [tr._("People you could meet, chosen from what you offer and what you seek:")]
    options = []
    if not fresh:
        lines += [
            "",
            tr._(
                "No new suggestion for now: more people are joining. Send {command} again later.",
                command=Ltr("/matches"),
            ),
        ]
    for number, item in enumerate(fresh, 1):
        other = item.participant_id
        lines += [
            "",
            tr._("{number}. {person}", number=tr.number(number), person=person(other)),
            reason_line(tr, themes, item.reasons),
        ]
        options.append(
            Option(key(ASK, other), tr._("I'd like to connect with {name}", name=name(other)))
        )
    asking = list(known.asking.items())[:LISTED_MAX]
    if asking:
        lines += ["", tr._("Asking to connect with you:")]
        for other, request in asking:
            reasons = flipped(reasons_from_json(request.reasons))
            lines += [f"• {person(other)}", reason_line(tr, themes, reasons)]
            options += [
                Option(key(YES, request.id), tr._("Accept: {name}", name=name(other))),
                Option(key(NO, request.id), tr._("Decline: {name}", name=name(other))),
            ]
    waiting = list(known.waiting.items())[:LISTED_MAX]
    if waiting:
        lines += ["", tr._("Waiting for their answer:")]
        for other, request in waiting:
            lines.append(f"• {person(other)}")
            options.append(
                Option(key(BACK, request.id), tr._("Withdraw: {name}", name=name(other)))
            )
    connected = sorted(known.connected)[:LISTED_MAX]
    if connected:
        lines += ["", tr._("Already connected:")]
        lines += [f"• {person(other)}" for other in connected]
    return Reply("\n".join(lines), tuple(options))


async def suggestions_reply(ctx: Context) -> list[Reply]:
    """The person's suggestions, or why there are none: not registered, no interests."""
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    me = ctx.participant.id
    known_network = await network(ctx, [me])
    profile = known_network.matcher.by_id.get(me)
    if profile is None or not profile.has_interests:
        return [no_interests(ctx)]
    fresh, known = picks(known_network, me, ctx.services.matching.suggestions)
    people = await ctx.store.networking.participants(_needed(fresh, known))
    return [listing(ctx.tr, ctx.services.themes, fresh, known, people)]


async def matches(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    words = [word.casefold() for word in argument.split()]
    if not words:
        return await suggestions_reply(ctx)
    if words[0] == "send":
        if not may_use(FACILITATOR, ctx.roles):
            log.info("matches send refused account=%s", ctx.account.id)
            return [
                Reply(
                    tr._(
                        "Sending the suggestions to the room is for the facilitators. "
                        "Send {command} to see yours.",
                        command=Ltr("/matches"),
                    )
                )
            ]
        return await send(ctx, words[1:])
    return [Reply(tr._("Send {command} alone to see your suggestions.", command=Ltr("/matches")))]


def push_key(event_id: int, fresh: Sequence[Suggestion], account_id: int) -> str:
    """``matches:<digest>:<account>``: the same suggestions are never pushed twice."""
    named = ",".join(str(item.participant_id) for item in fresh)
    digest = hashlib.sha256(f"{event_id}:{named}".encode()).hexdigest()[:16]
    return f"{PUSH}:{digest}:{account_id}"


async def send(ctx: Context, words: list[str]) -> list[Reply]:
    """Push each person present (``all``: registered) with interests their suggestions."""
    tr = ctx.tr
    services = ctx.services
    if words not in ([], ["all"]):
        return [
            Reply(
                tr._(
                    "To send each person present their own suggestions: {command}; "
                    "to everyone registered: {everyone}.",
                    command=Ltr("/matches send"),
                    everyone=Ltr("/matches send all"),
                )
            )
        ]
    store = ctx.store
    audience = [
        profile.participant_id
        for profile in await store.networking.profiles(
            services.event_id, present_only=words != ["all"]
        )
        if profile.has_interests
    ]
    if not audience:
        return [Reply(tr._("Nobody there has given their interests yet: nothing was sent."))]
    everyone = await network(ctx)
    accounts = await store.networking.reachable_accounts(audience)
    planned = []
    for me in audience:
        fresh, known = picks(everyone, me, services.matching.suggestions)
        keys = {
            account.id: push_key(services.event_id, fresh, account.id)
            for account in accounts.get(me, ())
        }
        planned.append((me, fresh, known, keys))
    people = await store.networking.participants(
        {other for _, fresh, known, _ in planned for other in _needed(fresh, known)}
    )
    taken = await store.requests.keys_taken([k for *_, keys in planned for k in keys.values()])
    sent = already = without = 0
    for me, fresh, known, keys in planned:
        if not fresh:
            without += 1
            continue
        if keys and set(keys.values()) <= taken:
            already += 1
            continue
        for account in accounts.get(me, ()):
            if keys[account.id] in taken:
                continue
            reader = services.catalogs.translator(account.locale or services.default_locale)
            reply = check(
                listing(reader, services.themes, fresh, known, people),
                services.channel_limits.get(account.channel, ChannelLimits()),
            )
            await store.outbox.add(
                account.id, to_content(reply), key=keys[account.id], now=ctx.now(), lane=BULK
            )
        sent += bool(keys)
    lines = [
        tr.ngettext("Suggestions sent to {n} person.", "Suggestions sent to {n} people.", sent)
    ]
    if already:
        lines.append(
            tr.ngettext(
                "{n} person had received the same suggestions already.",
                "{n} people had received the same suggestions already.",
                already,
            )
        )
    if without:
        lines.append(
            tr.ngettext(
                "{n} person has no suggestion yet.", "{n} people have no suggestion yet.", without
            )
        )
    return [Reply("\n".join(lines))]
