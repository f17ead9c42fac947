"""Registration of a focal point, as a table of steps.

language → name → collectivity (search, or browse region → prefecture or province →
commune) → position →
phone → email → consent → summary (correct any field) → confirmed.

An invite code from a deep link pre-selects the collectivity, so that step is
skipped. The draft lives in the dialogue state until the person confirms; nothing
becomes a participant before consent and confirmation, and a refusal or /cancel
drops the draft.
"""

from __future__ import annotations

from datetime import datetime

from bot.arabic import strip_invisible
from bot.contact_details import parse_email, parse_phone
from bot.directory import PARENT_KINDS, local_name
from bot.free_text import check_free_text
from db.models import EventRegistration, Participant
from handlers.context import Context
from handlers.flow import Answer, Finish, Flow, Goto, Outcome, Stay, Step
from handlers.messages import Option, Reply
from handlers.wording import (
    LANGUAGE_NAMES,
    collectivity_label,
    details_lines,
    help_text,
    text_problem,
)

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

SEQUENCE = (LANGUAGE, NAME, COLLECTIVITY, POSITION, PHONE, EMAIL, CONSENT, SUMMARY)
PAGE_SIZE = 8
MAX_LENGTH = 120


def next_step(ctx: Context, current: str) -> str:
    """The step after ``current``: back to the summary when correcting a field."""
    if ctx.data.get("editing"):
        return SUMMARY
    following = SEQUENCE[SEQUENCE.index(current) + 1]
    if following == COLLECTIVITY and ctx.data.get("collectivity_id"):
        following = POSITION
    return following


def collectivity_chosen(ctx: Context, collectivity_id: int) -> Outcome:
    ctx.data["collectivity_id"] = collectivity_id
    ctx.data.pop("suggestions", None)
    return Goto(next_step(ctx, COLLECTIVITY))


# language


async def ask_language(ctx: Context) -> Reply:
    catalogs = ctx.services.catalogs
    lines = [
        catalogs.translator(locale)._("Please choose your language.") for locale in catalogs.locales
    ]
    invited = await ctx.services.directory.get(ctx.session, ctx.data.get("collectivity_id") or 0)
    if invited is not None:
        lines.insert(
            0,
            ctx.tr._(
                "Welcome to Tawasul! Your invitation is for: {collectivity}.",
                collectivity=collectivity_label(ctx.tr, invited),
            ),
        )
    else:
        lines.insert(0, ctx.tr._("Welcome to Tawasul, the networking companion of REMACTO."))
    options = tuple(Option(f"lang:{locale}", LANGUAGE_NAMES[locale]) for locale in catalogs.locales)
    return Reply("\n".join(lines), options)


async def take_language(ctx: Context, answer: Answer) -> Outcome:
    ctx.account.locale = (answer.choice or "").removeprefix("lang:")
    return Goto(next_step(ctx, LANGUAGE))


# name


async def ask_name(ctx: Context) -> Reply:
    return Reply(ctx.tr._("What is your full name?"))


def keep_free_text(ctx: Context, answer: Answer, key: str, step: str) -> Outcome:
    """Store a checked free-text answer under ``key``, or say what is wrong with it."""
    value, problem = check_free_text(answer.text, max_length=MAX_LENGTH)
    if problem:
        return Stay(text_problem(ctx.tr, problem, MAX_LENGTH))
    ctx.data[key] = value
    return Goto(next_step(ctx, step))


async def take_name(ctx: Context, answer: Answer) -> Outcome:
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
    found = await ctx.services.directory.search(ctx.session, query)
    if not found:
        return Stay(
            ctx.tr._(
                "I found no collectivity matching “{query}”. Try another spelling, "
                "or browse by region.",
                query=query,
            )
        )
    ctx.data["suggestions"] = found
    ctx.data["query"] = query
    return Goto(PICK)


async def ask_pick(ctx: Context) -> Reply:
    tr = ctx.tr
    options = []
    for collectivity_id in ctx.data.get("suggestions", []):
        collectivity = await ctx.services.directory.get(ctx.session, collectivity_id)
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
    regions = await ctx.services.directory.regions(ctx.session)
    options = tuple(Option(f"reg:{r.code}", local_name(r, ctx.locale)) for r in regions)
    return Reply(ctx.tr._("Choose your region."), options)


async def take_region(ctx: Context, answer: Answer) -> Outcome:
    ctx.data["region"] = (answer.choice or "").removeprefix("reg:")
    ctx.data["page"] = 0
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
    directory = ctx.services.directory
    members = await directory.in_region(ctx.session, ctx.data.get("region", ""), ctx.locale)
    items = []
    for c in members:
        opens = c.kind in PARENT_KINDS and await directory.has_children(ctx.session, c.id)
        items.append(Option(f"par:{c.id}" if opens else f"col:{c.id}", collectivity_label(tr, c)))
    back = Option("regions", tr._("Back to the regions"))
    return Reply(
        tr._(
            "Choose the region itself, a prefecture or province to see its communes, or a commune."
        ),
        _page(tr, items, ctx.data.get("page", 0), back),
    )


