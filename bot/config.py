"""Configuration: one TOML file, checked strictly, with secrets from the environment only.

Every problem is a :class:`ConfigError` naming the key and what is wrong; the
command line turns it into one line on stderr and exit code 2.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from bot.channel_settings import (
    ChannelSettingsError,
    TelegramWebhook,
    WebSettings,
    WhatsAppSettings,
    telegram_webhook,
    web_settings,
    whatsapp_settings,
)
from bot.collectivity_import import DATA, SAMPLE_CSV
from bot.english import count_of
from db.session import DatabaseMisconfigured, check_url
from domain.agenda import Agenda, AgendaInvalid, Problem, moved_to
from domain.agenda import check as check_agenda
from domain.agenda import load as load_agenda
from domain.durations import format_duration, parse_duration
from domain.follow_ups import FollowUpRules
from domain.settings import (
    LONGEST_ROUND_MINUTES,
    EventSettings,
    Localised,
    MatchingSettings,
    PrivacySettings,
    RegistrationSettings,
    ReminderSettings,
    Roles,
    RoundSettings,
)
from domain.themes import Taxonomy, TaxonomyInvalid
from domain.themes import load as load_themes
from domain.toolkit import Toolkit, ToolkitInvalid
from domain.toolkit import load as load_toolkit

SUPPORTED_LOCALES = ("ar", "fr", "en")
CHANNELS = ("telegram", "whatsapp", "console")
LOCAL_CONFIG = "config.toml"
GRANT = re.compile(rf"^({'|'.join(CHANNELS)}):[A-Za-z0-9_.+-]{{1,64}}$")
BOT_USERNAME = re.compile(r"[A-Za-z0-9_]{2,29}bot", re.IGNORECASE)
"""Telegram's rule: 5 to 32 letters, digits or underscores, ending in "bot"."""
DEFAULT_DATABASE_URL = "sqlite:///tawasul.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
SHIPPED_AGENDA = DATA / "agenda.toml"
"""The proposed run of show of the REMACTO workshop, a draft for the organisers."""
SHIPPED_TOOLKIT = DATA / "toolkit.toml"
"""The networking toolkit's cards: good practices, digital tools, keeping links alive."""
SHIPPED_THEMES = DATA / "themes.toml"
"""The themes of open local government and their lexicon (ar, Darija, Arabizi, fr)."""
AGENDA_PROBLEMS_SHOWN = 3
LONGEST_REMINDER = timedelta(days=30)
MAX_SUGGESTIONS = 10
"""A list of suggestions stays one message, its buttons within a WhatsApp list (10 rows)."""


class ConfigError(Exception):
    """A configuration problem, said in one line."""


@dataclass(frozen=True)
class Settings:
    event: EventSettings
    default_locale: str
    locales: tuple[str, ...]
    collectivities_file: Path
    roles: Roles
    database_url: str
    telegram_api_base_url: str
    telegram_bot_username: str
    telegram_token: str | None = field(default=None, repr=False)
    agenda_file: Path = SHIPPED_AGENDA
    agenda: Agenda = field(default_factory=Agenda)
    """The run of show, read from ``agenda_file`` and checked against the event's day."""
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    toolkit: Toolkit = field(default_factory=Toolkit)
    """The networking toolkit's cards, from ``[toolkit] file`` or the shipped ones."""
    themes_file: Path = SHIPPED_THEMES
    themes: Taxonomy = field(default_factory=Taxonomy, repr=False)
    """The interests' themes, read from ``themes_file`` ([interests])."""
    privacy: PrivacySettings = field(default_factory=lambda: _privacy({}))
    registration: RegistrationSettings = field(default_factory=lambda: RegistrationSettings())
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    rounds: RoundSettings = field(default_factory=RoundSettings)
    """The speed-networking rounds' default length and warning ([rounds])."""
    follow_ups: FollowUpRules = field(default_factory=FollowUpRules)
    """When each commitment is followed up ([follow_ups])."""
    delivery_rate_per_second: int = 30
    """Messages per second for the whole bot, replies and bulk together ([delivery])."""
    delivery_per_chat_per_second: float | None = 1.0
    """Messages per second to one chat after its burst; None: not limited ([delivery])."""
    delivery_per_chat_burst: int = 3
    whatsapp: WhatsAppSettings | None = None
    """The WhatsApp Cloud API channel ([whatsapp]); None while it is off."""
    telegram_webhook: TelegramWebhook | None = None
    """Telegram's webhook mode ([telegram] mode = "webhook"); None: long polling."""
    web: WebSettings = field(default_factory=WebSettings)
    """Where the web server listens for webhooks ([web]), when a channel needs one."""


