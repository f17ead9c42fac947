"""Registration of a focal point, as a table of steps.

language → (the Law 09-08 notice) name → collectivity (search, or browse region →
prefecture or province → commune) → position → phone → email → consent → summary
(correct any field) → confirmed, then the offer to give one's interests now
(:mod:`handlers.interests`, its ``welcome`` step).

An invite code from a deep link pre-selects the collectivity, so that step is
skipped. The draft lives in the dialogue state until the person confirms; nothing
becomes a participant before consent and confirmation, and a refusal or /cancel
erases the draft together with the channel account and its language choice.

Someone already registered for an earlier event of the network starts at
``returning``: one tap registers them for this event, or their details go to the
summary to be corrected first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from db.directory import PARENT_KINDS, local_name
from db.models import Participant
from domain.arabic import strip_invisible
from domain.contact_details import parse_email, parse_phone
from domain.free_text import check_free_text
from handlers import interests
from handlers.account import chosen_language, language_options
from handlers.context import Context
from handlers.draft import Draft
from handlers.flow import Answer, Finish, Flow, Goto, Outcome, Stay, Step, Switch
from handlers.messages import NO, SKIP, YES, Option, Reply
from handlers.wording import (
    collectivity_label,
    details_lines,
    participant_lines,
    text_problem,
)
from locales.i18n import Ltr

LANGUAGE = "language"
NAME = "name"
COLLECTIVITY = "collectivity"
PICK = "pick"
REGION = "region"
REGION_LIST = "region_list"
PARENT_LIST = "parent_list"
POSITION = "position"
PHONE = "phone"
EMAIL = "email"
CONSENT = "consent"
SUMMARY = "summary"
RETURNING = "returning"

SEQUENCE = (LANGUAGE, NAME, COLLECTIVITY, POSITION, PHONE, EMAIL, CONSENT, SUMMARY)
PAGE_SIZE = 8
MAX_LENGTH = 120


@dataclass
class RegistrationDraft(Draft):
    """The answers so far, and where a search or a browse of the collectivities stands."""

    full_name: str | None = None
    collectivity_id: int | None = None
    position: str | None = None
    phone: str | None = None
    email: str | None = None
    consented_at: str | None = None
    """ISO time of the consent, kept until the participant is created with it."""
    editing: bool = False
    """Correcting one field from the summary, which the next answer returns to."""
    suggestions: list[int] = field(default_factory=list)
    region: str | None = None
    page: int = 0
    parent: int | None = None
    parent_page: int = 0

    def stop_correcting(self) -> None:
        """Back to the summary as it was: the search or browse under way is dropped."""
        self.editing = False
        self.suggestions = []
        self.region, self.page, self.parent, self.parent_page = None, 0, None, 0

    def complete(self) -> bool:
        return bool(self.full_name and self.collectivity_id and self.position and self.consented_at)


def draft_of(ctx: Context) -> RegistrationDraft:
    draft = ctx.draft
    assert isinstance(draft, RegistrationDraft), f"not registering: {type(draft).__name__}"
    return draft


def next_step(ctx: Context, current: str) -> str:
    """The step after ``current``: back to the summary when correcting a field."""
    if draft_of(ctx).editing:
        return SUMMARY
    following = SEQUENCE[SEQUENCE.index(current) + 1]
    if following == COLLECTIVITY and draft_of(ctx).collectivity_id:
        following = POSITION
    return following


def collectivity_chosen(ctx: Context, collectivity_id: int) -> Outcome:
    draft = draft_of(ctx)
    draft.collectivity_id = collectivity_id
    draft.suggestions = []
    return Goto(next_step(ctx, COLLECTIVITY))


# language


async def welcome_text(ctx: Context) -> str:
    """Who the bot is for, and the collectivity an invitation is addressed to."""
    welcome = ctx.tr._(
        "Welcome to Tawasul, the digital assistant of the focal points of the "
        "territorial collectivities that are members of REMACTO."
    )
    invited = await ctx.store.collectivities.get(draft_of(ctx).collectivity_id or 0)
    if invited is not None:
        welcome += "\n" + ctx.tr._(
            "Your invitation is addressed to: {collectivity}.",
            collectivity=collectivity_label(ctx.tr, invited),
        )
    return welcome


async def ask_language(ctx: Context) -> Reply:
    catalogs = ctx.services.catalogs
    lines = [await welcome_text(ctx)]
    lines += [
        catalogs.translator(locale)._("Please choose your language.") for locale in catalogs.locales
    ]
    return Reply("\n".join(lines), language_options(ctx))


async def take_language(ctx: Context, answer: Answer) -> Outcome:
    """The welcome was said in the default language: say it again in the one chosen."""
    shown_in = ctx.locale
    ctx.account.locale = chosen_language(answer)
    notice = privacy_notice(ctx)
    if ctx.locale != shown_in:
        notice = f"{await welcome_text(ctx)}\n\n{notice}"
    return Goto(next_step(ctx, LANGUAGE), (Reply(notice),))


# what the person is told about their data (Law 09-08)


def _controller_line(ctx: Context) -> str:
    controller = ctx.services.privacy.controller.get(ctx.locale)
    return ctx.tr._("• Controller: {controller}", controller=controller)


def _purpose_line(ctx: Context) -> str:
    return ctx.tr._("• Purpose: organising the REMACTO network's meetings and their follow-up.")


def privacy_notice(ctx: Context) -> str:
    """Said once, before the first personal question: who, what for, consent at the end."""
    tr = ctx.tr
    days = ctx.services.registration.draft_expiry_days
    return "\n".join(
        (
            tr._("Before we start, a word about your data (Law 09-08):"),
            _controller_line(ctx),
            _purpose_line(ctx),
            tr.ngettext(
                "• Your answers stay a draft until you give your consent, which I will ask "
                "for at the end. An unfinished draft is erased after {n} day.",
                "• Your answers stay a draft until you give your consent, which I will ask "
                "for at the end. An unfinished draft is erased after {n} days.",
                days,
            ),
        )
    )


def consent_text(ctx: Context) -> str:
    """Every element Law 09-08 asks for, one short line each, read on a phone."""
    tr = ctx.tr
    privacy = ctx.services.privacy
    lines = [
        tr._(
            "One last step: your consent under Law 09-08 on the protection of individuals "
            "with regard to the processing of personal data."
        ),
        _controller_line(ctx),
        _purpose_line(ctx),
        tr._(
            "• What is kept: your name, collectivity, position, the contact details you "
            "gave, and your messaging account id."
        ),
        tr._(
            "• Who sees it: the organising team. Other participants will see only what you "
            "choose to share with them."
        ),
        tr.ngettext(
            "• How long: {n} month after the last event of the network you register for, "
            "unless you erase it sooner.",
            "• How long: {n} months after the last event of the network you register for, "
            "unless you erase it sooner.",
            privacy.retention_months,
        ),
        tr._(
            "• Your rights of access, rectification and opposition: see your data with /me, "
            "correct it on the next screen, erase it with /delete_me, or write to {email}.",
            email=Ltr(privacy.contact_email),
        ),
    ]
    if privacy.cndp_reference:
        lines.append(
            tr._(
                "• CNDP declaration or authorisation number: {reference}",
                reference=Ltr(privacy.cndp_reference),
            )
        )
    lines.append(tr._("Do you agree?"))
    return "\n".join(lines)


# name


PROFILE_NAME = "profile_name"


def _profile_name(ctx: Context) -> str | None:
    """The name the person's profile shows, when it would pass as their name."""
    if not ctx.display_name:
        return None
    value, problem = check_free_text(ctx.display_name, max_length=MAX_LENGTH)
    return None if problem else value


