"""WhatsApp adapter: it translates the Cloud API's webhooks into what the core reads.

A webhook (``object`` "whatsapp_business_account", ``entry[].changes[]`` of field
"messages") carries in its ``value`` the people's ``messages`` with their ``contacts``
(profile name, WhatsApp id), and the ``statuses`` of messages the bot sent:

- a message becomes an :class:`~handlers.messages.Inbound`: text; a tapped reply button or
  list row (``interactive`` ``button_reply`` / ``list_reply``) and a template's quick-reply
  button (``button``) are a choice of their id or payload; a shared contact card is a
  contact with its phone; media, locations, stickers and reactions, and any type not
  known here, are unsupported (the core answers "please answer in text"). The person is
  their WhatsApp id (``wa_id``), the ``wamid`` is the update id and the profile name is
  the ``display_name``;
- a status becomes a :class:`~db.outbox.Receipt` (delivered, read, or failed with Meta's
  error code: 131047 is sent again as a template, 131026 marks the person unreachable).

Durable acknowledgement. Meta delivers a webhook until it is answered 200 (for days), so
the answer waits for the core: each message is handled, and its replies written to the
outbox, in the core's unit of work, which commits and records the ``wamid`` as handled
(``inbound_updates``, kept across restarts); receipts are committed likewise. Only then
does :meth:`WhatsAppChannel.receive` return and the web server answer 200. A crash before
the commit means no 200: Meta delivers the webhook again and nothing is lost; a crash after
it means the redelivery finds its ``wamid`` handled and has no second effect. The replies
are sent by the delivery fast path in the background, so the request stays short (the core
takes a few milliseconds a message); what the fast path does not send, the dispatcher does.
A status webhook waits for the sends in hand: a status can come back before the send it
is about has recorded its wamid.

Order: Meta posts each message as its own request, and one person's requests can overlap.
A person's messages are handled one after the other in the order received
(:class:`~bot.channels.ordering.Turns`), and their replies sent in that order too;
different people are handled concurrently.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.channels.inbound_text import check_external_id, clean_inbound_text
from bot.channels.ordering import Turns
from db.outbox import Receipt
from handlers.messages import ConversationPort, Inbound, Outgoing

CHANNEL = "whatsapp"
OBJECT = "whatsapp_business_account"
FIELD = "messages"
MEDIA_KINDS = frozenset({"location", "image", "audio", "video", "document", "sticker", "reaction"})
"""Message types the core cannot read: answered with the polite "please answer in text"."""
NOT_TYPED = frozenset({"system"})
"""Types that no one typed (a changed number): not answered."""
WELCOME = "request_welcome"
"""A person opening the chat with the bot for the first time, before writing: greeted as a
``/start`` would be (the language question opens the registration)."""
INTERACTIVE_REPLIES = ("button_reply", "list_reply")
READABLE_KINDS = frozenset({"text", "interactive", "button", "contacts"})
RESEND_AS_TEMPLATE = 131047
"""More than 24 hours since the person's last message: only a template reaches them."""
UNDELIVERABLE = 131026
MAX_UPDATE_ID = 128
MAX_NAME_LENGTH = 256
RECEIPT_STATUSES = ("delivered", "read", "failed")

Deliver = Callable[[Sequence[Outgoing]], Awaitable[None]]
RecordReceipts = Callable[[Sequence[Receipt]], Awaitable[int]]

log = logging.getLogger("tawasul.whatsapp")


@dataclass
class Webhook:
    """What one webhook carries, read: the messages in order, and the receipts."""

    inbounds: list[Inbound] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)


