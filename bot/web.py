"""The web server for the platforms' webhooks: one Starlette app under uvicorn, run as a
task inside ``tawasul run``'s event loop (the same loop as the channels and delivery).

Routes exist only for what is configured:

- ``GET /health``: 200 and a small JSON, for load balancers;
- ``GET /webhooks/whatsapp``: Meta's subscription challenge (``hub.mode=subscribe`` and
  the verify token; the answer is ``hub.challenge`` as plain text);
- ``POST /webhooks/whatsapp``: ``X-Hub-Signature-256`` must be ``sha256=`` and the
  HMAC-SHA256 of the raw body with the app secret: missing → 401, wrong → 403, and
  nothing is read;
- ``POST /webhooks/telegram``: ``X-Telegram-Bot-Api-Secret-Token`` must be the configured
  secret: missing → 401, wrong → 403.

Secrets are compared in constant time (:func:`hmac.compare_digest`). A webhook is
answered 200 only once what it carries is committed (the receivers say when); a failure
answers 500 and the platform delivers it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.channel_settings import HEALTH_PATH, TELEGRAM_PATH, WHATSAPP_PATH, WebSettings

log = logging.getLogger("tawasul.web")
MAX_BODY_BYTES = 1 << 20
"""A webhook larger than this is refused (413): Meta's and Telegram's are a few kilobytes."""
SIGNATURE_HEADER = "x-hub-signature-256"
TELEGRAM_SECRET_HEADER = "x-telegram-bot-api-secret-token"
SHUTDOWN_GRACE_S = 10.0
"""How long a stop waits for the webhooks in hand before cutting their connections."""


class WebServerUnavailable(Exception):
    """The server cannot listen where it was told to, said in one line."""


class Receiver(Protocol):
    """A channel's side of a webhook: handle the payload, return once it is committed;
    raise if it could not be (the platform then delivers it again)."""

    async def receive(self, payload: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class WhatsAppHook:
    app_secret: str
    verify_token: str
    receiver: Receiver


@dataclass(frozen=True)
class TelegramHook:
    secret: str
    receiver: Receiver


def signature_of(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends with ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Equal, in time that does not depend on where they differ."""
    return hmac.compare_digest(given.encode(), expected.encode())


def build_app(
    *, whatsapp: WhatsAppHook | None = None, telegram: TelegramHook | None = None
) -> Starlette:
    """The routes of the configured channels, and the health check."""
    channels = [name for name, hook in (("whatsapp", whatsapp), ("telegram", telegram)) if hook]

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "channels": channels})

    routes = [Route(HEALTH_PATH, health, methods=["GET"])]
    if whatsapp is not None:
        routes += [
            Route(WHATSAPP_PATH, _whatsapp_challenge(whatsapp), methods=["GET"]),
            Route(WHATSAPP_PATH, _whatsapp_post(whatsapp), methods=["POST"]),
        ]
    if telegram is not None:
        routes.append(Route(TELEGRAM_PATH, _telegram_post(telegram), methods=["POST"]))
    return Starlette(routes=routes)


Endpoint = Callable[[Request], Awaitable[Response]]


def _whatsapp_challenge(hook: WhatsAppHook) -> Endpoint:
    async def challenge(request: Request) -> Response:
        query = request.query_params
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") != "subscribe" or not same_secret(token, hook.verify_token):
            log.warning("whatsapp subscription challenge refused: wrong mode or verify token")
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(query.get("hub.challenge", ""))

    return challenge


def _whatsapp_post(hook: WhatsAppHook) -> Endpoint:
    async def webhook(request: Request) -> Response:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            log.warning("whatsapp webhook without a signature refused")
            return PlainTextResponse("signature missing", status_code=401)
        body = await _body(request)
        if body is None:
            return PlainTextResponse("too large", status_code=413)
        if not same_secret(signature, signature_of(body, hook.app_secret)):
            log.warning("whatsapp webhook with a wrong signature refused")
            return PlainTextResponse("signature wrong", status_code=403)
        return await _hand_over(hook.receiver, body, "whatsapp")

    return webhook