async def take_region_list(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "more":
        ctx.data["page"] = ctx.data.get("page", 0) + 1
        return Goto(REGION_LIST)
    if answer.choice == "regions":
        return Goto(REGION)
    if answer.choice and answer.choice.startswith("par:"):
        ctx.data["parent"] = int(answer.choice[4:])
        ctx.data["parent_page"] = 0
        return Goto(PARENT_LIST)
    return collectivity_chosen(ctx, int((answer.choice or "col:0")[4:]))


async def ask_parent_list(ctx: Context) -> Reply:
    """The prefecture or province itself first (its focal point picks it), then its communes."""
    tr = ctx.tr
    directory = ctx.services.directory
    parent = await directory.get(ctx.session, ctx.data.get("parent") or 0)
    communes = (
        [] if parent is None else await directory.in_parent(ctx.session, parent.id, ctx.locale)
    )
    items = [Option(f"col:{c.id}", collectivity_label(tr, c)) for c in [parent, *communes] if c]
    if parent is not None and parent.kind == "prefecture":
        text = tr._("Choose the prefecture itself, or one of its communes.")
    else:
        text = tr._("Choose the province itself, or one of its communes.")
    back = Option("region", tr._("Back to the region"))
    return Reply(text, _page(tr, items, ctx.data.get("parent_page", 0), back))


async def take_parent_list(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "more":
        ctx.data["parent_page"] = ctx.data.get("parent_page", 0) + 1
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
            "Share it with the button, type it, or skip."
        ),
        (Option("skip", tr._("Skip")),),
        contact_request=tr._("Share my phone number"),
    )


async def take_phone(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "skip":
        ctx.data["phone"] = None
        return Goto(next_step(ctx, PHONE))
    raw = answer.contact if answer.contact is not None else answer.text
    phone = parse_phone(raw)
    if phone is None:
        return Stay(
            ctx.tr._(
                "That does not look like a phone number. For example: 0612345678 or +212612345678."
            )
        )
    ctx.data["phone"] = phone
    return Goto(next_step(ctx, PHONE))


async def ask_email(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._("What is your email address? You may skip this."), (Option("skip", tr._("Skip")),)
    )


async def take_email(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "skip":
        ctx.data["email"] = None
        return Goto(next_step(ctx, EMAIL))
    email = parse_email(strip_invisible(answer.text))
    if email is None:
        return Stay(
            ctx.tr._("That does not look like an email address. For example: name@example.ma.")
        )
    ctx.data["email"] = email
    return Goto(next_step(ctx, EMAIL))


# consent


async def ask_consent(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._(
            "To register you, Tawasul keeps your name, collectivity, position and the contact "
            "details you gave, to organise the REMACTO network's meetings and their follow-up, "
            "in accordance with Law 09-08 on the protection of individuals with regard to the "
            "processing of personal data. You can see them with /me and erase them at any time "
            "with /delete_me. Do you agree?"
        ),
        (Option("agree", tr._("I agree")), Option("refuse", tr._("I do not agree"))),
    )


async def take_consent(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "refuse":
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
    ctx.data["consented_at"] = ctx.now().isoformat()
    return Goto(SUMMARY)


# summary and confirmation


async def ask_summary(ctx: Context) -> Reply:
    tr = ctx.tr
    data = ctx.data
    collectivity = await ctx.services.directory.get(ctx.session, data.get("collectivity_id") or 0)
    lines = [tr._("Please check your details:")]
    lines += details_lines(
        tr,
        full_name=data.get("full_name", ""),
        collectivity=collectivity,
        position=data.get("position", ""),
        phone=data.get("phone"),
        email=data.get("email"),
    )
    options = (
        Option("confirm", tr._("Confirm")),
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
        ctx.data["editing"] = True
        return Goto(EDITABLE[answer.choice[5:]])
    return await confirm(ctx)


def _complete(data: dict) -> bool:
    return all(
        data.get(key) for key in ("full_name", "collectivity_id", "position", "consented_at")
    )


async def confirm(ctx: Context) -> Outcome:
    data = ctx.data
    collectivity = await ctx.services.directory.get(ctx.session, data.get("collectivity_id") or 0)
    if collectivity is None:
        data.pop("collectivity_id", None)
        data.pop("editing", None)
        return Goto(COLLECTIVITY)
    if not _complete(data):
        data.pop("editing", None)
        return Goto(NAME)
    now = ctx.now()
    participant = Participant(
        full_name=data["full_name"],
        collectivity_id=collectivity.id,
        position=data["position"],
        phone=data.get("phone"),
        email=data.get("email"),
        locale=ctx.locale,
        consented_at=datetime.fromisoformat(data["consented_at"]),
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(participant)
    await ctx.session.flush()
    ctx.account.participant_id = participant.id
    event_id = ctx.services.event_id
    ctx.session.add(
        EventRegistration(event_id=event_id, participant_id=participant.id, registered_at=now)
    )
    ctx.participant = participant
    tr = ctx.tr
    event = ctx.services.settings.event
    done = tr._(
        "Thank you, {name}: your registration is complete. "
        "See you at {event} on {date} in {place}.",
        name=participant.full_name,
        event=event.name.get(ctx.locale),
        date=tr.date(event.date),
        place=event.place.get(ctx.locale),
    )
    return Finish((Reply(done), Reply(help_text(tr))))


REGISTRATION = Flow(
    name="registration",
    first=LANGUAGE,
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
    },
)
