"""The conversation engine: one inbound event in, state and replies written together.

Each event is handled in one unit of work: the platform update id is recorded
(a re-delivered update has no second effect, and gets back its replies still unsent),
the person's account and dialogue state are loaded, global commands are routed, the
current step gets the answer, and the new state and the replies, as outbox rows
checked against the channel's limits, are committed together. Nothing is sent here:
the caller hands the rows to delivery.

Capabilities plug in through two registries held by the engine:
``conversation.callbacks`` (:mod:`handlers.router`: taps on messages the bot sent
first) and ``conversation.commands`` (:mod:`handlers.commands`: commands with the role
each needs). A side flow (/language, /delete_me) is entered over the current flow,
which is kept on a stack (:mod:`handlers.state`); when the side flow finishes or is
cancelled, the flow it interrupted asks its question again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from db.store import Store
from domain.arabic import normalise, strip_invisible, to_ascii_digits
from handlers import (
    agenda,
    commitments,
    compose,
    follow_up_answers,
    interests,
    questions,
    registration,
)
from handlers import state as state_shape
from handlers.account import ERASE_FLOW, LANGUAGE_FLOW
from handlers.commands import PARTICIPANT, Commands, CommandSpec, may_use
from handlers.context import Context, Services
from handlers.draft import NoDraft
from handlers.flow import Answer, Finish, Flow, Goto, Outcome, Stay, Switch
from handlers.messages import (
    NO,
    SKIP,
    YES,
    ChannelLimits,
    ConversationUnavailable,
    Inbound,
    InboundKind,
    Option,
    Outgoing,
    Reply,
    check,
    from_content,
    to_content,
)
from handlers.router import Callbacks
from handlers.wording import CORE_COMMANDS, help_text, profile_text

log = logging.getLogger("tawasul.conversation")

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (
        registration.REGISTRATION,
        LANGUAGE_FLOW,
        ERASE_FLOW,
        questions.QUESTION_FLOW,
        compose.COMPOSE,
        interests.INTERESTS,
        follow_up_answers.NOTE_FLOW,
        commitments.COMMIT,
    )
}
REGISTRATION_NAME = registration.REGISTRATION.name
SIDE_FLOWS = (
    LANGUAGE_FLOW.name,
    ERASE_FLOW.name,
    questions.QUESTION_FLOW.name,
    compose.COMPOSE.name,
    interests.INTERESTS.name,
    follow_up_answers.NOTE_FLOW.name,
    commitments.COMMIT.name,
)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    argument: str


def parse_command(text: str) -> Command | None:
    """``/start code`` → Command("start", "code"); ``/start@SomeBot`` is understood too."""
    cleaned = strip_invisible(text).strip()
    if not cleaned.startswith("/") or len(cleaned) < 2:
        return None
    head, _, argument = cleaned[1:].partition(" ")
    return Command(head.split("@", 1)[0].casefold(), argument.strip())


def _reply_prefix(inbound: Inbound) -> str:
    """``reply:<channel>:<update id>:``; an inbound without an id gets a fresh one."""
    update_id = inbound.update_id if inbound.update_id is not None else uuid.uuid4().hex
    return f"reply:{inbound.channel}:{update_id}:"


UnitOfWork = Callable[[], AbstractAsyncContextManager[Store]]
"""Opens one transaction and hands its repositories: ``async with unit_of_work() as store``."""


class Conversation:
    """The port every channel talks to."""

    def __init__(self, unit_of_work: UnitOfWork, services: Services) -> None:
        self.unit_of_work = unit_of_work
        self.services = services
        self.callbacks = Callbacks()
        self.commands = Commands()
        self._register_core_commands()
        agenda.register(self.commands)

    def _register_core_commands(self) -> None:
        handlers = {
            "start": (self._start, False, ()),
            "me": (self._me, True, ()),
            "language": (self._language, False, ()),
            "help": (self._help, True, ()),
            "cancel": (self._cancel, False, ()),
            "delete_me": (self._delete_me, False, ("deleteme",)),
        }
        for name, description in CORE_COMMANDS:
            handler, asks_again, aliases = handlers[name]
            self.commands.register(
                CommandSpec(name, description, PARTICIPANT, handler, aliases, asks_again)
            )

    async def handle(self, inbound: Inbound) -> list[Outgoing]:
        """Handle one event; return the outbox rows written for it, committed, to send now.

        On an unexpected failure nothing is kept and the person is told: the failed unit
        of work is rolled back, update id included, so a platform that delivers the update
        again gets a second chance; the apology is written in a unit of work of its own.
        """
        try:
            return await self._handle(inbound)
        except Exception:
            log.exception("update failed channel=%s", inbound.channel)
            return await self._apologise(inbound)

    async def _apologise(self, inbound: Inbound) -> list[Outgoing]:
        """The apology, as an outbox row; :class:`ConversationUnavailable` if even that
        cannot be written, so that a platform that delivers the event again does."""
        try:
            async with self.unit_of_work() as store:
                account = await store.accounts.open(
                    inbound.channel, inbound.external_id, self.services.clock()
                )
                tr = self.services.catalogs.translator(account.locale)
                apology = Reply(tr._("Sorry, something went wrong on our side. Please try again."))
                key = f"reply:{inbound.channel}:apology:{uuid.uuid4().hex}:0"
                row = await store.outbox.add(
                    account.id, to_content(apology), key=key, now=self.services.clock()
                )
                return [Outgoing(row, apology)]
        except Exception:
            log.exception("writing the apology failed channel=%s", inbound.channel)
            raise ConversationUnavailable("the conversation's database cannot be reached") from None

    async def _handle(self, inbound: Inbound) -> list[Outgoing]:
        async with self.unit_of_work() as store:
            if inbound.update_id is not None and not await store.updates.first_delivery(
                inbound.channel, inbound.update_id, self.services.clock()
            ):
                stored = await store.outbox.pending_with_key_prefix(_reply_prefix(inbound))
                log.info(
                    "duplicate update channel=%s: %d stored replies still pending",
                    inbound.channel,
                    len(stored),
                )
                return [Outgoing(row, from_content(content)) for row, content in stored]
            ctx = await self._context(store, inbound)
            before = ctx.step
            replies = await self._route(ctx, inbound)
            await self._persist(store, ctx)
            written = await self._write(store, inbound, replies)
        log.info(
            "handled channel=%s account=%s kind=%s step=%s->%s",
            inbound.channel,
            ctx.account.id,
            inbound.kind,
            before,
            ctx.step,
        )
        return written

    async def _write(self, store: Store, inbound: Inbound, replies: list[Reply]) -> list[Outgoing]:
        """Write the replies to the outbox, each checked against its channel's limits.

        An account forgotten by this event is opened again, empty, to hold the replies
        until they are sent; delivery deletes it once nothing is pending for it.
        An invalid reply raises here, inside the unit of work: nothing is committed.
        """
        limits = self.services.channel_limits.get(inbound.channel, ChannelLimits())
        now = self.services.clock()
        account = await store.accounts.open(inbound.channel, inbound.external_id, now)
        if account.unreachable_at is not None:
            account.unreachable_at = None
        if limits.free_form_window_s is not None:
            # The person wrote: the channel's window is open again, and what waited
            # behind a template for them goes now.
            account.last_inbound_at = now
            await store.outbox.release_held(account.id, now)
        prefix = _reply_prefix(inbound)
        written = []
        for position, reply in enumerate(replies):
            check(reply, limits)
            row = await store.outbox.add(
                account.id, to_content(reply), key=f"{prefix}{position}", now=now
            )
            written.append(Outgoing(row, reply))
        return written

    async def _context(self, store: Store, inbound: Inbound) -> Context:
        account = await store.accounts.open(
            inbound.channel, inbound.external_id, self.services.clock()
        )
        participant = (
            await store.participants.get(account.participant_id) if account.participant_id else None
        )
        state = await store.dialogues.load(account.id)
        ctx = Context(
            store=store,
            services=self.services,
            account=account,
            participant=participant,
            roles=self.services.roles.of(inbound.channel, inbound.external_id),
            handle=inbound.handle,
            display_name=inbound.display_name,
        )
        ctx.menu = self.commands.available(ctx.roles)
        if state is not None and _known(state.flow, state.step):
            stored = state_shape.load(state.data)
            ctx.flow, ctx.step = state.flow, state.step
            ctx.draft = FLOWS[state.flow].draft.load(stored.draft)
            ctx.options = stored.options
            ctx.stack = [frame for frame in stored.stack if _known(frame.flow, frame.step)]
        return ctx

    async def _persist(self, store: Store, ctx: Context) -> None:
        """Store where the person is; an account that holds nothing is not kept.

        An account with no participant, no language and no pending step says nothing
        but its id, so it is deleted as well: after a refusal, a /cancel, an erasure or a
        /help from a stranger, no row but the handled update id remains.
        """
        account = ctx.account
        holds_nothing = (
            ctx.flow is None and account.participant_id is None and account.locale is None
        )
        if ctx.forget_account or holds_nothing:
            await store.accounts.forget(account.id)
        elif ctx.flow is None:
            await store.dialogues.clear(account.id)
        else:
            data = state_shape.dump(ctx.draft.dump(), ctx.options, ctx.stack)
            await store.dialogues.save(account.id, ctx.flow, ctx.step, data, ctx.now())

    # routing

    async def _route(self, ctx: Context, inbound: Inbound) -> list[Reply]:
        if inbound.kind is InboundKind.TEXT:
            command = parse_command(inbound.text)
            if command is not None:
                return await self._command(ctx, command)
        if inbound.kind is InboundKind.CHOICE and not _offered(ctx, inbound.text):
            routed = self.callbacks.find(inbound.text)
            if routed is not None:
                handler, tap = routed
                return await self._ask_again(ctx, list(await handler(ctx, tap)))
        if ctx.flow is None:
            return await self._idle(ctx, inbound)
        return await self._answer(ctx, inbound)

    async def _idle(self, ctx: Context, inbound: Inbound) -> list[Reply]:
        """A message outside any flow: newcomers start registering, people registered for
        an earlier event are asked to confirm for this one, others get the menu."""
        if ctx.participant is None or not await registration.registered_here(ctx):
            return await self._start(ctx, "")
        tr = ctx.tr
        if inbound.kind is InboundKind.CHOICE:
            return [Reply(tr._("That button is no longer active.") + "\n\n" + _help(ctx))]
        return [Reply(_help(ctx))]

    async def _command(self, ctx: Context, command: Command) -> list[Reply]:
        """Run a registered command the person may use; refuse the others politely."""
        tr = ctx.tr
        spec = self.commands.get(command.name)
        if spec is None:
            text = tr._(
                "I do not know the command /{command}. Send /help to see what I can do.",
                command=command.name[:32],
            )
            return await self._aside(ctx, text)
        if not may_use(spec.role, ctx.roles):
            log.info("command refused account=%s command=%s", ctx.account.id, spec.name)
            text = tr._(
                "Sorry, the command /{command} is not available to you. "
                "Send /help to see the commands you can use.",
                command=spec.name,
            )
            return await self._aside(ctx, text)
        replies = list(await spec.handler(ctx, command.argument))
        return await self._ask_again(ctx, replies) if spec.asks_again else replies

    async def _help(self, ctx: Context, argument: str = "") -> list[Reply]:
        return [Reply(_help(ctx))]

    async def _me(self, ctx: Context, argument: str = "") -> list[Reply]:
        tr = ctx.tr
        if ctx.participant is None:
            return [Reply(tr._("You are not registered yet. Send /start to register."))]
        return [Reply(profile_text(tr, ctx.participant, ctx.roles))]

    async def _language(self, ctx: Context, argument: str = "") -> list[Reply]:
        return await self._enter(ctx, LANGUAGE_FLOW)

    async def _delete_me(self, ctx: Context, argument: str = "") -> list[Reply]:
        if ctx.participant is None and not _has_draft(ctx):
            ctx.forget_account = True
            ctx.stack = []
            _leave(ctx)
            return [Reply(ctx.tr._("No personal data is stored about you."))]
        return await self._enter(ctx, ERASE_FLOW)

    async def _start(self, ctx: Context, code: str) -> list[Reply]:
        """Begin or resume registering; a pending side question (language, erasure) is
        dropped, so that no stray answer can act on it later."""
        tr = ctx.tr
        while ctx.flow in SIDE_FLOWS:
            _leave(ctx)
        if ctx.participant is not None:
            if ctx.flow == REGISTRATION_NAME:
                return await self._ask(ctx)
            if not await registration.registered_here(ctx):
                _begin(ctx, registration.REGISTRATION, registration.RETURNING)
                return await self._ask(ctx)
            return [Reply(profile_text(tr, ctx.participant, ctx.roles)), Reply(_help(ctx))]
        invited = None
        if code:
            invited = await ctx.store.collectivities.by_invite_code(code[:64])
        if ctx.flow == REGISTRATION_NAME:
            if invited is not None:
                ctx.draft.collectivity_id = invited.id
            lead = tr._("Let us continue your registration where you left it.")
            return await self._ask(ctx, lead)
        replies = []
        if code and invited is None:
            replies.append(
                Reply(
                    tr._(
                        "I do not recognise this invitation code; "
                        "you can choose your collectivity yourself."
                    )
                )
            )
        _begin(ctx, registration.REGISTRATION, registration.REGISTRATION.first)
        if invited is not None:
            ctx.draft.collectivity_id = invited.id
        return replies + await self._ask(ctx)

    async def _cancel(self, ctx: Context, argument: str = "") -> list[Reply]:
        """Stop the innermost flow: a side flow returns to the one it interrupted."""
        tr = ctx.tr
        if ctx.flow is None:
            return [Reply(tr._("There is nothing to cancel.") + "\n\n" + _help(ctx))]
        if ctx.stack:
            _leave(ctx)
            return await self._ask(ctx, tr._("Cancelled."))
        if ctx.flow == REGISTRATION_NAME and ctx.draft.editing:
            ctx.draft.stop_correcting()
            ctx.step = registration.SUMMARY
            return await self._ask(ctx, tr._("Cancelled."))
        was = ctx.flow
        _leave(ctx)
        if was == REGISTRATION_NAME and ctx.participant is None:
            ctx.forget_account = True
            return [
                Reply(tr._("Registration cancelled; nothing was kept. Send /start to begin again."))
            ]
        return [Reply(tr._("Cancelled."))]

    async def _aside(self, ctx: Context, text: str) -> list[Reply]:
        """Answer a side question; inside a flow, ask the pending question again."""
        return await self._ask_again(ctx, [Reply(text)])

    async def _ask_again(self, ctx: Context, replies: list[Reply]) -> list[Reply]:
        """``replies``, then the pending question if there is one; a last reply without
        options or contact button is said in the same message as that question."""
        if ctx.flow is None:
            return replies
        if replies and not replies[-1].options and replies[-1].contact_request is None:
            return [*replies[:-1], *await self._ask(ctx, replies[-1].text)]
        return [*replies, *await self._ask(ctx)]

    async def _enter(self, ctx: Context, flow: Flow) -> list[Reply]:
        """Enter a side flow over the current one, which resumes when it is done.

        A side flow already open (current or interrupted) is not opened twice: the
        flows above it are left and it starts again, so the stack stays short.
        """
        ctx.enter(flow)
        return await self._ask(ctx)

    async def _ask(self, ctx: Context, lead: str | None = None) -> list[Reply]:
        step = FLOWS[ctx.flow].steps[ctx.step]
        reply = await step.prompt(ctx)
        ctx.options = [[option.key, option.label, option.meaning] for option in reply.options]
        if lead:
            reply = Reply(f"{lead}\n\n{reply.text}", reply.options, reply.contact_request)
        return [reply]

    # answering the current step

    async def _answer(self, ctx: Context, inbound: Inbound) -> list[Reply]:
        step = FLOWS[ctx.flow].steps[ctx.step]
        answer = self._resolve(ctx, inbound, step.free_text, step.accepts_contact)
        if isinstance(answer, Stay):
            return await self._ask(ctx, answer.problem)
        outcome = await step.on_answer(ctx, answer)
        return await self._apply(ctx, outcome)

    def _resolve(
        self, ctx: Context, inbound: Inbound, free_text: bool, accepts_contact: bool
    ) -> Answer | Stay:
        tr = ctx.tr
        options = [Option(*offered) for offered in ctx.options]
        match inbound.kind:
            case InboundKind.CHOICE:
                if any(option.key == inbound.text for option in options):
                    return Answer(choice=inbound.text)
                return Stay(tr._("That button is no longer active."))
            case InboundKind.CONTACT if accepts_contact:
                return Answer(contact=inbound.text)
            case InboundKind.TEXT:
                chosen = match_option(inbound.text, options)
                if chosen is not None:
                    return Answer(choice=chosen)
                if free_text:
                    return Answer(text=inbound.text)
                if not inbound.text.strip():
                    return Stay(tr._("I received an empty message."))
                return Stay(tr._("Please choose one of the options offered."))
        return Stay(tr._("Sorry, I can only read text here."))

    async def _apply(self, ctx: Context, outcome: Outcome) -> list[Reply]:
        match outcome:
            case Stay(problem):
                return await self._ask(ctx, problem)
            case Goto(step, say):
                ctx.step = step
                return [*say, *await self._ask(ctx)]
            case Switch(flow, step, say):
                if flow != ctx.flow:
                    _begin(ctx, FLOWS[flow], step)
                ctx.step = step
                return [*say, *await self._ask(ctx)]
            case Finish(say):
                if ctx.forget_account:
                    ctx.stack = []
                _leave(ctx)
                if ctx.flow is None:
                    return list(say)
                return [*say, *await self._ask(ctx)]
        raise TypeError(f"not an outcome: {outcome!r}")


def _known(flow: str | None, step: str | None) -> bool:
    return flow in FLOWS and step in FLOWS[flow].steps


def _begin(ctx: Context, flow: Flow, step: str) -> None:
    """Make ``flow`` the current one, at ``step``, with an empty draft of its shape."""
    ctx.flow, ctx.step, ctx.draft = flow.name, step, flow.draft()


def _leave(ctx: Context) -> None:
    """Close the current flow: back to the one it interrupted, or idle."""
    if ctx.stack:
        frame = ctx.stack.pop()
        ctx.flow, ctx.step = frame.flow, frame.step
        ctx.draft = FLOWS[frame.flow].draft.load(frame.draft)
    else:
        ctx.flow, ctx.step, ctx.draft = None, None, NoDraft()
    ctx.options = []


def _offered(ctx: Context, key: str) -> bool:
    return ctx.flow is not None and any(option[0] == key for option in ctx.options)


def _help(ctx: Context) -> str:
    """/help for this person: only the commands their roles allow."""
    return help_text(ctx.tr, ctx.menu)


def _has_draft(ctx: Context) -> bool:
    """Whether answers of an unfinished registration are held, pending or interrupted."""
    flows = [ctx.flow, *(frame.flow for frame in ctx.stack)]
    return REGISTRATION_NAME in flows


def _words(*words: str) -> frozenset[str]:
    return frozenset(normalise(word) for word in words)


YES_WORDS = _words(
    "نعم",
    "أجل",
    "موافق",
    "موافقة",
    "أوافق",
    "واخا",
    "oui",
    "d'accord",
    "daccord",
    "ok",
    "okay",
    "yes",
    "wakha",
)
NO_WORDS = _words("لا", "غير موافق", "غير موافقة", "لا أوافق", "non", "pas d'accord", "no")
SKIP_WORDS = _words("تخطي", "تخطى", "تجاوز", "skip", "passer", "sauter")
"""Yes, no and skip in the words people type, compared as :func:`normalise` keys."""


def _meaning(text: str) -> str | None:
    """YES, NO or SKIP when ``text`` is one of the words for it (emoji and punctuation aside)."""
    kept = "".join(char for char in normalise(text) if char.isalnum() or char == " ")
    key = " ".join(kept.split())
    if key in YES_WORDS:
        return YES
    if key in NO_WORDS:
        return NO
    if key in SKIP_WORDS:
        return SKIP
    return None


def match_option(text: str, options: list[Option]) -> str | None:
    """The key of the option meant by typed ``text``: its number (any digits), its label,
    or, for the answers of a yes/no question, a word for yes or no."""
    if not options:
        return None
    typed = to_ascii_digits(strip_invisible(text)).strip().rstrip(".)")
    if typed.isascii() and typed.isdigit():
        number = int(typed)
        return options[number - 1].key if 1 <= number <= len(options) else None
    wanted = normalise(text)
    if not wanted:
        return None
    for option in options:
        if normalise(option.label) == wanted:
            return option.key
    meaning = _meaning(text)
    if meaning is not None:
        for option in options:
            if option.meaning == meaning:
                return option.key
    return None
