"""/commit and /commitments: the actions a focal point commits to, as a table of steps.

====================  ==============================================================
step                  answers
====================  ==============================================================
``text``              what they will do, in their words → ``theme``
``theme``             the theme suggested from the text confirmed, or another one of
                      the list (a tap or its number) → ``partners``
``partners``          collectivities toggled: those of their accepted connections and
                      round partners are offered, others found by typing part of a
                      name; Done, or no partner → ``deadline``
``deadline``          1, 3 or 6 months, the end of the year, or a typed date read by
                      :mod:`domain.deadlines`: a date → ``indicator``; ambiguous →
                      ``confirm_date``; invalid → the reason, asked again
``confirm_date``      one of the candidate dates → ``indicator``; another → ``deadline``
``indicator``         how they will know it is done, or skip → ``summary``
``summary``           Save → stored with its history and its follow-ups, finished; a
                      part to change → that step, then back here
====================  ==============================================================

Nothing is stored before Save; /cancel drops the draft. ``/commitments`` lists the
person's commitments with their status and deadline, each with buttons
``commitment:<id>:edit`` (the flow again, prefilled, at the summary; Save updates it) and
``commitment:<id>:drop`` (asks, then withdraws). Only the owner can act on a commitment.
A facilitator's prompt carries a button ``commit:<broadcast id>`` that opens /commit.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from db.models import CLOSED_STATUSES, Commitment
from domain import deadlines
from domain.arabic import strip_invisible
from domain.deadlines import FAR_AWAY_YEARS, Deadline, Outcome, Reason
from domain.free_text import TextProblem, check_free_text
from handlers.buttons import opening
from handlers.commands import PARTICIPANT, CommandSpec
from handlers.draft import Draft
from handlers.flow import Answer, Finish, Flow, Goto, Stay, Step
from handlers.flow import Outcome as StepOutcome
from handlers.interests import typed_numbers
from handlers.messages import NO, SKIP, YES, Option, Reply
from handlers.presence import not_registered
from handlers.router import Tap
from handlers.wording import collectivity_label, text_problem
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.conversation import Conversation

NAME = "commit"
PROMPT_NAMESPACE = "commit"
NAMESPACE = "commitment"
TEXT = "text"
THEME = "theme"
PARTNERS = "partners"
DEADLINE = "deadline"
CONFIRM_DATE = "confirm_date"
INDICATOR = "indicator"
SUMMARY = "summary"
SEQUENCE = (TEXT, THEME, PARTNERS, DEADLINE, INDICATOR, SUMMARY)
TEXT_MAX = 500
INDICATOR_MAX = 300
SEARCH_MAX = 80
OFFERED_MAX = 20
MARK = "✓"
STATUS_NAMES = {
    "open": N_("open"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
    "dropped": N_("dropped"),
    "withdrawn": N_("withdrawn"),
}
QUICK = {
    "in_1m": 1,
    "in_3m": 3,
    "in_6m": 6,
}


@dataclass
class CommitDraft(Draft):
    text: str = ""
    theme: str | None = None
    partners: list[int] = field(default_factory=list)
    offered: list[int] = field(default_factory=list)
    """The collectivities shown as buttons: connections, round partners, those found."""
    deadline: str | None = None
    """ISO date."""
    candidates: list[str] = field(default_factory=list)
    reason: str = ""
    """Why the candidate dates are asked about: a :class:`domain.deadlines.Reason`."""
    indicator: str = ""
    commitment_id: int | None = None
    """The commitment being edited; None for a new one."""
    editing: bool = False


def draft_of(ctx: Context) -> CommitDraft:
    assert isinstance(ctx.draft, CommitDraft), f"not in /commit: {type(ctx.draft).__name__}"
    return ctx.draft


def register(conversation: Conversation) -> None:
    conversation.commands.register(
        CommandSpec(
            NAME, N_("Commit to an action that strengthens the network"), PARTICIPANT, begin
        )
    )
    conversation.commands.register(
        CommandSpec("commitments", N_("My commitments, to edit or withdraw"), PARTICIPANT, listing)
    )
    conversation.callbacks.register(PROMPT_NAMESPACE, on_prompt_tap)
    conversation.callbacks.register(NAMESPACE, on_tap)


# dates


def today(ctx: Context) -> date:
    """The local date at the event."""
    return ctx.now().astimezone(ZoneInfo(ctx.services.event.timezone)).date()


def add_months(day: date, months: int) -> date:
    """``months`` calendar months later, clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quick_date(ctx: Context, choice: str) -> date:
    now = today(ctx)
    if choice in QUICK:
        return add_months(now, QUICK[choice])
    return date(now.year, 12, 31)


