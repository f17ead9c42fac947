"""The double opt-in: "I'd like to connect", accept, decline, withdraw.

Taps in the ``match`` namespace, whatever the person was doing:

- ``match:ask:<participant id>`` asks that person to connect. They receive, in their own
  language and on each channel they can be reached on, only the requester's name,
  collectivity and the reason to meet (from their side), with Accept and Decline. If
  they had asked the requester already, the two wish it both: that is an acceptance.
- ``match:yes:<request id>`` (the person asked only) accepts: both then receive the
  other's contact details, as each chose to share them (``InterestProfile.shares``).
  Nothing is revealed before both said yes.
- ``match:no:<request id>`` (the person asked only) declines, silently: the requester is
  told nothing, and still sees the request as waiting.
- ``match:back:<request id>`` (the requester only) withdraws it; its Accept button then
  says the request is no longer active.

Who may do what is checked here, against the stored request: any other tap, stale,
foreign or malformed, gets the same polite "no longer active".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from db.match_requests import ACCEPTED, DECLINED, PENDING, WAITING, WITHDRAWN
from db.models import ChannelAccount, InterestProfile, MatchRequest, Participant, as_utc
from db.outbox import BULK
from domain.contact_details import display_phone
from domain.matching import Matcher, Pair
from handlers.introductions import (
    flipped,
    reason_line,
    reasons_from_json,
    reasons_to_json,
    spoken_list,
)
from handlers.messages import ChannelLimits, Option, Reply, check, to_content
from handlers.presence import not_registered
from handlers.router import Tap
from handlers.wording import collectivity_label
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context

NAMESPACE = "match"
ASK, YES, NO, BACK = "ask", "yes", "no", "back"
SHARED = (
    ("phone", N_("phone")),
    ("email", N_("email")),
    ("handle", N_("chat username")),
)
"""What a person may share once both accept, in the order it is shown."""


def key(action: str, number: int) -> str:
    """``match:ask:<participant id>``, ``match:yes:<request id>``…"""
    return f"{NAMESPACE}:{action}:{number}"


def person_line(tr: Translator, participant: Participant) -> Native:
    """«Amal Idrissi — جماعة بركان»: the name and the collectivity, nothing else; said in
    the reader's language, so placed in a sentence as it is."""
    return Native(
        tr._(
            "{name} — {collectivity}",
            name=participant.full_name,
            collectivity=collectivity_label(tr, participant.collectivity),
        )
    )


def no_interests(ctx: Context) -> Reply:
    return Reply(
        ctx.tr._(
            "Tell us first what you can offer and what you are looking for: send {command}.",
            command=Ltr("/interests"),
        )
    )


def stale(ctx: Context) -> Reply:
    return Reply(ctx.tr._("This request is no longer active."))


@dataclass
class Relations:
    """One person's requests, by the other person's participant id."""

    connected: set[int] = field(default_factory=set)
    waiting: dict[int, MatchRequest] = field(default_factory=dict)
    """Their own requests not accepted yet (a declined one looks the same to them)."""
    asking: dict[int, MatchRequest] = field(default_factory=dict)
    """Requests to them waiting for their answer."""
    declined: set[int] = field(default_factory=set)
    """Those whose request they declined: not suggested to them again."""

    @property
    def known(self) -> set[int]:
        return self.connected | set(self.waiting) | set(self.asking) | self.declined


def relations(me: int, requests: Sequence[MatchRequest], blocked: set[Pair]) -> Relations:
    """What ``me`` has asked, been asked and accepted; pairs on the do-not-match list aside."""
    found = Relations()
    for request in requests:
        if me not in (request.requester_id, request.requested_id):
            continue
        mine = request.requester_id == me
        other = request.requested_id if mine else request.requester_id
        if frozenset((me, other)) in blocked:
            continue
        if request.status == ACCEPTED:
            found.connected.add(other)
        elif mine and request.status in WAITING:
            found.waiting[other] = request
        elif not mine and request.status == PENDING:
            found.asking[other] = request
        elif not mine and request.status == DECLINED:
            found.declined.add(other)
    for other in found.connected:
        found.waiting.pop(other, None)
        found.asking.pop(other, None)
        found.declined.discard(other)
    return found


# Writing to the other person


