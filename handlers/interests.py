"""/interests: what a focal point can offer and what they seek, as a table of steps.

====================  ==============================================================
step                  answers
====================  ==============================================================
``welcome``           (right after registration) now → ``offers``; later → finished,
                      /interests works any time
``offers``            themes toggled (a tap, or typed numbers «1 4 7», «١ ٤»), Done →
                      ``seeks``
``seeks``             the same → ``offer_text``
``offer_text``        a project they are proud of, in their words → ``offer_themes``;
                      skip → ``seek_text``
``offer_themes``      the themes understood from it, toggled to correct → ``seek_text``
``seek_text``         a challenge they face → ``seek_themes``; skip → ``scope``
``seek_themes``       the same → ``scope``
``scope``             national, international, both → ``shares``
``shares``            which contact details a peer sees once both accept: phone, email,
                      chat username, toggled; nothing → ``summary`` (skipped when the
                      person has none)
``summary``           Save → the profile is stored, finished; a part to change → that
                      step, then back here
====================  ==============================================================

Nothing is stored before Save: the draft lives in the dialogue state, and /cancel drops it.
Someone who gave their interests already starts at the summary, every choice pre-selected.
A facilitator's ``/interests counts`` shows how many offer and seek each theme. A prompt of
the run of show carries a button ``interests:<broadcast id>`` that opens the flow over
whatever the person was doing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from db.models import InterestProfile
from domain.arabic import strip_invisible, to_ascii_digits
from domain.contact_details import display_phone
from domain.free_text import check_free_text
from handlers.buttons import opening
from handlers.commands import FACILITATOR, PARTICIPANT, CommandSpec, may_use
from handlers.draft import Draft
from handlers.flow import Answer, Finish, Flow, Goto, Outcome, Stay, Step
from handlers.matches import suggestions_reply
from handlers.messages import NO, SKIP, YES, Option, Reply
from handlers.presence import not_registered
from handlers.wording import help_text, text_problem
from locales.i18n import N_, Ltr, Native

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.conversation import Conversation

NAME = "interests"
NAMESPACE = "interests"
WELCOME = "welcome"
OFFERS = "offers"
SEEKS = "seeks"
OFFER_TEXT = "offer_text"
OFFER_THEMES = "offer_themes"
SEEK_TEXT = "seek_text"
SEEK_THEMES = "seek_themes"
SCOPE = "scope"
SHARES = "shares"
SUMMARY = "summary"
SEQUENCE = (OFFERS, SEEKS, OFFER_TEXT, OFFER_THEMES, SEEK_TEXT, SEEK_THEMES, SCOPE, SHARES, SUMMARY)
TEXT_MAX = 500
MARK = "✓"
SCOPES = {
    "national": N_("National partnerships, within Morocco"),
    "international": N_("International partnerships"),
    "both": N_("Both"),
}
SCOPE_NAMES = {
    "national": N_("national"),
    "international": N_("international"),
    "both": N_("national and international"),
}
SHARE_NAMES = {
    "phone": N_("phone"),
    "email": N_("email"),
    "handle": N_("chat username"),
}
_NUMBERS = re.compile(r"[\d\s,،;؛/+.\-و]+")


@dataclass
class InterestsDraft(Draft):
    offers: list[str] = field(default_factory=list)
    seeks: list[str] = field(default_factory=list)
    offer_text: str = ""
    offer_text_themes: list[str] = field(default_factory=list)
    seek_text: str = ""
    seek_text_themes: list[str] = field(default_factory=list)
    scope: str | None = None
    shares: list[str] = field(default_factory=list)
    editing: bool = False
    """Changing one part from the summary, which the end of that part returns to."""
    after_registration: bool = False
    """Reached from the end of registration: the help follows the last word."""


def draft_of(ctx: Context) -> InterestsDraft:
    assert isinstance(ctx.draft, InterestsDraft), f"not in /interests: {type(ctx.draft).__name__}"
    return ctx.draft


def register(conversation: Conversation) -> None:
    conversation.commands.register(
        CommandSpec(NAME, N_("Say what you can offer and what you seek"), PARTICIPANT, command)
    )
    conversation.callbacks.register(NAMESPACE, on_tap)


# entering


async def stored_draft(ctx: Context) -> tuple[InterestsDraft, bool]:
    """The draft of the stored profile (themes no longer in the taxonomy left out), and
    whether there was one."""
    stored = await ctx.store.networking.profile(ctx.services.event_id, ctx.participant.id)
    if stored is None:
        return InterestsDraft(), False
    known = set(ctx.services.themes.slugs)

    def themes(slugs: list | None) -> list[str]:
        return [slug for slug in slugs or () if slug in known]

    draft = InterestsDraft(
        offers=themes(stored.offers),
        seeks=themes(stored.seeks),
        offer_text=stored.offer_text or "",
        offer_text_themes=themes(stored.offer_text_themes),
        seek_text=stored.seek_text or "",
        seek_text_themes=themes(stored.seek_text_themes),
        scope=stored.scope,
        shares=[share for share in stored.shares or () if share in SHARE_NAMES],
        editing=True,
    )
    return draft, True


async def open_flow(ctx: Context) -> None:
    """Open the flow over the current one: at the summary when interests are stored."""
    draft, stored = await stored_draft(ctx)
    ctx.enter(INTERESTS, draft)
    if stored:
        ctx.step = SUMMARY


async def command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    """``/interests``, or ``/interests counts`` for facilitators; the first question comes
    next (the engine asks the pending question after a command)."""
    if argument.strip().casefold() == "counts":
        if not may_use(FACILITATOR, ctx.roles):
            return [Reply(ctx.tr._("The counts by theme are for the facilitators."))]
        return [await counts(ctx)]
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    await open_flow(ctx)
    return []


on_tap = opening(NAMESPACE, open_flow)
"""``interests:<broadcast id>``: a facilitator's prompt; opens the flow."""


