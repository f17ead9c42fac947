"""Answers to messages the bot sent first: taps routed by callback namespace.

A reminder, a poll, a round assignment or a follow-up reaches a person whatever they
were doing, and their tap on its button comes back as a CHOICE inbound whose key
belongs to no pending question. A capability registers a *namespace* for such keys
(``poll:<id>:<choice>``, ``round:<id>:…``, ``followup:<id>:…``) with a handler; the
engine hands it every tap in that namespace, whether the person is idle, registering
or in a side flow, and then asks the pending question again, if there is one.

How a capability registers one (issues 7–9 use exactly this)::

    from handlers.router import Tap

    async def on_poll_tap(ctx: Context, tap: Tap) -> list[Reply]:
        poll_id, choice = tap.parts  # "poll:12:b" → ("12", "b")
        ...  # record the vote through ctx.store
        return [Reply(ctx.tr._("Thank you, your answer is counted."))]

    conversation.callbacks.register("poll", on_poll_tap)

The option keys that the bot sends are then ``f"poll:{poll.id}:{choice}"`` (at most 64
bytes, Telegram's limit). A handler returns the replies for the tap; it must not move
the person's flow or step: the engine asks the pending question again after them (a
last reply without options is said in the same message as that question). A handler
may read ``ctx.participant``, which is ``None`` for someone not registered.

Namespaces are short lower-case ASCII names; the prefixes that the core flows use for
their own option keys are reserved, and a key offered by the pending question is always
that question's answer, never a routed tap.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.messages import Reply

if TYPE_CHECKING:
    from handlers.context import Context

SEPARATOR = ":"
NAMESPACE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,15}")
RESERVED = frozenset({"lang", "col", "reg", "par", "edit", "again"})
"""The option-key prefixes of the core flows (language, collectivity, region, parent,
summary corrections, a returning participant): never a capability's namespace."""


@dataclass(frozen=True, slots=True)
class Tap:
    """A tapped key ``namespace:part:part…``, split at the colons."""

    key: str
    namespace: str
    parts: tuple[str, ...]


TapHandler = Callable[["Context", Tap], Awaitable[Sequence[Reply]]]


def parse_key(key: str) -> Tap | None:
    """``"poll:12:b"`` → Tap("poll:12:b", "poll", ("12", "b")); a key without a colon is None."""
    namespace, separator, rest = key.partition(SEPARATOR)
    if not separator:
        return None
    return Tap(key, namespace, tuple(rest.split(SEPARATOR)))


class Callbacks:
    """The registered namespaces, each with the handler of its taps."""

    def __init__(self) -> None:
        self._handlers: dict[str, TapHandler] = {}

    def register(self, namespace: str, handler: TapHandler) -> None:
        """Route every tap on a key ``namespace:…`` to ``handler``; a namespace is taken once."""
        if not NAMESPACE_PATTERN.fullmatch(namespace):
            raise ValueError(f"callback namespace {namespace!r}: use 1-16 of a-z, 0-9, _")
        if namespace in RESERVED:
            raise ValueError(f"callback namespace {namespace!r} is used by the core flows")
        if namespace in self._handlers:
            raise ValueError(f"callback namespace {namespace!r} is registered already")
        self._handlers[namespace] = handler

    def find(self, key: str) -> tuple[TapHandler, Tap] | None:
        """The handler for a tapped key and the key split, or None when no namespace has it."""
        tap = parse_key(key)
        if tap is None or tap.namespace not in self._handlers:
            return None
        return self._handlers[tap.namespace], tap

    @property
    def namespaces(self) -> frozenset[str]:
        return frozenset(self._handlers)
