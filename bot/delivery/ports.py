"""What a channel's sender promises: send one message, say plainly what became of it."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Unknown:
    """The request left and no answer came (a read timeout): it may have been delivered.

    Each lane's policy says whether it is sent again.
    """

    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    """Refused for good (Telegram 400): the reason is kept on the row."""

    reason: str


Outcome = Sent | Blocked | RetryLater | Unknown | Failed


class Sender(Protocol):
    async def send(self, external_id: str, message: Reply) -> Outcome: ...
