"""An open question's answer: the side flow behind its «Answer» button.

A tap on ``ask:<broadcast id>`` opens it over whatever the person was doing; it takes one
sentence (in Arabic, Darija or French, checked as every free text is), keeps it as a reply
to the question, and returns to the flow it interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.broadcasts import QUESTION, text_for
from domain.free_text import check_free_text
from handlers.buttons import broadcast_of
from handlers.context import Context
from handlers.draft import Draft
from handlers.flow import Answer, Finish, Flow, Outcome, Stay, Step
from handlers.messages import Reply
from handlers.presence import not_registered
from handlers.router import Tap
from handlers.wording import text_problem

ASK = "ask"
REPLY_STEP = "reply"
MAX_LENGTH = 500


@dataclass
class QuestionDraft(Draft):
    broadcast_id: int | None = None


async def _question(ctx: Context):
    draft = ctx.draft
    if not isinstance(draft, QuestionDraft) or draft.broadcast_id is None:
        return None
    found = await ctx.store.live.broadcast(draft.broadcast_id, event_id=ctx.services.event_id)
    return found if found is not None and found.kind == QUESTION else None


async def ask_reply(ctx: Context) -> Reply:
    tr = ctx.tr
    question = await _question(ctx)
    ask = tr._("Please write your answer in one sentence, in Arabic, Darija or French.")
    if question is None:
        return Reply(ask)
    return Reply(f"{text_for(question.texts, ctx.locale)}\n\n{ask}")


async def take_reply(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    text, problem = check_free_text(answer.text, max_length=MAX_LENGTH)
    if problem:
        return Stay(text_problem(tr, problem, MAX_LENGTH))
    question = await _question(ctx)
    if question is None or not await ctx.store.live.add_reply(
        question, ctx.participant.id, text, ctx.now()
    ):
        return Finish((Reply(tr._("This question is closed; your answer was not kept.")),))
    return Finish((Reply(tr._("Thank you, your answer has been received.")),))


QUESTION_FLOW = Flow(
    name="question",
    first=REPLY_STEP,
    steps={REPLY_STEP: Step(ask_reply, take_reply)},
    draft=QuestionDraft,
)


def enter(ctx: Context, broadcast_id: int) -> None:
    """Open the answer over the current flow, which resumes after it.

    An answer already open (current or interrupted) is not opened twice: the flows above it
    are left, and it starts again for this question.
    """
    ctx.enter(QUESTION_FLOW, QuestionDraft(broadcast_id=broadcast_id))


async def on_ask_tap(ctx: Context, tap: Tap) -> list[Reply]:
    """``ask:<broadcast id>``: open the answer's side flow; its question comes next."""
    tr = ctx.tr
    question = await broadcast_of(ctx, tap)
    if question is None or question.kind != QUESTION:
        return [Reply(tr._("That button is no longer active."))]
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    if question.closed_at is not None:
        return [Reply(tr._("This question is closed; answers are no longer taken."))]
    enter(ctx, question.id)
    return []
