"""The core's vocabulary for what a person sends and what the bot answers.

Channels translate their platform's updates into :class:`Inbound` and render
:class:`Reply` within their own limits; nothing here knows about a platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class InboundKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    CONTACT = "contact"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person sent.

    ``text`` holds the typed text (``TEXT``), the chosen option's key (``CHOICE``),
    the shared phone number (``CONTACT``) or the kind of media that was sent
    (``UNSUPPORTED``: "photo", "sticker", "voice", "location", "document", ...).
    ``update_id`` is the platform's id for the delivery, used to handle it once.
    """

    channel: str
    external_id: str
    kind: InboundKind
    text: str = ""
    update_id: str | None = None

    @classmethod
    def message(cls, channel: str, external_id: str, text: str, update_id: str | None = None):
        return cls(channel, external_id, InboundKind.TEXT, text, update_id)

    @classmethod
    def choice(cls, channel: str, external_id: str, key: str, update_id: str | None = None):
        return cls(channel, external_id, InboundKind.CHOICE, key, update_id)

    @classmethod
    def contact(cls, channel: str, external_id: str, phone: str, update_id: str | None = None):
        return cls(channel, external_id, InboundKind.CONTACT, phone, update_id)

    @classmethod
    def unsupported(cls, channel: str, external_id: str, media: str, update_id: str | None = None):
        return cls(channel, external_id, InboundKind.UNSUPPORTED, media, update_id)


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the person: ``key`` comes back in a CHOICE inbound.

    Keys are short ASCII (at most 64 bytes, Telegram's callback-data limit).
    ``meaning`` is ``YES`` or ``NO`` for the two answers of a yes/no question, or ``SKIP``
    for leaving an optional step out, so that a typed «نعم», "oui", "no" or «تخطي» picks
    them in any language.
    """

    key: str
    label: str
    meaning: str | None = None


YES = "yes"
NO = "no"
SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot.

    ``contact_request`` is the label of a "share my phone number" button, for
    channels that have one; the others show the options alone.
    """

    text: str
    options: tuple[Option, ...] = field(default=())
    contact_request: str | None = None


class ConversationPort(Protocol):
    """What every channel talks to: one inbound event in, the replies out."""

    async def handle(self, inbound: Inbound) -> list[Reply]: ...
