"""The settings of the channels beyond the conversation: WhatsApp, Telegram's webhook mode
and the web server that takes both platforms' webhooks.

Secrets come from the environment only: ``WHATSAPP_APP_SECRET`` (the signature of every
webhook), ``WHATSAPP_ACCESS_TOKEN`` (the Graph API's bearer token),
``WHATSAPP_VERIFY_TOKEN`` (the webhook subscription's challenge) and
``TELEGRAM_WEBHOOK_SECRET`` (Telegram's ``X-Telegram-Bot-Api-Secret-Token``). They are
read here, and whether those a configured channel needs are present is checked when the
bot starts (:func:`missing_secrets`), so that the other commands run without them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from handlers.messages import TEMPLATE_KINDS

DEFAULT_GRAPH_URL = "https://graph.facebook.com"
GRAPH_VERSION = re.compile(r"v\d{1,3}\.\d{1,2}")
PHONE_NUMBER_ID = re.compile(r"\d{5,32}")
TEMPLATE_NAME = re.compile(r"[a-z0-9_]{1,512}")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
TELEGRAM_MODES = ("polling", "webhook")
WHATSAPP_PATH = "/webhooks/whatsapp"
TELEGRAM_PATH = "/webhooks/telegram"
HEALTH_PATH = "/health"


class ChannelSettingsError(Exception):
    """A channel setting is wrong, said in one line (the caller makes it a ConfigError)."""


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template standing for one kind of message.

    ``languages`` maps each of the bot's locales to the template's language code at Meta;
    ``parameters`` names the content's parameters in the order of the template's
    ``{{1}}``, ``{{2}}``…
    """

    kind: str
    name: str
    languages: Mapping[str, str]
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class WhatsAppSettings:
    phone_number_id: str
    api_base_url: str = DEFAULT_GRAPH_URL
    api_version: str = "v21.0"
    rate_per_second: int = 80
    """Messages per second from the number (Meta's default throughput is 80)."""
    templates: Mapping[str, Template] = field(default_factory=lambda: MappingProxyType({}))
    app_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    verify_token: str | None = field(default=None, repr=False)

    @property
    def messages_url(self) -> str:
        return f"{self.api_base_url.rstrip('/')}/{self.api_version}/{self.phone_number_id}"


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8080


@dataclass(frozen=True)
class TelegramWebhook:
    """Telegram's webhook mode: the public URL Telegram posts to, and its secret."""

    url: str
    secret: str | None = field(default=None, repr=False)


def whatsapp_settings(
    raw: dict[str, Any], environ: Mapping[str, str], locales: tuple[str, ...]
) -> WhatsAppSettings | None:
    """``[whatsapp]``; None while ``phone_number_id`` is empty (WhatsApp off)."""
    section = raw.get("whatsapp", {})
    number = str(section.get("phone_number_id", "")).strip()
    if not number:
        return None
    if not PHONE_NUMBER_ID.fullmatch(number):
        raise ChannelSettingsError(
            f"whatsapp.phone_number_id: {number!r} is not a phone number id (the digits "
            "Meta's WhatsApp Manager shows under API Setup, not the phone number itself)"
        )
    version = section.get("api_version", "v21.0")
    if not GRAPH_VERSION.fullmatch(version):
        raise ChannelSettingsError(
            f"whatsapp.api_version: {version!r} is not a Graph API version (e.g. v21.0)"
        )
    rate = section.get("rate_per_second", 80)
    if not 1 <= rate <= 1000:
        raise ChannelSettingsError("whatsapp.rate_per_second: must be 1 to 1000")
    return WhatsAppSettings(
        phone_number_id=number,
        api_base_url=http_url(
            "WHATSAPP_API_BASE_URL",
            environ.get("WHATSAPP_API_BASE_URL"),
            "whatsapp.api_base_url",
            section.get("api_base_url", DEFAULT_GRAPH_URL),
        ),
        api_version=version,
        rate_per_second=rate,
        templates=MappingProxyType(templates(section.get("templates", {}), locales)),
        app_secret=environ.get("WHATSAPP_APP_SECRET") or None,
        access_token=environ.get("WHATSAPP_ACCESS_TOKEN") or None,
        verify_token=environ.get("WHATSAPP_VERIFY_TOKEN") or None,
    )


