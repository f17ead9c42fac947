"""Commands, each registered with the role it needs; /help and the menus follow the roles.

Three roles: ``participant`` is everyone who writes to the bot (registered or not: /start
is how one registers); ``facilitator`` and ``organiser`` come from the ``[roles]`` grants.
An organiser may use the facilitator commands too, as the one who runs the event.

How a capability registers a command (issues 7–9 use exactly this)::

    from handlers.commands import FACILITATOR, CommandSpec
    from locales.i18n import N_

    async def start_round(ctx: Context, argument: str) -> list[Reply]:
        ...
        return [Reply(ctx.tr._("The round has started."))]

    conversation.commands.register(
        CommandSpec("round", N_("Start the next round"), FACILITATOR, start_round)
    )

The description is a msgid (``N_``), translated for each reader. The core checks the
role before calling the handler: someone without it is politely refused in their
language, and never sees the command in /help or in their menu. A handler returns its
replies; unless ``asks_again`` is False (for the core's own commands that move the person
themselves), the pending question is asked again after them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.messages import Reply

if TYPE_CHECKING:
    from handlers.context import Context
    from locales.i18n import Catalogs

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
ORGANISER = "organiser"
ROLES = (PARTICIPANT, FACILITATOR, ORGANISER)
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")
"""Telegram's rule for a command name: 1-32 of a-z, 0-9 and _."""

CommandHandler = Callable[["Context", str], Awaitable[Sequence[Reply]]]
Menu = list[tuple[str, str]]
"""(command name, translated description) pairs, in registration order."""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    description: str
    """A msgid, marked with ``N_``."""
    role: str
    handler: CommandHandler
    aliases: tuple[str, ...] = ()
    asks_again: bool = True


def may_use(role: str, roles: Iterable[str]) -> bool:
    """Whether a person holding ``roles`` may use a command that needs ``role``."""
    held = {PARTICIPANT, *roles}
    if ORGANISER in held:
        held.add(FACILITATOR)
    return role in held


class Commands:
    """The registered commands, in the order /help lists them."""

    def __init__(self) -> None:
        self._specs: list[CommandSpec] = []
        self._by_name: dict[str, CommandSpec] = {}

    def register(self, spec: CommandSpec) -> None:
        if spec.role not in ROLES:
            raise ValueError(f"command /{spec.name}: role {spec.role!r} is not one of {ROLES}")
        for name in (spec.name, *spec.aliases):
            if not NAME_PATTERN.fullmatch(name):
                raise ValueError(f"command /{name}: use 1-32 of a-z, 0-9, _")
            if name in self._by_name:
                raise ValueError(f"command /{name} is registered already")
        self._specs.append(spec)
        for name in (spec.name, *spec.aliases):
            self._by_name[name] = spec

    def get(self, name: str) -> CommandSpec | None:
        return self._by_name.get(name)

    def available(self, roles: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """(name, description msgid) of each command a person with ``roles`` may use."""
        roles = frozenset(roles)
        return tuple(
            (spec.name, spec.description) for spec in self._specs if may_use(spec.role, roles)
        )

    def menus(self, catalogs: Catalogs, default_locale: str) -> dict[str, dict[str | None, Menu]]:
        """For each role, its menu in each offered language; ``None`` is everyone else's.

        ``menus()[PARTICIPANT]`` is the default menu; the facilitator and organiser menus
        extend it, for the chats of the people who hold those roles.
        """
        menus: dict[str, dict[str | None, Menu]] = {}
        for role in ROLES:
            available = self.available({role})
            by_locale: dict[str | None, Menu] = {
                locale: [(name, catalogs.translator(locale)._(msgid)) for name, msgid in available]
                for locale in catalogs.locales
            }
            by_locale[None] = by_locale[default_locale]
            menus[role] = by_locale
        return menus


def highest_role(roles: Iterable[str]) -> str:
    """The role whose menu a person gets: organiser, else facilitator, else participant."""
    roles = frozenset(roles)
    return next((role for role in reversed(ROLES) if role in roles), PARTICIPANT)
