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
    ``handle`` is the sender's public name on the channel (a Telegram ``@username``),
    when they have one: kept only if they choose to share it with the peers they accept.
    ``display_name`` is the name their profile shows (WhatsApp's profile name), offered
    as their name when they register; never stored unless they choose it.
    """

    channel: str
    external_id: str
    kind: InboundKind
    text: str = ""
    update_id: str | None = None
    handle: str | None = None
    display_name: str | None = None

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


TEMPLATE_KINDS = {
    "commitment_follow_up": ("name", "commitment", "deadline"),
    "message_waiting": (),
}
"""The kinds of message that may go as an approved template, where the channel asks for
one (WhatsApp, outside its 24-hour window), each with the parameters its content names.
``message_waiting`` stands for any other message: "a message is waiting for you"."""
MESSAGE_WAITING = "message_waiting"
REOPEN = "reopen"
"""The callback namespace of a template's button: the tap opens the window again."""


REPORT_FORMATS = {
    "participants": "xlsx",
    "interests": "xlsx",
    "matches": "xlsx",
    "commitments": "xlsx",
    "plan": "docx",
}
"""The organisers' reports a message can carry, and the format each is sent in."""
REPORT_LANGUAGES = ("ar", "fr")


@dataclass(frozen=True, slots=True)
class Document:
    """A file to attach, as a recipe: which report, in which format and language.

    The bytes are not in the message: the channel's sender builds the file from the
    database when it sends, so it is fresh and the outbox row stays small.
    """

    report: str
    format: str
    language: str
    filename: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot.

    ``contact_request`` is the label of a "share my phone number" button, for
    channels that have one; the others show the options alone. With a ``document``,
    ``text`` is the file's caption.
    """

    text: str
    options: tuple[Option, ...] = field(default=())
    contact_request: str | None = None
    document: Document | None = None


def to_content(reply: Reply) -> dict:
    """The reply as an outbox row's JSON content."""
    content = {
        "text": reply.text,
        "options": [[option.key, option.label, option.meaning] for option in reply.options],
        "contact_request": reply.contact_request,
    }
    if reply.document is not None:
        document = reply.document
        content["document"] = {
            "report": document.report,
            "format": document.format,
            "language": document.language,
            "filename": document.filename,
        }
    return content


def from_content(content: dict) -> Reply:
    options = tuple(Option(*option) for option in content.get("options", ()))
    document = content.get("document")
    return Reply(
        content["text"],
        options,
        content.get("contact_request"),
        Document(**document) if document else None,
    )


class ConversationUnavailable(Exception):
    """The event could not be handled, nor even the apology written (the database is
    down): nothing of it was kept. A channel whose platform delivers it again (a webhook
    answered with an error) lets it; the others say so in one line."""


class InvalidMessage(ValueError):
    """A message no channel could show as built: a bug in the flow that built it."""


class MessageTooLarge(InvalidMessage):
    """A message beyond what its channel accepts (text, option key or label, options)."""


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """What one channel can show, declared by the channel in one place.

    ``max_text_length`` counts characters; a channel that splits long texts itself
    declares the most it is willing to split, not its per-message limit.
    """

    max_text_length: int = 4096
    max_option_key_bytes: int = 64
    max_label_length: int = 256
    max_options: int = 100
    max_caption_length: int = 1024
    free_form_window_s: float | None = None
    """On a channel where the bot may write freely only for so long after the person's
    last message (WhatsApp: 24 hours), that many seconds; None: no such limit."""


def check(reply: Reply, limits: ChannelLimits) -> Reply:
    """``reply`` unchanged if the channel can show it, else :class:`InvalidMessage`."""
    if not reply.text.strip():
        raise InvalidMessage("a message with no text")
    if len(reply.text) > limits.max_text_length:
        raise MessageTooLarge(
            f"text of {len(reply.text)} characters, more than {limits.max_text_length}"
        )
    if len(reply.options) > limits.max_options:
        raise MessageTooLarge(f"{len(reply.options)} options, more than {limits.max_options}")
    keys = set()
    for option in reply.options:
        size = len(option.key.encode())
        if not option.key or size > limits.max_option_key_bytes:
            raise MessageTooLarge(
                f"option key {option.key[:80]!r} of {size} bytes, "
                f"not 1 to {limits.max_option_key_bytes}"
            )
        if option.key in keys:
            raise InvalidMessage(f"option key {option.key[:80]!r} offered twice")
        keys.add(option.key)
        if not option.label.strip() or len(option.label) > limits.max_label_length:
            raise MessageTooLarge(
                f"option label of {len(option.label)} characters, "
                f"not 1 to {limits.max_label_length}"
            )
    if reply.contact_request is not None and not (
        0 < len(reply.contact_request.strip()) <= limits.max_label_length
    ):
        raise MessageTooLarge("contact request label empty or too long")
    if reply.document is not None:
        _check_document(reply.document)
        if len(reply.text) > limits.max_caption_length:
            raise MessageTooLarge(
                f"caption of {len(reply.text)} characters, more than {limits.max_caption_length}"
            )
    return reply


def _check_document(document: Document) -> None:
    if REPORT_FORMATS.get(document.report) != document.format:
        raise InvalidMessage(f"no report {document.report!r} in format {document.format!r}")
    if document.language not in REPORT_LANGUAGES:
        raise InvalidMessage(f"no report in language {document.language!r}")
    name = document.filename
    if not name or "/" in name or "\\" in name or not name.endswith("." + document.format):
        raise InvalidMessage(f"file name {name[:80]!r} is not a plain .{document.format} name")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply written to the outbox: the row to send, and what it says."""

    outbox_id: int
    reply: Reply


class ConversationPort(Protocol):
    """What every channel talks to: one inbound event in, the outbox rows it wrote out.

    The rows are committed before this returns; the channel's delivery sends them.
    """

    async def handle(self, inbound: Inbound) -> list[Outgoing]: ...