async def ask_name(ctx: Context) -> Reply:
    """The name; on a channel that shows a profile name (WhatsApp), offered as a tap.

    The profile name is not kept unless tapped: the tap's own event carries it again.
    """
    offered = _profile_name(ctx)
    if offered is None:
        return Reply(ctx.tr._("What is your full name?"))
    return Reply(
        ctx.tr._("What is your full name? Type it, or tap the name your profile shows."),
        (Option(PROFILE_NAME, offered),),
    )


def keep_free_text(ctx: Context, answer: Answer, key: str, step: str) -> Outcome:
    """Store a checked free-text answer under ``key``, or say what is wrong with it."""
    value, problem = check_free_text(answer.text, max_length=MAX_LENGTH)
    if problem:
        return Stay(text_problem(ctx.tr, problem, MAX_LENGTH))
    setattr(draft_of(ctx), key, value)
    return Goto(next_step(ctx, step))


async def take_name(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == PROFILE_NAME:
        offered = _profile_name(ctx)
        if offered is None:
            return Stay(ctx.tr._("Please type your full name."))
        draft_of(ctx).full_name = offered
        return Goto(next_step(ctx, NAME))
    return keep_free_text(ctx, answer, "full_name", NAME)


# collectivity: search


async def ask_collectivity(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._("Which collectivity do you represent? Type part of its name, in Arabic or French."),
        (Option("browse", tr._("Browse by region")),),
    )


async def search_collectivity(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "browse":
        return Goto(REGION)
    query, problem = check_free_text(answer.text, max_length=MAX_LENGTH)
    if problem:
        return Stay(text_problem(ctx.tr, problem, MAX_LENGTH))
    found = await ctx.store.collectivities.search(query)
    if not found:
        return Stay(
            ctx.tr._(
                "I found no collectivity matching “{query}”. Try another spelling, "
                "or browse by region.",
                query=query,
            )
        )
    draft_of(ctx).suggestions = found
    return Goto(PICK)


async def ask_pick(ctx: Context) -> Reply:
    tr = ctx.tr
    options = []
    for collectivity_id in draft_of(ctx).suggestions:
        collectivity = await ctx.store.collectivities.get(collectivity_id)
        if collectivity is not None:
            options.append(Option(f"col:{collectivity.id}", collectivity_label(tr, collectivity)))
    text = tr.ngettext(
        "I found {n} collectivity. Is it yours?",
        "I found {n} collectivities. Which one is yours?",
        len(options),
    )
    options += [
        Option("again", tr._("Search again")),
        Option("browse", tr._("Browse by region")),
    ]
    return Reply(text, tuple(options))


async def take_pick(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "again":
        return Goto(COLLECTIVITY)
    if answer.choice == "browse":
        return Goto(REGION)
    if answer.choice and answer.choice.startswith("col:"):
        return collectivity_chosen(ctx, int(answer.choice[4:]))
    return await search_collectivity(ctx, answer)


# collectivity: browse


async def ask_region(ctx: Context) -> Reply:
    regions = await ctx.store.collectivities.regions()
    options = tuple(Option(f"reg:{r.code}", local_name(r, ctx.locale)) for r in regions)
    return Reply(ctx.tr._("Choose your region."), options)


async def take_region(ctx: Context, answer: Answer) -> Outcome:
    draft = draft_of(ctx)
    draft.region = (answer.choice or "").removeprefix("reg:")
    draft.page = 0
    return Goto(REGION_LIST)


def _page(tr, items: list[Option], page: int, back: Option) -> tuple[Option, ...]:
    """One page of ``items`` (PAGE_SIZE of them), then "More" when there are more, then back."""
    options = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if (page + 1) * PAGE_SIZE < len(items):
        options.append(Option("more", tr._("More")))
    options.append(back)
    return tuple(options)


async def ask_region_list(ctx: Context) -> Reply:
    """The region itself, its prefectures and provinces (each opens its communes), and the
    communes that belong to none."""
    tr = ctx.tr
    directory = ctx.store.collectivities
    members = await directory.in_region(draft_of(ctx).region or "", ctx.locale)
    items = []
    for c in members:
        opens = c.kind in PARENT_KINDS and await directory.has_children(c.id)
        items.append(Option(f"par:{c.id}" if opens else f"col:{c.id}", collectivity_label(tr, c)))
    back = Option("regions", tr._("Back to the regions"))
    return Reply(
        tr._(
            "Choose the region itself, a commune, or a prefecture or province to see its communes."
        ),
        _page(tr, items, draft_of(ctx).page, back),
    )


async def take_region_list(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "more":
        draft_of(ctx).page += 1
        return Goto(REGION_LIST)
    if answer.choice == "regions":
        return Goto(REGION)
    if answer.choice and answer.choice.startswith("par:"):
        draft = draft_of(ctx)
        draft.parent = int(answer.choice[4:])
        draft.parent_page = 0
        return Goto(PARENT_LIST)
    return collectivity_chosen(ctx, int((answer.choice or "col:0")[4:]))


async def ask_parent_list(ctx: Context) -> Reply:
    """The prefecture or province itself first (its focal point picks it), then its communes."""
    tr = ctx.tr
    directory = ctx.store.collectivities
    parent = await directory.get(draft_of(ctx).parent or 0)
    communes = [] if parent is None else await directory.in_parent(parent.id, ctx.locale)
    items = [Option(f"col:{c.id}", collectivity_label(tr, c)) for c in [parent, *communes] if c]
    if parent is not None and parent.kind == "prefecture":
        text = tr._("Choose the prefecture itself, or one of its communes.")
    else:
        text = tr._("Choose the province itself, or one of its communes.")
    back = Option("region", tr._("Back to the region"))
    return Reply(text, _page(tr, items, draft_of(ctx).parent_page, back))


async def take_parent_list(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "more":
        draft_of(ctx).parent_page += 1
        return Goto(PARENT_LIST)
    if answer.choice == "region":
        return Goto(REGION_LIST)
    return collectivity_chosen(ctx, int((answer.choice or "col:0")[4:]))


# position


async def ask_position(ctx: Context) -> Reply:
    return Reply(ctx.tr._("What is your position or role in your collectivity?"))


async def take_position(ctx: Context, answer: Answer) -> Outcome:
    return keep_free_text(ctx, answer, "position", POSITION)


# phone and email (optional)


async def ask_phone(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._(
            "Would you like to give a phone number, so that the organisers can reach you? "
            "You can type it, or skip this step."
        ),
        (Option("skip", tr._("Skip"), SKIP),),
        contact_request=tr._("Share my phone number"),
    )


async def take_phone(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "skip":
        draft_of(ctx).phone = None
        return Goto(next_step(ctx, PHONE))
    raw = answer.contact if answer.contact is not None else answer.text
    phone = parse_phone(raw)
    if phone is None:
        return Stay(
            ctx.tr._(
                "That does not look like a phone number. For example: 0612345678 or +212612345678."
            )
        )
    draft_of(ctx).phone = phone
    return Goto(next_step(ctx, PHONE))


async def ask_email(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._("What is your email address? You may skip this."),
        (Option("skip", tr._("Skip"), SKIP),),
    )


async def take_email(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "skip":
        draft_of(ctx).email = None
        return Goto(next_step(ctx, EMAIL))
    email = parse_email(strip_invisible(answer.text))
    if email is None:
        return Stay(
            ctx.tr._("That does not look like an email address. For example: name@example.ma.")
        )
    draft_of(ctx).email = email
    return Goto(next_step(ctx, EMAIL))


# consent


async def ask_consent(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        consent_text(ctx),
        (
            Option("agree", tr._("I agree"), YES),
            Option("refuse", tr._("I do not agree"), NO),
        ),
    )


async def take_consent(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "refuse":
        if ctx.participant is None:
            ctx.forget_account = True
        return Finish(
            (
                Reply(
                    ctx.tr._(
                        "Understood. Nothing personal has been kept. If you change your mind, "
                        "send /start to register."
                    )
                ),
            )
        )
    draft_of(ctx).consented_at = ctx.now().isoformat()
    return Goto(SUMMARY)


# summary and confirmation


async def ask_summary(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    collectivity = await ctx.store.collectivities.get(draft.collectivity_id or 0)
    lines = [tr._("Please check your details:")]
    lines += details_lines(
        tr,
        full_name=draft.full_name or "",
        collectivity=collectivity,
        position=draft.position or "",
        phone=draft.phone,
        email=draft.email,
    )
    options = (
        Option("confirm", tr._("Confirm"), YES),
        Option("edit:name", tr._("Correct the name")),
        Option("edit:collectivity", tr._("Correct the collectivity")),
        Option("edit:position", tr._("Correct the position")),
        Option("edit:phone", tr._("Correct the phone")),
        Option("edit:email", tr._("Correct the email")),
    )
    return Reply("\n".join(lines), options)


EDITABLE = {
    "name": NAME,
    "collectivity": COLLECTIVITY,
    "position": POSITION,
    "phone": PHONE,
    "email": EMAIL,
}


async def take_summary(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice and answer.choice.startswith("edit:"):
        draft_of(ctx).editing = True
        return Goto(EDITABLE[answer.choice[5:]])
    return await confirm(ctx)


async def confirm(ctx: Context) -> Outcome:
    """Create the participant (or update a returning one) and register them for this event."""
    draft = draft_of(ctx)
    collectivity = await ctx.store.collectivities.get(draft.collectivity_id or 0)
    if collectivity is None:
        draft.collectivity_id = None
        draft.editing = False
        return Goto(COLLECTIVITY)
    if not draft.complete():
        draft.editing = False
        return Goto(NAME)
    now = ctx.now()
    participant = ctx.participant
    if participant is None:
        participant = Participant(
            consented_at=datetime.fromisoformat(draft.consented_at), created_at=now
        )
    participant.full_name = draft.full_name
    participant.collectivity_id = collectivity.id
    participant.position = draft.position
    participant.phone = draft.phone
    participant.email = draft.email
    participant.updated_at = now
    await ctx.store.participants.save(participant)
    ctx.account.participant_id = participant.id
    ctx.participant = participant
    if not await registered_here(ctx):
        await ctx.store.registrations.add(ctx.services.event_id, participant.id, now)
    tr = ctx.tr
    event = ctx.services.event
    done = tr._(
        "Thank you, {name}: your registration is complete. "
        "We look forward to seeing you at the {event} on {date} in {place}.",
        name=participant.full_name,
        event=event.name.get(ctx.locale),
        date=tr.date(event.date),
        place=event.place.get(ctx.locale),
    )
    return Switch(interests.NAME, interests.WELCOME, (Reply(done),))


# a participant of an earlier event of the network


async def registered_here(ctx: Context) -> bool:
    """Whether the participant is registered for the event the bot serves now."""
    if ctx.participant is None:
        return False
    return await ctx.store.registrations.exists(ctx.services.event_id, ctx.participant.id)


def _take_over_profile(ctx: Context) -> None:
    """Put the stored details in the draft, so the summary can show and correct them."""
    participant = ctx.participant
    ctx.draft = RegistrationDraft(
        full_name=participant.full_name,
        collectivity_id=participant.collectivity_id,
        position=participant.position,
        phone=participant.phone,
        email=participant.email,
        consented_at=participant.consented_at.isoformat(),
    )


async def ask_returning(ctx: Context) -> Reply:
    tr = ctx.tr
    participant = ctx.participant
    event = ctx.services.event
    lines = [
        tr._(
            "Welcome back, {name}! You registered with Tawasul for an earlier meeting of "
            "the network. Here are your details:",
            name=participant.full_name,
        )
    ]
    lines += participant_lines(tr, participant)
    lines.append(
        tr._(
            "Shall I register you for the {event} on {date} in {place} with these details?",
            event=event.name.get(ctx.locale),
            date=tr.date(event.date),
            place=event.place.get(ctx.locale),
        )
    )
    options = (
        Option("again:yes", tr._("Yes, register me"), YES),
        Option("again:correct", tr._("Correct my details"), NO),
    )
    return Reply("\n".join(lines), options)


async def take_returning(ctx: Context, answer: Answer) -> Outcome:
    if ctx.participant is None:
        return Goto(NAME)
    _take_over_profile(ctx)
    if answer.choice == "again:correct":
        return Goto(SUMMARY)
    return await confirm(ctx)


REGISTRATION = Flow(
    name="registration",
    first=LANGUAGE,
    draft=RegistrationDraft,
    steps={
        LANGUAGE: Step(ask_language, take_language, free_text=False),
        NAME: Step(ask_name, take_name),
        COLLECTIVITY: Step(ask_collectivity, search_collectivity),
        PICK: Step(ask_pick, take_pick),
        REGION: Step(ask_region, take_region, free_text=False),
        REGION_LIST: Step(ask_region_list, take_region_list, free_text=False),
        PARENT_LIST: Step(ask_parent_list, take_parent_list, free_text=False),
        POSITION: Step(ask_position, take_position),
        PHONE: Step(ask_phone, take_phone, accepts_contact=True),
        EMAIL: Step(ask_email, take_email),
        CONSENT: Step(ask_consent, take_consent, free_text=False),
        SUMMARY: Step(ask_summary, take_summary, free_text=False),
        RETURNING: Step(ask_returning, take_returning, free_text=False),
    },
)