def reason_text(tr: Translator, deadline: Deadline) -> str:
    """What the person reads about how their date was understood, or why it was not."""
    words = " ".join(deadline.words)
    match deadline.reason:
        case Reason.DATE:
            return tr._("a full date")
        case Reason.NEXT_OCCURRENCE:
            return tr._("no year given: its next occurrence")
        case Reason.LAST_DAY:
            return tr._("the last day of the month or of the year")
        case Reason.FIRST_DAY:
            return tr._("the first day of the month or of the year")
        case Reason.MIDDLE:
            return tr._("the middle of the month or of the year")
        case Reason.DURATION:
            return tr._("counted from today")
        case Reason.RELATIVE_DAY:
            return tr._("today, tomorrow or the day after")
        case Reason.THIS_MONTH_OR_NEXT_YEAR:
            return tr._("We are in that month already: do you mean this one, or next year's?")
        case Reason.DAY_OR_DAYS:
            return tr._(
                "A number alone may be a day of the month or a number of days: which do you mean?"
            )
        case Reason.DAY_OR_YEAR:
            return tr._("After a month, that number may be a day or a year: which do you mean?")
        case Reason.BEFORE_DURATION:
            return tr._(
                "“Before” with a duration may also mean “ago”: do you mean this date, "
                "counted from today?"
            )
        case Reason.FAR_AWAY:
            return tr.ngettext(
                "That date is more than {n} year away: is it right?",
                "That date is more than {n} years away: is it right?",
                FAR_AWAY_YEARS,
            )
        case Reason.SEVERAL:
            return tr._("You gave several dates: which one is the deadline?")
        case Reason.NO_SUCH_DATE:
            return tr._(
                "That date does not exist: dates are read day first, as in {example}. "
                "Please check it.",
                example=Ltr("31/12/2025"),
            )
        case Reason.IN_THE_PAST:
            past = tr.date(deadline.date) if deadline.date else words
            return tr._(
                "That date, {date}, is already past: please give a date from today on.",
                date=past,
            )
        case Reason.VAGUE:
            return tr._(
                "I need a precise date rather than “{words}”: please give a day or a month, "
                "or tap one of the choices.",
                words=words,
            )
        case Reason.LUNAR:
            return tr._(
                "The start of a Hijri month or feast depends on the moon: please give a date "
                "of the calendar instead."
            )
    return tr._(
        "I did not understand a date in your message. Please write it as {example} or "
        "“end of March”, or tap one of the choices.",
        example=Ltr("31/12/2025"),
    )


# entering


def _stored_draft(commitment: Commitment, partners: list[int], offered: list[int]) -> CommitDraft:
    return CommitDraft(
        text=commitment.text,
        theme=commitment.theme,
        partners=partners,
        offered=list(dict.fromkeys([*partners, *offered])),
        deadline=commitment.deadline.isoformat(),
        indicator=commitment.indicator or "",
        commitment_id=commitment.id,
        editing=True,
    )


async def _offered(ctx: Context) -> list[int]:
    found = await ctx.store.commitments.partner_candidates(
        ctx.services.event_id, ctx.participant.id
    )
    return found[:OFFERED_MAX]


async def open_flow(ctx: Context) -> None:
    ctx.enter(COMMIT, CommitDraft(offered=await _offered(ctx)))


async def begin(ctx: Context, argument: str = "") -> Sequence[Reply]:
    """``/commit``: the first question comes next (the engine asks it after a command)."""
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    await open_flow(ctx)
    return []


on_prompt_tap = opening(PROMPT_NAMESPACE, open_flow)
"""``commit:<broadcast id>``: a facilitator's prompt; opens /commit."""


# where each answer leads


def next_step(ctx: Context, current: str) -> str:
    if current == TEXT:
        return THEME
    if draft_of(ctx).editing:
        return SUMMARY
    return SEQUENCE[SEQUENCE.index(current) + 1]


def _separator(ctx: Context) -> str:
    return "، " if ctx.tr.rtl else ", "


