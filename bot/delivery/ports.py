"""What a channel's sender promises: send one message, say plainly what became of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from handlers.messages import Reply


@dataclass(frozen=True, slots=True)
class Sent:
    platform_message_id: str


@dataclass(frozen=True, slots=True)
class Blocked:
    """The person blocked the bot (Telegram 403): the account is unreachable, no retry."""

    reason: str


@dataclass(frozen=True, slots=True)
class RetryLater:
    """Not sent, safe to try again: 429 (``delay_s`` is its retry_after), 5xx, no connection.

    ``delay_s`` is None when the platform gave no delay: the backoff decides.
    """

    reason: str
    delay_s: float | None = None
    rate_limited: bool = False
    counted: bool = True
    """False for a refusal the operator must mend (a revoked access token): the message
    is not at fault, so it never fails for good for it (the tries are still counted, and
    the person's later messages still wait behind it)."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """The request left and no answer came (a read timeout): it may have been delivered.

    Each lane's policy says whether it is sent again.
    """

    reason: str


@dataclass(frozen=True, slots=True)
class OutsideWindow:
    """Refused because the person last wrote too long ago for a free-form message
    (WhatsApp 131047): only an approved template may reach them now."""

    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    """Refused for good (Telegram 400): the reason is kept on the row."""

    reason: str


Outcome = Sent | Blocked | RetryLater | Unknown | OutsideWindow | Failed


class Sender(Protocol):
    """Sends one message; ``locale`` is the recipient's language (None: the default), for
    the words a channel adds of its own (a list's button, a "type the number" hint)."""

    async def send(
        self, external_id: str, message: Reply, locale: str | None = None
    ) -> Outcome: ...


class WindowedSender(Sender, Protocol):
    """A channel on which the bot may write freely only for ``window`` after the person's
    last message (WhatsApp: 24 hours); beyond it, only an approved template goes.

    ``send_template`` sends the template standing for an outbox row's ``content``: the one
    its ``"template"`` names (kind, language, parameters), or the channel's general "a
    message is waiting" template; its button brings back ``reopen_key``, and the person's
    tap opens the window again. ``Failed`` when no template is configured for it.
    """

    window: timedelta

    async def send_template(
        self, external_id: str, content: dict, locale: str | None, reopen_key: str
    ) -> Outcome: ...
