"""/broadcast, for facilitators and organisers: compose a message to many, in steps.

The steps, as a state table (each step's prompt, then where each answer leads):

====================  ==============================================================
step                  answers
====================  ==============================================================
``text``              the text, for everyone → ``buttons``; "one text per language"
                      → ``text_ar``
``text_ar`` … ``_en`` each language's text → the next language, then ``buttons``
``buttons``           none (a message), answer buttons (a poll) → ``answers``, an open
                      question, a check-in, an interests or a commit button → ``audience``
``answers``           2 to 6 answers, one a line → ``audience``
``audience``          everyone registered, those present → ``preview``; a region →
                      ``region``; a kind of collectivity → ``kind``; some collectivities
                      → ``codes``; a table of a round → ``table``; those who have not
                      answered → ``unanswered``
``region``, ``kind``  one of the list → ``preview``
``codes``             collectivity codes, separated by commas → ``preview``
``table``             a round's number and a table's → ``preview``
``unanswered``        one of the last polls, questions and check-ins: those it reached
                      who have not answered → ``preview``
``preview``           the message as it will read, its recipients per language; send
                      (written to the outbox, sent by the dispatcher) or change the
                      audience; /cancel drops it
====================  ==============================================================

Only facilitators and organisers get /broadcast (the core refuses it to anyone else);
the flow is a side flow, so whatever the person was doing resumes after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from db import broadcasts
from db.directory import local_name
from domain.arabic import strip_invisible, to_ascii_digits
from domain.free_text import check_free_text
from handlers.commands import FACILITATOR, Commands, CommandSpec
from handlers.context import Context
from handlers.draft import Draft
from handlers.flow import Answer, Finish, Flow, Goto, Outcome, Stay, Step
from handlers.messages import Option, Reply
from handlers.polls import KIND_NAMES as BROADCAST_KINDS
from handlers.wording import LANGUAGE_NAMES, text_problem
from locales.i18n import N_, Ltr, Native

NAME = "compose"
TEXT_MAX = 1000
ANSWER_MAX = 40
LANGUAGES = ("ar", "fr", "en")
KIND_NAMES = {
    "region": N_("Regions"),
    "prefecture": N_("Prefectures"),
    "province": N_("Provinces"),
    "commune": N_("Communes"),
}
BUTTONS = {
    broadcasts.MESSAGE: N_("No buttons: a message"),
    broadcasts.POLL: N_("Answer buttons: a poll"),
    broadcasts.QUESTION: N_("An open question, answered in a sentence"),
    broadcasts.CHECKIN: N_("A check-in button"),
    broadcasts.INTERESTS: N_("A button to give one's interests"),
    broadcasts.COMMIT: N_("A button to make a commitment"),
}


@dataclass
class ComposeDraft(Draft):
    text: str | None = None
    """The one text for everyone, or the Arabic one when there is one per language."""
    text_fr: str | None = None
    text_en: str | None = None
    per_language: bool = False
    kind: str = broadcasts.MESSAGE
    answers: list[str] = field(default_factory=list)
    audience: str = ""

    def texts(self) -> dict[str, str]:
        if not self.per_language:
            return {broadcasts.DEFAULT: self.text or ""}
        return {
            broadcasts.DEFAULT: self.text or "",
            "ar": self.text or "",
            "fr": self.text_fr or "",
            "en": self.text_en or "",
        }


def draft_of(ctx: Context) -> ComposeDraft:
    assert isinstance(ctx.draft, ComposeDraft)
    return ctx.draft


def register(commands: Commands) -> None:
    commands.register(
        CommandSpec("broadcast", N_("Send a message, a poll or a question"), FACILITATOR, begin)
    )


async def begin(ctx: Context, argument: str = "") -> list[Reply]:
    """Open the composition over whatever the person was doing; its first question comes
    next (the engine asks the pending question after a command)."""
    ctx.enter(COMPOSE)
    return []


def _clean(text: str, max_length: int) -> tuple[str | None, str | None]:
    """The text with its lines kept, or the problem said to the person."""
    lines = [" ".join(strip_invisible(line).split()) for line in text.strip().splitlines()]
    kept = "\n".join(lines).strip()
    _, problem = check_free_text(kept, max_length=max_length)
    return (None, problem) if problem else (kept, None)


# the text


async def ask_text(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._(
            "Write the message to send. Everyone gets this text, whatever their language; "
            "to write one per language, tap the button."
        ),
        (Option("per_language", tr._("One text per language")),),
    )


async def take_text(ctx: Context, answer: Answer) -> Outcome:
    draft = draft_of(ctx)
    if answer.choice == "per_language":
        draft.per_language = True
        return Goto("text_ar")
    text, problem = _clean(answer.text, TEXT_MAX)
    if problem:
        return Stay(text_problem(ctx.tr, problem, TEXT_MAX))
    draft.text, draft.per_language = text, False
    return Goto("buttons")


def _ask_language(locale: str):
    async def ask(ctx: Context) -> Reply:
        return Reply(
            ctx.tr._("Write the text in {language}.", language=Native(LANGUAGE_NAMES[locale]))
        )

    return ask


def _take_language(locale: str, then: str):
    async def take(ctx: Context, answer: Answer) -> Outcome:
        text, problem = _clean(answer.text, TEXT_MAX)
        if problem:
            return Stay(text_problem(ctx.tr, problem, TEXT_MAX))
        draft = draft_of(ctx)
        setattr(draft, "text" if locale == "ar" else f"text_{locale}", text)
        return Goto(then)

    return take


# the buttons


async def ask_buttons(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._("Should the message carry buttons?"),
        tuple(Option(f"kind_{kind}", tr._(label)) for kind, label in BUTTONS.items()),
    )


async def take_buttons(ctx: Context, answer: Answer) -> Outcome:
    kind = (answer.choice or "").removeprefix("kind_")
    draft = draft_of(ctx)
    draft.kind = kind
    draft.answers = []
    return Goto("answers" if kind == broadcasts.POLL else "audience")


async def ask_answers(ctx: Context) -> Reply:
    low, high = broadcasts.POLL_OPTIONS
    return Reply(
        ctx.tr._(
            "Write the answers, one a line: from {low} to {high}, each of at most {length} "
            "characters.",
            low=low,
            high=high,
            length=ANSWER_MAX,
        )
    )


async def take_answers(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    low, high = broadcasts.POLL_OPTIONS
    answers = []
    for line in answer.text.splitlines():
        if not line.strip():
            continue
        text, problem = _clean(line, ANSWER_MAX)
        if problem:
            return Stay(text_problem(tr, problem, ANSWER_MAX))
        answers.append(text)
    if not low <= len(answers) <= high:
        return Stay(
            tr._(
                "A poll needs from {low} to {high} answers, one a line; I read {count}.",
                low=low,
                high=high,
                count=len(answers),
            )
        )
    if len(set(answers)) != len(answers):
        return Stay(tr._("Two answers are the same: please give each answer once."))
    draft_of(ctx).answers = answers
    return Goto("audience")


# the audience


async def ask_audience(ctx: Context) -> Reply:
    tr = ctx.tr
    return Reply(
        tr._("Who should receive it?"),
        (
            Option("all", tr._("Everyone registered")),
            Option("present", tr._("Those present (checked in)")),
            Option("by_region", tr._("A region")),
            Option("by_kind", tr._("A kind of collectivity")),
            Option("by_code", tr._("Some collectivities, by their codes")),
            Option("by_table", tr._("A table of a speed-networking round")),
            Option("by_unanswered", tr._("Those who have not answered a poll or question")),
        ),
    )


AUDIENCE_STEPS = {
    "by_region": "region",
    "by_kind": "kind",
    "by_code": "codes",
    "by_table": "table",
    "by_unanswered": "unanswered",
}


async def take_audience(ctx: Context, answer: Answer) -> Outcome:
    choice = answer.choice or ""
    if choice in ("all", "present"):
        draft_of(ctx).audience = choice
        return Goto("preview")
    return Goto(AUDIENCE_STEPS.get(choice, "codes"))


async def ask_region(ctx: Context) -> Reply:
    regions = await ctx.store.collectivities.regions()
    options = tuple(Option(f"region:{r.code}", local_name(r, ctx.locale)) for r in regions)
    return Reply(ctx.tr._("Which region?"), options)


async def take_kind_or_region(ctx: Context, answer: Answer) -> Outcome:
    draft_of(ctx).audience = answer.choice or ""
    return Goto("preview")


async def ask_kind(ctx: Context) -> Reply:
    tr = ctx.tr
    options = tuple(Option(f"kind:{kind}", tr._(label)) for kind, label in KIND_NAMES.items())
    return Reply(tr._("Which kind of collectivity?"), options)


async def ask_codes(ctx: Context) -> Reply:
    return Reply(
        ctx.tr._(
            "Write the codes of the collectivities, separated by commas (as in the "
            "collectivities file, for example {example}).",
            example=Ltr("01.081.03, 02.111.01"),
        )
    )


async def take_codes(ctx: Context, answer: Answer) -> Outcome:
    codes = [code.strip() for code in answer.text.replace("،", ",").split(",") if code.strip()]
    if not codes:
        return Stay(ctx.tr._("Please write at least one code."))
    audience = broadcasts.Audience("collectivity", tuple(dict.fromkeys(codes)))
    unknown = await ctx.store.live.unknown_codes(audience.values)
    if unknown:
        return Stay(
            ctx.tr._(
                "No collectivity has the code {codes}. Please check and write them again.",
                codes=Ltr(", ".join(unknown)),
            )
        )
    draft_of(ctx).audience = str(audience)
    return Goto("preview")


async def ask_table(ctx: Context) -> Reply:
    return Reply(
        ctx.tr._(
            "Write the round's number, then the table's: for example {example} for table 5 "
            "of round 2.",
            example=Ltr("2 5"),
        )
    )


async def take_table(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    numbers = re.findall(r"\d+", to_ascii_digits(answer.text))
    if len(numbers) != 2 or any(len(number) > 6 for number in numbers):
        return Stay(tr._("Please write two numbers: the round's, then the table's."))
    number, table = (int(value) for value in numbers)
    audience = broadcasts.Audience("table", (str(number), str(table)))
    try:
        await ctx.store.live.check_audience(ctx.services.event_id, audience)
    except broadcasts.BadAudience:
        return Stay(
            tr._(
                "Round {number} has no table {table}. The rounds so far are in {command}.",
                number=tr.number(number),
                table=tr.number(table),
                command=Ltr("/rounds"),
            )
        )
    draft_of(ctx).audience = str(audience)
    return Goto("preview")


UNANSWERED_LABEL_MAX = 40


async def ask_unanswered(ctx: Context) -> Reply:
    tr = ctx.tr
    found = await ctx.store.live.answerable(ctx.services.event_id)
    if not found:
        return Reply(
            tr._("No poll, open question or check-in has been sent yet."),
            (Option("change", tr._("Change the audience")),),
        )
    options = []
    for broadcast in found:
        text = broadcasts.text_for(broadcast.texts, ctx.locale)
        if len(text) > UNANSWERED_LABEL_MAX:
            text = text[: UNANSWERED_LABEL_MAX - 1] + "…"
        label = tr._(
            "{number} {kind}: {text}",
            number=Ltr(f"#{broadcast.id}"),
            kind=tr._(BROADCAST_KINDS[broadcast.kind]),
            text=Native(text),
        )
        options.append(Option(f"unanswered:{broadcast.id}", label))
    return Reply(
        tr._("Which one? The message goes to those it reached who have not answered it."),
        (*options, Option("change", tr._("Change the audience"))),
    )


async def take_unanswered(ctx: Context, answer: Answer) -> Outcome:
    if answer.choice == "change":
        return Goto("audience")
    draft_of(ctx).audience = answer.choice or ""
    return Goto("preview")


# the preview


async def ask_preview(ctx: Context) -> Reply:
    tr = ctx.tr
    draft = draft_of(ctx)
    audience = broadcasts.parse_audience(draft.audience)
    locales = await ctx.store.live.audience_locales(ctx.services.event_id, audience)
    total = sum(locales.values())
    shown = broadcasts.text_for(draft.texts(), ctx.locale)
    lines = [tr._("Here is the message as it will read:"), "", shown]
    if draft.answers:
        lines += [f"• {answer}" for answer in draft.answers]
    lines.append("")
    if total == 0:
        lines.append(tr._("Nobody is in this audience yet."))
        return Reply(
            "\n".join(lines),
            (Option("change", tr._("Change the audience")),),
        )
    by_language = ", ".join(
        tr._(
            "{language}: {count}",
            language=LANGUAGE_NAMES.get(locale or ctx.services.default_locale, locale),
            count=count,
        )
        for locale, count in sorted(locales.items(), key=lambda item: -item[1])
    )
    lines.append(
        tr.ngettext(
            "It goes to {n} person ({languages}).",
            "It goes to {n} people ({languages}).",
            total,
            languages=by_language,
        )
    )
    return Reply(
        "\n".join(lines),
        (
            Option("send", tr._("Send")),
            Option("change", tr._("Change the audience")),
        ),
    )


async def take_preview(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    if answer.choice == "change":
        return Goto("audience")
    draft = draft_of(ctx)
    options = None
    if draft.kind == broadcasts.POLL:
        options = [{broadcasts.DEFAULT: text} for text in draft.answers]
    created = await ctx.store.live.send(
        ctx.services.event_id,
        broadcasts.parse_audience(draft.audience),
        draft.texts(),
        ctx.now(),
        kind=draft.kind,
        options=options,
        sent_by=None if ctx.participant is None else ctx.participant.id,
        catalogs=ctx.services.catalogs,
    )
    return Finish(
        (
            Reply(
                tr.ngettext(
                    "Sent to {n} person (broadcast {id}). Follow it with {command}.",
                    "Sent to {n} people (broadcast {id}). Follow it with {command}.",
                    created.recipients,
                    id=Ltr(f"#{created.id}"),
                    command=Ltr("/broadcasts"),
                )
            ),
        )
    )


COMPOSE = Flow(
    name=NAME,
    first="text",
    steps={
        "text": Step(ask_text, take_text),
        "text_ar": Step(_ask_language("ar"), _take_language("ar", "text_fr")),
        "text_fr": Step(_ask_language("fr"), _take_language("fr", "text_en")),
        "text_en": Step(_ask_language("en"), _take_language("en", "buttons")),
        "buttons": Step(ask_buttons, take_buttons, free_text=False),
        "answers": Step(ask_answers, take_answers),
        "audience": Step(ask_audience, take_audience, free_text=False),
        "region": Step(ask_region, take_kind_or_region, free_text=False),
        "kind": Step(ask_kind, take_kind_or_region, free_text=False),
        "codes": Step(ask_codes, take_codes),
        "table": Step(ask_table, take_table),
        "unanswered": Step(ask_unanswered, take_unanswered, free_text=False),
        "preview": Step(ask_preview, take_preview, free_text=False),
    },
    draft=ComposeDraft,
)