async def tell(
    ctx: Context,
    participant_id: int,
    message: Callable[[Translator], Reply],
    key_of: Callable[[ChannelAccount], str],
) -> int:
    """Write ``message``, in each account's own language, to every channel account the
    participant can be reached on, as bulk outbox rows; return how many were written."""
    services = ctx.services
    accounts = await ctx.store.networking.reachable_accounts([participant_id])
    written = 0
    for account in accounts.get(participant_id, ()):
        tr = services.catalogs.translator(account.locale or services.default_locale)
        reply = check(message(tr), services.channel_limits.get(account.channel, ChannelLimits()))
        await ctx.store.outbox.add(
            account.id, to_content(reply), key=key_of(account), now=ctx.now(), lane=BULK
        )
        written += 1
    return written


def request_message(
    tr: Translator, ctx: Context, request: MatchRequest, requester: Participant
) -> Reply:
    """What the person asked reads: the requester's name, collectivity and the reason."""
    reason = reason_line(tr, ctx.services.themes, flipped(reasons_from_json(request.reasons)))
    text = "\n".join(
        [
            tr._("A request to connect from {person}.", person=person_line(tr, requester)),
            reason,
            tr._(
                "If you accept, each of you will receive the contact details "
                "the other chose to share."
            ),
        ]
    )
    return Reply(
        text,
        (
            Option(key(YES, request.id), tr._("Accept")),
            Option(key(NO, request.id), tr._("Decline")),
        ),
    )


def contact_lines(tr: Translator, other: Participant, theirs: InterestProfile | None) -> list[str]:
    """The contact details ``other`` chose to share, one a line; empty when none."""
    shares = set(theirs.shares or ()) if theirs is not None else set()
    lines = []
    if "phone" in shares and other.phone:
        lines.append(tr._("Phone: {phone}", phone=Ltr(display_phone(other.phone))))
    if "email" in shares and other.email:
        lines.append(tr._("Email: {email}", email=Ltr(other.email)))
    if "handle" in shares and theirs.handle:
        lines.append(tr._("Chat username: {handle}", handle=Ltr(theirs.handle)))
    return lines


def connected_message(
    tr: Translator,
    other: Participant,
    theirs: InterestProfile | None,
    mine: InterestProfile | None,
) -> Reply:
    """Both accepted: the other's contact details as they chose to share them, and what the
    reader shares in return."""
    lines = [tr._("You are now connected with {person}.", person=person_line(tr, other))]
    details = contact_lines(tr, other, theirs)
    if details:
        lines.append(tr._("The contact details shared with you:"))
        lines += details
    else:
        lines.append(
            tr._(
                "No contact details were shared with you; to find each other at the "
                "meeting: {name}, {collectivity}.",
                name=other.full_name,
                collectivity=collectivity_label(tr, other.collectivity),
            )
        )
    shared = set(mine.shares or ()) if mine is not None else set()
    what = [tr._(label) for name, label in SHARED if name in shared]
    if what:
        lines.append(tr._("You share: {what}.", what=spoken_list(tr, what)))
    else:
        lines.append(tr._("You share no contact details."))
    return Reply("\n".join(lines))


# The taps


async def on_tap(ctx: Context, tap: Tap) -> Sequence[Reply]:
    """``match:ask|yes|no|back:<id>``; anything else is a button no longer active."""
    action = tap.parts[0] if len(tap.parts) == 2 else None
    number = tap.parts[1] if action else ""
    if action not in (ASK, YES, NO, BACK) or not (
        number.isascii() and number.isdigit() and len(number) < 10
    ):
        return [Reply(ctx.tr._("That button is no longer active."))]
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    if action == ASK:
        return await ask(ctx, int(number))
    request = await ctx.store.requests.get(int(number), ctx.services.event_id)
    if request is None:
        return [stale(ctx)]
    if action == BACK:
        return await withdraw(ctx, request)
    return await answer(ctx, request, accept=action == YES)


async def _matcher(ctx: Context) -> Matcher:
    networking = ctx.store.networking
    return Matcher(
        await networking.profiles(ctx.services.event_id),
        do_not_match=await networking.do_not_match(),
    )


