"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, state you can inspect.

It serves ``/bot<token>/<method>`` from a background thread, so the real python-telegram-bot
talks to it as it would to Telegram. Tests push updates as a person would send them
(:meth:`FakeTelegramServer.push_text`, ...) and read what the bot sent
(:meth:`~FakeTelegramServer.sent_messages`, :meth:`~FakeTelegramServer.calls`).

The ``wait_for_*`` methods block the calling thread; from an async test run them with
``await asyncio.to_thread(server.wait_for_messages, chat_id, 1)`` so the bot's event loop
keeps running.

For benchmarks it can play the network and Telegram's limit: ``latency_ms`` is the round
trip of each call (half before the call is handled, half before its answer goes out, in
the call's own thread, so other calls are not held), and ``rate_limit`` answers 429 with a
``retry_after`` to a sendMessage past that many in any sliding ``rate_window_s``. Both are
off by default. Run alone (``python tests/fake_telegram.py --latency-ms 100 --rate-limit
30 --port 8081``) it serves until Ctrl-C, for a bot pointed at it by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import email.parser
import email.policy
import json
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DEFAULT_TOKEN = "7000001:TEST-token"
BOT_USERNAME = "TawasulTestBot"

# Parameters that are strings even when they look like JSON ("42", "true").
_TEXT_PARAMETERS = frozenset(
    {"text", "caption", "callback_query_id", "language_code", "description", "url", "secret_token"}
)
_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")

Json = dict[str, Any]


class ApiError(Exception):
    """A Telegram-style failure: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class _Dropped(Exception):
    """A held request that gets no answer: its connection is closed instead."""


@dataclass
class _Pending:
    update: Json
    redelivered: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return self.update["update_id"]

    def confirmed_by(self, offset: int) -> bool:
        """A redelivered copy has an old id: it counts as confirmed once it was delivered."""
        return self.update_id < offset and (self.delivered or not self.redelivered)


class FakeTelegramServer:
    """The Bot API as the bot sees it, with switches to make methods fail.

    ``fail_methods`` answer 400 Bad Request; chats in ``blocked_chats`` answer 403 to
    sendMessage as for a person who blocked the bot, chats in ``rejected_chats`` 400 (chat
    not found). :meth:`limit_rate` makes the next sends to a chat answer 429 with a
    retry_after. All may be changed while running.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        fail_methods: Iterable[str] = (),
        blocked_chats: Iterable[int] = (),
        latency_ms: float = 0.0,
        rate_limit: int | None = None,
        rate_window_s: float = 1.0,
        port: int = 0,
    ) -> None:
        self.token = token
        self.latency_ms = latency_ms
        self.rate_limit = rate_limit
        """At most this many sendMessage in any ``rate_window_s``; None: no limit."""
        self.rate_window_s = rate_window_s
        self.port = port
        self._accepted_sends: deque[float] = deque()
        self._send_log: list[tuple[float, int, int]] = []
        self._http_429 = 0
        self.bot_id = int(token.partition(":")[0])
        self.fail_methods: set[str] = set(fail_methods)
        self.blocked_chats: set[int] = set(blocked_chats)
        self.rejected_chats: set[int] = set()
        self._rate_limited: dict[int, tuple[int, int]] = {}
        self._condition = threading.Condition()
        self._pending: list[_Pending] = []
        self._history: dict[int, Json] = {}
        self._calls: list[tuple[str, Json]] = []
        self._call_times: list[float] = []
        self._messages: dict[int, Json] = {}
        self._sent: dict[int, list[Json]] = {}
        self._documents: dict[int, list[Upload]] = {}
        self._commands: dict[tuple[int | None, str], list[Json]] = {}
        self.webhook: Json | None = None
        """What the bot gave setWebhook (url, secret_token, allowed_updates), until deleted."""
        self._next_update_id = 100
        self._next_message_id = 1
        self._next_callback_id = 1
        self._closing = False
        self._holding = False
        self._held = 0
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Json], Any]] = {
            "getme": lambda params: self._bot_user(),
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": lambda params: True,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "close": lambda params: True,
            "logout": lambda params: True,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeTelegramServer:
        self._closing = False
        self._httpd = _HttpServer(("127.0.0.1", self.port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake the long polls, stop serving and cut the open keep-alive connections."""
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

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the fake server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/bot"

    # -- what a person does ------------------------------------------------------------------

    def push_text(
        self, user_id: int, text: str, first_name: str = "Amina", language_code: str = "ar"
    ) -> int:
        fields: Json = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push_message(user_id, fields, first_name, language_code)

    def push_contact(self, user_id: int, phone: str, contact_user_id: int | None = None) -> int:
        """Share a contact: the sender's own unless ``contact_user_id`` names someone else."""
        contact = {
            "phone_number": phone,
            "first_name": "Contact",
            "user_id": user_id if contact_user_id is None else contact_user_id,
        }
        return self.push_message(user_id, {"contact": contact})

    def push_photo(self, user_id: int) -> int:
        sizes = [_file("photo-s", width=90, height=90), _file("photo-m", width=320, height=320)]
        return self.push_message(user_id, {"photo": sizes})

    def push_sticker(self, user_id: int) -> int:
        sticker = _file("sticker", width=512, height=512, type="regular")
        sticker.update(is_animated=False, is_video=False)
        return self.push_message(user_id, {"sticker": sticker})

    def push_message(
        self,
        user_id: int,
        fields: Json,
        first_name: str = "Amina",
        language_code: str = "ar",
        chat: Json | None = None,
    ) -> int:
        """A message from ``user_id`` with any content ``fields``; a private chat by default."""
        sender = _user(user_id, first_name, language_code)
        with self._condition:
            message = {
                "message_id": self._take_message_id(),
                "date": int(time.time()),
                "chat": chat or {"id": user_id, "type": "private", "first_name": first_name},
                "from": sender,
                **copy.deepcopy(fields),
            }
            return self._push({"message": message})

    def push_group_text(self, group_id: int, user_id: int, text: str) -> int:
        chat = {"id": group_id, "type": "group", "title": "Focal points"}
        return self.push_message(user_id, {"text": text}, chat=chat)

    def push_callback(self, user_id: int, message_id: int, data: str) -> int:
        """A tap on a button of a message the bot sent (as it is now, with its keyboard)."""
        with self._condition:
            query = {
                "id": str(self._next_callback_id),
                "from": _user(user_id, "Amina", "ar"),
                "message": copy.deepcopy(self._messages[message_id]),
                "chat_instance": f"instance-{user_id}",
                "data": data,
            }
            self._next_callback_id += 1
            return self._push({"callback_query": query})

    def update(self, update_id: int) -> Json:
        """An update pushed earlier, as Telegram would post it to a webhook."""
        with self._condition:
            return copy.deepcopy(self._history[update_id])

    def redeliver(self, update_id: int) -> None:
        """Deliver an earlier update again, same update_id, as Telegram may after a lost ack."""
        with self._condition:
            update = copy.deepcopy(self._history[update_id])
            self._pending.append(_Pending(update, redelivered=True))
            self._condition.notify_all()

    @contextlib.contextmanager
    def at_once(self) -> Iterator[None]:
        """Updates pushed inside are all delivered by the same getUpdates answer."""
        with self._condition:
            yield

    def limit_rate(self, chat_id: int, retry_after: int, times: int = 1) -> None:
        """The next ``times`` sends to the chat answer 429 Too Many Requests, retry_after."""
        with self._condition:
            self._rate_limited[chat_id] = (retry_after, times)

    # -- sends that never come back (a kill between commit and send) ------------------------

    def hold_sends(self) -> None:
        """Hold every sendMessage from now on: received, never answered, never delivered."""
        with self._condition:
            self._holding = True

    def release_held(self) -> None:
        """Stop holding; the sends held so far are dropped unanswered, as if lost."""
        with self._condition:
            self._holding = False
            self._condition.notify_all()

    def wait_for_held(self, count: int, timeout: float = 10.0) -> None:
        """Block until at least ``count`` sends are being held (or were)."""
        with self._condition:
            if not self._condition.wait_for(lambda: self._held >= count, timeout):
                raise AssertionError(f"expected {count} held sends within {timeout}s")

    def _hold_if_holding(self) -> None:
        """While holding, park the request (the caller holds the lock), then drop it."""
        if not self._holding:
            return
        self._held += 1
        self._condition.notify_all()
        self._condition.wait_for(lambda: not self._holding or self._closing)
        raise _Dropped

    # -- what the bot did --------------------------------------------------------------------

    def sent_messages(self, chat_id: int) -> list[Json]:
        """Messages as sent to the chat (later edits not applied), with the markup sent."""
        with self._condition:
            return copy.deepcopy(self._sent.get(chat_id, []))

    def count_sent(self, chat_id: int) -> int:
        """How many messages were sent to the chat (cheap: nothing is copied)."""
        with self._condition:
            return len(self._sent.get(chat_id, ()))

    def send_log(self) -> list[tuple[float, int, int]]:
        """``(time.monotonic() when accepted, chat id, message id)`` of each message sent."""
        with self._condition:
            return list(self._send_log)

    @property
    def http_429(self) -> int:
        """How many sendMessage the global rate limit answered with 429."""
        with self._condition:
            return self._http_429

    def message(self, message_id: int) -> Json:
        """A message the bot sent, as it is now (edits applied)."""
        with self._condition:
            return copy.deepcopy(self._messages[message_id])

    def calls(self, method: str) -> list[Json]:
        """Parameters of each call of ``method``, in order."""
        with self._condition:
            return [copy.deepcopy(params) for name, params in self._calls if name == method]

    def timed_calls(self, method: str) -> list[tuple[float, Json]]:
        """``(time.monotonic() when received, parameters)`` of each call of ``method``."""
        with self._condition:
            return [
                (at, copy.deepcopy(params))
                for at, (name, params) in zip(self._call_times, self._calls, strict=True)
                if name == method
            ]

    def callback_id(self, update_id: int) -> str:
        """The callback query id of a tap pushed with :meth:`push_callback`."""
        with self._condition:
            return self._history[update_id]["callback_query"]["id"]

    def methods_called(self) -> list[str]:
        with self._condition:
            return [name for name, _ in self._calls]

    def commands(self, language_code: str | None = None, chat_id: int | None = None) -> list[Json]:
        """The menu set for a language, in one chat's scope or (by default) for everyone."""
        with self._condition:
            return copy.deepcopy(self._commands.get((chat_id, language_code or ""), []))

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[Json]:
        """All messages sent to the chat, once there are at least ``count``."""
        with self._condition:
            if not self._condition.wait_for(
                lambda: len(self._sent.get(chat_id, [])) >= count, timeout
            ):
                texts = [message.get("text") for message in self._sent.get(chat_id, [])]
                raise AssertionError(
                    f"expected {count} messages to chat {chat_id} within {timeout}s, got {texts}"
                )
            return copy.deepcopy(self._sent[chat_id])

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> list[Json]:
        """Parameters of each call of ``method``, once there are at least ``count``."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self.calls(method)) >= count, timeout):
                raise AssertionError(
                    f"expected {count} calls of {method} within {timeout}s, "
                    f"got {self.methods_called()}"
                )
            return self.calls(method)

    # -- the API -----------------------------------------------------------------------------

    def _handle(self, token: str, method: str, params: Json) -> Any:
        if token != self.token:
            raise ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
        with self._condition:
            self._calls.append((method, copy.deepcopy(params)))
            self._call_times.append(time.monotonic())
            self._condition.notify_all()
            implementation = self._methods.get(method.lower())
            if implementation is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            if method in self.fail_methods:
                raise ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {method} failed on purpose")
            if method.lower() == "sendmessage":
                self._within_rate_limit()
        with self._condition:
            return implementation(params)

    def _within_rate_limit(self) -> None:
        """Count a sendMessage in the sliding window, or answer 429 as Telegram does."""
        if self.rate_limit is None:
            return
        now = time.monotonic()
        window = self._accepted_sends
        while window and window[0] <= now - self.rate_window_s:
            window.popleft()
        if len(window) >= self.rate_limit:
            self._http_429 += 1
            retry_after = max(1, math.ceil(window[0] + self.rate_window_s - now))
            raise ApiError(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        window.append(now)

    def _delete_webhook(self, params: Json) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook = None
        return True

    def _set_webhook(self, params: Json) -> bool:
        """Remember the webhook (``webhook``); the test posts the updates to it itself."""
        self.webhook = dict(params)
        return True

    def _get_updates(self, params: Json) -> list[Json]:
        offset = int(params.get("offset", 0))
        limit = int(params.get("limit", 100))
        timeout = float(params.get("timeout", 0))
        with self._condition:
            if offset > 0:
                self._pending = [p for p in self._pending if not p.confirmed_by(offset)]
            self._condition.wait_for(lambda: self._closing or self._deliverable(offset), timeout)
            ready = sorted(self._deliverable(offset), key=lambda p: p.update_id)[:limit]
            for pending in ready:
                pending.delivered = True
            return [copy.deepcopy(pending.update) for pending in ready]

    def _deliverable(self, offset: int) -> list[_Pending]:
        return [p for p in self._pending if not p.confirmed_by(offset)]

    def _send_message(self, params: Json) -> Json:
        self._hold_if_holding()
        chat_id = int(params["chat_id"])
        self._refuse_if_refused(chat_id)
        return self._record(chat_id, params, {"text": params["text"]})

    def _send_document(self, params: Json) -> Json:
        """A file, sent as multipart form data: its name and bytes are kept (``documents``)."""
        chat_id = int(params["chat_id"])
        self._refuse_if_refused(chat_id)
        upload = params["document"]
        if not isinstance(upload, Upload):
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: document is not a file upload")
        fields = {
            "document": _file(
                f"document-{len(self._calls)}",
                file_name=upload.filename,
                file_size=len(upload.data),
            ),
            "caption": params.get("caption", ""),
        }
        message = self._record(chat_id, params, fields)
        self._documents.setdefault(chat_id, []).append(upload)
        return message

    def documents(self, chat_id: int) -> list[Upload]:
        """The files sent to the chat, in order."""
        with self._condition:
            return list(self._documents.get(chat_id, ()))

    def _refuse_if_refused(self, chat_id: int) -> None:
        if chat_id in self.blocked_chats:
            raise ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
        if chat_id in self.rejected_chats:
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: chat not found")
        retry_after, times = self._rate_limited.get(chat_id, (0, 0))
        if times > 0:
            self._rate_limited[chat_id] = (retry_after, times - 1)
            raise ApiError(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )

    def _record(self, chat_id: int, params: Json, fields: Json) -> Json:
        message: Json = {
            "message_id": self._take_message_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Amina"},
            "from": self._bot_user(),
            **fields,
        }
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[message["message_id"]] = message
        self._send_log.append((time.monotonic(), chat_id, message["message_id"]))
        as_seen = {**copy.deepcopy(message), "reply_markup": markup} if markup else message
        self._sent.setdefault(chat_id, []).append(copy.deepcopy(as_seen))
        return copy.deepcopy(message)

    def _edit_message_text(self, params: Json) -> Json:
        message = self._message_to_edit(params)
        message["text"] = params["text"]
        message["edit_date"] = int(time.time())
        self._set_inline_markup(message, params.get("reply_markup"))
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: Json) -> Json:
        message = self._message_to_edit(params)
        self._set_inline_markup(message, params.get("reply_markup"))
        return copy.deepcopy(message)

    def _message_to_edit(self, params: Json) -> Json:
        message = self._messages.get(int(params.get("message_id", 0)))
        if message is None or message["chat"]["id"] != int(params.get("chat_id", 0)):
            raise ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message to edit not found")
        return message

    def _set_my_commands(self, params: Json) -> bool:
        self._commands[_menu_key(params)] = params["commands"]
        return True

    def _get_my_commands(self, params: Json) -> list[Json]:
        return copy.deepcopy(self._commands.get(_menu_key(params), []))

    # -- helpers -----------------------------------------------------------------------------

    def _push(self, update: Json) -> int:
        """Enqueue an update (caller holds the lock) and wake the long polls."""
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id, **update}
        self._history[update_id] = copy.deepcopy(update)
        self._pending.append(_Pending(update))
        self._condition.notify_all()
        return update_id

    def _take_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def _bot_user(self) -> Json:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Tawasul",
            "username": BOT_USERNAME,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    @staticmethod
    def _set_inline_markup(message: Json, markup: Json | None) -> None:
        """Telegram drops the inline keyboard of an edited message unless one is given."""
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)


def _user(user_id: int, first_name: str, language_code: str) -> Json:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": language_code,
    }


def _file(name: str, **fields: Any) -> Json:
    return {"file_id": f"{name}-id", "file_unique_id": f"{name}-uid", "file_size": 1024, **fields}


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (sendDocument): its name and bytes."""

    filename: str
    data: bytes


def _multipart(content_type: str, body: bytes) -> Json:
    """The fields of a ``multipart/form-data`` body; files as :class:`Upload`."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: Json = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        fields[name] = Upload(filename, data) if filename else data.decode()
    return fields


def parse_parameters(content_type: str, body: bytes, query: str = "") -> Json:
    """Method parameters from a query string and a JSON, form-encoded or multipart body.

    python-telegram-bot 22 posts ``application/x-www-form-urlencoded`` where every value is a
    string and nested objects (reply_markup, commands, allowed_updates) are JSON in a string;
    a call that uploads a file (sendDocument) is ``multipart/form-data``. ``content_type`` is
    the whole header (a multipart one names its boundary).
    """
    raw: Json = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        raw.update(_multipart(content_type, body))
        return {name: _decode(name, value) for name, value in raw.items()}
    content_type = media_type
    if content_type == "application/json" and body:
        raw.update(json.loads(body))
    elif content_type == "application/x-www-form-urlencoded":
        raw.update(parse_qsl(body.decode(), keep_blank_values=True))
    elif body:
        raise ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: unsupported body {content_type}")
    return {name: _decode(name, value) for name, value in raw.items()}


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in _TEXT_PARAMETERS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 resets connections a busy bot opens at once (benchmarks).
    request_queue_size = 128

    def __init__(self, address, handler, api: FakeTelegramServer) -> None:
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
        """Quiet: a client that hung up mid long poll (a stopped bot) is not an error."""


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
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the recorded calls instead."""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = _PATH.match(url.path)
        try:
            self._travel()
            if match is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            content_type = self.headers.get("Content-Type") or self.headers.get_content_type()
            params = parse_parameters(content_type, body, url.query)
            result = self.server.api._handle(match["token"], match["method"], params)
        except _Dropped:
            self.close_connection = True
            return
        except ApiError as error:
            status, payload = error.code, _failure(error)
        else:
            status, payload = HTTPStatus.OK, {"ok": True, "result": result}
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
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


def _failure(error: ApiError) -> Json:
    failure = {"ok": False, "error_code": int(error.code), "description": error.description}
    if error.parameters:
        failure["parameters"] = error.parameters
    return failure


def _menu_key(params: Json) -> tuple[int | None, str]:
    """(chat id of a chat scope or None for the default scope, language code or "")."""
    scope = params.get("scope") or {}
    if isinstance(scope, str):
        scope = json.loads(scope)
    chat = int(scope["chat_id"]) if scope.get("type") == "chat" else None
    return chat, params.get("language_code") or ""


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the fake Bot API until Ctrl-C.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="round trip per call")
    parser.add_argument("--rate-limit", type=int, help="sendMessage allowed in any second")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    arguments = parser.parse_args()
    server = FakeTelegramServer(
        arguments.token,
        latency_ms=arguments.latency_ms,
        rate_limit=arguments.rate_limit,
        port=arguments.port,
    ).start()
    print(f"fake Bot API at {server.base_url} (token {server.token}); Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print(f"stopped; {server.http_429} answers were 429", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
