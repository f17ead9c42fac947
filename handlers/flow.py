"""The small machinery behind every flow: steps, answers and outcomes.

A flow is a table of named steps. Each step says how to ask (``prompt``) and what
to do with the answer (``on_answer``); the answer handler returns an outcome that
names the next step. The engine in :mod:`handlers.conversation` persists where
each person is, turns typed numbers and labels into choices, and re-asks after a
polite word when the answer does not fit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from handlers.draft import Draft, NoDraft
from handlers.messages import Reply

if TYPE_CHECKING:
    from handlers.context import Context


@dataclass(frozen=True, slots=True)
class Answer:
    """What the person answered, once resolved against the options offered."""

    choice: str | None = None
    text: str = ""
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class Goto:
    step: str
    say: tuple[Reply, ...] = ()


@dataclass(frozen=True, slots=True)
class Stay:
    """The answer does not fit: say why and ask again."""

    problem: str


@dataclass(frozen=True, slots=True)
class Switch:
    flow: str
    step: str
    say: tuple[Reply, ...] = ()


@dataclass(frozen=True, slots=True)
class Finish:
    say: tuple[Reply, ...] = ()


Outcome = Goto | Stay | Switch | Finish
Prompt = Callable[["Context"], Awaitable[Reply]]
Handler = Callable[["Context", Answer], Awaitable[Outcome]]


@dataclass(frozen=True, slots=True)
class Step:
    prompt: Prompt
    on_answer: Handler
    free_text: bool = True
    """Whether text that is not one of the options is an answer of its own."""
    accepts_contact: bool = False


@dataclass(frozen=True)
class Flow:
    name: str
    first: str
    steps: Mapping[str, Step] = field(default_factory=dict)
    draft: type[Draft] = NoDraft
    """The shape of what the flow gathers, kept between its steps."""