# where each answer leads


def shares_available(ctx: Context) -> list[str]:
    """The contact details this person could share: those they gave, and their username."""
    participant = ctx.participant
    available = []
    if participant is not None and participant.phone:
        available.append("phone")
    if participant is not None and participant.email:
        available.append("email")
    if ctx.handle:
        available.append("handle")
    return available


def next_step(ctx: Context, current: str) -> str:
    """The step after ``current``; back to the summary when changing one part."""
    if current in (OFFER_TEXT, SEEK_TEXT):
        return SEQUENCE[SEQUENCE.index(current) + 1]
    if draft_of(ctx).editing:
        return SUMMARY
    following = SEQUENCE[SEQUENCE.index(current) + 1]
    if following == SHARES and not shares_available(ctx):
        return SUMMARY
    return following


def _separator(ctx: Context) -> str:
    """Between the items of a list: the Arabic comma in Arabic."""
    return "، " if ctx.tr.rtl else ", "


def _theme_label(ctx: Context, slug: str) -> str:
    return ctx.services.themes.label(slug, ctx.locale)


def _themes_named(ctx: Context, slugs: list[str]) -> str:
    """The themes' labels, comma-separated, or "none"."""
    known = [slug for slug in slugs if slug in ctx.services.themes.slugs]
    if not known:
        return ctx.tr._("none")
    return Native(_separator(ctx).join(_theme_label(ctx, slug) for slug in known))


# after registration


async def ask_welcome(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._(
            "Would you like to say now what you can offer and what you seek? It takes a few "
            "minutes, and helps me suggest whom to meet."
        ),
        (Option("now", tr._("Yes, now"), YES), Option("later", tr._("Later"), NO)),
    )


