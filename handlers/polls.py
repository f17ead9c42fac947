"""Live polls and the facilitators' view of what was broadcast.

- A tap on a poll's option (``poll:<id>:<n>``) counts the person's one answer, or changes
  it, until the poll closes; whatever the person was doing, the pending question comes
  again after the acknowledgement.
- ``/poll`` (facilitators) shows the latest open poll's live counts as text bars, with a
  button to refresh them and one to close the poll; ``/poll ID`` shows that one.
- ``/broadcasts`` (facilitators) lists the last five broadcasts with where their copies
  stand, the answers of each poll, and the replies of each question on request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from db.broadcasts import CHECKIN, MESSAGE, POLL, QUESTION, text_for
from db.models import Broadcast
from db.polls import Answered
from domain.themes import Taxonomy
from handlers import questions
from handlers.commands import FACILITATOR, CommandSpec, may_use
from handlers.messages import Option, Reply
from handlers.presence import not_registered
from handlers.router import Tap
from locales.i18n import N_, Ltr, Native, Translator

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.conversation import Conversation

POLL_TAP = "poll"
POLL_CONTROL = "pollctl"
BROADCAST_CONTROL = "bcast"
BAR_WIDTH = 10
FULL, EMPTY = "█", "░"
RECENT = 5
REPLIES_SHOWN_MAX_CHARS = 12000
KIND_NAMES = {
    MESSAGE: N_("message"),
    POLL: N_("poll"),
    QUESTION: N_("open question"),
    CHECKIN: N_("check-in"),
}
POLL_COMMANDS = (
    ("poll", N_("The live counts of the latest poll, and closing it")),
    ("broadcasts", N_("The last broadcasts and where they stand")),
)


def register(conversation: Conversation) -> None:
    handlers = {"poll": poll_command, "broadcasts": broadcasts_command}
    for name, description in POLL_COMMANDS:
        conversation.commands.register(CommandSpec(name, description, FACILITATOR, handlers[name]))
    conversation.callbacks.register(POLL_TAP, on_poll_tap)
    conversation.callbacks.register(POLL_CONTROL, on_poll_control)
    conversation.callbacks.register(BROADCAST_CONTROL, on_broadcast_control)
    conversation.callbacks.register(questions.ASK, questions.on_ask_tap)


def _id(text: str) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


async def _poll(ctx: Context, raw: str) -> Broadcast | None:
    broadcast_id = _id(raw)
    if broadcast_id is None:
        return None
    found = await ctx.store.live.broadcast(broadcast_id, event_id=ctx.services.event_id)
    return found if found is not None and found.kind == POLL else None


def option_label(poll: Broadcast, position: int, locale: str) -> str:
    return text_for(poll.options[position], locale)


# a participant's tap


async def on_poll_tap(ctx: Context, tap: Tap) -> Sequence[Reply]:
    """``poll:<id>:<n>``: count the answer, or change it, or say why not."""
    tr = ctx.tr
    poll = await _poll(ctx, tap.parts[0]) if len(tap.parts) == 2 else None
    position = _id(tap.parts[1]) if poll is not None else None
    if poll is None or position is None or position >= len(poll.options or ()):
        return [Reply(tr._("That button is no longer active."))]
    refused = await not_registered(ctx)
    if refused is not None:
        return [refused]
    outcome = await ctx.store.live.answer(poll, ctx.participant.id, position, ctx.now())
    label = Native(option_label(poll, position, ctx.locale))
    match outcome:
        case Answered.CLOSED:
            text = tr._("This poll is closed; answers are no longer counted.")
        case Answered.CHANGED:
            text = tr._("Your answer is changed: {answer}.", answer=label)
        case Answered.SAME:
            text = tr._("Your answer is already counted: {answer}.", answer=label)
        case _:
            text = tr._("Your answer is counted: {answer}.", answer=label)
    return [Reply(text)]


# the facilitator's view


def bar(count: int, total: int) -> str:
    filled = round(BAR_WIDTH * count / total) if total else 0
    return FULL * filled + EMPTY * (BAR_WIDTH - filled)


def results_text(tr: Translator, poll: Broadcast, counts: list[int]) -> str:
    """The question, then one bar per option with its share and count, then the total."""
    total = sum(counts)
    lines = [
        tr._("Poll {number}:", number=Ltr(f"#{poll.id}")),
        text_for(poll.texts, tr.locale),
        "",
    ]
    for position, count in enumerate(counts):
        percent = round(100 * count / total) if total else 0
        lines.append(
            tr._(
                "{answer} {bar} {percent}% ({count})",
                answer=Native(option_label(poll, position, tr.locale)),
                bar=Native(bar(count, total)),
                percent=tr.number(percent),
                count=tr.number(count),
            )
        )
    lines.append("")
    lines.append(tr.ngettext("{n} answer.", "{n} answers.", total))
    if poll.closed_at is not None:
        lines.append(tr._("The poll is closed."))
    return "\n".join(lines)


async def poll_view(ctx: Context, poll: Broadcast) -> Reply:
    tr = ctx.tr
    text = results_text(tr, poll, await ctx.store.live.counts(poll))
    if poll.closed_at is not None:
        return Reply(text)
    return Reply(
        text,
        (
            Option(f"{POLL_CONTROL}:{poll.id}:refresh", tr._("Refresh")),
            Option(f"{POLL_CONTROL}:{poll.id}:close", tr._("Close the poll")),
        ),
    )


async def poll_command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    if argument.strip():
        poll = await _poll(ctx, argument)
        if poll is None:
            return [Reply(tr._("There is no poll {number}.", number=Ltr(argument.strip()[:20])))]
    else:
        poll = await ctx.store.live.latest_open_poll(ctx.services.event_id)
        if poll is None:
            return [Reply(tr._("No poll is open. Send /poll with a number to see an earlier one."))]
    return [await poll_view(ctx, poll)]


def _refused(ctx: Context) -> Reply | None:
    if may_use(FACILITATOR, ctx.roles):
        return None
    return Reply(ctx.tr._("Sorry, this button is not available to you."))


async def on_poll_control(ctx: Context, tap: Tap) -> Sequence[Reply]:
    """``pollctl:<id>:refresh`` and ``pollctl:<id>:close``, for facilitators."""
    refused = _refused(ctx)
    if refused is not None:
        return [refused]
    poll = await _poll(ctx, tap.parts[0]) if len(tap.parts) == 2 else None
    if poll is None or tap.parts[1] not in ("refresh", "close"):
        return [Reply(ctx.tr._("That button is no longer active."))]
    if tap.parts[1] == "close":
        await ctx.store.live.close(poll, ctx.now())
    return [await poll_view(ctx, poll)]


def _local(ctx: Context, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(ctx.services.event.timezone))


async def broadcasts_command(ctx: Context, argument: str = "") -> Sequence[Reply]:
    tr = ctx.tr
    live = ctx.store.live
    recent = await live.recent(ctx.services.event_id, RECENT)
    if not recent:
        return [Reply(tr._("Nothing has been broadcast yet."))]
    blocks = [tr._("The last broadcasts, newest first:")]
    options = []
    for item in recent:
        state = item.progress
        when = _local(ctx, item.due_at or item.created_at)
        lines = [
            tr._(
                "{number} {kind}, {day} {time}, to {audience} ({count})",
                number=Ltr(f"#{item.id}"),
                kind=tr._(KIND_NAMES[item.kind]),
                day=tr.date(when.date()),
                time=Ltr(tr.time(when)),
                audience=Ltr(item.audience),
                count=tr.number(state.recipients),
            ),
            tr._(
                "sent {sent}, pending {pending}, failed {failed}, unreachable {unreachable}",
                sent=tr.number(state.sent),
                pending=tr.number(state.pending),
                failed=tr.number(state.failed),
                unreachable=tr.number(state.unreachable),
            ),
        ]
        if state.delivered or state.read:
            lines.append(
                tr._(
                    "delivered {delivered}, read {read}",
                    delivered=tr.number(state.delivered),
                    read=tr.number(state.read),
                )
            )
        if state.held:
            lines.append(
                tr.ngettext(
                    "{n} waiting for the person to open the template sent instead.",
                    "{n} waiting for the people to open the template sent instead.",
                    state.held,
                )
            )
        if item.kind == POLL:
            answers = await live.answer_count(item.id)
            lines.append(tr.ngettext("{n} answer.", "{n} answers.", answers))
        elif item.kind == QUESTION:
            replies = await live.reply_count(item.id)
            lines.append(tr.ngettext("{n} reply.", "{n} replies.", replies))
            if replies:
                options.append(
                    Option(
                        f"{BROADCAST_CONTROL}:{item.id}:replies",
                        tr._("Replies to {number}", number=Ltr(f"#{item.id}")),
                    )
                )
        if item.closed_at is not None:
            lines.append(tr._("Closed."))
        blocks.append("\n".join(lines))
    return [Reply("\n\n".join(blocks), tuple(options))]


def themes_line(tr: Translator, taxonomy: Taxonomy, texts: Sequence[str]) -> str | None:
    """How many of the texts speak of each theme, most first; None when none does."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({match.slug for match in taxonomy.understand(text)})
    if not counts:
        return None
    labels = {theme.slug: theme.label for theme in taxonomy.themes}
    parts = [
        tr.ngettext(
            "{n} reply about {theme}",
            "{n} replies about {theme}",
            count,
            theme=labels[slug].get(tr.locale, slug),
        )
        for slug, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join([tr._("By theme:"), *(f"• {part}" for part in parts)])


async def on_broadcast_control(ctx: Context, tap: Tap) -> Sequence[Reply]:
    """``bcast:<id>:replies``: the replies to an open question, as a list."""
    tr = ctx.tr
    refused = _refused(ctx)
    if refused is not None:
        return [refused]
    question = None
    if len(tap.parts) == 2 and tap.parts[1] == "replies" and _id(tap.parts[0]) is not None:
        question = await ctx.store.live.broadcast(_id(tap.parts[0]), event_id=ctx.services.event_id)
    if question is None or question.kind != QUESTION:
        return [Reply(tr._("That button is no longer active."))]
    replies = await ctx.store.live.replies(question.id)
    lines = [
        tr._("Replies to {number}:", number=Ltr(f"#{question.id}")),
        text_for(question.texts, tr.locale),
        "",
    ]
    by_theme = themes_line(tr, ctx.services.themes, [reply.text for reply in replies])
    if by_theme is not None:
        lines += [by_theme, ""]
    shown = 0
    size = sum(len(line) for line in lines)
    for reply in replies:
        line = f"• {reply.text}"
        if size + len(line) > REPLIES_SHOWN_MAX_CHARS:
            break
        lines.append(line)
        size += len(line) + 1
        shown += 1
    if not replies:
        lines.append(tr._("No reply yet."))
    elif shown < len(replies):
        left = len(replies) - shown
        lines.append(tr.ngettext("… and {n} more.", "… and {n} more.", left))
    return [Reply("\n".join(lines))]