def _theme_label(ctx: Context, slug: str | None) -> str:
    if slug is None or slug not in ctx.services.themes.slugs:
        return ctx.tr._("none")
    return Native(ctx.services.themes.label(slug, ctx.locale))


async def _partners_named(ctx: Context, ids: list[int]) -> str:
    names = []
    for collectivity_id in ids:
        collectivity = await ctx.store.collectivities.get(collectivity_id)
        if collectivity is not None:
            names.append(collectivity_label(ctx.tr, collectivity))
    return _separator(ctx).join(names) if names else ctx.tr._("none")


def _marked(label: str, chosen: bool) -> str:
    return f"{MARK} {label}" if chosen else label


# what they will do


async def ask_text(ctx: Context) -> Reply:
    tr = ctx.tr
    question = tr._(
        "What will you do to strengthen networking within the network? Write it in a few "
        "words, in Arabic, Darija or French."
    )
    given = draft_of(ctx).text
    if not given:
        return Reply(question)
    lines = [question, "", tr._("What you wrote: “{text}”", text=given)]
    return Reply("\n".join(lines), (Option("keep", tr._("Keep it")),))


async def take_text(ctx: Context, answer: Answer) -> StepOutcome:
    draft = draft_of(ctx)
    if answer.choice == "keep":
        return Goto(SUMMARY if draft.editing else THEME)
    text, problem = check_free_text(answer.text, max_length=TEXT_MAX)
    if problem:
        return Stay(text_problem(ctx.tr, problem, TEXT_MAX))
    draft.text = text
    found = ctx.services.themes.understand(text)
    draft.theme = found[0].slug if found else draft.theme
    return Goto(THEME)


# its theme


async def ask_theme(ctx: Context) -> Reply:
    tr = ctx.tr
    current = draft_of(ctx).theme
    options = [
        Option(f"theme:{slug}", _marked(_theme_label(ctx, slug), slug == current))
        for slug in ctx.services.themes.slugs
    ]
    if current in ctx.services.themes.slugs:
        text = tr._(
            "Its theme, as I understood it: {theme}. Choose “{confirm}”, or another theme "
            "from the list (a tap or its number).",
            theme=_theme_label(ctx, current),
            confirm=tr._("Confirm"),
        )
        options.append(Option("confirm", tr._("Confirm"), YES))
    else:
        text = tr._("Which theme is it about? Choose it from the list (a tap or its number).")
    return Reply(text, tuple(options))


async def take_theme(ctx: Context, answer: Answer) -> StepOutcome:
    draft = draft_of(ctx)
    if answer.choice == "confirm":
        return Goto(next_step(ctx, THEME))
    if answer.choice and answer.choice.startswith("theme:"):
        draft.theme = answer.choice.partition(":")[2]
        return Goto(next_step(ctx, THEME))
    found = ctx.services.themes.understand(answer.text)
    if found:
        draft.theme = found[0].slug
        return Goto(THEME)
    return Stay(ctx.tr._("Please tap a theme, or type its number."))


# partner collectivities


