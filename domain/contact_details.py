"""Parsing of phone numbers and e-mail addresses typed or shared by a focal point."""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from domain.arabic import strip_invisible, to_ascii_digits

# Digits and the separators people actually type, as one number: it opens with a digit, "+"
# or "(" ("(+212) 6…", "(06) …"), closes with a digit or ")", and has one separator at a
# time. Anything else (letters, "ext", "#", "tel:", a leading "-") is refused here because
# phonenumbers would otherwise read vanity letters or extensions, or drop the stray sign.
_PHONE_SHAPE = re.compile(r"\(?\+?\(?[0-9]+(?:(?:[ .\-/]|\) ?|\(| ?\()[0-9]+)*\)?")
_MAX_EMAIL_LENGTH = 254


def parse_phone(text: str, default_region: str = "MA") -> str | None:
    """Return the number in E.164 form ("+212612345678"), or None if it is not valid.

    National forms are read in ``default_region``; "00" and a bare leading country code
    ("212612345678", as Telegram shares contacts) are understood by phonenumbers itself.
    """
    cleaned = " ".join(to_ascii_digits(strip_invisible(text)).split())
    if not _PHONE_SHAPE.fullmatch(cleaned):
        return None
    try:
        number = phonenumbers.parse(cleaned, default_region)
    except phonenumbers.NumberParseException:
        return None
    if number.extension or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """Format an E.164 number for display, e.g. "+212 6 12 34 56 78"."""
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_email(text: str) -> str | None:
    """Return the normalised address (domain lower-cased), or None if the syntax is wrong.

    Deliverability is never checked, so this makes no network request.
    """
    cleaned = strip_invisible(text).strip()
    if len(cleaned) > _MAX_EMAIL_LENGTH:
        return None
    try:
        return validate_email(cleaned, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
