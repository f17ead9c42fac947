"""WhatsApp's sender: one channel-neutral message out through the Cloud API, one outcome back.

A thin client of our own on httpx: ``POST {base}/{version}/{phone-number-id}/messages``
with the access token as a bearer token. A :class:`~handlers.messages.Reply` is rendered
by :func:`bot.channels.whatsapp_render.render` (text, reply buttons, a list or numbered
text, already within WhatsApp's limits) and each of its bodies is posted in order; the
outcome is the last one's wamid. A reply with a document is uploaded to ``/media`` first
(``documents``, the bot layer's builder, makes the file), then sent as a document message
with the reply's text as its caption.

Outside the 24-hour window only an approved template may go (:meth:`send_template`): the
one configured for the content's kind of message, else the general "a message is waiting"
one, its body parameters in the configured order, its quick-reply button bringing back
the key that reopens the conversation.

There is no retry here and nothing is dropped: each answer becomes an outcome in one place
(:func:`outcome_of`) and the dispatcher decides. A reply sent in several bodies that fails
half-way is sent again whole: the bodies already delivered come twice. Logs and reasons
carry Meta's codes and trace ids, never a phone number or a message's text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx

from bot.channel_settings import Template, WhatsAppSettings
from bot.channels.limits import WHATSAPP_WINDOW_S
from bot.channels.text_parts import utf16_length
from bot.channels.whatsapp_render import render
from bot.delivery.ports import (
    Blocked,
    Failed,
    Outcome,
    OutsideWindow,
    RetryLater,
    Sent,
    Unknown,
)
from domain.shortening import shortened
from handlers.messages import MESSAGE_WAITING, Document, Reply
from locales.i18n import Catalogs

Documents = Callable[[Document], Awaitable[bytes]]

THROUGHPUT = frozenset({130429, 80007, 4})
"""Meta's rate limits of the number or the app: every send waits (bulk is paused)."""
PAIR_RATE_LIMIT = 131056
REENGAGEMENT = 131047
UNDELIVERABLE = 131026
TOKEN = frozenset({0, 190})
THROUGHPUT_DELAY_S = 1.0
"""130429: the throughput is counted per second."""
PAIR_DELAY_S = 6.0
"""131056: Meta allows about one message every 6 seconds to the same person."""
TOKEN_DELAY_S = 60.0
"""401 / 190: the operator must set a valid token; meanwhile, a try a minute."""
TEMPLATE_PARAMETER_LENGTH = 200
"""A template's body (its approved text and parameters) holds 1,024 characters at most:
three parameters of 200 leave the approved text more than 400."""
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_WHITESPACE = re.compile(r"\s+")

log = logging.getLogger("tawasul.whatsapp")


class WhatsAppSender:
    """Sends from the configured number, with a connection pool sized for parallel sends."""

    window = timedelta(seconds=WHATSAPP_WINDOW_S)

    def __init__(
        self,
        settings: WhatsAppSettings,
        catalogs: Catalogs,
        default_locale: str,
        *,
        documents: Documents | None = None,
        connections: int = 64,
        read_timeout_s: float = 15.0,
    ) -> None:
        self.settings = settings
        self.catalogs = catalogs
        self.default_locale = default_locale
        self.documents = documents
        self.connections = connections
        self.read_timeout_s = read_timeout_s
        self._client: httpx.AsyncClient | None = None
        self._token_refused = False

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            base_url=self.settings.messages_url + "/",
            headers={"Authorization": f"Bearer {self.settings.access_token or ''}"},
            timeout=httpx.Timeout(10.0, read=self.read_timeout_s, pool=10.0),
            limits=httpx.Limits(
                max_connections=self.connections, max_keepalive_connections=self.connections
            ),
        )

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def send(self, external_id: str, message: Reply, locale: str | None = None) -> Outcome:
        tr = self.catalogs.translator(locale or self.default_locale)
        if message.document is not None:
            return await self._send_document(external_id, message, tr)
        return await self._send_bodies(external_id, render(message, tr))

    async def send_template(
        self, external_id: str, content: dict, locale: str | None, reopen_key: str
    ) -> Outcome:
        wanted = content.get("template") or {}
        template = self.settings.templates.get(wanted.get("kind", ""))
        values: dict[str, Any] = wanted.get("parameters") or {}
        language = wanted.get("language")
        if template is None:
            template = self.settings.templates.get(MESSAGE_WAITING)
            language = None
        if template is None:
            return Failed(f"no approved template for {wanted.get('kind') or MESSAGE_WAITING}")
        body = template_body(
            template, self._language(template, language, locale), values, reopen_key
        )
        if isinstance(body, Failed):
            return body
        return await self._send_bodies(external_id, [body])

    def _language(self, template: Template, content_language: str | None, locale: str | None):
        """The template's language code: the content's own language first (its parameters
        are written in it), else the person's, else the bot's default."""
        for candidate in (content_language, locale, self.default_locale):
            if candidate in template.languages:
                return template.languages[candidate]
        return next(iter(template.languages.values()))

    async def _send_document(self, external_id: str, reply: Reply, tr) -> Outcome:
        if self.documents is None:
            return Failed("this sender builds no documents")
        document = reply.document
        data = await self.documents(document)
        uploaded = await self._post(
            "media",
            data={"messaging_product": "whatsapp", "type": MIME_TYPES[document.format]},
            files={"file": (document.filename, data, MIME_TYPES[document.format])},
        )
        if not isinstance(uploaded, dict):
            return uploaded
        if "id" not in uploaded:
            return RetryLater("the media upload gave no id")
        media = {"id": uploaded["id"], "filename": document.filename}
        rest: list[dict] = []
        if reply.options or reply.contact_request:
            rest = render(Reply(reply.text, reply.options, reply.contact_request), tr)
        else:
            media["caption"] = reply.text
        outcome = await self._send_bodies(external_id, [{"type": "document", "document": media}])
        if isinstance(outcome, Sent):
            log.info("document %s sent as media %s", document.report, uploaded["id"])
            if rest:
                outcome = await self._send_bodies(external_id, rest)
        return outcome

    async def _send_bodies(self, external_id: str, bodies: list[dict]) -> Outcome:
        outcome: Outcome = Failed("nothing to send")
        for body in bodies:
            message = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": external_id,
                **body,
            }
            answer = await self._post("messages", json=message)
            if not isinstance(answer, dict):
                return answer
            try:
                outcome = Sent(str(answer["messages"][0]["id"]))
            except (KeyError, IndexError, TypeError):
                return Unknown("HTTP 200 without a message id")
        return outcome

    async def _post(self, edge: str, **request: Any) -> dict | Outcome:
        """The answer's JSON on success, else the outcome its failure means."""
        assert self._client is not None, "start the WhatsApp sender first"
        try:
            response = await self._client.post(edge, **request)
        except httpx.TransportError as error:
            return transport_outcome(error)
        payload = _json(response)
        if response.is_success:
            self._token_refused = False
            return payload or Unknown(f"HTTP {response.status_code}: no JSON object in answer")
        outcome = outcome_of(response.status_code, payload)
        if refuses_token(response.status_code, payload):
            if not self._token_refused:
                log.error(
                    "WhatsApp refused the access token (%s): set a valid WHATSAPP_ACCESS_TOKEN"
                    " and restart the bot; messages are kept and retried",
                    outcome.reason,
                )
            self._token_refused = True
        elif isinstance(outcome, Failed):
            log.warning("WhatsApp refused a message: %s", outcome.reason)
        else:
            log.info("WhatsApp answered HTTP %s: %s", response.status_code, outcome.reason)
        return outcome


