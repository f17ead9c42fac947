"""/toolkit: the networking toolkit's cards, in the person's language.

``/toolkit`` lists the cards as buttons (``toolkit:<code>``, a callback namespace, so a
tap works whatever the person was doing) and ``/toolkit CODE`` shows one. A facilitator
sends a card to the room with ``/toolkit send CODE`` (to those present; ``… all`` to
everyone registered): a broadcast, written in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from db import broadcasts
from domain.toolkit import LANGUAGES, Card
from handlers.commands import FACILITATOR, PARTICIPANT, Commands, CommandSpec, may_use
from handlers.messages import Option, Reply
from handlers.router import Callbacks, Tap
from locales.i18n import N_, Ltr

if TYPE_CHECKING:
    from handlers.context import Context

NAMESPACE = "toolkit"


def register(commands: Commands, callbacks: Callbacks) -> None:
    commands.register(
        CommandSpec("toolkit", N_("The networking toolkit: short cards"), PARTICIPANT, toolkit)
    )
    callbacks.register(NAMESPACE, on_tap)


def card_text(ctx: Context, card: Card) -> str:
    return f"{card.title.get(ctx.locale)}\n{card.text.get(ctx.locale)}"


def listing(ctx: Context) -> Reply:
    tr = ctx.tr
    cards = ctx.services.toolkit.cards
    options = tuple(Option(f"{NAMESPACE}:{c.code}", c.title.get(ctx.locale)) for c in cards)
    return Reply(tr._("The networking toolkit: choose a card."), options)


async def toolkit(ctx: Context, argument: str = "") -> Sequence[Reply]:
    words = argument.split()
    if not words:
        return [listing(ctx)]
    if words[0].casefold() == "send" and may_use(FACILITATOR, ctx.roles):
        return await send(ctx, words[1:])
    card = ctx.services.toolkit.card(words[0].casefold())
    if card is None:
        return [Reply(ctx.tr._("There is no such card.")), listing(ctx)]
    return [Reply(card_text(ctx, card))]


async def on_tap(ctx: Context, tap: Tap) -> list[Reply]:
    card = ctx.services.toolkit.card(tap.parts[0]) if tap.parts else None
    if card is None:
        return [Reply(ctx.tr._("That button is no longer active."))]
    return [Reply(card_text(ctx, card))]


async def send(ctx: Context, words: list[str]) -> list[Reply]:
    tr = ctx.tr
    usage = tr._(
        "To send a card to the room: {command} (to those present) or {everyone} (to "
        "everyone registered). The cards: {codes}.",
        command=Ltr("/toolkit send CODE"),
        everyone=Ltr("/toolkit send CODE all"),
        codes=Ltr(", ".join(card.code for card in ctx.services.toolkit.cards)),
    )
    card = ctx.services.toolkit.card(words[0].casefold()) if words else None
    if card is None or len(words) > 2 or (len(words) == 2 and words[1].casefold() != "all"):
        return [Reply(usage)]
    audience = broadcasts.Audience("all" if len(words) == 2 else "present")
    texts = {
        language: f"{card.title.get(language)}\n{card.text.get(language)}" for language in LANGUAGES
    }
    texts[broadcasts.DEFAULT] = texts.get(ctx.services.default_locale, texts["ar"])
    created = await ctx.store.live.send(
        ctx.services.event_id,
        audience,
        texts,
        ctx.now(),
        kind=broadcasts.MESSAGE,
        options=None,
        sent_by=None if ctx.participant is None else ctx.participant.id,
        catalogs=ctx.services.catalogs,
    )
    return [
        Reply(
            tr.ngettext(
                "Sent to {n} person (broadcast {id}). Follow it with {command}.",
                "Sent to {n} people (broadcast {id}). Follow it with {command}.",
                created.recipients,
                id=Ltr(f"#{created.id}"),
                command=Ltr("/broadcasts"),
            )
        )
    ]