def _embedded_defaults() -> str:
    return resources.files("bot").joinpath("default_config.toml").read_text("utf-8")


def load_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    read_agenda: bool = True,
) -> Settings:
    """Read the configuration.

    The file is ``path``, else ``TAWASUL_CONFIG``, else ``config.toml`` in the current
    folder; what it leaves out, and everything when there is none, comes from the
    embedded defaults (``bot/default_config.toml``).
    With ``read_agenda`` False the agenda file is located but not read (``tawasul agenda
    check`` reads a file of its own, even while the configured one is wrong).
    """
    environ = os.environ if environ is None else environ
    chosen = path or environ.get("TAWASUL_CONFIG") or None
    if chosen is None and Path(LOCAL_CONFIG).is_file():
        chosen = LOCAL_CONFIG
    if chosen is None:
        raw, base = _parse(_embedded_defaults(), "embedded defaults"), None
    else:
        file = Path(chosen)
        try:
            text = file.read_text("utf-8")
        except FileNotFoundError:
            raise ConfigError(f"config file {file}: not found") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"config file {file}: cannot be read ({error})") from None
        raw, base = _with_defaults(_parse(text, str(file))), file.parent
    return _settings(raw, base, environ, read_agenda)


def _with_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    """A file's settings over the embedded defaults: a key it leaves out keeps its default.

    The file is checked first, so that an unknown key or a missing ``[event]`` key is
    still named as the file's mistake.
    """
    _check_shape(raw)
    defaults = _parse(_embedded_defaults(), "embedded defaults")
    merged = {section: dict(values) for section, values in defaults.items()}
    for section, values in raw.items():
        merged.setdefault(section, {}).update(values)
    return merged


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{origin}: not valid TOML ({error})") from None


SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "event": {
        "code": str,
        "name": dict,
        "date": date,
        "place": dict,
        "timezone": str,
    },
    "i18n": {"default_locale": str, "locales": list},
    "collectivities": {"file": str},
    "agenda": {"file": str},
    "toolkit": {"file": str},
    "interests": {"themes_file": str},
    "reminders": {"before_event": list, "before_session": list},
    "roles": {"organisers": list, "facilitators": list},
    "database": {"url": str},
    "telegram": {"api_base_url": str, "bot_username": str, "mode": str, "webhook_url": str},
    "whatsapp": {
        "phone_number_id": str,
        "api_base_url": str,
        "api_version": str,
        "rate_per_second": int,
        "templates": dict,
    },
    "web": {"host": str, "port": int},
    "privacy": {
        "controller": dict,
        "contact_email": str,
        "retention_months": int,
        "cndp_reference": str,
        "sent_replies_days": int,
    },
    "registration": {"draft_expiry_days": int},
    "matching": {"suggestions": int},
    "rounds": {"minutes": int, "warning_minutes": int},
    "follow_ups": {
        "after_days": int,
        "halfway": bool,
        "before_days": int,
        "on_deadline": bool,
        "every_days": int,
        "at_most": int,
        "hour": int,
    },
    "delivery": {
        "rate_per_second": int,
        "per_chat_per_second": (int, float),
        "per_chat_burst": int,
    },
}
SECRET_KEYS = {
    ("whatsapp", "app_secret"): "WHATSAPP_APP_SECRET",
    ("whatsapp", "access_token"): "WHATSAPP_ACCESS_TOKEN",
    ("whatsapp", "verify_token"): "WHATSAPP_VERIFY_TOKEN",
    ("telegram", "webhook_secret"): "TELEGRAM_WEBHOOK_SECRET",
}
REQUIRED = {"event": ("code", "name", "date", "place", "timezone")}