def templates(raw: Any, locales: tuple[str, ...]) -> dict[str, Template]:
    """``[whatsapp.templates.<kind>]``: each kind known, each locale given a language."""
    if not isinstance(raw, dict):
        raise ChannelSettingsError("whatsapp.templates: must be a table of tables")
    found = {}
    for kind, entry in raw.items():
        where = f"whatsapp.templates.{kind}"
        if kind not in TEMPLATE_KINDS:
            raise ChannelSettingsError(
                f"{where}: unknown kind of message (use {', '.join(sorted(TEMPLATE_KINDS))})"
            )
        if not isinstance(entry, dict):
            raise ChannelSettingsError(f"{where}: must be a table (name, languages, parameters)")
        unknown = sorted(set(entry) - {"name", "languages", "parameters"})
        if unknown:
            raise ChannelSettingsError(f"{where}.{unknown[0]}: unknown key")
        name = entry.get("name", "")
        if not isinstance(name, str) or not TEMPLATE_NAME.fullmatch(name):
            raise ChannelSettingsError(
                f"{where}.name: {name!r} is not a template name (lowercase letters, digits, _)"
            )
        languages = entry.get("languages", {})
        if not isinstance(languages, dict):
            raise ChannelSettingsError(f"{where}.languages: must be a table: {{ ar = 'ar' }}")
        for locale in locales:
            code = languages.get(locale)
            if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
                raise ChannelSettingsError(
                    f"{where}.languages.{locale}: missing or not a language code (e.g. "
                    f'"{locale}"): each offered language needs its approved translation'
                )
        parameters = entry.get("parameters", [])
        known = TEMPLATE_KINDS[kind]
        if not isinstance(parameters, list) or any(p not in known for p in parameters):
            raise ChannelSettingsError(
                f"{where}.parameters: must list some of {', '.join(known) or 'nothing'}"
                " in the template's order"
            )
        found[kind] = Template(kind, name, MappingProxyType(dict(languages)), tuple(parameters))
    return found


def web_settings(raw: dict[str, Any], environ: Mapping[str, str]) -> WebSettings:
    section = raw.get("web", {})
    host = section.get("host", "127.0.0.1")
    port: Any = section.get("port", 8080)
    origin = "web.port"
    if environ.get("TAWASUL_WEB_PORT"):
        origin, port = "TAWASUL_WEB_PORT", environ["TAWASUL_WEB_PORT"]
    try:
        number = int(port)
    except (TypeError, ValueError):
        number = -1
    if not 1 <= number <= 65535:
        raise ChannelSettingsError(f"{origin}: {port!r} is not a port (1 to 65535)")
    if not host or any(char.isspace() for char in host):
        raise ChannelSettingsError(f"web.host: {host!r} is not a host name or address")
    return WebSettings(host, number)


def telegram_webhook(
    telegram: dict[str, Any], environ: Mapping[str, str]
) -> TelegramWebhook | None:
    """``[telegram] mode``: None for long polling, else the webhook's URL and secret."""
    mode = telegram.get("mode", "polling")
    if mode not in TELEGRAM_MODES:
        raise ChannelSettingsError(f"telegram.mode: {mode!r} is not polling or webhook")
    if mode == "polling":
        return None
    url = telegram.get("webhook_url", "")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or not parts.path.endswith(TELEGRAM_PATH):
        raise ChannelSettingsError(
            f"telegram.webhook_url: {url!r} must be the public https URL of this server's "
            f"{TELEGRAM_PATH} (e.g. https://bot.example.ma{TELEGRAM_PATH})"
        )
    secret = environ.get("TELEGRAM_WEBHOOK_SECRET") or None
    if secret is not None and not TELEGRAM_SECRET.fullmatch(secret):
        raise ChannelSettingsError(
            "TELEGRAM_WEBHOOK_SECRET: use 1 to 256 of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
        )
    return TelegramWebhook(url, secret)


def missing_secrets(
    whatsapp: WhatsAppSettings | None, webhook: TelegramWebhook | None
) -> list[str]:
    """The environment variables the configured channels need and do not have."""
    missing = []
    if whatsapp is not None:
        for name, value in (
            ("WHATSAPP_APP_SECRET", whatsapp.app_secret),
            ("WHATSAPP_ACCESS_TOKEN", whatsapp.access_token),
            ("WHATSAPP_VERIFY_TOKEN", whatsapp.verify_token),
        ):
            if not value:
                missing.append(name)
    if webhook is not None and not webhook.secret:
        missing.append("TELEGRAM_WEBHOOK_SECRET")
    return missing


def http_url(env_name: str, env_value: str | None, key: str, value: str) -> str:
    origin, url = (env_name, env_value) if env_value else (key, value)
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid or any(char.isspace() for char in url):
        raise ChannelSettingsError(f"{origin}: {url!r} is not an http(s) URL with a host")
    return url