def outcome_of(status: int, payload: dict) -> Outcome:
    """What a Cloud API error means for the message: Meta's code and title only, never
    the message's text or the recipient's number."""
    error = _error(payload)
    code = error_code(payload)
    title = re.sub(r"^\(#\d+\)\s*", "", str(error.get("message") or "")) or f"HTTP {status}"
    trace = error.get("fbtrace_id")
    reason = f"{code if code is not None else status}: {title[:200]}"
    if trace:
        reason += f" (fbtrace_id {trace})"
    if code in THROUGHPUT:
        return RetryLater(reason, delay_s=THROUGHPUT_DELAY_S, rate_limited=True)
    if code == PAIR_RATE_LIMIT:
        return RetryLater(reason, delay_s=PAIR_DELAY_S)
    if code == REENGAGEMENT:
        return OutsideWindow(reason)
    if code == UNDELIVERABLE:
        return Blocked(reason)
    if refuses_token(status, payload):
        return RetryLater(reason, delay_s=TOKEN_DELAY_S, rate_limited=True, counted=False)
    if status >= 500 or status == 429:
        return RetryLater(reason)
    return Failed(reason)


def refuses_token(status: int, payload: dict) -> bool:
    """401, or Meta's codes for a token expired, revoked or unreadable (0, 190)."""
    return status == 401 or error_code(payload) in TOKEN


def error_code(payload: dict) -> int | None:
    code = _error(payload).get("code")
    return int(code) if isinstance(code, int | str) and str(code).isdigit() else None


def _error(payload: dict) -> dict:
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, dict) else {}


def transport_outcome(error: httpx.TransportError) -> Outcome:
    """No answer: not sent if the connection never carried the request, else unknown."""
    reason = type(error).__name__
    if isinstance(error, _NOT_SENT):
        return RetryLater(reason)
    return Unknown(reason)


def template_body(
    template: Template, language: str, values: dict[str, Any], reopen_key: str
) -> dict | Failed:
    """The template message: its body parameters in the approved order, each on one line
    (Meta refuses new lines, tabs and runs of spaces in them) and shortened to fit, and
    the quick-reply button that brings back ``reopen_key``."""
    parameters = []
    for name in template.parameters:
        value = _WHITESPACE.sub(" ", str(values.get(name) or "")).strip()
        if not value:
            return Failed(f"template {template.name}: no value for its parameter {name}")
        text = shortened(value, TEMPLATE_PARAMETER_LENGTH, utf16_length)
        parameters.append({"type": "text", "text": text})
    components: list[dict] = []
    if parameters:
        components.append({"type": "body", "parameters": parameters})
    components.append(
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": reopen_key}],
        }
    )
    return {
        "type": "template",
        "template": {
            "name": template.name,
            "language": {"code": language},
            "components": components,
        },
    }


def _json(response: httpx.Response) -> dict:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
