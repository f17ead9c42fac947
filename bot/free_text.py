"""Checks of free-text answers such as a person's full name or position."""

import unicodedata
from enum import StrEnum

from bot.arabic import strip_invisible


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    ONLY_EMOJI = "only_emoji"
    """No letter and no digit at all: emoji, but also "!!!" or "..."."""
    CONTROL_CHARACTERS = "control_characters"
    """Newlines, tabs and other C0/C1 controls, bidi controls or zero-width characters."""


def check_free_text(text: str, *, max_length: int = 120) -> tuple[str | None, TextProblem | None]:
    """Return ``(cleaned, None)`` for an acceptable answer, else ``(None, problem)``.

    Problems are checked in the order EMPTY, CONTROL_CHARACTERS, TOO_LONG, ONLY_EMOJI.
    Controls are rejected rather than stripped: a name with a newline or a hidden bidi mark
    is usually a paste accident the person should see and fix.
    """
    if not text.strip():
        return None, TextProblem.EMPTY
    if strip_invisible(text) != text or any(unicodedata.category(c) == "Cc" for c in text):
        return None, TextProblem.CONTROL_CHARACTERS
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    if len(cleaned) > max_length:
        return None, TextProblem.TOO_LONG
    if not any(unicodedata.category(c)[0] in "LN" for c in cleaned):
        return None, TextProblem.ONLY_EMOJI
    return cleaned, None
