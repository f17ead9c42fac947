"""A fake WhatsApp Cloud API (Meta's Graph API) for tests: real HTTP on 127.0.0.1.

It serves, from a background thread, what the bot's WhatsApp sender calls:

- ``POST /{version}/{phone_number_id}/messages``: one message, checked as Meta checks it
  (the types text, interactive button and list, template and document, and WhatsApp's
  limits: 3 reply buttons with titles of 20 characters, 10 list rows with titles of 24 and
  descriptions of 72, a list button of 20, an interactive body of 1024 and a text of 4096,
  ids unique). A valid one is answered as Meta answers, ``{"messaging_product":
  "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid.…"}]}``; an
  invalid one with Meta's error shape (code 131009 for a value out of bounds, 100 for a
  missing or malformed parameter), so a test proves our own limit checks against it.
- ``POST /{version}/{phone_number_id}/media``: a multipart upload, answered ``{"id": …}``;
  a document message names the id.

The bearer token is checked: a wrong or missing one gets Meta's 401 with code 190.
Errors are injected per recipient (:meth:`FakeGraphServer.fail`): 131026 undeliverable,
131047 re-engagement (also :attr:`~FakeGraphServer.outside_window`: free-form messages to
these recipients are refused, templates go), 131056 the pair rate limit, a 5xx, or a read
timeout (:data:`TIMEOUT`: the message is accepted, its answer never comes). Past
``rate_limit`` messages in any sliding ``rate_window_s`` it answers 130429 and counts
them (:attr:`~FakeGraphServer.throughput_errors`); ``latency_ms`` is each call's round
trip (half before it is handled, half before its answer goes out, in its own thread).

Tests read what was accepted (:meth:`~FakeGraphServer.messages`, :meth:`send_log`,
:meth:`rejections`, :meth:`uploads`); the ``wait_for_*`` methods block the calling thread,
so from an async test run them with ``await asyncio.to_thread(…)``. Run alone (``python
tests/fake_graph.py --latency-ms 100 --rate-limit 80 --port 8082``) it serves until
Ctrl-C, for a bot pointed at it with ``WHATSAPP_API_BASE_URL``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import email.parser
import email.policy
import hmac
import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

DEFAULT_TOKEN = "EAAG-test-access-token"
DEFAULT_PHONE_NUMBER_ID = "106540352242922"

UNDELIVERABLE = 131026
REENGAGEMENT = 131047
PAIR_RATE_LIMIT = 131056
THROUGHPUT = 130429
INVALID_VALUE = 131009
INVALID_PARAMETER = 100
TEMPLATE_PARAMETERS = 132000
TEMPLATE_MISSING = 132001
TEMPLATE_PARAMETER_FORMAT = 132018
SERVER_ERROR = 500
UNAVAILABLE = 503
TIMEOUT = "timeout"
"""An injected failure: the message is accepted (it may reach the person), no answer."""

TEXT_LENGTH = 4096
INTERACTIVE_BODY_LENGTH = 1024
HEADER_FOOTER_LENGTH = 60
BUTTONS = 3
BUTTON_TITLE_LENGTH = 20
BUTTON_ID_LENGTH = 256
LIST_BUTTON_LENGTH = 20
LIST_ROWS = 10
LIST_SECTIONS = 10
ROW_TITLE_LENGTH = 24
ROW_DESCRIPTION_LENGTH = 72
ROW_ID_LENGTH = 200
SECTION_TITLE_LENGTH = 24
CAPTION_LENGTH = 1024
TEMPLATE_BODY_LENGTH = 1024

_TITLES = {
    UNDELIVERABLE: ("Message undeliverable", "Unable to deliver message."),
    REENGAGEMENT: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
    ),
    PAIR_RATE_LIMIT: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    THROUGHPUT: (
        "Rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number in a short period of time.",
    ),
    SERVER_ERROR: ("Something went wrong", "Something went wrong."),
    UNAVAILABLE: ("Service unavailable", "A service is temporarily unavailable."),
}
_INTERNAL = {SERVER_ERROR: 131000, UNAVAILABLE: 131016}
_PATH = re.compile(r"^/(?P<version>v\d{1,3}\.\d{1,2})/(?P<number>[^/]+)/(?P<edge>[a-z]+)$")
_SPACES = re.compile(r" {5,}")

Json = dict[str, Any]


class GraphError(Exception):
    """A Graph API failure as Meta answers it: an HTTP status and ``{"error": {…}}``."""

    def __init__(
        self,
        status: int,
        code: int,
        title: str,
        details: str | None = None,
        *,
        type_: str = "OAuthException",
    ) -> None:
        super().__init__(title)
        self.status = status
        self.code = code
        self.title = title
        self.details = details
        self.type = type_

    def payload(self, trace: str) -> Json:
        error: Json = {"message": f"(#{self.code}) {self.title}", "type": self.type}
        error["code"] = self.code
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = trace
        return {"error": error}


def invalid(details: str) -> GraphError:
    """A value beyond what WhatsApp accepts (a length, a count, a duplicate)."""
    return GraphError(
        HTTPStatus.BAD_REQUEST, INVALID_VALUE, "Parameter value is not valid", details
    )


def missing(details: str) -> GraphError:
    """A parameter missing or of the wrong kind."""
    return GraphError(HTTPStatus.BAD_REQUEST, INVALID_PARAMETER, "Invalid parameter", details)


def injected(code: int) -> GraphError:
    title, details = _TITLES[code]
    if code in _INTERNAL:
        return GraphError(code, _INTERNAL[code], title, details)
    return GraphError(HTTPStatus.BAD_REQUEST, code, title, details)


class _Hang(Exception):
    """The answer of an accepted message never comes: the connection is cut instead."""


@dataclass(frozen=True)
class Upload:
    """A file uploaded to ``/media``: its id, name, MIME type and bytes."""

    media_id: str
    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class ApprovedTemplate:
    """A template approved at Meta: its languages, body parameters and quick replies."""

    languages: tuple[str, ...]
    parameters: int = 0
    quick_replies: int = 1


@dataclass
class _Injection:
    error: int | str
    times: int | None
    after: int = 0


class FakeGraphServer:
    """The Cloud API as the bot's sender sees it; every switch may change while running.

    ``templates`` are the approved ones (name → :class:`ApprovedTemplate`): a template
    message naming another, or in another language, or with the wrong number of
    parameters, is refused as Meta refuses it.
    """

    def __init__(
        self,
        access_token: str = DEFAULT_TOKEN,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        *,
        templates: dict[str, ApprovedTemplate] | None = None,
        latency_ms: float = 0.0,
        rate_limit: int | None = None,
        rate_window_s: float = 1.0,
        hang_s: float = 30.0,
        port: int = 0,
    ) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.templates: dict[str, ApprovedTemplate] = dict(templates or {})
        self.latency_ms = latency_ms
        self.rate_limit = rate_limit
        """At most this many messages in any ``rate_window_s``; None: no limit."""
        self.rate_window_s = rate_window_s
        self.hang_s = hang_s
        """How long an injected :data:`TIMEOUT` holds its answer before cutting it."""
        self.port = port
        self.outside_window: set[str] = set()
        """Recipients who last wrote more than 24 hours ago: only templates reach them."""
        self._injections: dict[str, deque[_Injection]] = {}
        self._condition = threading.Condition()
        self._accepted_window: deque[float] = deque()
        self._messages: list[Json] = []
        self._by_recipient: dict[str, list[Json]] = {}
        self._send_log: list[tuple[float, str, str]] = []
        self._rejections: list[tuple[str | None, int, str]] = []
        self._uploads: dict[str, Upload] = {}
        self._calls: list[Json] = []
        self._throughput_errors = 0
        self._next_id = 1
        self._closing = False
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeGraphServer:
        self._closing = False
        self._httpd = _HttpServer(("127.0.0.1", self.port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake the held answers, stop serving and cut the open keep-alive connections."""
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.close_connections()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGraphServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The Graph API's base URL (``WHATSAPP_API_BASE_URL``), no version, no number."""
        assert self._httpd is not None, "start the fake server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- switches ----------------------------------------------------------------------------

    def fail(self, recipient: str, error: int | str, times: int | None = 1, after: int = 0) -> None:
        """The next ``times`` messages to ``recipient`` (None: all) fail with ``error``
        (:data:`UNDELIVERABLE`, :data:`REENGAGEMENT`, :data:`PAIR_RATE_LIMIT`,
        :data:`SERVER_ERROR`, :data:`UNAVAILABLE` or :data:`TIMEOUT`), once ``after`` more
        were accepted. Injections queue."""
        if error != TIMEOUT and error not in _TITLES:
            raise ValueError(f"no such injected error: {error!r}")
        with self._condition:
            queue = self._injections.setdefault(recipient, deque())
            queue.append(_Injection(error, times, after))

    def heal(self, recipient: str) -> None:
        """Forget the failures injected for ``recipient``."""
        with self._condition:
            self._injections.pop(recipient, None)

    # -- what the bot did --------------------------------------------------------------------

    def messages(self, recipient: str | None = None) -> list[Json]:
        """The accepted message bodies, as posted, each with its ``"id"`` (the wamid)."""
        with self._condition:
            found = self._messages if recipient is None else self._by_recipient.get(recipient, [])
            return copy.deepcopy(found)

    def count(self, recipient: str) -> int:
        """How many messages to ``recipient`` were accepted (cheap: nothing is copied)."""
        with self._condition:
            return len(self._by_recipient.get(recipient, ()))

    def send_log(self) -> list[tuple[float, str, str]]:
        """``(time.monotonic() when accepted, recipient, wamid)`` of each message."""
        with self._condition:
            return list(self._send_log)

    def rejections(self) -> list[tuple[str | None, int, str]]:
        """``(recipient, Meta's error code, details)`` of each refused message."""
        with self._condition:
            return list(self._rejections)

    def uploads(self) -> list[Upload]:
        with self._condition:
            return list(self._uploads.values())

    def upload(self, media_id: str) -> Upload:
        with self._condition:
            return self._uploads[media_id]

    def calls(self) -> list[Json]:
        """Every request: ``{"method", "path", "authorization", "content_type"}``."""
        with self._condition:
            return copy.deepcopy(self._calls)

    @property
    def throughput_errors(self) -> int:
        """How many messages the throughput limit refused with 130429."""
        with self._condition:
            return self._throughput_errors

    def wait_for_messages(self, recipient: str, count: int, timeout: float = 10.0) -> list[Json]:
        """The messages accepted for ``recipient``, once there are at least ``count``."""
        with self._condition:
            if not self._condition.wait_for(
                lambda: len(self._by_recipient.get(recipient, ())) >= count, timeout
            ):
                got = [visible_text(m) for m in self._by_recipient.get(recipient, [])]
                raise AssertionError(
                    f"expected {count} messages to {recipient} within {timeout}s, got {got}"
                )
            return copy.deepcopy(self._by_recipient[recipient])

    def wait_for_rejections(self, count: int, timeout: float = 10.0) -> list[tuple]:
        with self._condition:
            if not self._condition.wait_for(lambda: len(self._rejections) >= count, timeout):
                raise AssertionError(f"expected {count} rejections, got {self._rejections}")
            return list(self._rejections)

    # -- the API -----------------------------------------------------------------------------

    def _handle(self, method: str, path: str, headers: Any, body: bytes) -> Json:
        content_type = headers.get("Content-Type") or ""
        authorization = headers.get("Authorization") or ""
        with self._condition:
            self._calls.append(
                {
                    "method": method,
                    "path": path,
                    "authorization": authorization,
                    "content_type": content_type,
                }
            )
        match = _PATH.match(path)
        if method != "POST" or match is None:
            raise GraphError(HTTPStatus.BAD_REQUEST, 2500, f"Unknown path components: {path}")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), self.access_token.encode()
        ):
            raise GraphError(
                HTTPStatus.UNAUTHORIZED,
                190,
                "Invalid OAuth access token - Cannot parse access token",
            )
        if match["number"] != self.phone_number_id:
            raise GraphError(
                HTTPStatus.BAD_REQUEST,
                INVALID_PARAMETER,
                f"Unsupported post request. Object with ID '{match['number']}' does not exist",
                type_="GraphMethodException",
            )
        if match["edge"] == "media":
            return self._upload(content_type, body)
        if match["edge"] != "messages":
            raise missing(f"unknown edge {match['edge']}")
        try:
            message = json.loads(body)
        except ValueError:
            raise missing("the body is not JSON") from None
        if not isinstance(message, dict):
            raise missing("the body is not a JSON object")
        return self._send(message)

    def _send(self, message: Json) -> Json:
        recipient = message.get("to")
        try:
            check_message(message, self)
            with self._condition:
                self._refuse_if_refused(recipient, message)
                self._within_rate_limit()
                wamid = self._accept(recipient, message)
                hang = self._take_injection(recipient, TIMEOUT)
                if not hang:
                    self._count_down(recipient)
        except GraphError as error:
            with self._condition:
                self._rejections.append((recipient, error.code, error.details or error.title))
                self._condition.notify_all()
            raise
        if hang:
            with self._condition:
                self._condition.wait_for(lambda: self._closing, self.hang_s)
            raise _Hang
        answer: Json = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": recipient, "wa_id": recipient.lstrip("+")}],
            "messages": [{"id": wamid}],
        }
        if message.get("type") == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return answer

    def _refuse_if_refused(self, recipient: str, message: Json) -> None:
        """The injected failure due for ``recipient``, if any (caller holds the lock)."""
        queue = self._injections.get(recipient)
        if queue and queue[0].after == 0 and queue[0].error != TIMEOUT:
            code = queue[0].error
            self._consume(queue)
            raise injected(code)
        if recipient in self.outside_window and message.get("type") != "template":
            raise injected(REENGAGEMENT)

    def _take_injection(self, recipient: str, error: int | str) -> bool:
        queue = self._injections.get(recipient)
        if queue and queue[0].after == 0 and queue[0].error == error:
            self._consume(queue)
            return True
        return False

    def _count_down(self, recipient: str) -> None:
        """One more message accepted: the next injection is that much nearer."""
        queue = self._injections.get(recipient)
        if queue and queue[0].after > 0:
            queue[0].after -= 1

    @staticmethod
    def _consume(queue: deque[_Injection]) -> None:
        head = queue[0]
        if head.times is not None:
            head.times -= 1
            if head.times <= 0:
                queue.popleft()

    def _within_rate_limit(self) -> None:
        """Count a message in the sliding window, or refuse it with 130429 as Meta does."""
        if self.rate_limit is None:
            return
        now = time.monotonic()
        window = self._accepted_window
        while window and window[0] <= now - self.rate_window_s:
            window.popleft()
        if len(window) >= self.rate_limit:
            self._throughput_errors += 1
            raise injected(THROUGHPUT)
        window.append(now)

    def _accept(self, recipient: str, message: Json) -> str:
        wamid = self._take_wamid(recipient)
        kept = {**copy.deepcopy(message), "id": wamid}
        self._messages.append(kept)
        self._by_recipient.setdefault(recipient, []).append(kept)
        self._send_log.append((time.monotonic(), recipient, wamid))
        self._condition.notify_all()
        return wamid

    def _take_wamid(self, recipient: str) -> str:
        number = self._next_id
        self._next_id += 1
        raw = f"{recipient}:{number:012d}".encode()
        return "wamid." + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _upload(self, content_type: str, body: bytes) -> Json:
        if not content_type.lower().startswith("multipart/form-data"):
            raise missing("media must be uploaded as multipart/form-data")
        fields, files = _multipart(content_type, body)
        if fields.get("messaging_product") != "whatsapp":
            raise missing("messaging_product must be whatsapp")
        if "file" not in files:
            raise missing("the file is missing")
        filename, part_type, data = files["file"]
        mime_type = fields.get("type") or part_type
        if not data:
            raise invalid("the file is empty")
        with self._condition:
            media_id = str(900_000_000_000 + self._next_id)
            self._next_id += 1
            self._uploads[media_id] = Upload(media_id, filename, mime_type, data)
            self._condition.notify_all()
        return {"id": media_id}

    def _has_media(self, media_id: str) -> bool:
        with self._condition:
            return media_id in self._uploads


