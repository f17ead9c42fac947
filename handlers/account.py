"""Flows about the person's own account: switching language, erasing personal data.

Both are side flows: entered over whatever the person was doing, they finish and the
engine returns to the flow they interrupted (see :mod:`handlers.state`).
"""

from __future__ import annotations

from handlers.context import Context
from handlers.flow import Answer, Finish, Flow, Outcome, Step
from handlers.messages import NO, YES, Option, Reply
from handlers.wording import LANGUAGE_NAMES


def language_options(ctx: Context) -> tuple[Option, ...]:
    """One option per offered language, each named in itself."""
    locales = ctx.services.catalogs.locales
    return tuple(Option(f"lang:{locale}", LANGUAGE_NAMES[locale]) for locale in locales)


def chosen_language(answer: Answer) -> str:
    return (answer.choice or "").removeprefix("lang:")


async def ask_language(ctx: Context) -> Reply:
    return Reply(ctx.tr._("Please choose your language."), language_options(ctx))


async def take_language(ctx: Context, answer: Answer) -> Outcome:
    locale = chosen_language(answer)
    ctx.account.locale = locale
    done = Reply(
        ctx.tr._("Done: I will speak {language} with you.", language=LANGUAGE_NAMES[locale])
    )
    return Finish((done,))


LANGUAGE_FLOW = Flow(
    name="language",
    first="choose",
    steps={"choose": Step(ask_language, take_language, free_text=False)},
)


async def ask_erase(ctx: Context) -> Reply:
    tr = ctx.tr
    if ctx.participant is None:
        text = tr._(
            "This erases what you have entered so far: the answers of your unfinished "
            "registration and your language choice. Do you want to erase it?"
        )
    else:
        text = tr._(
            "This erases your profile for good: your name, collectivity, position, phone and "
            "email. Do you want to erase it?"
        )
    return Reply(
        text,
        (
            Option("erase", tr._("Yes, erase my data"), YES),
            Option("keep", tr._("No, keep it"), NO),
        ),
    )


async def take_erase(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    if answer.choice != "erase":
        return Finish((Reply(tr._("Nothing was erased.")),))
    if ctx.participant is not None:
        await ctx.store.participants.erase(ctx.participant.id)
    ctx.participant = None
    ctx.forget_account = True
    return Finish(
        (
            Reply(
                tr._(
                    "Your personal data has been erased. "
                    "If you wish to register again, send /start."
                )
            ),
        )
    )


ERASE_FLOW = Flow(
    name="erase",
    first="confirm",
    steps={"confirm": Step(ask_erase, take_erase, free_text=False)},
)
