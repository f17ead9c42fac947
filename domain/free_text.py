"""Checks of free-text answers such as a person's full name or position."""

import unicodedata
from enum import StrEnum

from domain.arabic import strip_invisible


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    ONLY_EMOJI = "only_emoji"
    """No letter and no digit at all: emoji, but also "!!!" or "..."."""
    NO_LETTERS = "no_letters"
    """Digits (and punctuation) without a letter: a stale option number, not a name."""
    CONTROL_CHARACTERS = "control_characters"
    """C0/C1 controls other than whitespace (escape sequences, NUL, DEL): unreadable."""


def check_free_text(text: str, *, max_length: int = 120) -> tuple[str | None, TextProblem | None]:
    """Return ``(cleaned, None)`` for an acceptable answer, else ``(None, problem)``.

    The marks that phones and keyboards insert without the person seeing them (bidi
    controls, zero-width joiners and non-joiners, the byte-order mark) are removed, and
    whitespace of any kind (a pasted newline or tab included) becomes one space: the
    person could not act on a refusal of what they cannot see. Only other control
    characters are refused. Problems are checked in the order EMPTY, CONTROL_CHARACTERS,
    TOO_LONG, ONLY_EMOJI, NO_LETTERS.
    """
    visible = strip_invisible(text)
    if not visible.strip():
        return None, TextProblem.EMPTY
    if any(unicodedata.category(c) == "Cc" and not c.isspace() for c in visible):
        return None, TextProblem.CONTROL_CHARACTERS
    cleaned = " ".join(unicodedata.normalize("NFC", visible).split())
    if len(cleaned) > max_length:
        return None, TextProblem.TOO_LONG
    if not any(unicodedata.category(c)[0] in "LN" for c in cleaned):
        return None, TextProblem.ONLY_EMOJI
    if not any(unicodedata.category(c)[0] == "L" for c in cleaned):
        return None, TextProblem.NO_LETTERS
    return cleaned, None