# -- Meta's checks ---------------------------------------------------------------------------


def check_message(message: Json, server: FakeGraphServer | None = None) -> None:
    """Refuse ``message`` as the Cloud API would (:class:`GraphError`), else return."""
    if message.get("messaging_product") != "whatsapp":
        raise missing("messaging_product must be whatsapp")
    if message.get("recipient_type", "individual") != "individual":
        raise missing("recipient_type must be individual")
    recipient = message.get("to")
    if not isinstance(recipient, str) or not re.fullmatch(r"\+?\d{6,20}", recipient):
        raise missing("to must be a phone number or WhatsApp id")
    kind = message.get("type", "text")
    checks = {
        "text": _check_text,
        "interactive": _check_interactive,
        "template": _check_template,
        "document": _check_document,
    }
    if kind not in checks:
        raise missing(f"type {kind!r} is not one this fake knows")
    content = message.get(kind)
    if not isinstance(content, dict):
        raise missing(f"{kind} must be an object")
    checks[kind](content, server)


def _text(value: Any, where: str, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise missing(f"{where} is required and must be a non-empty string")
    if len(value) > limit:
        raise invalid(f"{where} is {len(value)} characters long, the most is {limit}")
    return value


def _check_text(text: Json, server: FakeGraphServer | None) -> None:
    _text(text.get("body"), "text.body", TEXT_LENGTH)


def _check_interactive(interactive: Json, server: FakeGraphServer | None) -> None:
    body = interactive.get("body")
    if not isinstance(body, dict):
        raise missing("interactive.body is required")
    _text(body.get("text"), "interactive.body.text", INTERACTIVE_BODY_LENGTH)
    header = interactive.get("header")
    if header is not None:
        if header.get("type") != "text":
            raise missing("interactive.header.type: only text headers here")
        _text(header.get("text"), "interactive.header.text", HEADER_FOOTER_LENGTH)
    footer = interactive.get("footer")
    if footer is not None:
        _text(footer.get("text"), "interactive.footer.text", HEADER_FOOTER_LENGTH)
    action = interactive.get("action")
    if not isinstance(action, dict):
        raise missing("interactive.action is required")
    kind = interactive.get("type")
    if kind == "button":
        _check_buttons(action)
    elif kind == "list":
        _check_list(action)
    else:
        raise missing(f"interactive.type {kind!r}: button or list")


def _check_buttons(action: Json) -> None:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not buttons:
        raise missing("interactive.action.buttons is required")
    if len(buttons) > BUTTONS:
        raise invalid(f"{len(buttons)} buttons, the most is {BUTTONS}")
    ids, titles = set(), set()
    for n, button in enumerate(buttons):
        reply = button.get("reply") if isinstance(button, dict) else None
        if not isinstance(reply, dict) or button.get("type") != "reply":
            raise missing(f"buttons[{n}] must be a reply button")
        button_id = _text(reply.get("id"), f"buttons[{n}].reply.id", BUTTON_ID_LENGTH)
        title = _text(reply.get("title"), f"buttons[{n}].reply.title", BUTTON_TITLE_LENGTH)
        if button_id in ids:
            raise invalid(f"buttons[{n}].reply.id is not unique")
        if title in titles:
            raise invalid(f"buttons[{n}].reply.title is not unique")
        ids.add(button_id)
        titles.add(title)


def _check_list(action: Json) -> None:
    _text(action.get("button"), "interactive.action.button", LIST_BUTTON_LENGTH)
    sections = action.get("sections")
    if not isinstance(sections, list) or not sections:
        raise missing("interactive.action.sections is required")
    if len(sections) > LIST_SECTIONS:
        raise invalid(f"{len(sections)} sections, the most is {LIST_SECTIONS}")
    ids: set[str] = set()
    rows_total = 0
    for s, section in enumerate(sections):
        title = section.get("title")
        if len(sections) > 1 or title is not None:
            _text(title, f"sections[{s}].title", SECTION_TITLE_LENGTH)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise missing(f"sections[{s}].rows is required")
        rows_total += len(rows)
        for r, row in enumerate(rows):
            where = f"sections[{s}].rows[{r}]"
            row_id = _text(row.get("id"), f"{where}.id", ROW_ID_LENGTH)
            _text(row.get("title"), f"{where}.title", ROW_TITLE_LENGTH)
            _text(
                row.get("description"),
                f"{where}.description",
                ROW_DESCRIPTION_LENGTH,
                required=False,
            )
            if row_id in ids:
                raise invalid(f"{where}.id is not unique")
            ids.add(row_id)
    if rows_total > LIST_ROWS:
        raise invalid(f"{rows_total} rows, the most is {LIST_ROWS}")


def _check_template(template: Json, server: FakeGraphServer | None) -> None:
    name = template.get("name")
    language = (template.get("language") or {}).get("code")
    if not isinstance(name, str) or not isinstance(language, str):
        raise missing("template.name and template.language.code are required")
    components = template.get("components", [])
    if not isinstance(components, list):
        raise missing("template.components must be a list")
    parameters: list[Json] = []
    quick_replies = 0
    for component in components:
        kind = component.get("type")
        if kind == "body":
            parameters += component.get("parameters", [])
        elif kind == "button" and component.get("sub_type") == "quick_reply":
            if str(component.get("index")) != str(quick_replies):
                raise missing("template button index out of order")
            payloads = component.get("parameters", [])
            if len(payloads) != 1 or payloads[0].get("type") != "payload":
                raise missing("a quick_reply button takes one payload parameter")
            _text(payloads[0].get("payload"), "button payload", 128)
            quick_replies += 1
        else:
            raise missing(f"template component {kind!r} is not one this fake knows")
    total = 0
    for n, parameter in enumerate(parameters):
        if parameter.get("type") != "text":
            raise missing(f"body parameter {n}: only text parameters here")
        text = _text(parameter.get("text"), f"body parameter {n}", TEMPLATE_BODY_LENGTH)
        if "\n" in text or "\t" in text or _SPACES.search(text):
            raise GraphError(
                HTTPStatus.BAD_REQUEST,
                TEMPLATE_PARAMETER_FORMAT,
                "There was an issue with the parameters in your template.",
                "Param text cannot have new-line/tab characters or more than 4 consecutive spaces",
            )
        total += len(text)
    if total > TEMPLATE_BODY_LENGTH:
        raise invalid(f"the template's parameters hold {total} characters")
    if server is None:
        return
    approved = server.templates.get(name)
    if approved is None or language not in approved.languages:
        raise GraphError(
            HTTPStatus.NOT_FOUND,
            TEMPLATE_MISSING,
            "Template name does not exist in the translation",
            f"template name ({name}) does not exist in {language}",
        )
    if len(parameters) != approved.parameters or quick_replies != approved.quick_replies:
        raise GraphError(
            HTTPStatus.BAD_REQUEST,
            TEMPLATE_PARAMETERS,
            "Number of parameters does not match the expected number of params",
            f"body: number of localizable_params ({len(parameters)}) does not match the "
            f"expected number of params ({approved.parameters})",
        )


def _check_document(document: Json, server: FakeGraphServer | None) -> None:
    media_id, link = document.get("id"), document.get("link")
    if (media_id is None) == (link is None):
        raise missing("document needs an id or a link")
    if media_id is not None and server is not None and not server._has_media(str(media_id)):
        raise missing(f"document.id {media_id} is not an uploaded media")
    _text(document.get("caption"), "document.caption", CAPTION_LENGTH, required=False)
    _text(document.get("filename"), "document.filename", 240, required=False)


# -- reading what was sent -------------------------------------------------------------------


def visible_text(message: Json) -> str:
    """What the person reads first: the text, the interactive body, a caption, a name."""
    kind = message.get("type", "text")
    if kind == "text":
        return message["text"]["body"]
    if kind == "interactive":
        return message["interactive"]["body"]["text"]
    if kind == "document":
        return message["document"].get("caption", "")
    if kind == "template":
        return f"template:{message['template']['name']}"
    return ""


def choices(message: Json) -> list[tuple[str, str]]:
    """``(id, title)`` of the buttons or list rows a message offers, in order."""
    if message.get("type") != "interactive":
        return []
    action = message["interactive"]["action"]
    if message["interactive"]["type"] == "button":
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    return [(row["id"], row["title"]) for s in action["sections"] for row in s["rows"]]


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple]]:
    """The fields and files (name → (filename, content type, bytes)) of a form upload."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, tuple] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            files[name] = (filename, part.get_content_type(), data)
        else:
            fields[name] = data.decode()
    return fields, files


# -- HTTP ------------------------------------------------------------------------------------


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 resets connections a busy bot opens at once (benchmarks).
    request_queue_size = 128

    def __init__(self, address, handler, api: FakeGraphServer) -> None:
        super().__init__(address, handler)
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address) -> None:
        """Quiet: a client that hung up (a timeout, a stopped bot) is not an error."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every call on a keep-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        super().finish()

    def do_POST(self) -> None:
        self._serve("POST")

    def do_GET(self) -> None:
        self._serve("GET")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the recorded calls instead."""

    def _serve(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        api = self.server.api
        try:
            self._travel()
            result = api._handle(method, urlsplit(self.path).path, self.headers, body)
        except _Hang:
            self.close_connection = True
            return
        except GraphError as error:
            status, payload = error.status, error.payload(_trace())
        else:
            status, payload = HTTPStatus.OK, result
        self._travel()
        self._respond(status, payload)

    def _travel(self) -> None:
        """Half the round trip: the request on its way in, or the answer on its way out."""
        if self.server.api.latency_ms > 0:
            time.sleep(self.server.api.latency_ms / 2000)

    def _respond(self, status: int, payload: Json) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


def _trace() -> str:
    return base64.urlsafe_b64encode(time.monotonic_ns().to_bytes(8, "big")).decode()[:11]


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the fake Cloud API until Ctrl-C.")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="round trip per call")
    parser.add_argument("--rate-limit", type=int, help="messages allowed in any second")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--phone-number-id", default=DEFAULT_PHONE_NUMBER_ID)
    arguments = parser.parse_args()
    server = FakeGraphServer(
        arguments.token,
        arguments.phone_number_id,
        latency_ms=arguments.latency_ms,
        rate_limit=arguments.rate_limit,
        port=arguments.port,
    ).start()
    print(
        f"fake Cloud API at {server.base_url} (phone number id {server.phone_number_id}, "
        f"token {server.access_token}); Ctrl-C to stop",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print(f"stopped; {server.throughput_errors} answers were 130429", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