def read_webhook(payload: dict[str, Any], phone_number_id: str, now: datetime) -> Webhook:
    """The messages and receipts of ``payload`` for our number; what is malformed or for
    another number is logged and left out (delivering it again would not change it)."""
    read = Webhook()
    if payload.get("object") != OBJECT:
        log.warning("whatsapp webhook for object %r ignored", str(payload.get("object"))[:40])
        return read
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            if change.get("field") != FIELD:
                log.info("whatsapp webhook field %r ignored", str(change.get("field"))[:40])
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            number = (value.get("metadata") or {}).get("phone_number_id")
            if number != phone_number_id:
                log.warning("whatsapp webhook for another phone number id ignored")
                continue
            names = _profile_names(value.get("contacts"))
            for message in _dicts(value.get("messages")):
                inbound = inbound_from_message(message, names)
                if inbound is not None:
                    read.inbounds.append(inbound)
            for status in _dicts(value.get("statuses")):
                receipt = receipt_from_status(status, now)
                if receipt is not None:
                    read.receipts.append(receipt)
    return read


def inbound_from_message(message: dict[str, Any], names: dict[str, str]) -> Inbound | None:
    """What the person sent, or None for what no one typed or what cannot be read."""
    wamid, sender, kind = message.get("id"), message.get("from"), message.get("type")
    if not isinstance(wamid, str) or not wamid or not isinstance(kind, str) or not kind:
        log.warning("whatsapp message without an id or a type ignored")
        return None
    try:
        external_id = check_external_id(sender if isinstance(sender, str) else "")
    except ValueError as problem:
        log.warning("whatsapp message %s ignored: its sender id %s", wamid[:MAX_UPDATE_ID], problem)
        return None
    if kind in NOT_TYPED:
        log.info("whatsapp message %s of type %s not answered", wamid[:MAX_UPDATE_ID], kind)
        return None
    update_id = update_id_of(wamid)
    if kind == WELCOME:
        inbound = Inbound.message(CHANNEL, external_id, "/start", update_id)
    else:
        inbound = _inbound(message, kind, external_id, update_id)
    name = names.get(external_id)
    return dataclasses.replace(inbound, display_name=name) if name else inbound


def _inbound(message: dict[str, Any], kind: str, external_id: str, update_id: str) -> Inbound:
    content = message.get(kind)
    content = content if isinstance(content, dict) else {}

    def said(make: Callable[..., Inbound], text: Any) -> Inbound | None:
        if not isinstance(text, str) or not text:
            return None
        return make(CHANNEL, external_id, clean_inbound_text(text), update_id)

    inbound = None
    match kind:
        case "text":
            inbound = said(Inbound.message, content.get("body"))
        case "interactive" if content.get("type") in INTERACTIVE_REPLIES:
            reply = content.get(content["type"])
            inbound = said(Inbound.choice, reply.get("id") if isinstance(reply, dict) else None)
        case "button":
            inbound = said(Inbound.choice, content.get("payload") or content.get("text"))
        case "contacts":
            inbound = said(Inbound.contact, _shared_phone(message.get("contacts"), external_id))
        case "unsupported":
            codes = [error.get("code") for error in _dicts(message.get("errors"))]
            log.info("whatsapp message %s unsupported by the Cloud API %s", update_id, codes)
        case _ if kind not in MEDIA_KINDS and kind != "interactive":
            log.info("whatsapp message %s of unknown type %s", update_id, kind[:40])
    if inbound is None:
        if kind in READABLE_KINDS:
            log.info("whatsapp message %s of type %s not readable", update_id, kind)
        inbound = said(Inbound.unsupported, kind[:40])
    return inbound


def _shared_phone(cards: Any, sender: str) -> str | None:
    """The phone of a shared contact card: the sender's own number when the card holds it
    (its ``wa_id`` is theirs), else the card's first phone."""
    phones = [
        phone
        for card in _dicts(cards)
        for phone in _dicts(card.get("phones"))
        if isinstance(phone.get("phone") or phone.get("wa_id"), str)
    ]
    if not phones:
        return None
    own = next((phone for phone in phones if phone.get("wa_id") == sender), phones[0])
    return own.get("phone") or own["wa_id"]