def _check_shape(raw: dict[str, Any]) -> None:
    for section, value in raw.items():
        if section not in SCHEMA:
            raise ConfigError(f"[{section}]: unknown section")
        if not isinstance(value, dict):
            raise ConfigError(f"{section}: must be a table")
        for key, item in value.items():
            expected = SCHEMA[section].get(key)
            if (section, key) in SECRET_KEYS:
                raise ConfigError(
                    f"{section}.{key}: a secret does not belong in the file: remove it and set "
                    f"{SECRET_KEYS[section, key]} in the environment instead"
                )
            if (section, key) == ("telegram", "token"):
                raise ConfigError(
                    "telegram.token: a secret does not belong in the file: remove it and set "
                    "TELEGRAM_BOT_TOKEN in the environment instead"
                )
            if expected is None:
                raise ConfigError(f"{section}.{key}: unknown key")
            if not isinstance(item, expected) or isinstance(item, bool) != (expected is bool):
                raise ConfigError(
                    f"{section}.{key}: must be {_type_name(expected)}, not {_type_name(type(item))}"
                )
    for section, keys in REQUIRED.items():
        for key in keys:
            if key not in raw.get(section, {}):
                raise ConfigError(f"{section}.{key}: missing")


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", dict: "a table", list: "a list", date: "a date (YYYY-MM-DD)"}
    names |= {int: "an integer", bool: "true or false", float: "a number", (int, float): "a number"}
    return names.get(kind, getattr(kind, "__name__", str(kind)))


def _localised(raw: dict[str, Any], key: str) -> Localised:
    table = raw["event"][key]
    for locale, text in table.items():
        if locale not in SUPPORTED_LOCALES:
            raise ConfigError(f"event.{key}.{locale}: unknown locale (use ar, fr or en)")
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"event.{key}.{locale}: must be a non-empty string")
    missing = [locale for locale in SUPPORTED_LOCALES if locale not in table]
    if missing:
        raise ConfigError(f"event.{key}.{missing[0]}: missing")
    return Localised(**{locale: table[locale].strip() for locale in SUPPORTED_LOCALES})


