"""Translations and locale-aware formatting.

Catalogs are the ``.po`` files in ``locales/``; they are compiled in memory when
the bot starts, so there is no build step and no binary file to keep in step.
Values placed inside a right-to-left sentence are wrapped in Unicode isolates so
a Latin name, an email or a phone number keeps its own order.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

DOMAIN = "messages"
FORMAT_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en"}
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
LTR_CLASSES = frozenset({"L", "EN", "AN", "LRE", "LRO", "LRI"})


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def locales_dir() -> Path:
    return Path(str(resources.files("locales")))


def isolate(value: str, *, ltr: bool = False) -> str:
    """Wrap ``value`` so it keeps its own direction inside a sentence."""
    return f"{LRI if ltr else FSI}{value}{PDI}"


class Ltr(str):
    """A value that always reads left to right (phone numbers, emails, codes)."""

    __slots__ = ()


class Native(str):
    """Text written in the reader's own language (an agenda's title or place): placed as
    it is, never isolated, so that a line holding only values takes its direction from it."""

    __slots__ = ()


def _needs_isolate(value: object) -> bool:
    """Only values with left-to-right letters or digits can be reordered by the sentence."""
    return (
        isinstance(value, str)
        and not isinstance(value, Native)
        and any(unicodedata.bidirectional(char) in LTR_CLASSES for char in value)
    )


class Translator:
    """Everything a flow needs to speak one language."""

    def __init__(self, locale: str, translations: NullTranslations) -> None:
        self.locale = locale
        self.format_locale = FORMAT_LOCALES.get(locale, locale)
        self.rtl = Locale.parse(self.format_locale).character_order == "right-to-left"
        self._translations = translations

    def _values(self, values: dict[str, object]) -> dict[str, object]:
        if not self.rtl:
            return values
        return {
            key: isolate(value, ltr=isinstance(value, Ltr)) if _needs_isolate(value) else value
            for key, value in values.items()
        }

    def _(self, message: str, **values: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**self._values(values)) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **self._values(values))

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.format_locale)

    def date(self, day: date) -> str:
        return format_date(day, format="d MMMM y", locale=self.format_locale)

    def long_date(self, day: date) -> str:
        """With the weekday: «الأربعاء 13 نونبر 2024», mercredi 13 novembre 2024."""
        return format_date(day, format="EEEE d MMMM y", locale=self.format_locale)

    def time(self, moment: datetime) -> str:
        """The local wall time of ``moment``, 24-hour: 14:30."""
        return format_time(moment.time(), format="HH:mm", locale=self.format_locale)


class Catalogs:
    """The compiled catalogs of the offered locales."""

    def __init__(
        self, locales: tuple[str, ...], default: str, directory: Path | None = None
    ) -> None:
        directory = directory or locales_dir()
        self.locales = locales
        self.default = default
        self._translators = {
            locale: Translator(
                locale, _compile(directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po")
            )
            for locale in locales
        }

    def translator(self, locale: str | None) -> Translator:
        return self._translators.get(locale or "") or self._translators[self.default]


def _compile(po_file: Path) -> Translations:
    with po_file.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)