def _telegram_post(hook: TelegramHook) -> Endpoint:
    async def webhook(request: Request) -> Response:
        secret = request.headers.get(TELEGRAM_SECRET_HEADER)
        if not secret:
            log.warning("telegram webhook without its secret token refused")
            return PlainTextResponse("secret token missing", status_code=401)
        if not same_secret(secret, hook.secret):
            log.warning("telegram webhook with a wrong secret token refused")
            return PlainTextResponse("secret token wrong", status_code=403)
        body = await _body(request)
        if body is None:
            return PlainTextResponse("too large", status_code=413)
        return await _hand_over(hook.receiver, body, "telegram")

    return webhook


async def _body(request: Request) -> bytes | None:
    """The raw body, or None past :data:`MAX_BODY_BYTES` (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    with contextlib.suppress(ClientDisconnect):
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


async def _hand_over(receiver: Receiver, body: bytes, channel: str) -> Response:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        log.warning("%s webhook is not JSON: refused", channel)
        return PlainTextResponse("not JSON", status_code=400)
    if not isinstance(payload, dict):
        log.warning("%s webhook is not a JSON object: refused", channel)
        return PlainTextResponse("not a JSON object", status_code=400)
    try:
        await receiver.receive(payload)
    except Exception:
        log.exception("%s webhook failed; the platform will deliver it again", channel)
        return PlainTextResponse("failed, send it again", status_code=500)
    return PlainTextResponse("ok")


class _Server(uvicorn.Server):
    """uvicorn, leaving the signals to ``tawasul run`` (which stops it with the rest)."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


class WebServer:
    """The Starlette app served on ``host:port`` by a task of the running loop."""

    def __init__(self, settings: WebSettings, app: Starlette) -> None:
        self.settings = settings
        self.app = app
        self._server: _Server | None = None
        self._task: asyncio.Task | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one chosen by the system when configured as 0)."""
        assert self._socket is not None, "start the server first"
        return self._socket.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    async def start(self) -> None:
        """Listen, then serve in the background; :class:`WebServerUnavailable` if it cannot."""
        if self._task is not None:
            return
        self._socket = listening_socket(self.settings)
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
            server_header=False,
        )
        self._server = server = _Server(config)
        self._task = asyncio.create_task(server.serve(sockets=[self._socket]), name="web")
        while not server.started and not self._task.done():
            await asyncio.sleep(0.01)
        if self._task.done():
            error = self._task.exception()
            await self.stop()
            raise WebServerUnavailable(f"the web server failed to start: {error}")
        log.info("web server listening on %s", self.url)

    async def stop(self) -> None:
        """Stop accepting, finish the requests in hand, close."""
        server, task, self._server, self._task = self._server, self._task, None, None
        if server is not None:
            server.should_exit = True
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def listening_socket(settings: WebSettings) -> socket.socket:
    """A socket bound to ``host:port``, or :class:`WebServerUnavailable` in one line."""
    where = f"{settings.host}:{settings.port}"
    try:
        infos = socket.getaddrinfo(
            settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise WebServerUnavailable(
            f"web.host {settings.host!r} is not an address of this machine ({error.strerror})"
        ) from None
    family, kind, protocol, _, address = infos[0]
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise WebServerUnavailable(_bind_problem(where, error)) from None
    sock.setblocking(False)
    return sock


def _bind_problem(where: str, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {where}: the port is in use (another tawasul run?); stop "
            "what holds it or choose another port ([web] port or TAWASUL_WEB_PORT)"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: not an address of this machine; check [web] host"
    if error.errno == errno.EACCES:
        return (
            f"cannot listen on {where}: permission denied (ports below 1024 need privileges); "
            "choose another port ([web] port or TAWASUL_WEB_PORT)"
        )
    return f"cannot listen on {where}: {error.strerror}; check [web] host and port"