def _locale(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: must be a string")
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(f"{key}: unknown locale {value!r}") from None
    if value not in SUPPORTED_LOCALES:
        raise ConfigError(f"{key}: locale {value!r} has no catalog (use ar, fr or en)")
    return value


def _grants(raw: dict[str, Any], key: str) -> frozenset[str]:
    grants = raw.get("roles", {}).get(key, [])
    for grant in grants:
        if not isinstance(grant, str) or not GRANT.match(grant):
            raise ConfigError(
                f"roles.{key}: {grant!r} is not 'channel:id' (e.g. 'telegram:123456789')"
            )
    return frozenset(grants)


def _settings(
    raw: dict[str, Any], base: Path | None, environ: Mapping[str, str], read_agenda: bool = True
) -> Settings:
    _check_shape(raw)
    event = raw["event"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", event["code"]):
        raise ConfigError("event.code: use lowercase letters, digits and hyphens")
    try:
        ZoneInfo(event["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"event.timezone: unknown time zone {event['timezone']!r}") from None

    i18n = raw.get("i18n", {})
    locales = tuple(
        _locale(value, "i18n.locales") for value in i18n.get("locales", SUPPORTED_LOCALES)
    )
    if not locales:
        raise ConfigError("i18n.locales: must name at least one locale")
    repeated = next((value for value in locales if locales.count(value) > 1), None)
    if repeated is not None:
        raise ConfigError(f"i18n.locales: {repeated!r} is listed twice (name each locale once)")
    default_locale = _locale(i18n.get("default_locale", "ar"), "i18n.default_locale")
    if default_locale not in locales:
        raise ConfigError("i18n.default_locale: must be one of i18n.locales")

    file_value = raw.get("collectivities", {}).get("file", "")
    if file_value:
        collectivities = Path(file_value)
        if not collectivities.is_absolute() and base is not None:
            collectivities = base.resolve() / collectivities
        if not collectivities.is_file():
            raise ConfigError(f"collectivities.file: {collectivities} not found")
    else:
        collectivities = SAMPLE_CSV

    telegram = raw.get("telegram", {})
    event_settings = EventSettings(
        code=event["code"],
        name=_localised(raw, "name"),
        date=event["date"],
        place=_localised(raw, "place"),
        timezone=event["timezone"],
    )
    try:
        whatsapp = whatsapp_settings(raw, environ, locales)
        webhook = telegram_webhook(telegram, environ)
        web = web_settings(raw, environ)
    except ChannelSettingsError as error:
        raise ConfigError(str(error)) from None
    agenda_file = _data_file(raw, base, "agenda", "file", SHIPPED_AGENDA)
    themes_file = _data_file(raw, base, "interests", "themes_file", SHIPPED_THEMES)
    return Settings(
        event=event_settings,
        default_locale=default_locale,
        locales=locales,
        collectivities_file=collectivities,
        roles=Roles(_grants(raw, "organisers"), _grants(raw, "facilitators")),
        database_url=_database_url(raw, base, environ),
        telegram_api_base_url=_api_base_url(telegram, environ),
        telegram_bot_username=_bot_username(telegram.get("bot_username", "TawasulBot")),
        telegram_token=environ.get("TELEGRAM_BOT_TOKEN") or None,
        agenda_file=agenda_file,
        toolkit=read_toolkit_file(_data_file(raw, base, "toolkit", "file", SHIPPED_TOOLKIT)),
        agenda=read_agenda_file(agenda_file, event_settings) if read_agenda else Agenda(),
        reminders=_reminders(raw),
        themes_file=themes_file,
        themes=read_themes_file(themes_file),
        privacy=_privacy(raw),
        registration=_registration(raw),
        matching=_matching(raw),
        rounds=_rounds(raw),
        follow_ups=_follow_ups(raw),
        delivery_rate_per_second=_delivery_rate(raw),
        delivery_per_chat_per_second=_per_chat_rate(raw),
        delivery_per_chat_burst=_per_chat_burst(raw),
        whatsapp=whatsapp,
        telegram_webhook=webhook,
        web=web,
    )


def _database_url(raw: dict[str, Any], base: Path | None, environ: Mapping[str, str]) -> str:
    """The database URL, a relative SQLite path taken from the file's folder.

    A path in ``TAWASUL_DATABASE_URL`` or in the embedded defaults stays relative to the
    current folder, as a shell user expects.
    """
    if environ.get("TAWASUL_DATABASE_URL"):
        origin, url, base = "TAWASUL_DATABASE_URL", environ["TAWASUL_DATABASE_URL"], None
    else:
        origin, url = "database.url", raw.get("database", {}).get("url", DEFAULT_DATABASE_URL)
    try:
        parsed = check_url(url)
    except DatabaseMisconfigured as error:
        raise ConfigError(f"{origin}: {error}") from None
    path = parsed.database
    if (
        base is not None
        and parsed.get_backend_name() == "sqlite"
        and path
        and path != ":memory:"
        and not Path(path).is_absolute()
    ):
        return parsed.set(database=str(base.resolve() / path)).render_as_string(hide_password=False)
    return url


def _api_base_url(telegram: dict[str, Any], environ: Mapping[str, str]) -> str:
    if environ.get("TELEGRAM_API_BASE_URL"):
        origin, url = "TELEGRAM_API_BASE_URL", environ["TELEGRAM_API_BASE_URL"]
    else:
        origin, url = "telegram.api_base_url", telegram.get("api_base_url", DEFAULT_API_BASE_URL)
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid or any(char.isspace() for char in url):
        raise ConfigError(
            f"{origin}: {url!r} is not an http(s) URL with a host (e.g. {DEFAULT_API_BASE_URL})"
        )
    return url


def _bot_username(value: str) -> str:
    name = value.removeprefix("@")
    if not BOT_USERNAME.fullmatch(name):
        raise ConfigError(
            f"telegram.bot_username: {value!r} is not a Telegram bot username "
            "(5 to 32 letters, digits or _, ending in 'bot', e.g. TawasulBot)"
        )
    return name


# [agenda] and [reminders]


def _data_file(
    raw: dict[str, Any], base: Path | None, section: str, key: str, shipped: Path
) -> Path:
    """The file ``[section] key`` names (relative: next to the config file), which must
    exist; empty: the one shipped."""
    value = raw.get(section, {}).get(key, "")
    if not value:
        return shipped
    file = Path(value)
    if not file.is_absolute() and base is not None:
        file = base.resolve() / file
    if not file.is_file():
        raise ConfigError(f"{section}.{key}: {file} not found")
    return file


def read_agenda_file(file: Path, event: EventSettings) -> Agenda:
    """The run of show in ``file``, checked against the event's day and time zone; a bad
    one is a :class:`ConfigError` giving the first problems and how to see them all.

    The shipped draft is a proposed format, not a date: it is moved to the event's day,
    at the same local times. A file the organisers name must be for that day.
    """
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"agenda.file {file}: cannot be read ({error})") from None
    draft = file == SHIPPED_AGENDA
    try:
        agenda = load_agenda(
            text,
            timezone=event.timezone,
            day=None if draft else event.date,
            csv_format=file.suffix.casefold() == ".csv",
        )
    except AgendaInvalid as invalid:
        raise _agenda_error(file, invalid.problems) from None
    if not draft:
        return agenda
    moved = moved_to(agenda, event.date)
    problems = check_agenda(moved, event.date)
    if problems:
        raise _agenda_error(file, problems)
    return moved


def read_toolkit_file(file: Path) -> Toolkit:
    """The toolkit's cards in ``file``; a bad one is a :class:`ConfigError` giving the first
    problems."""
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"toolkit.file {file}: cannot be read ({error})") from None
    try:
        return load_toolkit(text)
    except ToolkitInvalid as invalid:
        shown = "; ".join(invalid.problems[:AGENDA_PROBLEMS_SHOWN])
        more = len(invalid.problems) - AGENDA_PROBLEMS_SHOWN
        rest = f"; and {more} more" if more > 0 else ""
        raise ConfigError(
            f"toolkit.file {file}: "
            f"{count_of(len(invalid.problems), 'problem', 'problems')}: {shown}{rest}"
        ) from None


def _agenda_error(file: Path, problems: list[Problem]) -> ConfigError:
    shown = "; ".join(str(problem) for problem in problems[:AGENDA_PROBLEMS_SHOWN])
    more = len(problems) - AGENDA_PROBLEMS_SHOWN
    rest = f"; and {more} more" if more > 0 else ""
    return ConfigError(
        f"agenda.file {file}: {count_of(len(problems), 'problem', 'problems')}: "
        f"{shown}{rest}; see them all with: tawasul agenda check {file}"
    )


# [interests]


def read_themes_file(file: Path) -> Taxonomy:
    """The themes in ``file``; a bad one is a :class:`ConfigError` giving its first problems."""
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"interests.themes_file {file}: cannot be read ({error})") from None
    try:
        return _taxonomy(text)
    except TaxonomyInvalid as invalid:
        problems = invalid.problems
        shown = "; ".join(str(problem) for problem in problems[:AGENDA_PROBLEMS_SHOWN])
        more = len(problems) - AGENDA_PROBLEMS_SHOWN
        rest = f"; and {more} more" if more > 0 else ""
        raise ConfigError(
            f"interests.themes_file {file}: "
            f"{count_of(len(problems), 'problem', 'problems')}: {shown}{rest}"
        ) from None


@functools.lru_cache(maxsize=4)
def _taxonomy(text: str) -> Taxonomy:
    """Compiling the lexicon takes some 30 ms; a taxonomy is immutable, so one is shared."""
    return load_themes(text)


def _reminders(raw: dict[str, Any]) -> ReminderSettings:
    section = raw.get("reminders", {})
    defaults = ReminderSettings()
    return ReminderSettings(
        before_event=_offsets(section, "before_event", defaults.before_event),
        before_session=_offsets(section, "before_session", defaults.before_session),
    )


def _offsets(
    section: dict[str, Any], key: str, default: tuple[timedelta, ...]
) -> tuple[timedelta, ...]:
    """Durations such as ``["24h", "1h"]``, longest first; an empty list: no reminder."""
    if key not in section:
        return default
    offsets = []
    for item in section[key]:
        if not isinstance(item, str):
            raise ConfigError(f'reminders.{key}: {item!r} is not a duration such as "10m"')
        try:
            offset = parse_duration(item)
        except ValueError as error:
            raise ConfigError(f"reminders.{key}: {error}") from None
        if not timedelta(seconds=1) <= offset <= LONGEST_REMINDER:
            raise ConfigError(f"reminders.{key}: {item!r} must be from 1s to 30d")
        if offset in offsets:
            raise ConfigError(
                f"reminders.{key}: {format_duration(offset)} is listed twice (name each once)"
            )
        offsets.append(offset)
    return tuple(sorted(offsets, reverse=True))


# [privacy] and [registration]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _privacy_defaults() -> dict[str, Any]:
    return _parse(_embedded_defaults(), "embedded defaults")["privacy"]


def _privacy(raw: dict[str, Any]) -> PrivacySettings:
    """The ``[privacy]`` section; each key missing from the file takes the shipped value."""
    section = {**_privacy_defaults(), **raw.get("privacy", {})}
    controller = section["controller"]
    for locale, text in controller.items():
        if locale not in SUPPORTED_LOCALES:
            raise ConfigError(f"privacy.controller.{locale}: unknown locale (use ar, fr or en)")
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"privacy.controller.{locale}: must be a non-empty string")
    missing = [locale for locale in SUPPORTED_LOCALES if locale not in controller]
    if missing:
        raise ConfigError(f"privacy.controller.{missing[0]}: missing")
    email = section["contact_email"].strip()
    if not _EMAIL.match(email):
        raise ConfigError(
            f"privacy.contact_email: {email!r} is not an email address "
            "(people write there to exercise their rights)"
        )
    months = section["retention_months"]
    if not 1 <= months <= 120:
        raise ConfigError("privacy.retention_months: must be between 1 and 120")
    replies_days = section.get("sent_replies_days", 7)
    if not 1 <= replies_days <= 365:
        raise ConfigError("privacy.sent_replies_days: must be between 1 and 365")
    return PrivacySettings(
        controller=Localised(
            **{locale: controller[locale].strip() for locale in SUPPORTED_LOCALES}
        ),
        contact_email=email,
        retention_months=months,
        cndp_reference=section.get("cndp_reference", "").strip(),
        sent_replies_days=replies_days,
    )