async def take_welcome(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    if answer.choice == "later":
        later = tr._(
            "Very well. You can give your interests at any time with {command}.",
            command=Ltr("/interests"),
        )
        return Finish((Reply(later), Reply(help_text(tr, ctx.menu))))
    refused = await not_registered(ctx)
    if refused is not None:
        return Finish((refused,))
    draft, stored = await stored_draft(ctx)
    draft.after_registration = True
    ctx.draft = draft
    return Goto(SUMMARY if stored else OFFERS)


# choosing several: themes, then contact details


def typed_numbers(text: str) -> list[int] | None:
    """``"1 4 7"``, ``"1،4،7"``, ``"١ ٤"`` → [1, 4, 7] / [1, 4]; None when not numbers."""
    typed = to_ascii_digits(strip_invisible(text)).strip()
    if not typed or not _NUMBERS.fullmatch(typed) or not re.search(r"\d", typed):
        return None
    return [int(number) for number in re.findall(r"\d+", typed)]


def _toggle(chosen: list[str], value: str) -> None:
    if value in chosen:
        chosen.remove(value)
    else:
        chosen.append(value)


def _marked(label: str, chosen: bool) -> str:
    return f"{MARK} {label}" if chosen else label


def _theme_options(ctx: Context, prefix: str, chosen: list[str], done: str) -> tuple[Option, ...]:
    themes = ctx.services.themes.slugs
    options = [
        Option(f"{prefix}:{slug}", _marked(_theme_label(ctx, slug), slug in chosen))
        for slug in themes
    ]
    options.append(Option(f"{prefix}_done", done))
    return tuple(options)


def _how_to_choose(ctx: Context) -> str:
    return ctx.tr._(
        "Choose a theme to add it, and choose it again to take it back, then “{done}”. "
        "You can also type the numbers of several themes at once, for example {example}.",
        done=ctx.tr._("Done"),
        example=Ltr("1 4 7"),
    )


def _chosen_line(ctx: Context, chosen: list[str]) -> str:
    return ctx.tr._("Chosen: {themes}", themes=_themes_named(ctx, chosen))


def _take_choices(
    step: str, attribute: str, prefix: str, *, themes: bool = True, clear: str | None = None
):
    """The answer to a multi-select step: a tap or typed numbers toggle choices; the
    Done option (``<prefix>_done``) goes on; ``clear`` empties the choices and goes on.
    At a theme step, typed words name themes as the free texts do."""
    done = f"{prefix}_done"

    async def take(ctx: Context, answer: Answer) -> Outcome:
        tr = ctx.tr
        chosen = getattr(draft_of(ctx), attribute)
        keys = [answer.choice] if answer.choice else None
        if keys is None:
            numbers = typed_numbers(answer.text)
            if numbers is not None:
                count = len(ctx.options)
                wrong = [number for number in numbers if not 1 <= number <= count]
                if wrong:
                    return Stay(
                        tr._(
                            "There is no number {number} here: please type numbers from 1 "
                            "to {last}.",
                            number=Ltr(str(wrong[0])),
                            last=Ltr(str(count)),
                        )
                    )
                keys = list(dict.fromkeys(ctx.options[number - 1][0] for number in numbers))
        if keys is None and themes:
            found = ctx.services.themes.understand(answer.text)
            if found:
                for match in found:
                    if match.slug not in chosen:
                        chosen.append(match.slug)
                return Goto(step)
        if keys is None:
            if not strip_invisible(answer.text).strip():
                return Stay(tr._("I received an empty message."))
            if themes:
                return Stay(tr._("Please tap the themes, or type their numbers."))
            return Stay(tr._("Please tap your choices, or type their numbers."))
        if clear in keys:
            chosen.clear()
            return Goto(next_step(ctx, step))
        for key in keys:
            if key != done:
                _toggle(chosen, key.partition(":")[2])
        return Goto(next_step(ctx, step) if done in keys else step)

    return take


async def ask_offers(ctx: Context) -> Reply:
    tr = ctx.tr
    chosen = draft_of(ctx).offers
    text = "\n\n".join(
        (
            tr._(
                "What can you offer? Choose the themes on which your collectivity has "
                "experience to share."
            ),
            _how_to_choose(ctx),
            _chosen_line(ctx, chosen),
        )
    )
    return Reply(text, _theme_options(ctx, "offer", chosen, tr._("Done")))


async def ask_seeks(ctx: Context) -> Reply:
    tr = ctx.tr
    chosen = draft_of(ctx).seeks
    text = "\n\n".join(
        (
            tr._(
                "What are you looking for? Choose the themes on which you would like to "
                "learn from other collectivities."
            ),
            _how_to_choose(ctx),
            _chosen_line(ctx, chosen),
        )
    )
    return Reply(text, _theme_options(ctx, "seek", chosen, tr._("Done")))


# free texts, and the themes understood from them


def _ask_text(attribute: str):
    async def ask(ctx: Context) -> Reply:
        tr = ctx.tr
        if attribute == "offer_text":
            question = tr._(
                "Tell me in a few words about a project of your collectivity that you are "
                "proud of, in Arabic, Darija or French. I will note the themes it speaks of."
            )
        else:
            question = tr._(
                "Tell me in a few words about a challenge your collectivity faces, in "
                "Arabic, Darija or French. I will note the themes it speaks of."
            )
        given = getattr(draft_of(ctx), attribute)
        if not given:
            return Reply(question, (Option("skip", tr._("Skip"), SKIP),))
        lines = [question, "", tr._("What you wrote: “{text}”", text=given)]
        options = (
            Option("keep", tr._("Keep it")),
            Option("skip", tr._("Remove it"), SKIP),
        )
        return Reply("\n".join(lines), options)

    return ask


def _take_text(step: str, attribute: str):
    themes_step = SEQUENCE[SEQUENCE.index(step) + 1]

    async def take(ctx: Context, answer: Answer) -> Outcome:
        draft = draft_of(ctx)
        if answer.choice == "keep":
            return Goto(themes_step)
        if answer.choice == "skip":
            setattr(draft, attribute, "")
            setattr(draft, f"{attribute}_themes", [])
            return Goto(next_step(ctx, themes_step))
        text, problem = check_free_text(answer.text, max_length=TEXT_MAX)
        if problem:
            return Stay(text_problem(ctx.tr, problem, TEXT_MAX))
        setattr(draft, attribute, text)
        setattr(
            draft, f"{attribute}_themes", [m.slug for m in ctx.services.themes.understand(text)]
        )
        return Goto(themes_step)

    return take


def _ask_text_themes(attribute: str, prefix: str):
    async def ask(ctx: Context) -> Reply:
        tr = ctx.tr
        draft = draft_of(ctx)
        chosen = getattr(draft, f"{attribute}_themes")
        words = {m.slug: m.words for m in ctx.services.themes.understand(getattr(draft, attribute))}
        if chosen:
            lines = [tr._("In your text, I understood these themes:")]
            for slug in chosen:
                label = Native(_theme_label(ctx, slug))
                if words.get(slug):
                    said = _separator(ctx).join(tr._("“{word}”", word=word) for word in words[slug])
                    lines.append(tr._("• {theme} ({words})", theme=label, words=said))
                else:
                    lines.append(f"• {label}")
            lines += ["", tr._("Is that right? Choose a theme to take it off or to add it.")]
        else:
            lines = [
                tr._("I did not recognise a theme in your text. You can add themes from the list.")
            ]
        lines += [
            tr._(
                "Then choose “{confirm}”. You can also type several numbers at once, "
                "for example {example}.",
                confirm=tr._("Confirm"),
                example=Ltr("1 4"),
            )
        ]
        return Reply("\n".join(lines), _theme_options(ctx, prefix, chosen, tr._("Confirm")))

    return ask


# scope and contact details


async def ask_scope(ctx: Context) -> Reply:
    tr = ctx.tr
    current = draft_of(ctx).scope
    options = tuple(
        Option(f"scope:{scope}", _marked(tr._(label), scope == current))
        for scope, label in SCOPES.items()
    )
    return Reply(tr._("Which partnerships are you looking for?"), options)


async def take_scope(ctx: Context, answer: Answer) -> Outcome:
    draft_of(ctx).scope = (answer.choice or "").removeprefix("scope:")
    return Goto(next_step(ctx, SCOPE))


def _share_label(ctx: Context, share: str) -> str:
    tr = ctx.tr
    participant = ctx.participant
    if share == "phone":
        return tr._("My phone number ({phone})", phone=Ltr(display_phone(participant.phone)))
    if share == "email":
        return tr._("My email ({email})", email=Ltr(participant.email))
    return tr._("My chat username ({handle})", handle=Ltr(ctx.handle or ""))


async def ask_shares(ctx: Context) -> Reply:
    tr = ctx.tr
    chosen = draft_of(ctx).shares
    available = shares_available(ctx)
    options = [
        Option(f"share:{share}", _marked(_share_label(ctx, share), share in chosen))
        for share in available
    ]
    options += [Option("share_none", tr._("Share nothing")), Option("share_done", tr._("Done"))]
    text = tr._(
        "When you and another participant both accept to connect, which of your contact "
        "details may they see? Tap to choose, and again to take back, then “{done}”.",
        done=tr._("Done"),
    )
    return Reply(text, tuple(options))


# the summary, and saving


def _shares_named(ctx: Context, shares: list[str]) -> str:
    tr = ctx.tr
    named = [tr._(SHARE_NAMES[share]) for share in shares]
    return _separator(ctx).join(named) if named else tr._("nothing")


def _text_line(ctx: Context, label: str, text: str, slugs: list[str]) -> str:
    tr = ctx.tr
    if not text:
        return tr._("• {part}: not given", part=label)
    return tr._(
        "• {part}: “{text}” (themes: {themes})",
        part=label,
        text=text,
        themes=_themes_named(ctx, slugs),
    )


async def ask_summary(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    available = shares_available(ctx)
    scope = tr._(SCOPE_NAMES[draft.scope]) if draft.scope in SCOPE_NAMES else tr._("not given")
    lines = [
        tr._("Please check your interests:"),
        tr._("• What you offer: {themes}", themes=_themes_named(ctx, draft.offers)),
        tr._("• What you seek: {themes}", themes=_themes_named(ctx, draft.seeks)),
        _text_line(
            ctx, tr._("A project you are proud of"), draft.offer_text, draft.offer_text_themes
        ),
        _text_line(ctx, tr._("A challenge you face"), draft.seek_text, draft.seek_text_themes),
        tr._("• Partnerships sought: {scope}", scope=scope),
    ]
    if available:
        shares = [share for share in draft.shares if share in available]
        lines.append(
            tr._(
                "• Shown to the participants you connect with: {shares}",
                shares=_shares_named(ctx, shares),
            )
        )
    options = [
        Option("save", tr._("Save"), YES),
        Option("fix:offers", tr._("Change what I offer")),
        Option("fix:seeks", tr._("Change what I seek")),
        Option("fix:offer_text", tr._("Change the project")),
        Option("fix:seek_text", tr._("Change the challenge")),
        Option("fix:scope", tr._("Change the partnerships")),
    ]
    if available:
        options.append(Option("fix:shares", tr._("Change what I share")))
    return Reply("\n".join(lines), tuple(options))


FIXABLE = (OFFERS, SEEKS, OFFER_TEXT, SEEK_TEXT, SCOPE, SHARES)


async def take_summary(ctx: Context, answer: Answer) -> Outcome:
    part = (answer.choice or "").removeprefix("fix:")
    if part in FIXABLE:
        draft_of(ctx).editing = True
        return Goto(part)
    return await save(ctx)


async def save(ctx: Context) -> Outcome:
    """Store the profile in this unit of work and finish."""
    tr = ctx.tr
    refused = await not_registered(ctx)
    if refused is not None:
        return Finish((refused,))
    draft = draft_of(ctx)
    event_id, participant_id = ctx.services.event_id, ctx.participant.id
    profile = await ctx.store.networking.profile(event_id, participant_id)
    if profile is None:
        profile = InterestProfile(event_id=event_id, participant_id=participant_id)
    available = shares_available(ctx)
    shares = [share for share in draft.shares if share in available]
    profile.offers = list(draft.offers)
    profile.seeks = list(draft.seeks)
    profile.offer_text = draft.offer_text
    profile.offer_text_themes = list(draft.offer_text_themes)
    profile.seek_text = draft.seek_text
    profile.seek_text_themes = list(draft.seek_text_themes)
    profile.scope = draft.scope
    profile.shares = shares
    profile.handle = ctx.handle[:64] if "handle" in shares and ctx.handle else None
    profile.updated_at = ctx.now()
    await ctx.store.networking.save_profile(profile)
    if profile.offers or profile.seeks or profile.offer_text or profile.seek_text:
        said = (Reply(tr._("Thank you, your interests are saved.")), *await suggestions_reply(ctx))
    else:
        thanks = tr._(
            "Thank you, your interests are saved. {command} will show you whom to meet.",
            command=Ltr("/matches"),
        )
        said = (Reply(thanks),)
    if draft.after_registration:
        return Finish((*said, Reply(help_text(tr, ctx.menu))))
    return Finish(said)


# the facilitators' counts


async def counts(ctx: Context) -> Reply:
    """How many offer and seek each theme, most-named first, and how many gave interests."""
    tr = ctx.tr
    taxonomy = ctx.services.themes
    profiles = await ctx.store.networking.profiles(ctx.services.event_id)
    given = [profile for profile in profiles if profile.has_interests]
    if not given:
        return Reply(tr._("Nobody has given their interests yet."))
    offered = Counter(slug for profile in given for slug in profile.offers)
    sought = Counter(slug for profile in given for slug in profile.seeks)
    order = {slug: position for position, slug in enumerate(taxonomy.slugs)}
    named = [slug for slug in taxonomy.slugs if offered[slug] or sought[slug]]
    named.sort(key=lambda slug: (-(offered[slug] + sought[slug]), order[slug]))
    lines = [
        tr.ngettext(
            "{n} person has given their interests.",
            "{n} people have given their interests.",
            len(given),
        )
    ]
    for slug in named:
        lines.append(
            tr._(
                "{theme}: offered by {offers}, sought by {seeks}",
                theme=Native(_theme_label(ctx, slug)),
                offers=tr.number(offered[slug]),
                seeks=tr.number(sought[slug]),
            )
        )
    return Reply("\n".join(lines))


INTERESTS = Flow(
    name=NAME,
    first=OFFERS,
    draft=InterestsDraft,
    steps={
        WELCOME: Step(ask_welcome, take_welcome, free_text=False),
        OFFERS: Step(ask_offers, _take_choices(OFFERS, "offers", "offer")),
        SEEKS: Step(ask_seeks, _take_choices(SEEKS, "seeks", "seek")),
        OFFER_TEXT: Step(_ask_text("offer_text"), _take_text(OFFER_TEXT, "offer_text")),
        OFFER_THEMES: Step(
            _ask_text_themes("offer_text", "otheme"),
            _take_choices(OFFER_THEMES, "offer_text_themes", "otheme"),
        ),
        SEEK_TEXT: Step(_ask_text("seek_text"), _take_text(SEEK_TEXT, "seek_text")),
        SEEK_THEMES: Step(
            _ask_text_themes("seek_text", "stheme"),
            _take_choices(SEEK_THEMES, "seek_text_themes", "stheme"),
        ),
        SCOPE: Step(ask_scope, take_scope, free_text=False),
        SHARES: Step(
            ask_shares,
            _take_choices(SHARES, "shares", "share", themes=False, clear="share_none"),
        ),
        SUMMARY: Step(ask_summary, take_summary, free_text=False),
    },
)