async def ask(ctx: Context, other_id: int) -> list[Reply]:
    tr = ctx.tr
    me = ctx.participant.id
    event_id = ctx.services.event_id
    matcher = await _matcher(ctx)
    mine, theirs = matcher.by_id.get(me), matcher.by_id.get(other_id)
    if mine is None or not mine.has_interests:
        return [no_interests(ctx)]
    if theirs is None or not theirs.has_interests or not matcher.allowed(mine, theirs):
        return [Reply(tr._("That button is no longer active."))]
    other = (await ctx.store.networking.participants([other_id]))[other_id]
    requests = ctx.store.requests
    reverse = await requests.between(event_id, other_id, me)
    already = await requests.between(event_id, me, other_id)
    if ACCEPTED in (getattr(reverse, "status", None), getattr(already, "status", None)):
        return [
            Reply(tr._("You are already connected with {person}.", person=person_line(tr, other)))
        ]
    if reverse is not None and reverse.status in WAITING:
        return [await _connect(ctx, reverse)]
    if already is not None and already.status in WAITING:
        return [
            Reply(
                tr._(
                    "You have already asked {person}; the request is waiting for an answer.",
                    person=person_line(tr, other),
                )
            )
        ]
    reasons = reasons_to_json(matcher.reasons(mine, theirs))
    request = await requests.ask(event_id, me, other_id, reasons, ctx.now())
    stamp = as_utc(request.created_at).strftime("%Y%m%d%H%M%S%f")
    await tell(
        ctx,
        other_id,
        lambda other_tr: request_message(other_tr, ctx, request, ctx.participant),
        lambda account: f"{NAMESPACE}:{request.id}:asked:{stamp}:{account.id}",
    )
    return [
        Reply(
            tr._(
                "Your request is sent to {person}. You will receive their contact details "
                "if the request is accepted.",
                person=person_line(tr, other),
            ),
            (Option(key(BACK, request.id), tr._("Withdraw the request")),),
        )
    ]


async def _connect(ctx: Context, request: MatchRequest) -> Reply:
    """The person asked says yes: the request is accepted (a request the other way too),
    the requester receives the contact details, and so does the person, in the reply."""
    store = ctx.store
    event_id = ctx.services.event_id
    await store.requests.answer(request, ACCEPTED, ctx.now())
    reverse = await store.requests.between(event_id, request.requested_id, request.requester_id)
    if reverse is not None and reverse.status in WAITING:
        await store.requests.answer(reverse, ACCEPTED, ctx.now())
    people = await store.networking.participants([request.requester_id, request.requested_id])
    requester, requested = people[request.requester_id], people[request.requested_id]
    their_profile = await store.networking.profile(event_id, requester.id)
    my_profile = await store.networking.profile(event_id, requested.id)
    await tell(
        ctx,
        requester.id,
        lambda tr: connected_message(tr, requested, my_profile, their_profile),
        lambda account: f"{NAMESPACE}:{request.id}:accepted:{account.id}",
    )
    return connected_message(ctx.tr, requester, their_profile, my_profile)


async def answer(ctx: Context, request: MatchRequest, *, accept: bool) -> list[Reply]:
    """Accept or decline: only the person asked may, and only a request still standing."""
    tr = ctx.tr
    me = ctx.participant.id
    blocked = frozenset((request.requester_id, request.requested_id)) in (
        await ctx.store.networking.do_not_match([me])
    )
    if request.requested_id != me or request.status == WITHDRAWN or blocked:
        return [stale(ctx)]
    requester = (await ctx.store.networking.participants([request.requester_id]))[
        request.requester_id
    ]
    if request.status == ACCEPTED and not accept:
        return [
            Reply(
                tr._("You are already connected with {person}.", person=person_line(tr, requester))
            )
        ]
    if request.status == ACCEPTED:
        event_id = ctx.services.event_id
        theirs = await ctx.store.networking.profile(event_id, requester.id)
        mine = await ctx.store.networking.profile(event_id, me)
        return [connected_message(tr, requester, theirs, mine)]
    if accept:
        return [await _connect(ctx, request)]
    if request.status == PENDING:
        await ctx.store.requests.answer(request, DECLINED, ctx.now())
    return [
        Reply(
            tr._(
                "Noted: the request from {person} is declined. Nobody is told.",
                person=person_line(tr, requester),
            )
        )
    ]


async def withdraw(ctx: Context, request: MatchRequest) -> list[Reply]:
    """Only the requester may, while the request is not accepted."""
    tr = ctx.tr
    if request.requester_id != ctx.participant.id or request.status == WITHDRAWN:
        return [stale(ctx)]
    other = (await ctx.store.networking.participants([request.requested_id]))[request.requested_id]
    if request.status == ACCEPTED:
        return [
            Reply(tr._("You are already connected with {person}.", person=person_line(tr, other)))
        ]
    await ctx.store.requests.answer(request, WITHDRAWN, ctx.now())
    return [Reply(tr._("Your request to {person} is withdrawn.", person=person_line(tr, other)))]
