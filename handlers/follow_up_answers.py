"""The answers to a follow-up: one tap on ``followup:<follow-up id>:<answer>``.

Only the commitment's owner may answer, and only a follow-up that was sent, of a
commitment still open (a tap on an older message of it still counts: a second answer
replaces the status the first gave). Each answer is a step of the commitment's history
(source ``followup``) and marks the follow-up answered:

- *Done* and *Dropped* close the commitment, which cancels its pending follow-ups;
- *In progress* sets it ``in_progress``;
- *Blocked* sets it ``blocked`` and asks the reason, in a short side flow;
- *I need help* flags it (``needs_help_at``), writes to each organiser who can be reached
  (:mod:`handlers.help_requests`) and names up to three peers of other collectivities
  who offered its theme.

After any of them a note can be added (*Add a note*, the same side flow) or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Commitment, FollowUp
from domain.free_text import check_free_text
from handlers.context import Context
from handlers.draft import Draft
from handlers.flow import Answer, Finish, Flow, Outcome, Stay, Step
from handlers.follow_up_messages import (
    BLOCKED,
    DONE,
    DROPPED,
    HELP,
    NAMESPACE,
    NOTE,
    PROGRESS,
    SKIP_NOTE,
    note_options,
)
from handlers.help_requests import tell_organisers
from handlers.messages import Reply
from handlers.router import Callbacks, Tap
from handlers.wording import collectivity_label, text_problem

TEXT_STEP = "text"
MAX_LENGTH = 500
PEERS = 3
STATUSES = {DONE: "done", PROGRESS: "in_progress", BLOCKED: "blocked", DROPPED: "dropped"}
CLOSING = ("done", "dropped")
ANSWERABLE = ("sent", "answered")


@dataclass
class NoteDraft(Draft):
    follow_up_id: int | None = None
    reason: bool = False
    """The reason it is blocked, rather than a note."""


async def _answerable(ctx: Context, follow_up_id: int) -> tuple[FollowUp, Commitment] | None:
    """The follow-up and its commitment, when this person may answer it."""
    if ctx.participant is None:
        return None
    found = await ctx.store.following.get(follow_up_id, ctx.services.event_id)
    if found is None:
        return None
    follow_up, commitment = found
    if commitment.participant_id != ctx.participant.id or follow_up.status not in ANSWERABLE:
        return None
    return follow_up, commitment


async def ask_text(ctx: Context) -> Reply:
    tr = ctx.tr
    if isinstance(ctx.draft, NoteDraft) and ctx.draft.reason:
        return Reply(tr._("What is blocking it? Please write it in one sentence."))
    return Reply(tr._("Please write your note in one sentence."))


async def take_text(ctx: Context, answer: Answer) -> Outcome:
    tr = ctx.tr
    text, problem = check_free_text(answer.text, max_length=MAX_LENGTH)
    if problem:
        return Stay(text_problem(tr, problem, MAX_LENGTH))
    draft = ctx.draft
    found = None
    if isinstance(draft, NoteDraft) and draft.follow_up_id is not None:
        found = await _answerable(ctx, draft.follow_up_id)
    if found is None:
        return Finish((Reply(tr._("That follow-up is no longer active.")),))
    _follow_up, commitment = found
    if draft.reason:
        if commitment.status != "blocked":
            return Finish((Reply(tr._("That follow-up is no longer active.")),))
        commitment.blocked_reason = text
    following = ctx.store.following
    last = await following.last_update(commitment.id)
    if last is not None and last.source == "followup" and last.note is None:
        last.note = text
        commitment.updated_at = ctx.now()
    else:
        await following.record(commitment, ctx.now(), note=text)
    if draft.reason:
        return Finish((Reply(tr._("Thank you, the reason is noted.")),))
    return Finish((Reply(tr._("Thank you, your note is added.")),))


NOTE_FLOW = Flow(
    name="followup_note",
    first=TEXT_STEP,
    steps={TEXT_STEP: Step(ask_text, take_text)},
    draft=NoteDraft,
)


async def on_follow_up_tap(ctx: Context, tap: Tap) -> list[Reply]:
    """``followup:<follow-up id>:<answer>``."""
    tr = ctx.tr
    inactive = [Reply(tr._("That follow-up is no longer active."))]
    parts = tap.parts
    if len(parts) != 2 or not (parts[0].isascii() and parts[0].isdigit() and len(parts[0]) < 10):
        return inactive
    found = await _answerable(ctx, int(parts[0]))
    if found is None:
        return inactive
    follow_up, commitment = found
    answer = parts[1]
    if answer == NOTE:
        ctx.enter(NOTE_FLOW, NoteDraft(follow_up_id=follow_up.id))
        return []
    if answer == SKIP_NOTE:
        return [Reply(tr._("Noted, thank you."))]
    if commitment.status in CLOSING:
        return inactive
    if answer == HELP:
        return [await _help(ctx, follow_up, commitment)]
    status = STATUSES.get(answer)
    if status is None:
        return inactive
    await _set_status(ctx, follow_up, commitment, status)
    if status == "blocked":
        ctx.enter(NOTE_FLOW, NoteDraft(follow_up_id=follow_up.id, reason=True))
        return [Reply(tr._("Noted: your commitment is blocked."))]
    said = {
        "done": tr._("Well done! Your commitment is marked as done; no more follow-ups."),
        "dropped": tr._("Noted: your commitment is dropped; no more follow-ups."),
        "in_progress": tr._("Noted: your commitment is in progress."),
    }[status]
    ask = tr._("Would you like to add a note?")
    return [Reply(f"{said}\n{ask}", note_options(tr, follow_up.id))]


async def _set_status(
    ctx: Context, follow_up: FollowUp, commitment: Commitment, status: str
) -> None:
    now = ctx.now()
    following = ctx.store.following
    commitment.status = status
    if status != "blocked":
        commitment.blocked_reason = None
    if status in CLOSING:
        commitment.closed_at = now
        await ctx.store.follow_ups.reschedule(
            commitment, now, ctx.services.event.timezone, ctx.services.follow_ups
        )
    await following.record(commitment, now)
    await following.finish(follow_up, "answered", now)


async def _help(ctx: Context, follow_up: FollowUp, commitment: Commitment) -> Reply:
    tr = ctx.tr
    now = ctx.now()
    following = ctx.store.following
    if commitment.needs_help_at is None:
        commitment.needs_help_at = now
    await following.record(commitment, now)
    await following.finish(follow_up, "answered", now)
    lines = [tr._("Your request for help is flagged to the organisers.")]
    peers = []
    if commitment.theme in ctx.services.themes.slugs:
        peers = await following.offering(
            ctx.services.event_id,
            commitment.theme,
            besides_collectivity=ctx.participant.collectivity_id,
            limit=PEERS,
        )
    await tell_organisers(ctx, ctx.participant, commitment, follow_up, peers)
    if peers:
        lines.append(
            tr._(
                "These peers offered to share their experience of “{theme}”:",
                theme=ctx.services.themes.label(commitment.theme, ctx.locale),
            )
        )
        lines += [
            tr._(
                "• {name}, {collectivity}",
                name=peer.full_name,
                collectivity=collectivity_label(tr, peer.collectivity),
            )
            for peer in peers
        ]
    lines.append(tr._("Would you like to add a note?"))
    return Reply("\n".join(lines), note_options(tr, follow_up.id))


def register(callbacks: Callbacks) -> None:
    callbacks.register(NAMESPACE, on_follow_up_tap)
