"""Flows about the person's own account: switching language, erasing personal data."""

from __future__ import annotations

from sqlalchemy import delete

from db.models import ChannelAccount, Participant
from handlers.context import Context
from handlers.flow import Answer, Finish, Flow, Outcome, Step, Switch
from handlers.messages import NO, YES, Option, Reply
from handlers.wording import LANGUAGE_NAMES

RESUME = "resume"


async def ask_language(ctx: Context) -> Reply:
    locales = ctx.services.catalogs.locales
    options = tuple(Option(f"lang:{locale}", LANGUAGE_NAMES[locale]) for locale in locales)
    return Reply(ctx.tr._("Please choose your language."), options)


async def take_language(ctx: Context, answer: Answer) -> Outcome:
    locale = (answer.choice or "").removeprefix("lang:")
    ctx.account.locale = locale
    if ctx.participant is not None:
        ctx.participant.locale = locale
        ctx.participant.updated_at = ctx.now()
    done = Reply(
        ctx.tr._("Done: I will speak {language} with you.", language=LANGUAGE_NAMES[locale])
    )
    resume = ctx.data.pop(RESUME, None)
    if resume:
        return Switch(resume[0], resume[1], (done,))
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
        kept = Reply(tr._("Nothing was erased."))
        resume = ctx.data.pop(RESUME, None)
        return Switch(resume[0], resume[1], (kept,)) if resume else Finish((kept,))
    if ctx.participant is not None:
        participant_id = ctx.participant.id
        await ctx.session.execute(
            delete(ChannelAccount).where(ChannelAccount.participant_id == participant_id)
        )
        await ctx.session.execute(delete(Participant).where(Participant.id == participant_id))
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