def _registration(raw: dict[str, Any]) -> RegistrationSettings:
    days = raw.get("registration", {}).get("draft_expiry_days", 7)
    if not 1 <= days <= 365:
        raise ConfigError("registration.draft_expiry_days: must be between 1 and 365")
    return RegistrationSettings(draft_expiry_days=days)


def _matching(raw: dict[str, Any]) -> MatchingSettings:
    suggestions = raw.get("matching", {}).get("suggestions", MatchingSettings.suggestions)
    if not 1 <= suggestions <= MAX_SUGGESTIONS:
        raise ConfigError(f"matching.suggestions: must be between 1 and {MAX_SUGGESTIONS}")
    return MatchingSettings(suggestions=suggestions)


def _rounds(raw: dict[str, Any]) -> RoundSettings:
    section = raw.get("rounds", {})
    minutes = section.get("minutes", RoundSettings.minutes)
    warning = section.get("warning_minutes", RoundSettings.warning_minutes)
    if not 1 <= minutes <= LONGEST_ROUND_MINUTES:
        raise ConfigError(f"rounds.minutes: must be between 1 and {LONGEST_ROUND_MINUTES}")
    if not 0 <= warning < minutes:
        raise ConfigError(
            "rounds.warning_minutes: must be 0 (no warning) or more, and less than rounds.minutes"
        )
    return RoundSettings(minutes=minutes, warning_minutes=warning)