async def ask_partners(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    lines = [
        tr._(
            "With which collectivities will you carry it out? Tap to choose, and again to "
            "take back, then “{done}”. To find another one, type part of its name.",
            done=tr._("Done"),
        )
    ]
    if draft.offered:
        lines.append(
            tr._("Listed first: those you connected with or sat with in the rounds, and any found.")
        )
    lines.append(tr._("Chosen: {partners}", partners=await _partners_named(ctx, draft.partners)))
    options = []
    for collectivity_id in draft.offered:
        collectivity = await ctx.store.collectivities.get(collectivity_id)
        if collectivity is not None:
            label = _marked(collectivity_label(tr, collectivity), collectivity_id in draft.partners)
            options.append(Option(f"partner:{collectivity_id}", label))
    options += [
        Option("partner_done", tr._("Done")),
        Option("partner_none", tr._("No partner"), SKIP),
    ]
    return Reply("\n\n".join(lines), tuple(options))


def _toggle(chosen: list[int], value: int) -> None:
    if value in chosen:
        chosen.remove(value)
    else:
        chosen.append(value)


async def take_partners(ctx: Context, answer: Answer) -> StepOutcome:
    tr = ctx.tr
    draft = draft_of(ctx)
    keys = [answer.choice] if answer.choice else None
    if keys is None:
        numbers = typed_numbers(answer.text)
        if numbers is not None:
            count = len(ctx.options)
            wrong = [number for number in numbers if not 1 <= number <= count]
            if wrong:
                return Stay(
                    tr._(
                        "There is no number {number} here: please type numbers from 1 to {last}.",
                        number=Ltr(str(wrong[0])),
                        last=Ltr(str(count)),
                    )
                )
            keys = list(dict.fromkeys(ctx.options[number - 1][0] for number in numbers))
    if keys is None:
        return await _search(ctx, answer.text)
    if "partner_none" in keys:
        draft.partners = []
        return Goto(next_step(ctx, PARTNERS))
    for key in keys:
        if key.startswith("partner:"):
            _toggle(draft.partners, int(key.partition(":")[2]))
    return Goto(next_step(ctx, PARTNERS) if "partner_done" in keys else PARTNERS)


async def _search(ctx: Context, typed: str) -> StepOutcome:
    """Collectivities found by name join the buttons, to be tapped."""
    tr = ctx.tr
    draft = draft_of(ctx)
    query, problem = check_free_text(typed, max_length=SEARCH_MAX)
    if problem:
        return Stay(text_problem(tr, problem, SEARCH_MAX))
    own = ctx.participant.collectivity_id
    found = [c for c in await ctx.store.collectivities.search(query) if c != own]
    if not found:
        return Stay(
            tr._(
                "I found no collectivity matching “{query}”. Try another spelling.",
                query=query,
            )
        )
    kept = [c for c in draft.offered if c in draft.partners or c not in found]
    draft.offered = list(dict.fromkeys([*found, *kept]))[:OFFERED_MAX]
    return Stay(
        tr.ngettext(
            "I found {n} collectivity: tap it to choose it.",
            "I found {n} collectivities: tap those to choose.",
            len(found),
        )
    )


# the deadline


async def ask_deadline(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    lines = [
        tr._(
            "By when? Tap a choice, or type a date: for example {example}, “end of March” "
            "or “in two months”.",
            example=Ltr("31/12/2025"),
        )
    ]
    if draft.deadline:
        lines.append(
            tr._("The deadline now: {date}.", date=tr.long_date(date.fromisoformat(draft.deadline)))
        )
    labels = {
        "in_1m": tr._("In 1 month ({date})", date=tr.date(quick_date(ctx, "in_1m"))),
        "in_3m": tr._("In 3 months ({date})", date=tr.date(quick_date(ctx, "in_3m"))),
        "in_6m": tr._("In 6 months ({date})", date=tr.date(quick_date(ctx, "in_6m"))),
        "year_end": tr._("By the end of the year ({date})", date=tr.date(quick_date(ctx, "end"))),
    }
    options = tuple(Option(key, label) for key, label in labels.items())
    return Reply("\n\n".join(lines), options)


async def take_deadline(ctx: Context, answer: Answer) -> StepOutcome:
    tr = ctx.tr
    draft = draft_of(ctx)
    if answer.choice:
        draft.deadline = quick_date(ctx, answer.choice).isoformat()
        return Goto(next_step(ctx, DEADLINE))
    typed = strip_invisible(answer.text).strip()
    if not typed:
        return Stay(text_problem(tr, TextProblem.EMPTY))
    if len(typed) > SEARCH_MAX:
        return Stay(text_problem(tr, TextProblem.TOO_LONG, SEARCH_MAX))
    understood = deadlines.understand(typed, today(ctx), ctx.locale)
    if understood.outcome is Outcome.INVALID:
        return Stay(reason_text(tr, understood))
    if understood.outcome is Outcome.AMBIGUOUS:
        draft.candidates = [c.date.isoformat() for c in understood.candidates if c.date]
        draft.reason = understood.reason.value
        return Goto(CONFIRM_DATE)
    draft.deadline = understood.date.isoformat()
    said = tr._(
        "I understood: {date} ({reason}).",
        date=tr.long_date(understood.date),
        reason=reason_text(tr, understood),
    )
    return Goto(next_step(ctx, DEADLINE), (Reply(said),))


async def ask_confirm_date(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    asked = Deadline(Outcome.AMBIGUOUS, Reason(draft.reason or "several"), ())
    options = [
        Option(f"date:{iso}", tr.long_date(date.fromisoformat(iso))) for iso in draft.candidates
    ]
    options.append(Option("another", tr._("Another date"), NO))
    return Reply(reason_text(tr, asked), tuple(options))


async def take_confirm_date(ctx: Context, answer: Answer) -> StepOutcome:
    draft = draft_of(ctx)
    if answer.choice and answer.choice.startswith("date:"):
        draft.deadline = answer.choice.partition(":")[2]
        draft.candidates, draft.reason = [], ""
        return Goto(next_step(ctx, DEADLINE))
    draft.candidates, draft.reason = [], ""
    return Goto(DEADLINE)


# the success indicator


async def ask_indicator(ctx: Context) -> Reply:
    tr = ctx.tr
    given = draft_of(ctx).indicator
    question = tr._(
        "How will you know it is done? Give a success indicator in a few words (for "
        "example: an agreement signed, a visit made), or skip."
    )
    if not given:
        return Reply(question, (Option("skip", tr._("Skip"), SKIP),))
    lines = [question, "", tr._("What you wrote: “{text}”", text=given)]
    options = (Option("keep", tr._("Keep it")), Option("skip", tr._("Remove it"), SKIP))
    return Reply("\n".join(lines), options)


async def take_indicator(ctx: Context, answer: Answer) -> StepOutcome:
    draft = draft_of(ctx)
    if answer.choice == "keep":
        return Goto(next_step(ctx, INDICATOR))
    if answer.choice == "skip":
        draft.indicator = ""
        return Goto(next_step(ctx, INDICATOR))
    text, problem = check_free_text(answer.text, max_length=INDICATOR_MAX)
    if problem:
        return Stay(text_problem(ctx.tr, problem, INDICATOR_MAX))
    draft.indicator = text
    return Goto(next_step(ctx, INDICATOR))


# the summary, and saving


async def ask_summary(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    deadline = tr.long_date(date.fromisoformat(draft.deadline)) if draft.deadline else "—"
    indicator = draft.indicator or tr._("not given")
    lines = [
        tr._("Please check your commitment:"),
        tr._("• What you will do: “{text}”", text=draft.text),
        tr._("• Theme: {theme}", theme=_theme_label(ctx, draft.theme)),
        tr._("• Partners: {partners}", partners=await _partners_named(ctx, draft.partners)),
        tr._("• Deadline: {date}", date=deadline),
        tr._("• Success indicator: {indicator}", indicator=indicator),
    ]
    options = (
        Option("save", tr._("Save"), YES),
        Option("fix:text", tr._("Change what I will do")),
        Option("fix:theme", tr._("Change the theme")),
        Option("fix:partners", tr._("Change the partners")),
        Option("fix:deadline", tr._("Change the deadline")),
        Option("fix:indicator", tr._("Change the indicator")),
    )
    return Reply("\n".join(lines), options)


FIXABLE = (TEXT, THEME, PARTNERS, DEADLINE, INDICATOR)


async def take_summary(ctx: Context, answer: Answer) -> StepOutcome:
    part = (answer.choice or "").removeprefix("fix:")
    if part in FIXABLE:
        draft_of(ctx).editing = True
        return Goto(part)
    return await save(ctx)


async def save(ctx: Context) -> StepOutcome:
    """Store the commitment (or its changes) in this unit of work and finish."""
    tr = ctx.tr
    refused = await not_registered(ctx)
    if refused is not None:
        return Finish((refused,))
    draft = draft_of(ctx)
    services = ctx.services
    timing = {"now": ctx.now(), "timezone": services.event.timezone, "rules": services.follow_ups}
    parts = {
        "text": draft.text,
        "theme": draft.theme,
        "deadline": date.fromisoformat(draft.deadline),
        "indicator": draft.indicator or None,
    }
    if draft.commitment_id is None:
        commitment = await ctx.store.commitments.create(
            services.event_id, ctx.participant.id, partners=draft.partners, **parts, **timing
        )
        thanks = tr._("Thank you, your commitment is saved.")
        return Finish((Reply(await _followed_up(ctx, commitment, thanks)),))
    commitment = await ctx.store.commitments.get(draft.commitment_id, ctx.participant.id)
    if commitment is None:
        return Finish((Reply(tr._("That commitment is not one of yours.")),))
    if commitment.status in CLOSED_STATUSES:
        return Finish((Reply(tr._("This commitment is closed: it can no longer be changed.")),))
    changed = await ctx.store.commitments.edit(
        commitment, partners=draft.partners, **parts, **timing
    )
    if not changed:
        return Finish((Reply(tr._("Nothing was changed.")),))
    updated = tr._("Your commitment is updated.")
    if "deadline" in changed:
        return Finish((Reply(await _followed_up(ctx, commitment, updated)),))
    return Finish((Reply(updated),))


async def _followed_up(ctx: Context, commitment: Commitment, lead: str) -> str:
    """``lead``, then when the first follow-up comes."""
    tr = ctx.tr
    pending = [f for f in await ctx.store.follow_ups.of(commitment.id) if f.status == "pending"]
    lines = [lead]
    if pending:
        zone = ZoneInfo(ctx.services.event.timezone)
        first = pending[0].due_at.astimezone(zone).date()
        lines.append(
            tr._("I will ask you how it is going, first on {date}.", date=tr.long_date(first))
        )
    lines.append(tr._("Your commitments are in {command}.", command=Ltr("/commitments")))
    return "\n".join(lines)


# /commitments


async def listing(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    mine = await ctx.store.commitments.of_participant(ctx.services.event_id, ctx.participant.id)
    if not mine:
        return [
            Reply(
                tr._(
                    "You have made no commitment yet. Make one with {command}.",
                    command=Ltr("/commit"),
                )
            )
        ]
    lines = [tr._("Your commitments:")]
    options = []
    for number, commitment in enumerate(mine, start=1):
        lines.append(
            tr._(
                "{number}. “{text}” — {status}, by {date}",
                number=tr.number(number),
                text=commitment.text,
                status=tr._(STATUS_NAMES[commitment.status]),
                date=tr.date(commitment.deadline),
            )
        )
        if commitment.status not in CLOSED_STATUSES:
            shown = tr.number(number)
            options += [
                Option(f"{NAMESPACE}:{commitment.id}:edit", tr._("Edit {number}", number=shown)),
                Option(
                    f"{NAMESPACE}:{commitment.id}:drop", tr._("Withdraw {number}", number=shown)
                ),
            ]
    lines.append(tr._("To make another one: {command}.", command=Ltr("/commit")))
    return [Reply("\n".join(lines), tuple(options))]


ACTIONS = ("edit", "drop", "confirm", "keep")


async def on_tap(ctx: Context, tap: Tap) -> list[Reply]:
    """``commitment:<id>:edit|drop|confirm|keep``, on the person's own commitments only."""
    tr = ctx.tr
    stale = [Reply(tr._("That button is no longer active."))]
    if len(tap.parts) != 2 or not tap.parts[0].isdigit() or tap.parts[1] not in ACTIONS:
        return stale
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    commitment = await ctx.store.commitments.get(int(tap.parts[0]), ctx.participant.id)
    if commitment is None or commitment.event_id != ctx.services.event_id:
        return stale
    action = tap.parts[1]
    if action == "keep":
        return [Reply(tr._("Very well, your commitment stays as it is."))]
    if commitment.status in CLOSED_STATUSES:
        return [Reply(tr._("This commitment is closed: it can no longer be changed."))]
    if action == "edit":
        partners = await ctx.store.commitments.partners(commitment.id)
        ctx.enter(COMMIT, _stored_draft(commitment, partners, await _offered(ctx)))
        ctx.step = SUMMARY
        return []
    if action == "drop":
        question = tr._(
            "Withdraw this commitment? “{text}” No more follow-ups will be sent for it.",
            text=commitment.text,
        )
        options = (
            Option(f"{NAMESPACE}:{commitment.id}:confirm", tr._("Yes, withdraw it"), YES),
            Option(f"{NAMESPACE}:{commitment.id}:keep", tr._("No, keep it"), NO),
        )
        return [Reply(question, options)]
    services = ctx.services
    await ctx.store.commitments.withdraw(
        commitment, now=ctx.now(), timezone=services.event.timezone, rules=services.follow_ups
    )
    return [Reply(tr._("Your commitment is withdrawn; no more follow-ups will be sent for it."))]


COMMIT = Flow(
    name=NAME,
    first=TEXT,
    draft=CommitDraft,
    steps={
        TEXT: Step(ask_text, take_text),
        THEME: Step(ask_theme, take_theme),
        PARTNERS: Step(ask_partners, take_partners),
        DEADLINE: Step(ask_deadline, take_deadline),
        CONFIRM_DATE: Step(ask_confirm_date, take_confirm_date, free_text=False),
        INDICATOR: Step(ask_indicator, take_indicator),
        SUMMARY: Step(ask_summary, take_summary, free_text=False),
    },
)
