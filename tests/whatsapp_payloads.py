"""WhatsApp Cloud API webhooks as Meta posts them, and the signature it puts on them.

The shapes follow Meta's documented examples (the messages webhook reference: text,
interactive ``button_reply`` / ``list_reply``, a template's quick-reply ``button``,
``contacts``, media, ``location``, ``reaction``, ``unsupported``, and the status webhook
with ``errors`` on a failure): ``object`` "whatsapp_business_account", one ``entry`` with
one change of field "messages" whose ``value`` holds ``metadata``, ``contacts`` (the
profile name and ``wa_id``) and ``messages``, or ``statuses``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from typing import Any

PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550783881"
WABA_ID = "102290129340398"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"

Json = dict[str, Any]
_ids = itertools.count(1)
_clock = itertools.count(1_730_451_600)


def wamid() -> str:
    """A fresh message id, shaped like Meta's (base64 of the number and a random id)."""
    return f"wamid.HBgLMjEyNjEyMzQ1Njc4FQIAEhgUM0E{next(_ids):012d}QUFBQQA="


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    """The headers Meta sends with ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def body_of(payload: Json) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def webhook(value: Json) -> Json:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def _metadata(phone_number_id: str = PHONE_NUMBER_ID) -> Json:
    return {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": phone_number_id}


def messages(
    wa_id: str,
    *contents: Json,
    name: str = "Hind Berrada",
    phone_number_id: str = PHONE_NUMBER_ID,
) -> Json:
    """A webhook of one person's messages (``contents`` as :func:`text` and the others)."""
    sent = [
        {
            "from": wa_id,
            "id": content.pop("id", None) or wamid(),
            "timestamp": str(next(_clock)),
            **content,
        }
        for content in (dict(content) for content in contents)
    ]
    return webhook(
        {
            "messaging_product": "whatsapp",
            "metadata": _metadata(phone_number_id),
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": sent,
        }
    )


def of_several(*webhooks: Json) -> Json:
    """One webhook carrying the messages of several people (Meta may batch them)."""
    values = [w["entry"][0]["changes"][0]["value"] for w in webhooks]
    merged = dict(values[0])
    merged["contacts"] = [c for v in values for c in v["contacts"]]
    merged["messages"] = [m for v in values for m in v["messages"]]
    return webhook(merged)


def text(body: str, **extra: Any) -> Json:
    return {"type": "text", "text": {"body": body}, **extra}


def button_reply(button_id: str, title: str = "Button") -> Json:
    return {
        "context": {"from": DISPLAY_NUMBER, "id": wamid()},
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
    }


def list_reply(row_id: str, title: str = "Row", description: str = "") -> Json:
    row = {"id": row_id, "title": title}
    if description:
        row["description"] = description
    return {
        "context": {"from": DISPLAY_NUMBER, "id": wamid()},
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": row},
    }


def template_button(payload: str, label: str = "Continue") -> Json:
    """A tap on a template's quick-reply button."""
    return {
        "context": {"from": DISPLAY_NUMBER, "id": wamid()},
        "type": "button",
        "button": {"payload": payload, "text": label},
    }


def contact_card(phone: str, wa_id: str | None = None, name: str = "Hind Berrada") -> Json:
    entry = {"phone": phone, "type": "CELL"}
    if wa_id is not None:
        entry["wa_id"] = wa_id
    first, _, last = name.partition(" ")
    return {
        "type": "contacts",
        "contacts": [
            {
                "name": {"formatted_name": name, "first_name": first, "last_name": last},
                "phones": [entry],
            }
        ],
    }


def image(caption: str = "") -> Json:
    content = {
        "mime_type": "image/jpeg",
        "sha256": "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3",
        "id": "2754859441498128",
    }
    if caption:
        content["caption"] = caption
    return {"type": "image", "image": content}


def media(kind: str) -> Json:
    """An audio, video, document or sticker message."""
    content: Json = {"mime_type": "application/octet-stream", "sha256": "abc", "id": "1003"}
    if kind == "audio":
        content.update(mime_type="audio/ogg; codecs=opus", voice=True)
    if kind == "document":
        content.update(filename="plan.pdf", mime_type="application/pdf")
    if kind == "sticker":
        content.update(mime_type="image/webp", animated=False)
    return {"type": kind, kind: content}


def location() -> Json:
    return {
        "type": "location",
        "location": {
            "address": "Avenue Mohammed V, Berkane",
            "latitude": 34.92,
            "longitude": -2.32,
            "name": "Commune de Berkane",
        },
    }


def reaction(message_id: str, emoji: str = "\U0001f44d") -> Json:
    return {"type": "reaction", "reaction": {"message_id": message_id, "emoji": emoji}}


def unsupported(kind: str = "poll_update") -> Json:
    return {
        "type": "unsupported",
        "errors": [
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ],
        "unsupported": {"type": kind},
    }


def statuses(*entries: Json, phone_number_id: str = PHONE_NUMBER_ID) -> Json:
    return webhook(
        {
            "messaging_product": "whatsapp",
            "metadata": _metadata(phone_number_id),
            "statuses": list(entries),
        }
    )


def status(message_id: str, state: str, recipient: str, at: int | None = None) -> Json:
    entry: Json = {
        "id": message_id,
        "status": state,
        "timestamp": str(at if at is not None else next(_clock)),
        "recipient_id": recipient,
    }
    if state in ("sent", "delivered"):
        entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service"}
    return entry


def failed(message_id: str, recipient: str, code: int, title: str, at: int | None = None) -> Json:
    entry = status(message_id, "failed", recipient, at)
    entry["errors"] = [
        {
            "code": code,
            "title": title,
            "message": title,
            "error_data": {"details": title},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }
    ]
    return entry