FOLLOW_UP_RANGES = {
    "after_days": (1, 365),
    "before_days": (0, 365),
    "every_days": (0, 365),
    "at_most": (0, 50),
    "hour": (0, 23),
}


def _follow_ups(raw: dict[str, Any]) -> FollowUpRules:
    section = raw.get("follow_ups", {})
    for key, (low, high) in FOLLOW_UP_RANGES.items():
        value = section.get(key, getattr(FollowUpRules, key))
        if not low <= value <= high:
            raise ConfigError(f"follow_ups.{key}: must be between {low} and {high}")
    return FollowUpRules(**section)


def _delivery_rate(raw: dict[str, Any]) -> int:
    rate = raw.get("delivery", {}).get("rate_per_second", 30)
    if not 1 <= rate <= 1000:
        raise ConfigError("delivery.rate_per_second: must be between 1 and 1000")
    return rate


def _per_chat_rate(raw: dict[str, Any]) -> float | None:
    """Telegram's guidance of about one message a second per chat; 0 turns it off."""
    rate = raw.get("delivery", {}).get("per_chat_per_second", 1)
    if rate == 0:
        return None
    if not 0.01 <= rate <= 1000:
        raise ConfigError("delivery.per_chat_per_second: must be 0 (off) or between 0.01 and 1000")
    return float(rate)


def _per_chat_burst(raw: dict[str, Any]) -> int:
    burst = raw.get("delivery", {}).get("per_chat_burst", 3)
    if not 1 <= burst <= 100:
        raise ConfigError("delivery.per_chat_burst: must be between 1 and 100")
    return burst


def privacy_placeholder_warnings(settings: Settings) -> list[str]:
    """One line per ``[privacy]`` fact that is still the shipped placeholder.

    A value is a placeholder when it equals the embedded default (the shipped file says
    so in its comments), or, for the contact address, when its domain is an
    ``example`` domain. ``tawasul run`` logs each line as a warning.
    """
    privacy = settings.privacy
    defaults = _privacy_defaults()
    warnings = []
    if privacy.controller == Localised(**defaults["controller"]):
        warnings.append(
            "privacy.controller is the shipped placeholder: name the real data controller "
            "in config.toml before inviting participants"
        )
    domain = privacy.contact_email.rpartition("@")[2].casefold()
    if privacy.contact_email == defaults["contact_email"] or domain.split(".")[0] == "example":
        warnings.append(
            f"privacy.contact_email {privacy.contact_email} is a placeholder: give the address "
            "where participants can exercise their rights"
        )
    return warnings