def receipt_from_status(status: dict[str, Any], now: datetime) -> Receipt | None:
    """A status of a sent message as a receipt; None for "sent" and what is malformed.

    The time is the platform's, never later than ``now`` (a clock ahead of ours)."""
    wamid, state = status.get("id"), status.get("status")
    if not isinstance(wamid, str) or not wamid or state not in RECEIPT_STATUSES:
        return None
    at = min(_time(status.get("timestamp")) or now, now)
    if state != "failed":
        return Receipt(wamid, state, at)
    errors = _dicts(status.get("errors"))
    error = errors[0] if errors else {}
    code = _code(error.get("code"))
    title = error.get("title") or error.get("message") or "failed"
    reason = f"{code} {title}" if code is not None else str(title)
    return Receipt(
        wamid,
        "failed",
        at,
        reason=reason,
        resend=code == RESEND_AS_TEMPLATE,
        unreachable=code == UNDELIVERABLE,
    )


def update_id_of(wamid: str) -> str:
    """The ``wamid`` as the core's update id (a column of 128): a longer one is hashed."""
    if len(wamid) <= MAX_UPDATE_ID:
        return wamid
    return "sha256:" + hashlib.sha256(wamid.encode()).hexdigest()


def _profile_names(contacts: Any) -> dict[str, str]:
    names = {}
    for contact in _dicts(contacts):
        profile = contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(contact.get("wa_id"), str) and isinstance(name, str):
            name = clean_inbound_text(name).strip()[:MAX_NAME_LENGTH]
            if name:
                names[contact["wa_id"]] = name
    return names


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _code(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class WhatsAppChannel:
    """The receiver of ``POST /webhooks/whatsapp``, once its signature is checked."""

    def __init__(
        self,
        conversation: ConversationPort,
        *,
        deliver: Deliver,
        record_receipts: RecordReceipts,
        phone_number_id: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._conversation = conversation
        self._deliver = deliver
        self._record_receipts = record_receipts
        self._phone_number_id = phone_number_id
        self._clock = clock
        self._turns = Turns()
        self._sending: dict[str, asyncio.Task] = {}
        self._tasks: set[asyncio.Task] = set()

    async def receive(self, payload: dict[str, Any]) -> None:
        """Handle the webhook's messages and record its receipts, all committed on return.

        A failure raises once everything else is done (the web server answers 500, Meta
        delivers the webhook again, and what was handled has no second effect)."""
        webhook = read_webhook(payload, self._phone_number_id, self._clock())
        people: dict[str, list[Inbound]] = {}
        for inbound in webhook.inbounds:
            people.setdefault(inbound.external_id, []).append(inbound)
        outcomes = await asyncio.gather(
            *(self._handle(inbounds) for inbounds in people.values()), return_exceptions=True
        )
        if webhook.receipts:
            if self._tasks:
                # A status can come back before the send it is about has recorded its
                # wamid: the sends in hand finish first, or the receipt would name nothing.
                await asyncio.wait(list(self._tasks))
            await self._record_receipts(webhook.receipts)
        failure = next((o for o in outcomes if isinstance(o, BaseException)), None)
        if failure is not None:
            raise failure

    async def _handle(self, inbounds: list[Inbound]) -> None:
        """One person's messages, in order, each in their turn; the first failure stops."""
        for inbound in inbounds:
            async with self._turns.turn(inbound.external_id):
                outgoing = await self._conversation.handle(inbound)
                self._send_later(inbound.external_id, outgoing)

    def _send_later(self, person: str, outgoing: list[Outgoing]) -> None:
        """Send ``outgoing`` in the background, after what this person was sent before."""
        if not outgoing:
            return
        task = asyncio.create_task(self._send_after(self._sending.get(person), outgoing))
        self._sending[person] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._sent(person, done))

    def _sent(self, person: str, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if self._sending.get(person) is task:
            del self._sending[person]

    async def _send_after(self, before: asyncio.Task | None, outgoing: list[Outgoing]) -> None:
        if before is not None:
            await asyncio.wait([before])
        try:
            await self._deliver(outgoing)
        except Exception:
            log.exception("sending replies failed; they wait in the outbox for the dispatcher")

    async def drain(self) -> None:
        """Wait until the replies handed to delivery so far are sent (or left to it)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def stop(self) -> None:
        """Finish sending (call once the web server has stopped: no new webhook comes)."""
        await self.drain()
